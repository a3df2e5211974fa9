"""The organization and project pages: every control for its roles, every action checked.

Personas come from `make_team` (tests/orgs/factories.py): Acme with owners Olive and Oscar,
admin Ada, member Max, the targets Tom (admin) and Tess (member); Nia in no organization;
Otto the outsider, owner of an organization of his own.
"""

from __future__ import annotations

import uuid

import pytest

from orgs.models import Membership, Organization, Role
from projects.models import Project
from tests.factories import html, make_user, signed_in
from tests.orgs.factories import Team, add_member, make_organization, make_project

pytestmark = pytest.mark.django_db


def role_of(team: Team, user) -> str | None:
    return (
        Membership.objects.filter(organization=team.organization, user=user)
        .values_list("role", flat=True)
        .first()
    )


@pytest.fixture
def project(team) -> Project:
    return make_project(team.organization, by=team.member, name="Rocket")


def every_action(team: Team, project: Project) -> list[tuple[str, str, dict]]:
    """(method, path, body) of every page and action about Acme and its project."""
    org = f"/dashboard/organizations/{team.organization.pk}"
    tess = team.target_member.pk
    return [
        ("get", org, {}),
        ("post", f"{org}/edit", {"name": "Renamed"}),
        ("get", f"{org}/delete", {}),
        ("post", f"{org}/delete", {}),
        ("post", f"{org}/members", {"email": team.newcomer.email, "role": "member"}),
        ("post", f"{org}/members/{tess}/role", {"role": "admin"}),
        ("get", f"{org}/members/{tess}/remove", {}),
        ("post", f"{org}/members/{tess}/remove", {}),
        ("post", f"{org}/projects", {"name": "Sneaky"}),
        # The same forms sent to the page's own URL, as the page sends them.
        ("post", org, {"form": "settings", "name": "Renamed"}),
        ("post", org, {"form": "member-add", "email": team.newcomer.email, "role": "member"}),
        ("post", org, {"form": "projects", "name": "Sneaky"}),
        ("get", f"/dashboard/projects/{project.pk}/edit", {}),
        ("post", f"/dashboard/projects/{project.pk}/edit", {"name": "Renamed"}),
        ("get", f"/dashboard/projects/{project.pk}/delete", {}),
        ("post", f"/dashboard/projects/{project.pk}/delete", {}),
    ]


# --- Anonymous and outsiders ----------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in_from_every_page_and_action(client, team, project):
    for method, path, body in [
        ("get", "/dashboard/organizations", {}),
        ("post", "/dashboard/organizations", {"name": "X"}),
        *every_action(team, project),
    ]:
        response = getattr(client, method)(path, body)
        assert response.status_code == 302, (method, path)
        assert response["Location"] == f"/login?next={path}", (method, path)
    assert Organization.objects.filter(name="X").count() == 0


def test_outsider_gets_404_for_every_page_and_action_of_the_organization(team, project):
    outsider = signed_in(team.outsider)
    for method, path, body in every_action(team, project):
        response = getattr(outsider, method)(path, body)
        assert response.status_code == 404, (method, path)
        assert "Page not found" in html(response)
    team.organization.refresh_from_db()
    assert team.organization.name == "Acme"
    assert Project.objects.filter(pk=project.pk, name="Rocket").exists()
    assert role_of(team, team.target_member) == Role.MEMBER
    assert role_of(team, team.newcomer) is None


def test_unknown_organization_and_project_are_404(team):
    owner = signed_in(team.owner)
    assert owner.get(f"/dashboard/organizations/{uuid.uuid4()}").status_code == 404
    assert owner.get(f"/dashboard/projects/{uuid.uuid4()}/edit").status_code == 404


def test_organizations_list_shows_only_mine_with_my_role(team):
    body = html(signed_in(team.admin).get("/dashboard/organizations"))
    assert "Acme" in body
    assert 'badge--admin">admin' in body
    assert "Otto&#x27;s Own" not in body and "Otto's Own" not in body


# --- Creating an organization ---------------------------------------------------------------


def test_creating_an_organization_makes_me_its_owner(team):
    client = signed_in(team.newcomer)
    response = client.post(
        "/dashboard/organizations", {"name": "Nia Labs", "description": "Research"}
    )
    organization = Organization.objects.get(name="Nia Labs")
    assert response["Location"] == f"/dashboard/organizations/{organization.pk}"
    assert organization.slug == "nia-labs"
    assert Membership.objects.get(organization=organization).user == team.newcomer
    assert Membership.objects.get(organization=organization).role == Role.OWNER
    page = client.get(response["Location"])
    assert "Organization “Nia Labs” created." in html(page)
    assert 'data-testid="my-role">owner' in html(page)


