"""Projects: the work of an organization (docs/api.md, "Endpoints")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from orgs.models import Organization


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Served by `projects_project_org_idx`, which leads with the organization.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="projects", db_index=False
    )
    name = models.CharField(max_length=100)
    description = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_projects",
        help_text="Who created the project; empty once that account is deleted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # "The projects of the organizations of user X", newest first: memberships of the
            # user (orgs_member_user_idx), then this index per organization.
            models.Index(fields=["organization", "-created_at"], name="projects_project_org_idx"),
        ]

    def __str__(self) -> str:
        return self.name
