"""Staff tools: projects with their organization, searchable (writes through projects.services)."""

from __future__ import annotations

from django.contrib import admin

from cloudbooks.adminutils import adopt_saved
from projects import services
from projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "created_by", "created_at")
    list_select_related = ("organization", "created_by")
    search_fields = ("name", "organization__name", "organization__slug", "created_by__email")
    autocomplete_fields = ("organization", "created_by")
    readonly_fields = ("id", "created_at", "updated_at")
    fields = ("id", "organization", "name", "description", "created_by", "created_at", "updated_at")
    ordering = ("-created_at",)

    def get_readonly_fields(self, request, obj=None):
        # A project stays in its organization (as in the API), and was created by whom it was.
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "organization", "created_by")

    def save_model(self, request, obj, form, change):
        if change:
            services.project_update(
                project=obj,
                organization=obj.organization,
                name=obj.name,
                description=obj.description,
            )
            return
        project = services.project_create(
            organization=obj.organization,
            created_by=obj.created_by,
            name=obj.name,
            description=obj.description,
        )
        adopt_saved(obj, project)

    def delete_model(self, request, obj):
        services.project_delete(project=obj)

    def delete_queryset(self, request, queryset):
        for project in queryset:
            services.project_delete(project=project)
