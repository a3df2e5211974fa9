"""Project rules at the service level: the API, the admin and the pages all call these."""

from __future__ import annotations

import pytest

from cloudbooks.errors import Invalid
from projects.models import Project
from projects.services import project_update
from tests.orgs.factories import make_organization, make_project

pytestmark = pytest.mark.django_db


def test_a_project_stays_in_its_organization(team):
    project = make_project(team.organization, by=team.member, name="Rocket")
    elsewhere = make_organization(owner=team.member)

    with pytest.raises(Invalid) as refused:
        project_update(project=project, organization=elsewhere, name="Moved")

    assert (refused.value.field, refused.value.issue) == (
        "organization",
        "A project cannot move to another organization",
    )
    assert Project.objects.get(pk=project.pk).organization_id == team.organization.pk
    assert Project.objects.get(pk=project.pk).name == "Rocket"


def test_naming_its_own_organization_is_no_move(team):
    project = make_project(team.organization, by=team.member, name="Rocket")

    project_update(project=project, organization=team.organization, name="Apollo")

    assert Project.objects.get(pk=project.pk).name == "Apollo"