def test_organization_form_errors_are_shown_next_to_the_field(team):
    client = signed_in(team.newcomer)
    missing = client.post("/dashboard/organizations", {"name": ""})
    assert missing.status_code == 200
    assert "name" in missing.context["form"].errors
    taken = client.post("/dashboard/organizations", {"name": "Copy", "slug": "acme"})
    assert taken.context["form"].errors["slug"] == ["This slug is already taken"]
    assert 'id="id_slug_error"' in html(taken)


# --- What each role sees --------------------------------------------------------------------


def test_member_sees_projects_and_may_write_them_but_no_admin_controls(team, project):
    body = html(signed_in(team.member).get(f"/dashboard/organizations/{team.organization.pk}"))
    assert "Rocket" in body
    assert "Create project" in body
    assert f"/dashboard/projects/{project.pk}/edit" in body
    assert f"/dashboard/projects/{project.pk}/delete" not in body
    assert "Add a member" not in body
    assert "Save settings" not in body
    assert "/role" not in body
    assert "/delete" not in body
    # The only membership control is their own "Leave".
    assert body.count("/remove") == 1
    assert f"/members/{team.member.pk}/remove" in body


def test_admin_sees_member_controls_but_not_owner_ones(team, project):
    body = html(signed_in(team.admin).get(f"/dashboard/organizations/{team.organization.pk}"))
    assert "Add a member" in body
    assert f"/dashboard/projects/{project.pk}/delete" in body
    assert "Save settings" in body
    assert f"/dashboard/organizations/{team.organization.pk}/delete" not in body
    # Admins may not grant owner, nor touch owners.
    assert '<option value="owner"' not in body
    assert f"/members/{team.owner.pk}/remove" not in body
    assert f"/members/{team.owner.pk}/role" not in body
    assert f"/members/{team.target_member.pk}/role" in body


def test_owner_sees_every_control(team, project):
    body = html(signed_in(team.owner).get(f"/dashboard/organizations/{team.organization.pk}"))
    assert f"/dashboard/organizations/{team.organization.pk}/delete" in body
    assert '<option value="owner"' in body
    assert f"/members/{team.co_owner.pk}/remove" in body


