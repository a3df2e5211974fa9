"""/v1/projects."""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.settings import api_settings

from cloudbooks.api.viewsets import ModelViewSet
from orgs.api.permissions import ProjectPermission
from orgs.permissions import Action, require
from projects import services
from projects.api import serializers
from projects.models import Project

ORGANIZATION_FILTER = OpenApiParameter(
    "organization",
    OpenApiTypes.UUID,
    OpenApiParameter.QUERY,
    required=False,
    description="Only the projects of this organization.",
)


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(
        summary="List the projects of your organizations, newest first",
        parameters=[ORGANIZATION_FILTER],
    ),
    create=extend_schema(summary="Create a project in one of your organizations"),
    retrieve=extend_schema(summary="Get a project"),
    update=extend_schema(summary="Replace a project"),
    partial_update=extend_schema(summary="Update a project"),
    destroy=extend_schema(summary="Delete a project (admins and owners)"),
)
class ProjectViewSet(ModelViewSet):
    serializer_class = serializers.ProjectSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ProjectPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Project.objects.none()
        projects = services.projects_for(self.request.user)
        if self.action == "list":
            raw = self.request.query_params.get("organization")
            if raw is not None:
                try:
                    organization_id = uuid.UUID(raw)
                except ValueError:
                    raise exceptions.ValidationError(
                        {"organization": ["Must be a valid UUID"]}
                    ) from None
                projects = projects.filter(organization_id=organization_id)
        return projects

    def perform_create(self, serializer) -> None:
        # The field only accepts the caller's organizations, each with the caller's role.
        require(serializer.validated_data["organization"].caller_role, Action.WRITE_PROJECTS)
        serializer.instance = services.project_create(
            created_by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = services.project_update(
            project=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Project) -> None:
        services.project_delete(project=instance)
