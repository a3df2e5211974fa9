"""Membership races on PostgreSQL: the organization's row lock decides, one after the other."""

from __future__ import annotations

import pytest
from django.db import connection

from orgs.models import Membership, Organization, Role
from tests.factories import make_user
from tests.orgs.concurrency import at_once
from tests.orgs.factories import add_member, client_as, make_organization, owner_count

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def member_url(organization, user) -> str:
    return f"/v1/organizations/{organization.pk}/members/{user.pk}"


@pytest.mark.parametrize("round_", range(5))
def test_two_owners_demoting_each_other_leave_exactly_one_owner(round_):
    olive, oscar = make_user(), make_user()
    organization = make_organization(owner=olive)
    add_member(organization, oscar, Role.OWNER)
    olive_client, oscar_client = client_as(olive), client_as(oscar)

    statuses = at_once(
        lambda: (
            olive_client.patch(
                member_url(organization, oscar), {"role": "admin"}, format="json"
            ).status_code
        ),
        lambda: (
            oscar_client.patch(
                member_url(organization, olive), {"role": "admin"}, format="json"
            ).status_code
        ),
    )

    assert sorted(statuses) == [200, 409]
    assert owner_count(organization) == 1
    assert Membership.objects.filter(organization=organization).count() == 2


@pytest.mark.parametrize("round_", range(3))
def test_two_owners_leaving_together_leave_exactly_one_owner(round_):
    olive, oscar = make_user(), make_user()
    organization = make_organization(owner=olive)
    add_member(organization, oscar, Role.OWNER)
    olive_client, oscar_client = client_as(olive), client_as(oscar)

    statuses = at_once(
        lambda: olive_client.delete(member_url(organization, olive)).status_code,
        lambda: oscar_client.delete(member_url(organization, oscar)).status_code,
    )

    assert sorted(statuses) == [204, 409]
    assert owner_count(organization) == 1


def test_adding_the_same_user_concurrently_makes_one_membership():
    olive, nia = make_user(), make_user()
    organization = make_organization(owner=olive)
    clients = [client_as(olive) for _ in range(6)]
    url = f"/v1/organizations/{organization.pk}/members"

    statuses = at_once(
        *(
            (lambda c=c: c.post(url, {"email": nia.email}, format="json").status_code)
            for c in clients
        )
    )

    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    assert Membership.objects.filter(organization=organization, user=nia).count() == 1


def test_organizations_created_together_with_one_name_get_distinct_slugs():
    clients = [client_as(make_user()) for _ in range(8)]

    statuses = at_once(
        *(
            (lambda c=c: c.post("/v1/organizations", {"name": "Acme"}, format="json").status_code)
            for c in clients
        )
    )

    assert statuses == [201] * 8
    slugs = set(Organization.objects.values_list("slug", flat=True))
    assert len(slugs) == 8
    assert "acme" in slugs


@pytest.mark.parametrize("round_", range(3))
def test_an_owner_deleting_their_account_while_the_other_owner_leaves_keeps_an_owner(round_):
    olive, oscar, max_ = make_user(), make_user(), make_user()
    organization = make_organization(owner=olive)
    add_member(organization, oscar, Role.OWNER)
    add_member(organization, max_, Role.MEMBER)
    olive_client, oscar_client = client_as(olive), client_as(oscar)

    statuses = at_once(
        lambda: olive_client.delete("/v1/users/me").status_code,
        lambda: oscar_client.delete(member_url(organization, oscar)).status_code,
    )

    assert sorted(statuses) == [204, 409]
    assert owner_count(organization) == 1
    assert Membership.objects.filter(organization=organization, user=max_).exists()
