"""Project pages of the dashboard: the projects section of the organization page, edit, delete.

Access, as on the API: a project outside the user's organizations is a 404, a role that may
not is a 403 (the matrix in `orgs.permissions`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from orgs.models import Organization
from orgs.permissions import Action, can
from orgs.views import (
    OrganizationSection,
    get_organization_for_user,
    organization_url,
    render_organization,
    require,
)
from projects import services
from projects.forms import ProjectForm
from projects.models import Project


def _get_project_for_user(user: User, project_id) -> Project:
    """A project of one of the user's organizations, with `caller_role`; any other is a 404."""
    return get_object_or_404(
        services.projects_for(user).select_related("organization"), pk=project_id
    )


def organization_projects(
    request: HttpRequest, organization: Organization, *, form: ProjectForm | None = None
) -> dict:
    """The projects section of the organization page (registered in ProjectsConfig.ready)."""
    role = organization.caller_role
    return {
        "projects": organization.projects.select_related("created_by").order_by("-created_at"),
        "may_write": can(role, Action.WRITE_PROJECTS),
        "may_delete": can(role, Action.DELETE_PROJECTS),
        "form": form or ProjectForm(),
    }


@login_required
@require_POST
def project_create(request: HttpRequest, org_id) -> HttpResponse:
    organization = get_organization_for_user(request.user, org_id)
    require(organization.caller_role, Action.WRITE_PROJECTS)
    form = ProjectForm(request.POST)
    if form.is_valid():
        project = services.project_create(
            organization=organization, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, f"Project “{project.name}” created.")
        return redirect("organization", org_id=organization.pk)
    return render_organization(request, organization, sections_state={"projects": {"form": form}})


SECTION = OrganizationSection(
    name="projects",
    template="projects/organization_projects.html",
    context=organization_projects,
    post=project_create,
)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id) -> HttpResponse:
    project = _get_project_for_user(request.user, project_id)
    require(project.caller_role, Action.WRITE_PROJECTS)
    form = ProjectForm(
        request.POST or None, initial={"name": project.name, "description": project.description}
    )
    if request.method == "POST" and form.is_valid():
        services.project_update(project=project, **form.cleaned_data)
        messages.success(request, f"Project “{project.name}” saved.")
        return redirect("organization", org_id=project.organization_id)
    return render(request, "projects/project_edit.html", {"project": project, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, project_id) -> HttpResponse:
    project = _get_project_for_user(request.user, project_id)
    require(project.caller_role, Action.DELETE_PROJECTS)
    if request.method == "POST":
        services.project_delete(project=project)
        messages.success(request, f"Project “{project.name}” deleted.")
        return redirect("organization", org_id=project.organization_id)
    return render(
        request,
        "orgs/confirm.html",
        {
            "title": f"Delete the project “{project.name}”?",
            "text": (
                f"It will be removed from “{project.organization.name}”. This cannot be undone."
            ),
            "confirm_label": "Yes, delete the project",
            "cancel_url": organization_url(project.organization),
        },
    )
