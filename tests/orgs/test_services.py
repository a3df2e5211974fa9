"""Organization rules at the service level: the API, the pages and the admin all call these."""

from __future__ import annotations

import pytest

from accounts.services import user_delete
from cloudbooks.errors import Conflict, Invalid, PermissionDenied
from orgs import services
from orgs.models import Membership, Organization, Role
from tests.factories import make_user
from tests.orgs.factories import add_member, make_organization, owner_count

pytestmark = pytest.mark.django_db


# --- Slugs ------------------------------------------------------------------------------------


def test_a_slug_is_derived_from_the_name():
    organization = make_organization(owner=make_user(), name="Analytical Engines Ltd.")
    assert organization.slug == "analytical-engines-ltd"


def test_a_derived_slug_that_is_taken_gets_a_suffix():
    first = make_organization(owner=make_user(), name="Acme")
    second = make_organization(owner=make_user(), name="Acme")
    assert first.slug == "acme"
    assert second.slug != "acme" and second.slug.startswith("acme")


def test_a_name_with_nothing_to_slug_gets_the_fallback():
    organization = make_organization(owner=make_user(), name="!!!")
    assert organization.slug == services.SLUG_FALLBACK


def test_a_given_slug_is_normalised_and_a_taken_one_is_a_conflict_naming_the_field():
    make_organization(owner=make_user(), name="One", slug="Shared")
    assert Organization.objects.get(name="One").slug == "shared"
    with pytest.raises(Conflict) as refused:
        make_organization(owner=make_user(), name="Two", slug="shared")
    assert refused.value.details == {"field": "slug", "issue": services.SLUG_TAKEN}
    assert not Organization.objects.filter(name="Two").exists()


def test_renaming_keeps_the_slug(team):
    services.organization_update(organization=team.organization, name="Acme Renamed")
    team.organization.refresh_from_db()
    assert (team.organization.name, team.organization.slug) == ("Acme Renamed", "acme")


# --- The last owner -------------------------------------------------------------------------


def test_the_last_owner_can_neither_leave_nor_be_demoted():
    owner = make_user()
    organization = make_organization(owner=owner)
    add_member(organization, make_user(), Role.MEMBER)
    membership = Membership.objects.get(organization=organization, user=owner)

    with pytest.raises(Conflict):
        services.membership_change_role(membership=membership, role=Role.ADMIN, by=owner)
    with pytest.raises(Conflict):
        services.membership_remove(membership=membership, by=owner)
    assert owner_count(organization) == 1


def test_an_owner_may_step_down_while_another_owner_remains(team):
    membership = Membership.objects.get(organization=team.organization, user=team.owner)
    services.membership_change_role(membership=membership, role=Role.MEMBER, by=team.owner)
    assert owner_count(team.organization) == 1


def test_the_rule_itself_needs_an_owner_among_the_roles_that_remain():
    services.ensure_an_owner_remains([Role.MEMBER, Role.OWNER])
    with pytest.raises(Conflict):
        services.ensure_an_owner_remains([Role.ADMIN, Role.MEMBER])
    with pytest.raises(Conflict):
        services.ensure_an_owner_remains([])


def test_an_admin_may_not_grant_owner_and_an_unknown_role_is_invalid(team):
    with pytest.raises(PermissionDenied):
        services.membership_add(
            organization=team.organization, user=team.newcomer, role=Role.OWNER, by=team.admin
        )
    with pytest.raises(Invalid) as refused:
        services.membership_add(
            organization=team.organization, user=team.newcomer, role="emperor", by=team.owner
        )
    assert refused.value.field == "role"
    assert not Membership.objects.filter(user=team.newcomer).exists()


# --- Deleting an account (orgs' hook on accounts.services.user_delete) ------------------------


def test_deleting_the_only_owner_of_a_shared_organization_is_refused_naming_it():
    owner = make_user()
    organization = make_organization(owner=owner, name="Shared")
    add_member(organization, make_user(), Role.MEMBER)

    with pytest.raises(Conflict) as refused:
        user_delete(user=owner)

    [named] = refused.value.details["organizations"]
    assert named["id"] == str(organization.pk)
    assert type(owner).objects.filter(pk=owner.pk).exists()


def test_deleting_an_account_deletes_the_organizations_it_is_alone_in():
    owner = make_user()
    alone = make_organization(owner=owner, name="Solo")
    user_delete(user=owner)
    assert not Organization.objects.filter(pk=alone.pk).exists()
