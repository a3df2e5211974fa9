"""Project pages of the dashboard."""

from __future__ import annotations

from django.urls import path

from projects import views

urlpatterns = [
    path(
        "dashboard/organizations/<uuid:org_id>/projects",
        views.project_create,
        name="project-create",
    ),
    path("dashboard/projects/<uuid:project_id>/edit", views.project_edit, name="project-edit"),
    path(
        "dashboard/projects/<uuid:project_id>/delete",
        views.project_delete,
        name="project-delete",
    ),
]