# --- Insufficient role: 403 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("post", "/edit", {"name": "Renamed"}),
        ("get", "/delete", {}),
        ("post", "/delete", {}),
        ("post", "/members", {"email": "nia@example.com", "role": "member"}),
        ("post", "/members/{tess}/role", {"role": "admin"}),
        ("get", "/members/{tess}/remove", {}),
        ("post", "/members/{tess}/remove", {}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_member_is_forbidden_organization_and_member_changes(team, method, suffix, body):
    path = f"/dashboard/organizations/{team.organization.pk}" + suffix.format(
        tess=team.target_member.pk
    )
    response = getattr(signed_in(team.member), method)(path, body)
    assert response.status_code == 403
    assert "Not allowed" in html(response)
    team.organization.refresh_from_db()
    assert team.organization.name == "Acme"
    assert role_of(team, team.target_member) == Role.MEMBER
    assert role_of(team, team.newcomer) is None


def test_admin_is_forbidden_to_delete_the_organization(team):
    client = signed_in(team.admin)
    path = f"/dashboard/organizations/{team.organization.pk}/delete"
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert Organization.objects.filter(pk=team.organization.pk).exists()


def test_admin_is_forbidden_to_grant_owner_even_with_a_forged_form(team):
    client = signed_in(team.admin)
    org = f"/dashboard/organizations/{team.organization.pk}"
    added = client.post(f"{org}/members", {"email": team.newcomer.email, "role": "owner"})
    assert added.status_code == 403
    assert "Only owners may grant or remove the owner role" in html(added)
    promoted = client.post(f"{org}/members/{team.target_member.pk}/role", {"role": "owner"})
    assert promoted.status_code == 403
    assert role_of(team, team.newcomer) is None
    assert role_of(team, team.target_member) == Role.MEMBER


def test_admin_is_forbidden_to_remove_an_owner(team):
    path = f"/dashboard/organizations/{team.organization.pk}/members/{team.owner.pk}/remove"
    assert signed_in(team.admin).post(path).status_code == 403
    assert role_of(team, team.owner) == Role.OWNER


# --- Allowed actions ------------------------------------------------------------------------


def test_admin_adds_a_member_by_email(team):
    client = signed_in(team.admin)
    org = f"/dashboard/organizations/{team.organization.pk}"
    response = client.post(f"{org}/members", {"email": "NIA@example.com", "role": "admin"})
    assert response["Location"] == org
    assert role_of(team, team.newcomer) == Role.ADMIN
    assert "nia@example.com added as admin." in html(client.get(org))


@pytest.mark.parametrize(
    "email, issue",
    [
        ("nobody@example.com", "No CloudBooks user has this email"),
        ("max@example.com", "This user is already a member of the organization"),
        ("not-an-email", "Enter a valid email address."),
    ],
    ids=["unknown", "already-member", "malformed"],
)
def test_adding_a_member_shows_errors_next_to_the_email(team, email, issue):
    response = signed_in(team.admin).post(
        f"/dashboard/organizations/{team.organization.pk}/members",
        {"email": email, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["member_form"].errors["email"] == [issue]
    assert 'id="id_email_error"' in html(response)


def test_admin_changes_a_role_and_removes_a_member(team):
    client = signed_in(team.admin)
    org = f"/dashboard/organizations/{team.organization.pk}"
    tess = team.target_member.pk
    assert client.post(f"{org}/members/{tess}/role", {"role": "admin"})["Location"] == org
    assert role_of(team, team.target_member) == Role.ADMIN
    confirm = client.get(f"{org}/members/{tess}/remove")
    assert confirm.status_code == 200
    assert "Remove tess@example.com?" in html(confirm)
    assert role_of(team, team.target_member) == Role.ADMIN
    assert client.post(f"{org}/members/{tess}/remove")["Location"] == org
    assert role_of(team, team.target_member) is None
    assert "tess@example.com removed from “Acme”." in html(client.get(org))


def test_owner_grants_owner(team):
    path = f"/dashboard/organizations/{team.organization.pk}/members/{team.admin.pk}/role"
    signed_in(team.owner).post(path, {"role": "owner"})
    assert role_of(team, team.admin) == Role.OWNER


def test_member_leaves_after_confirming(team):
    client = signed_in(team.member)
    path = f"/dashboard/organizations/{team.organization.pk}/members/{team.member.pk}/remove"
    assert "Leave “Acme”?" in html(client.get(path))
    response = client.post(path, follow=True)
    assert response.redirect_chain == [("/dashboard/organizations", 302)]
    assert "You left “Acme”." in html(response)
    assert role_of(team, team.member) is None
    assert client.get(f"/dashboard/organizations/{team.organization.pk}").status_code == 404


def test_the_last_owner_cannot_leave_409(team):
    alone = make_user(email="solo@example.com")
    organization = make_organization(owner=alone, name="Solo")
    add_member(organization, team.newcomer)
    client = signed_in(alone)
    path = f"/dashboard/organizations/{organization.pk}/members/{alone.pk}/remove"
    response = client.post(path)
    assert response.status_code == 409
    assert "An organization must keep at least one owner." in html(response)
    assert Membership.objects.filter(organization=organization, user=alone).exists()


def test_the_last_owner_cannot_step_down_409(team):
    alone = make_user(email="solo@example.com")
    organization = make_organization(owner=alone, name="Solo")
    path = f"/dashboard/organizations/{organization.pk}/members/{alone.pk}/role"
    response = signed_in(alone).post(path, {"role": "member"})
    assert response.status_code == 409
    assert Membership.objects.get(organization=organization, user=alone).role == Role.OWNER


def test_admin_updates_the_organization(team):
    client = signed_in(team.admin)
    org = f"/dashboard/organizations/{team.organization.pk}"
    response = client.post(f"{org}/edit", {"name": "Acme Inc", "slug": "", "description": "Hi"})
    assert response["Location"] == org
    team.organization.refresh_from_db()
    assert (team.organization.name, team.organization.slug) == ("Acme Inc", "acme")
    assert "Organization settings saved." in html(client.get(org))


def test_owner_deletes_the_organization_after_confirming(team, project):
    client = signed_in(team.owner)
    path = f"/dashboard/organizations/{team.organization.pk}/delete"
    assert "Delete “Acme”?" in html(client.get(path))
    response = client.post(path, follow=True)
    assert response.redirect_chain == [("/dashboard/organizations", 302)]
    assert not Organization.objects.filter(pk=team.organization.pk).exists()
    assert not Project.objects.filter(pk=project.pk).exists()
