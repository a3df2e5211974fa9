"""What organizations change in /v1/users: who you may see, and deleting your account."""

from __future__ import annotations

import pytest

from accounts.models import User
from orgs.models import Membership, Organization, Role
from projects.models import Project
from tests.factories import make_user
from tests.orgs.factories import (
    add_member,
    assert_error,
    client_as,
    make_organization,
    make_project,
)

pytestmark = pytest.mark.django_db


def user_url(user) -> str:
    return f"/v1/users/{user.pk}"


# --- GET /v1/users/{id} ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "admin", "member", "target_member"])
def test_member_sees_a_co_member(team, persona):
    response = client_as(team.member).get(user_url(team.persona(persona)))

    assert response.status_code == 200
    user = team.persona(persona)
    assert response.json() == {"id": str(user.pk), "email": user.email, "name": user.name}


def test_a_user_sees_themselves_without_any_organization():
    loner = make_user(name="Lone")

    response = client_as(loner).get(user_url(loner))

    assert response.status_code == 200
    assert response.json()["email"] == loner.email


@pytest.mark.parametrize("direction", ["member-to-outsider", "outsider-to-member"])
def test_strangers_are_404(team, direction):
    viewer, viewed = (
        (team.member, team.outsider)
        if direction == "member-to-outsider"
        else (team.outsider, team.member)
    )

    response = client_as(viewer).get(user_url(viewed))

    assert_error(response, 404, "not_found")


def test_a_co_member_who_left_is_a_stranger_again(team):
    client_as(team.target_member).delete(
        f"/v1/organizations/{team.organization.pk}/members/{team.target_member.pk}"
    )

    response = client_as(team.member).get(user_url(team.target_member))

    assert_error(response, 404, "not_found")


def test_sharing_two_organizations_shows_the_user_once(team):
    second = make_organization(owner=team.member, name="Second")
    add_member(second, team.admin)

    response = client_as(team.member).get(user_url(team.admin))

    assert response.status_code == 200


# --- DELETE /v1/users/me ---------------------------------------------------------------------


def test_the_only_owner_of_organizations_with_members_cannot_delete_their_account():
    olive, max_ = make_user(), make_user()
    acme = make_organization(owner=olive, name="Acme")
    bolt = make_organization(owner=olive, name="Bolt")
    add_member(acme, max_)
    add_member(bolt, max_, Role.ADMIN)
    make_organization(owner=olive, name="Solo")  # only Olive: would go with her

    response = client_as(olive).delete("/v1/users/me")

    error = assert_error(response, 409, "conflict")
    assert error["details"]["organizations"] == [
        {"id": str(acme.pk), "name": "Acme", "slug": "acme"},
        {"id": str(bolt.pk), "name": "Bolt", "slug": "bolt"},
    ]
    # Nothing happened: the account, its credentials and every organization are still here.
    assert User.objects.filter(pk=olive.pk).exists()
    assert Organization.objects.count() == 3
    assert client_as(olive).get("/v1/users/me").status_code == 200


def test_organizations_where_you_are_alone_go_with_your_account():
    olive = make_user()
    solo = make_organization(owner=olive, name="Solo")
    project = make_project(solo, by=olive)
    client = client_as(olive)

    response = client.delete("/v1/users/me")

    assert response.status_code == 204
    assert not User.objects.filter(pk=olive.pk).exists()
    assert not Organization.objects.filter(pk=solo.pk).exists()
    assert not Project.objects.filter(pk=project.pk).exists()
    assert_error(client.get("/v1/users/me"), 401, "unauthorized")


def test_organizations_with_another_owner_stay_when_an_owner_deletes_their_account(team):
    response = client_as(team.owner).delete("/v1/users/me")

    assert response.status_code == 204
    assert Organization.objects.filter(pk=team.organization.pk).exists()
    assert list(
        Membership.objects.filter(organization=team.organization, role=Role.OWNER).values_list(
            "user", flat=True
        )
    ) == [team.co_owner.pk]


@pytest.mark.parametrize("persona", ["admin", "member"])
def test_members_and_admins_may_delete_their_account(team, persona):
    user = team.persona(persona)

    response = client_as(user).delete("/v1/users/me")

    assert response.status_code == 204
    assert not Membership.objects.filter(user_id=user.pk).exists()
    assert Membership.objects.filter(organization=team.organization).count() == 5


def test_handing_over_ownership_unblocks_account_deletion():
    olive, max_ = make_user(), make_user()
    acme = make_organization(owner=olive, name="Acme")
    add_member(acme, max_)
    client = client_as(olive)
    assert client.delete("/v1/users/me").status_code == 409

    client.patch(f"/v1/organizations/{acme.pk}/members/{max_.pk}", {"role": "owner"}, format="json")

    assert client.delete("/v1/users/me").status_code == 204
    assert Membership.objects.get(organization=acme).user == max_
