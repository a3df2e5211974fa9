"""/v1/organizations/{id}/members: who may add, promote, demote, remove and leave."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Membership, Role
from tests.factories import make_user
from tests.orgs.factories import (
    CREDENTIALS,
    add_member,
    assert_error,
    client_as,
    make_organization,
    owner_count,
    role_matrix,
)

pytestmark = pytest.mark.django_db


def members_url(organization) -> str:
    return f"/v1/organizations/{organization.pk}/members"


def member_url(organization, user) -> str:
    return f"{members_url(organization)}/{user.pk}"


def role_of(organization, user) -> str | None:
    return (
        Membership.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )


# --- The role matrix (docs/api.md) ----------------------------------------------------------------
# Acme has two owners (owner, co_owner), so no cell below runs into the last-owner rule.

MEMBER_MATRIX = {
    # action: (member, admin, owner, outsider)
    "list": (200, 200, 200, 404),
    "retrieve": (200, 200, 200, 404),
    "add_member": (403, 201, 201, 404),
    "add_admin": (403, 201, 201, 404),
    "add_owner": (403, 403, 201, 404),
    "promote_member_to_admin": (403, 200, 200, 404),
    "demote_admin_to_member": (403, 200, 200, 404),
    "promote_member_to_owner": (403, 403, 200, 404),
    "demote_owner_to_admin": (403, 403, 200, 404),
    "remove_member": (403, 204, 204, 404),
    "remove_admin": (403, 204, 204, 404),
    "remove_owner": (403, 403, 204, 404),
    "leave": (204, 204, 204, 404),
}


def perform(client, action: str, team, persona: str):
    """Do `action`; answer the response and the (user, role) it should leave when it works."""
    org = team.organization
    if action == "list":
        return client.get(members_url(org)), None
    if action == "retrieve":
        return client.get(member_url(org, team.target_member)), None
    if action.startswith("add_"):
        role = action.removeprefix("add_")
        body = {"email": team.newcomer.email, "role": role}
        return client.post(members_url(org), body, format="json"), (team.newcomer, role)
    changes = {
        "promote_member_to_admin": (team.target_member, "admin"),
        "demote_admin_to_member": (team.target_admin, "member"),
        "promote_member_to_owner": (team.target_member, "owner"),
        "demote_owner_to_admin": (team.co_owner, "admin"),
    }
    if action in changes:
        target, role = changes[action]
        url = member_url(org, target)
        return client.patch(url, {"role": role}, format="json"), (target, role)
    removals = {
        "remove_member": team.target_member,
        "remove_admin": team.target_admin,
        "remove_owner": team.co_owner,
        "leave": team.persona(persona),
    }
    target = removals[action]
    return client.delete(member_url(org, target)), (target, None)


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(("action", "persona", "expected"), role_matrix(MEMBER_MATRIX))
def test_role_matrix_for_members(team, credential, action, persona, expected):
    client = client_as(team.persona(persona), credential)
    before = dict(
        Membership.objects.filter(organization=team.organization).values_list("user", "role")
    )

    response, effect = perform(client, action, team, persona)

    assert response.status_code == expected, response.content
    after = dict(
        Membership.objects.filter(organization=team.organization).values_list("user", "role")
    )
    if expected >= 400:
        assert_error(response, expected, {403: "forbidden", 404: "not_found"}[expected])
        assert after == before  # a refused request changes nothing
    elif effect is not None:
        user, role = effect
        assert after.get(user.pk) == role
        assert owner_count(team.organization) >= 1


@pytest.mark.parametrize(
    "action",
    ["add_member", "promote_member_to_admin", "remove_member", "leave"],
)
@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_not_change_members(team, persona, action):
    client = client_as(team.persona(persona), "read_only_key")
    before = dict(
        Membership.objects.filter(organization=team.organization).values_list("user", "role")
    )

    response, _ = perform(client, action, team, persona)

    assert_error(response, 403, "forbidden")
    after = dict(
        Membership.objects.filter(organization=team.organization).values_list("user", "role")
    )
    assert after == before


@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_list_members(team, persona):
    response = client_as(team.persona(persona), "read_only_key").get(members_url(team.organization))

    assert response.status_code == 200
    assert len(response.json()["results"]) == 6


# --- Shapes ----------------------------------------------------------------------------------


def test_members_are_listed_with_their_user_and_role(team):
    response = client_as(team.member).get(members_url(team.organization))

    assert response.status_code == 200
    results = response.json()["results"]
    roles = {m["user"]["email"]: m["role"] for m in results}
    assert roles == {
        "olive@example.com": "owner",
        "oscar@example.com": "owner",
        "ada@example.com": "admin",
        "max@example.com": "member",
        "tom@example.com": "admin",
        "tess@example.com": "member",
    }
    assert set(results[0]) == {"user", "role", "created_at", "updated_at"}
    assert set(results[0]["user"]) == {"id", "email", "name"}


def test_admin_adds_a_member_by_email_in_any_case(team):
    response = client_as(team.admin).post(
        members_url(team.organization), {"email": "NIA@Example.com"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["user"] == {
        "id": str(team.newcomer.pk),
        "email": "nia@example.com",
        "name": "Nia Newcomer",
    }
    assert response.json()["role"] == "member"  # the default
    assert role_of(team.organization, team.newcomer) == Role.MEMBER


def test_a_new_member_sees_the_organization(team):
    add_member(team.organization, team.newcomer)

    response = client_as(team.newcomer).get(f"/v1/organizations/{team.organization.pk}")

    assert response.status_code == 200
    assert response.json()["role"] == "member"


def test_retrieving_a_member_by_user_id(team):
    response = client_as(team.member).get(member_url(team.organization, team.target_admin) + "/")

    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(team.target_admin.pk)
    assert response.json()["role"] == "admin"


def test_patch_without_a_role_changes_nothing(team):
    response = client_as(team.admin).patch(
        member_url(team.organization, team.target_member), {}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["role"] == "member"


def test_put_is_not_a_method_of_members(team):
    response = client_as(team.owner).put(
        member_url(team.organization, team.target_member), {"role": "admin"}, format="json"
    )

    assert_error(response, 405, "method_not_allowed")


def test_admin_may_demote_themselves(team):
    response = client_as(team.admin).patch(
        member_url(team.organization, team.admin), {"role": "member"}, format="json"
    )

    assert response.status_code == 200
    assert role_of(team.organization, team.admin) == Role.MEMBER


def test_admin_may_not_promote_themselves_to_owner(team):
    response = client_as(team.admin).patch(
        member_url(team.organization, team.admin), {"role": "owner"}, format="json"
    )

    error = assert_error(response, 403, "forbidden")
    assert "owner" in error["message"]
    assert role_of(team.organization, team.admin) == Role.ADMIN


def test_member_may_not_promote_themselves(team):
    response = client_as(team.member).patch(
        member_url(team.organization, team.member), {"role": "admin"}, format="json"
    )

    assert_error(response, 403, "forbidden")


def test_owner_hands_over_ownership_and_leaves():
    olive, max_ = make_user(), make_user()
    organization = make_organization(owner=olive)
    add_member(organization, max_)
    client = client_as(olive)

    promoted = client.patch(member_url(organization, max_), {"role": "owner"}, format="json")
    left = client.delete(member_url(organization, olive))

    assert (promoted.status_code, left.status_code) == (200, 204)
    assert list(
        Membership.objects.filter(organization=organization).values_list("user", "role")
    ) == [(max_.pk, "owner")]
    assert client.get(f"/v1/organizations/{organization.pk}").status_code == 404


# --- The last owner (409) --------------------------------------------------------------------


@pytest.fixture
def solo():
    """An organization whose only owner is Olive, with an admin and a member."""
    olive, ada, max_ = make_user(), make_user(), make_user()
    organization = make_organization(owner=olive)
    add_member(organization, ada, Role.ADMIN)
    add_member(organization, max_, Role.MEMBER)
    return organization, olive, ada, max_


@pytest.mark.parametrize("role", ["admin", "member"])
def test_the_last_owner_cannot_demote_themselves(solo, role):
    organization, olive, _, _ = solo

    response = client_as(olive).patch(
        member_url(organization, olive), {"role": role}, format="json"
    )

    error = assert_error(response, 409, "conflict")
    assert error["message"] == "An organization must keep at least one owner"
    assert role_of(organization, olive) == Role.OWNER


def test_the_last_owner_cannot_leave(solo):
    organization, olive, _, _ = solo

    response = client_as(olive).delete(member_url(organization, olive))

    assert_error(response, 409, "conflict")
    assert role_of(organization, olive) == Role.OWNER


def test_the_last_owner_cannot_be_removed_even_by_an_admin(solo):
    organization, olive, ada, _ = solo

    response = client_as(ada).delete(member_url(organization, olive))

    # Two reasons to refuse; the one that stays true whoever asks is given (see orgs.services).
    assert_error(response, 409, "conflict")
    assert role_of(organization, olive) == Role.OWNER


def test_the_last_owner_survives_every_attempt_in_a_row(solo):
    organization, olive, _, _ = solo
    client = client_as(olive)

    statuses = [
        client.patch(
            member_url(organization, olive), {"role": "member"}, format="json"
        ).status_code,
        client.delete(member_url(organization, olive)).status_code,
    ]

    assert statuses == [409, 409]
    assert owner_count(organization) == 1


def test_an_owner_may_leave_when_another_owner_stays(team):
    response = client_as(team.co_owner).delete(member_url(team.organization, team.co_owner))

    assert response.status_code == 204
    assert owner_count(team.organization) == 1


# --- Malformed requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "issue"),
    [
        ({}, "email", None),
        ({"role": "admin"}, "email", None),
        ({"email": "not-an-email"}, "email", "Must be a valid email address"),
        ({"email": "nobody@example.com"}, "email", "No CloudBooks user has this email"),
        ({"email": "nia@example.com", "role": "boss"}, "role", None),
        ({"email": "nia@example.com", "role": ""}, "role", None),
    ],
    ids=[
        "empty",
        "missing-email",
        "bad-email",
        "unknown-email",
        "bad-role",
        "blank-role",
    ],
)
def test_malformed_member_is_400(team, body, field, issue):
    response = client_as(team.owner).post(members_url(team.organization), body, format="json")

    error = assert_error(response, 400, "invalid_request", field=field)
    if issue:
        assert error["details"]["issue"] == issue
    assert Membership.objects.filter(organization=team.organization).count() == 6


def test_owner_adding_an_unknown_email_is_told_no_user_has_it(team):
    response = client_as(team.owner).post(
        members_url(team.organization), {"email": "nobody@example.com"}, format="json"
    )

    error = assert_error(response, 400, "invalid_request", field="email")
    # Well formed, so not "Invalid email format": the message says what is wrong.
    assert error["message"] == "Invalid value for email: No CloudBooks user has this email"
    assert Membership.objects.filter(organization=team.organization).count() == 6


def test_owner_adding_someone_already_a_member_gets_a_409_conflict_on_email(team):
    response = client_as(team.owner).post(
        members_url(team.organization),
        {"email": team.member.email, "role": "admin"},
        format="json",
    )

    error = assert_error(response, 409, "conflict", field="email")
    assert error["message"] == "This user is already a member of the organization"
    assert role_of(team.organization, team.member) == Role.MEMBER


def test_an_inactive_user_cannot_be_added(team):
    team.newcomer.is_active = False
    team.newcomer.save()

    response = client_as(team.owner).post(
        members_url(team.organization), {"email": team.newcomer.email}, format="json"
    )

    assert_error(response, 400, "invalid_request", field="email")


@pytest.mark.parametrize("role", ["boss", "", None])
def test_a_bad_role_in_patch_is_400(team, role):
    response = client_as(team.owner).patch(
        member_url(team.organization, team.target_member), {"role": role}, format="json"
    )

    assert_error(response, 400, "invalid_request", field="role")
    assert role_of(team.organization, team.target_member) == Role.MEMBER


def test_member_gets_403_before_their_body_is_even_read(team):
    response = client_as(team.member).post(members_url(team.organization), {}, format="json")

    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_for_the_members_list_whatever_the_body(team, method):
    response = getattr(client_as(team.outsider), method)(
        members_url(team.organization), {"email": "garbage"}, format="json"
    )

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize(
    "organization_id",
    ["not-a-uuid", str(uuid.uuid4())],
    ids=["malformed-org", "unknown-org"],
)
def test_a_bad_organization_id_is_404(team, method, organization_id):
    url = f"/v1/organizations/{organization_id}/members/{team.owner.pk}"

    response = getattr(client_as(team.owner), method)(url, {"role": "admin"}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("who", ["malformed", "unknown", "outsider"])
def test_a_user_who_is_not_a_member_is_404(team, method, who):
    user_id = {"malformed": "nope", "unknown": str(uuid.uuid4()), "outsider": team.outsider.pk}[who]
    url = f"{members_url(team.organization)}/{user_id}"

    response = getattr(client_as(team.owner), method)(url, {"role": "admin"}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", ""), ("get", "/{user}"), ("patch", "/{user}"), ("delete", "/{user}")],
)
def test_anonymous_is_401(api, team, method, path):
    url = members_url(team.organization) + path.format(user=team.member.pk)

    response = getattr(api, method)(url, {"role": "admin"}, format="json")

    assert_error(response, 401, "unauthorized")


# --- Pagination and cost ---------------------------------------------------------------------


def test_members_pages_walk_newest_first(team):
    client = client_as(team.member)

    emails, url = [], f"{members_url(team.organization)}?limit=4"
    while url:
        body = client.get(url).json()
        emails += [m["user"]["email"] for m in body["results"]]
        url = body["next"]

    assert emails == [
        "tess@example.com",
        "tom@example.com",
        "max@example.com",
        "ada@example.com",
        "oscar@example.com",
        "olive@example.com",
    ]


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "cursor=bad"])
def test_invalid_members_pagination_is_400(team, query):
    response = client_as(team.member).get(f"{members_url(team.organization)}?{query}")

    assert_error(response, 400, "invalid_request", field=query.split("=")[0])


def test_listing_1_or_100_members_costs_the_same_queries():
    owner = make_user()
    organization = make_organization(owner=owner)
    client = client_as(owner)
    url = f"{members_url(organization)}?limit=100"
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    for _ in range(99):
        add_member(organization, make_user())
    with CaptureQueriesContext(connection) as hundred:
        assert len(client.get(url).json()["results"]) == 100

    assert len(hundred) == len(one)
