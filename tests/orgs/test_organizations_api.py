"""/v1/organizations: the owner, admin, member and outsider of Acme, through real HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.models import Membership, Organization, Role
from projects.models import Project
from tests.factories import make_user
from tests.orgs.factories import (
    CREDENTIALS,
    assert_error,
    client_as,
    make_organization,
    make_project,
    role_matrix,
)

pytestmark = pytest.mark.django_db

ORGS = "/v1/organizations"


def org_url(organization) -> str:
    return f"{ORGS}/{organization.pk}"


# --- The role matrix (docs/api.md) ----------------------------------------------------------------

ORGANIZATION_MATRIX = {
    # action: (member, admin, owner, outsider)
    "retrieve": (200, 200, 200, 404),
    "patch": (403, 200, 200, 404),
    "put": (403, 200, 200, 404),
    "delete": (403, 403, 204, 404),
}


def perform(client, action: str, organization):
    url = org_url(organization)
    if action == "retrieve":
        return client.get(url)
    if action == "patch":
        return client.patch(url, {"description": "Changed"}, format="json")
    if action == "put":
        return client.put(url, {"name": "Acme Renamed", "description": "Changed"}, format="json")
    if action == "delete":
        return client.delete(url)
    raise AssertionError(action)


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(("action", "persona", "expected"), role_matrix(ORGANIZATION_MATRIX))
def test_role_matrix_for_the_organization(team, credential, action, persona, expected):
    client = client_as(team.persona(persona), credential)

    response = perform(client, action, team.organization)

    assert response.status_code == expected, response.content
    exists = Organization.objects.filter(pk=team.organization.pk).exists()
    if expected == 403:
        assert_error(response, 403, "forbidden")
    if expected == 404:
        assert_error(response, 404, "not_found")
    if expected in (403, 404):
        # Refused requests change nothing.
        organization = Organization.objects.get(pk=team.organization.pk)
        assert (organization.name, organization.description) == ("Acme", "")
    if action == "delete":
        assert exists is (expected != 204)


@pytest.mark.parametrize("action", ["patch", "put", "delete"])
@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_not_write_the_organization(team, persona, action):
    client = client_as(team.persona(persona), "read_only_key")

    response = perform(client, action, team.organization)

    error = assert_error(response, 403, "forbidden")
    assert "read-only" in error["message"]
    assert Organization.objects.get(pk=team.organization.pk).description == ""


@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_read_the_organization(team, persona):
    client = client_as(team.persona(persona), "read_only_key")

    assert client.get(org_url(team.organization)).status_code == 200
    assert client.get(ORGS).json()["results"][0]["id"] == str(team.organization.pk)


def test_read_only_key_may_not_create_an_organization(team):
    response = client_as(team.member, "read_only_key").post(ORGS, {"name": "X"}, format="json")

    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(
    ("persona", "role"),
    [("member", "member"), ("admin", "admin"), ("owner", "owner"), ("outsider", None)],
)
def test_list_holds_the_callers_organizations_with_their_role(team, credential, persona, role):
    response = client_as(team.persona(persona), credential).get(ORGS)

    assert response.status_code == 200
    by_id = {org["id"]: org for org in response.json()["results"]}
    if role is None:
        assert str(team.organization.pk) not in by_id
    else:
        assert by_id[str(team.organization.pk)]["role"] == role


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_anyone_signed_in_creates_an_organization_and_owns_it(credential):
    creator = make_user()

    response = client_as(creator, credential).post(
        ORGS, {"name": "Globex Corp", "description": "Widgets"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "slug", "description", "role", "created_at", "updated_at"}
    assert body["name"] == "Globex Corp"
    assert body["slug"] == "globex-corp"
    assert body["role"] == "owner"
    assert body["created_at"].endswith("Z")
    membership = Membership.objects.get(organization_id=body["id"])
    assert (membership.user, membership.role) == (creator, Role.OWNER)


# --- Reading and writing ---------------------------------------------------------------------


def test_member_reads_the_organization(team):
    response = client_as(team.member).get(org_url(team.organization) + "/")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(team.organization.pk),
        "name": "Acme",
        "slug": "acme",
        "description": "",
        "role": "member",
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }


def test_admin_patches_only_what_is_sent(team):
    response = client_as(team.admin).patch(
        org_url(team.organization), {"description": "Rockets"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Acme"
    assert response.json()["description"] == "Rockets"
    assert response.json()["role"] == "admin"


def test_put_is_a_full_update_that_needs_the_name(team):
    response = client_as(team.owner).put(
        org_url(team.organization), {"description": "No name"}, format="json"
    )

    assert_error(response, 400, "invalid_request", field="name")


def test_renaming_keeps_the_slug(team):
    response = client_as(team.owner).put(
        org_url(team.organization), {"name": "Acme Holdings"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["slug"]) == ("Acme Holdings", "acme")


def test_owner_changes_the_slug(team):
    response = client_as(team.owner).patch(
        org_url(team.organization), {"slug": "Acme-HQ"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["slug"] == "acme-hq"


def test_slug_taken_by_another_organization_is_a_409_conflict_on_slug(team):
    make_organization(owner=team.outsider, name="Globex")

    response = client_as(team.owner).patch(
        org_url(team.organization), {"slug": "globex"}, format="json"
    )

    error = assert_error(response, 409, "conflict", field="slug")
    assert error["message"] == "This slug is already taken"
    assert error["details"]["issue"] == "This slug is already taken"
    team.organization.refresh_from_db()
    assert team.organization.slug == "acme"


def test_owner_deletes_the_organization_with_its_projects(team):
    project = make_project(team.organization, by=team.member)

    response = client_as(team.owner).delete(org_url(team.organization))

    assert response.status_code == 204
    assert response.content == b""
    assert not Organization.objects.filter(pk=team.organization.pk).exists()
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Membership.objects.filter(organization_id=team.organization.pk).exists()


# --- Slugs -----------------------------------------------------------------------------------


def test_slug_is_derived_from_the_name_and_made_unique():
    client = client_as(make_user())

    slugs = [
        client.post(ORGS, {"name": "Acme Rockets!"}, format="json").json()["slug"] for _ in range(3)
    ]

    assert slugs == ["acme-rockets", "acme-rockets-2", "acme-rockets-3"]


def test_a_name_with_no_ascii_letters_still_gets_a_slug():
    response = client_as(make_user()).post(ORGS, {"name": "日本"}, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "organization"


def test_a_given_slug_is_used_lowercased():
    response = client_as(make_user()).post(
        ORGS, {"name": "Acme", "slug": "ACME-Labs"}, format="json"
    )

    assert response.json()["slug"] == "acme-labs"


def test_a_given_slug_that_is_taken_is_a_409_conflict_on_slug(team):
    response = client_as(make_user()).post(ORGS, {"name": "Other", "slug": "ACME"}, format="json")

    error = assert_error(response, 409, "conflict", field="slug")
    assert error["message"] == "This slug is already taken"
    assert error["details"]["issue"] == "This slug is already taken"
    assert Organization.objects.filter(name="Other").count() == 0


def test_long_names_get_slugs_within_the_limit():
    client = client_as(make_user())
    name = "x" * 100

    slugs = [client.post(ORGS, {"name": name}, format="json").json()["slug"] for _ in range(2)]

    assert slugs == ["x" * 50, "x" * 50 + "-2"]


@pytest.mark.parametrize(
    "slug",
    ["not a slug", "ünïcode", "a/b", "x" * 61, ""],
    ids=["space", "unicode", "slash", "long", "empty"],
)
def test_a_malformed_slug_is_400_on_slug(slug):
    response = client_as(make_user()).post(ORGS, {"name": "Acme", "slug": slug}, format="json")

    assert_error(response, 400, "invalid_request", field="slug")


# --- Malformed requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"name": "Acme", "description": "x" * 2001}, "description"),
    ],
    ids=["missing", "empty", "blank", "long", "null", "long-description"],
)
def test_malformed_organization_is_400(body, field):
    response = client_as(make_user()).post(ORGS, body, format="json")

    error = assert_error(response, 400, "invalid_request", field=field)
    assert error["details"]["errors"][0]["field"] == field


def test_malformed_json_is_400():
    response = client_as(make_user()).post(ORGS, "{nope", content_type="application/json")

    assert_error(response, 400, "invalid_request")


def test_form_encoded_bodies_are_accepted():
    response = client_as(make_user()).post(ORGS, {"name": "Formed"})

    assert response.status_code == 201
    assert response.json()["slug"] == "formed"


def test_read_only_fields_cannot_be_set(team):
    response = client_as(team.member).post(
        ORGS,
        {"name": "Sneaky", "id": str(uuid.uuid4()), "role": "admin", "created_at": "2000-01-01"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    assert response.json()["created_at"] > "2001"


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
@pytest.mark.parametrize("path", ["not-a-uuid", str(uuid.uuid4())], ids=["malformed", "unknown"])
def test_a_bad_or_unknown_id_is_404(team, method, path):
    response = getattr(client_as(team.owner), method)(f"{ORGS}/{path}", {}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "/{id}"),
        ("patch", "/{id}"),
        ("put", "/{id}"),
        ("delete", "/{id}"),
    ],
)
def test_anonymous_is_401(api, team, method, path):
    url = ORGS + path.format(id=team.organization.pk)

    response = getattr(api, method)(url, {"name": "X"}, format="json")

    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_outsider_cannot_tell_an_organization_from_a_missing_one(team):
    client = client_as(team.outsider)

    existing = client.delete(org_url(team.organization))
    missing = client.delete(f"{ORGS}/{uuid.uuid4()}")

    assert existing.status_code == missing.status_code == 404
    assert existing.json()["error"]["message"] == missing.json()["error"]["message"]


# --- Pagination ------------------------------------------------------------------------------


@pytest.fixture
def five_organizations():
    """A user in five organizations created a minute apart, the newest last."""
    user = make_user()
    start = timezone.now() - timedelta(hours=1)
    organizations = []
    for n in range(5):
        organization = make_organization(owner=user, name=f"Org {n}")
        Organization.objects.filter(pk=organization.pk).update(
            created_at=start + timedelta(minutes=n)
        )
        organizations.append(organization)
    return user, organizations


def test_organizations_are_listed_newest_first(five_organizations):
    user, _ = five_organizations

    body = client_as(user).get(ORGS).json()

    assert [o["name"] for o in body["results"]] == ["Org 4", "Org 3", "Org 2", "Org 1", "Org 0"]
    assert body["next"] is None
    assert body["previous"] is None


def test_limit_and_next_walk_every_organization_once(five_organizations):
    user, _ = five_organizations
    client = client_as(user)

    names, url, pages = [], f"{ORGS}?limit=2", 0
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        names += [o["name"] for o in body["results"]]
        url, pages = body["next"], pages + 1

    assert names == ["Org 4", "Org 3", "Org 2", "Org 1", "Org 0"]
    assert pages == 3


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
def test_invalid_limit_is_400(limit):
    response = client_as(make_user()).get(f"{ORGS}?limit={limit}")

    assert_error(response, 400, "invalid_request", field="limit")


@pytest.mark.parametrize("cursor", ["garbage", "cD0yMDI0", "cD1ub3QtYS1kYXRl"])
def test_invalid_cursor_is_400(cursor):
    response = client_as(make_user()).get(f"{ORGS}?cursor={cursor}")

    assert_error(response, 400, "invalid_request", field="cursor")


# --- Cost ------------------------------------------------------------------------------------


def _queries_to_list(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_listing_1_or_100_organizations_costs_the_same_queries():
    user = make_user()
    client = client_as(user)
    make_organization(owner=user)
    client.get(ORGS)  # warm up: first-request work is not the list's cost
    one = _queries_to_list(client, f"{ORGS}?limit=100")

    for _ in range(99):
        make_organization(owner=user)
    hundred = _queries_to_list(client, f"{ORGS}?limit=100")

    assert len(client.get(f"{ORGS}?limit=100").json()["results"]) == 100
    assert hundred == one
