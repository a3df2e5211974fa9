"""The project pages: the projects section of the organization page, edit and delete.

Personas come from `make_team` (tests/orgs/factories.py); the role matrix over every page and
action, projects' included, is in tests/orgs/test_pages.py.
"""

from __future__ import annotations

import pytest

from projects.models import Project
from tests.factories import html, signed_in
from tests.orgs.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return make_project(team.organization, by=team.member, name="Rocket")


def test_member_is_forbidden_to_delete_a_project(team, project):
    client = signed_in(team.member)
    assert client.get(f"/dashboard/projects/{project.pk}/delete").status_code == 403
    assert client.post(f"/dashboard/projects/{project.pk}/delete").status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_member_creates_and_edits_a_project(team):
    client = signed_in(team.member)
    org = f"/dashboard/organizations/{team.organization.pk}"
    response = client.post(f"{org}/projects", {"name": "Apollo", "description": "Moon"})
    assert response["Location"] == org
    project = Project.objects.get(name="Apollo")
    assert project.created_by == team.member
    assert project.organization == team.organization
    edit = f"/dashboard/projects/{project.pk}/edit"
    assert client.get(edit).context["form"].initial["name"] == "Apollo"
    assert client.post(edit, {"name": "Artemis", "description": ""})["Location"] == org
    project.refresh_from_db()
    assert project.name == "Artemis"


def test_project_form_errors_are_shown(team, project):
    client = signed_in(team.member)
    org = f"/dashboard/organizations/{team.organization.pk}"
    created = client.post(f"{org}/projects", {"name": ""})
    assert created.status_code == 200
    [form] = [section["form"] for _, section in created.context["sections"] if "form" in section]
    assert "name" in form.errors
    edited = client.post(f"/dashboard/projects/{project.pk}/edit", {"name": "x" * 101})
    assert "name" in edited.context["form"].errors


def test_admin_deletes_a_project_after_confirming(team, project):
    client = signed_in(team.admin)
    path = f"/dashboard/projects/{project.pk}/delete"
    assert "Delete the project “Rocket”?" in html(client.get(path))
    response = client.post(path, follow=True)
    assert response.redirect_chain == [(f"/dashboard/organizations/{team.organization.pk}", 302)]
    assert "Project “Rocket” deleted." in html(response)
    assert not Project.objects.filter(pk=project.pk).exists()
