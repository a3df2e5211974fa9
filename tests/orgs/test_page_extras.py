"""Issue 21's "users expect" on the organization pages: slugs and counts in the list, ids to
copy, and what each role may do beside the role picker. Personas from `make_team`."""

from __future__ import annotations

import pytest

from tests.factories import html, signed_in
from tests.orgs.factories import make_project

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_organizations_slug_and_its_member_and_project_counts(team):
    make_project(team.organization, by=team.member, name="Rocket")
    make_project(team.organization, by=team.member, name="Probe")
    page = html(signed_in(team.member).get("/dashboard/organizations"))
    # Acme: Olive and the five others; counted over all members, not the viewer's one row.
    assert f"<code>{team.organization.slug}</code>" in page
    assert "6 members" in page
    assert "2 projects" in page


def test_a_one_person_organization_reads_in_the_singular(team):
    page = html(signed_in(team.outsider).get("/dashboard/organizations"))
    assert "1 member ·" in page
    assert "0 projects" in page


def test_the_organization_and_project_ids_can_be_copied(team):
    project = make_project(team.organization, by=team.member, name="Rocket")
    page = html(signed_in(team.member).get(f"/dashboard/organizations/{team.organization.pk}"))
    assert f'<code id="organization-id">{team.organization.pk}</code>' in page
    assert 'data-copy-target="organization-id"' in page
    assert f'<code id="project-id-{project.pk}">{project.pk}</code>' in page
    assert f'data-copy-target="project-id-{project.pk}"' in page
    assert "/static/js/copy.js" in page


def test_the_role_picker_says_what_each_role_may_do(team):
    page = html(signed_in(team.owner).get(f"/dashboard/organizations/{team.organization.pk}"))
    assert "Member: sees the organization and its members; creates and edits projects." in page
    assert "Admin: also deletes projects, edits the settings, adds and removes members." in page
    assert "Owner: also makes and removes owners, and may delete the organization." in page
