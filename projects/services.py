"""Project rules, called alike by the API, the admin and the dashboard.

Who may do what is checked before these are called (`orgs.permissions`): creating needs
membership of `organization`, which the API enforces by scoping the field to the caller.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet

from accounts.models import User
from orgs.models import Organization
from projects.models import Project


def projects_for(user: User) -> QuerySet[Project]:
    """The projects of `user`'s organizations, each with `caller_role`: one query, one join."""
    return Project.objects.filter(organization__memberships__user=user).annotate(
        caller_role=F("organization__memberships__role")
    )


@transaction.atomic
def project_create(
    *, organization: Organization, created_by: User | None, name: str, description: str = ""
) -> Project:
    return Project.objects.create(
        organization=organization, created_by=created_by, name=name, description=description
    )


@transaction.atomic
def project_update(
    *, project: Project, name: str | None = None, description: str | None = None
) -> Project:
    """Change what is given. A project stays in its organization."""
    if name is not None:
        project.name = name
    if description is not None:
        project.description = description
    project.save(update_fields=["name", "description", "updated_at"])
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    project.delete()
