"""Issue 21 on the organization page: its forms post to the page itself (a reload after an
error shows the page again), the wording of role changes and slugs, and no Leave button for
the only owner. Personas from `make_team` (tests/orgs/factories.py)."""

from __future__ import annotations

import pytest

from orgs.models import Membership, Organization, Role
from projects.models import Project
from tests.factories import html, make_user, signed_in
from tests.orgs.factories import add_member, make_organization

pytestmark = pytest.mark.django_db


def page_of(organization: Organization) -> str:
    return f"/dashboard/organizations/{organization.pk}"


def test_every_form_of_the_organization_page_posts_to_the_page_itself(team):
    page = html(signed_in(team.owner).get(page_of(team.organization)))
    forms = {"member-add", "settings", "projects"}
    for name in forms:
        assert f'<input type="hidden" name="form" value="{name}">' in page
    assert f'action="{page_of(team.organization)}/members"' not in page
    assert f'action="{page_of(team.organization)}/edit"' not in page
    assert f'action="{page_of(team.organization)}/projects"' not in page


@pytest.mark.parametrize(
    "body, error",
    [
        ({"form": "member-add", "email": "nobody@example.com", "role": "member"}, "email"),
        ({"form": "settings", "name": "Acme", "slug": "not a slug"}, "slug"),
        ({"form": "projects", "name": ""}, "name"),
    ],
)
def test_a_form_with_errors_comes_back_on_the_pages_own_url(team, body, error):
    olive = signed_in(team.owner)
    response = olive.post(page_of(team.organization), body, follow=True)
    assert response.status_code == 200
    # No redirect: the address bar stays on the page, so a reload shows the page again.
    assert response.redirect_chain == []
    assert response.request["PATH_INFO"] == page_of(team.organization)
    assert 'class="errorlist' in html(response)
    assert Project.objects.filter(organization=team.organization).count() == 0
    assert Membership.objects.filter(organization=team.organization).count() == 6


def test_a_form_sent_to_the_page_succeeds_like_its_action_url(team):
    olive = signed_in(team.owner)
    body = {"form": "member-add", "email": team.newcomer.email, "role": "member"}
    response = olive.post(page_of(team.organization), body)
    assert response.status_code == 302
    assert response["Location"] == page_of(team.organization)
    assert Membership.objects.filter(user=team.newcomer, role=Role.MEMBER).exists()


def test_a_member_sending_the_member_form_to_the_page_is_refused(team):
    body = {"form": "member-add", "email": team.newcomer.email, "role": "member"}
    response = signed_in(team.member).post(page_of(team.organization), body)
    assert response.status_code == 403
    assert not Membership.objects.filter(user=team.newcomer).exists()


def test_an_unknown_form_sent_to_the_page_is_a_400_that_changes_nothing(team):
    response = signed_in(team.owner).post(page_of(team.organization), {"form": "nope"})
    assert response.status_code == 400
    assert "That form is not on this page." in html(response)


@pytest.mark.parametrize(
    "role, wording", [("member", "is now a member."), ("admin", "is now an admin.")]
)
def test_a_role_change_reads_as_a_sentence(team, role, wording):
    olive = signed_in(team.owner)
    target = team.target_admin if role == "member" else team.target_member
    url = f"{page_of(team.organization)}/members/{target.pk}/role"
    response = olive.post(url, {"role": role}, follow=True)
    assert f"{target.email} {wording}" in html(response)


def test_the_slug_help_and_error_name_what_the_slug_may_hold(team):
    olive = signed_in(team.owner)
    response = olive.post(
        page_of(team.organization), {"form": "settings", "name": "Acme", "slug": "acme inc"}
    )
    page = html(response)
    assert "Letters, digits, dashes and underscores" in page
    assert "Use only letters, digits, dashes and underscores." in page
    # What the help text promises is accepted: an underscore, and capitals (kept in lowercase).
    response = olive.post(
        page_of(team.organization), {"form": "settings", "name": "Acme", "slug": "Acme_Inc"}
    )
    assert response.status_code == 302
    team.organization.refresh_from_db()
    assert team.organization.slug == "acme_inc"


def test_the_only_owner_is_told_why_there_is_no_leave_button():
    solo = make_user(email="solo@example.com")
    organization = make_organization(owner=solo, name="Solo")
    add_member(organization, make_user(email="mia@example.com"))
    page = html(signed_in(solo).get(page_of(organization)))
    assert ">Leave</a>" not in page
    assert "The only owner cannot leave" in page


def test_an_owner_with_a_co_owner_may_leave(team):
    page = html(signed_in(team.owner).get(page_of(team.organization)))
    assert ">Leave</a>" in page
    assert "The only owner cannot leave" not in page
