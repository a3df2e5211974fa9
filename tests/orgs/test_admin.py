"""The admin for organizations, memberships and projects: a working tool with no N+1 queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Membership, Organization, Role
from projects.models import Project
from tests.factories import admin_login, make_user
from tests.orgs.factories import add_member, make_organization, make_project, owner_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    return admin_login(
        client, make_user(email="staff@example.com", is_staff=True, is_superuser=True)
    )


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _populate(n: int) -> None:
    for _ in range(n):
        owner = make_user()
        organization = make_organization(owner=owner)
        add_member(organization, make_user())
        make_project(organization, by=owner)


@pytest.mark.parametrize(
    "url",
    ["/admin/orgs/organization/", "/admin/projects/project/"],
)
def test_changelists_cost_the_same_for_1_or_30_rows(staff, url):
    _populate(1)
    staff.get(url)
    one = _queries_for(staff, url)

    _populate(29)
    thirty = _queries_for(staff, url)

    assert thirty == one


def test_organization_changelist_shows_member_and_project_counts(staff):
    olive = make_user()
    acme = make_organization(owner=olive, name="Acme")
    add_member(acme, make_user())
    for _ in range(3):
        make_project(acme, by=olive)

    response = staff.get("/admin/orgs/organization/?q=acme")

    row = next(r for r in response.context["cl"].result_list if r.pk == acme.pk)
    assert (row._member_count, row._project_count) == (2, 3)


def test_organizations_are_found_by_a_members_email(staff):
    olive = make_user(email="olive@example.com")
    acme = make_organization(owner=olive, name="Acme")
    make_organization(owner=make_user(), name="Other")

    response = staff.get("/admin/orgs/organization/?q=olive@example.com")

    assert [o.pk for o in response.context["cl"].result_list] == [acme.pk]


def test_staff_add_an_organization_with_its_first_owner(staff):
    olive = make_user()

    response = staff.post(
        "/admin/orgs/organization/add/",
        {"name": "Acme Labs", "slug": "", "description": "", "owner": str(olive.pk)},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(name="Acme Labs")
    assert organization.slug == "acme-labs"
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (olive, Role.OWNER)


def test_staff_cannot_take_a_slug_that_is_taken(staff):
    make_organization(owner=make_user(), name="Acme")

    response = staff.post(
        "/admin/orgs/organization/add/",
        {"name": "Other", "slug": "acme", "description": "", "owner": str(make_user().pk)},
    )

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def _change_form(organization, memberships, **overrides) -> dict:
    """The POST of the change page, with the members inline as `memberships` says."""
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "description": organization.description,
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for n, (membership, role, delete) in enumerate(memberships):
        data[f"memberships-{n}-id"] = str(membership.pk)
        data[f"memberships-{n}-organization"] = str(organization.pk)
        data[f"memberships-{n}-role"] = role
        if delete:
            data[f"memberships-{n}-DELETE"] = "on"
    data.update(overrides)
    return data


def test_staff_cannot_leave_an_organization_without_an_owner(staff):
    olive, max_ = make_user(), make_user()
    acme = make_organization(owner=olive)
    max_membership = add_member(acme, max_)
    olive_membership = Membership.objects.get(organization=acme, user=olive)

    response = staff.post(
        f"/admin/orgs/organization/{acme.pk}/change/",
        _change_form(acme, [(olive_membership, "admin", False), (max_membership, "member", False)]),
    )

    assert response.status_code == 200
    assert "at least one owner" in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert owner_count(acme) == 1


def test_staff_hand_ownership_over_in_one_save(staff):
    olive, max_ = make_user(), make_user()
    acme = make_organization(owner=olive)
    max_membership = add_member(acme, max_)
    olive_membership = Membership.objects.get(organization=acme, user=olive)

    response = staff.post(
        f"/admin/orgs/organization/{acme.pk}/change/",
        _change_form(acme, [(olive_membership, "member", True), (max_membership, "owner", False)]),
    )

    assert response.status_code == 302
    assert list(Membership.objects.filter(organization=acme).values_list("user", "role")) == [
        (max_.pk, "owner")
    ]


def test_staff_delete_an_organization_with_its_projects(staff):
    olive = make_user()
    acme = make_organization(owner=olive)
    make_project(acme, by=olive)

    response = staff.post(f"/admin/orgs/organization/{acme.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Organization.objects.filter(pk=acme.pk).exists()
    assert Project.objects.count() == 0


def test_staff_add_a_project_to_an_organization(staff):
    olive = make_user()
    acme = make_organization(owner=olive)

    response = staff.post(
        "/admin/projects/project/add/",
        {
            "organization": str(acme.pk),
            "name": "Apollo",
            "description": "",
            "created_by": str(olive.pk),
        },
    )

    assert response.status_code == 302
    project = Project.objects.get(name="Apollo")
    assert (project.organization, project.created_by) == (acme, olive)


def test_project_changelist_is_searchable_by_organization(staff):
    olive = make_user()
    acme = make_organization(owner=olive, name="Acme")
    other = make_organization(owner=olive, name="Zenith")
    apollo = make_project(acme, by=olive, name="Apollo")
    make_project(other, by=olive, name="Gemini")

    response = staff.get("/admin/projects/project/?q=acme")

    assert [p.pk for p in response.context["cl"].result_list] == [apollo.pk]


def test_add_and_change_pages_render(staff):
    olive = make_user()
    acme = make_organization(owner=olive)
    add_member(acme, make_user())
    project = make_project(acme, by=olive)

    for url in [
        "/admin/orgs/organization/add/",
        f"/admin/orgs/organization/{acme.pk}/change/",
        "/admin/projects/project/add/",
        f"/admin/projects/project/{project.pk}/change/",
    ]:
        assert staff.get(url).status_code == 200, url
