"""Organization pages of the dashboard."""

from __future__ import annotations

from django.urls import path

from orgs import views

urlpatterns = [
    path("dashboard/organizations", views.organizations, name="organizations"),
    path("dashboard/organizations/<uuid:org_id>", views.organization, name="organization"),
    path(
        "dashboard/organizations/<uuid:org_id>/edit",
        views.organization_edit,
        name="organization-edit",
    ),
    path(
        "dashboard/organizations/<uuid:org_id>/delete",
        views.organization_delete,
        name="organization-delete",
    ),
    path(
        "dashboard/organizations/<uuid:org_id>/members",
        views.member_add,
        name="member-add",
    ),
    path(
        "dashboard/organizations/<uuid:org_id>/members/<uuid:user_id>/role",
        views.member_role,
        name="member-role",
    ),
    path(
        "dashboard/organizations/<uuid:org_id>/members/<uuid:user_id>/remove",
        views.member_remove,
        name="member-remove",
    ),
]
