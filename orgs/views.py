"""Organization pages of the dashboard.

Access, as on the API: an organization the user is not in is a 404 (its existence does not
leak), a role that does not allow the action is a 403. Who may do what is the matrix in
`orgs.permissions`; membership changes are decided again by `orgs.services` under the
organization's lock. The controls shown on a page follow the same matrix, but every action
is checked here whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from cloudbooks.errors import Conflict, Invalid
from cloudbooks.pages import add_service_errors, names_a_field, service_errors_as_pages
from orgs import services
from orgs.forms import MemberAddForm, MemberRoleForm, OrganizationForm
from orgs.models import Membership, Organization, Role
from orgs.permissions import (
    FORBIDDEN_MESSAGE,
    Action,
    can,
    may_change_membership,
)

# --- Access -----------------------------------------------------------------------------------


def get_organization_for_user(user: User, org_id) -> Organization:
    """One of the user's organizations, with `caller_role`; any other is a 404."""
    return get_object_or_404(services.organizations_for(user), pk=org_id)


def _get_membership(organization: Organization, user_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), organization=organization, user_id=user_id
    )


def require(role: str | None, action: Action) -> None:
    """403 unless `role` may do `action` in the organization (the matrix in orgs.permissions)."""
    if not can(role, action):
        raise PermissionDenied(FORBIDDEN_MESSAGE)


# --- Sections that other apps add to the organization page --------------------------------------
#
# The organization page shows what lives in an organization, and apps above `orgs` own some of
# it (the projects). They register a section in their AppConfig.ready() instead of `orgs`
# importing them: the dependency keeps pointing one way (docs/architecture.md).


@dataclass(frozen=True)
class OrganizationSection:
    """A part of the organization page: `template`, rendered with `section` = context(...)."""

    name: str
    template: str
    # context(request, organization, **state) -> dict; `state` carries the section's own
    # form with errors when one of its views renders the page again.
    context: Callable[..., dict]
    # post(request, org_id): the section's form, sent to the page's own URL with
    # `form` = the section's name (see `organization`).
    post: Callable[..., HttpResponse] | None = None


_sections: dict[str, OrganizationSection] = {}


def add_organization_section(section: OrganizationSection) -> None:
    _sections[section.name] = section


# --- The organization page ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    is_self: bool
    role_choices: list[tuple[str, str]]  # the roles the viewer may set; empty: no control
    may_remove: bool
    sole_owner: bool = False  # the only owner cannot leave (nor be removed): the page says so


def _roles_grantable(actor_role: str, *, current_role: str | None, is_self: bool) -> list:
    return [
        (value, label)
        for value, label in Role.choices
        if value == current_role
        or may_change_membership(
            actor_role=actor_role, is_self=is_self, current_role=current_role, new_role=value
        )
    ]


def _member_rows(organization: Organization, viewer: User) -> list[MemberRow]:
    role = organization.caller_role
    memberships = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("created_at")
    )
    memberships = list(memberships)
    owners = sum(1 for m in memberships if m.role == Role.OWNER)
    rows = []
    for membership in memberships:
        is_self = membership.user_id == viewer.pk
        choices = _roles_grantable(role, current_role=membership.role, is_self=is_self)
        sole_owner = membership.role == Role.OWNER and owners == 1
        rows.append(
            MemberRow(
                membership=membership,
                is_self=is_self,
                role_choices=choices if len(choices) > 1 else [],
                # The service refuses to remove the last owner (409): no button that can
                # only fail.
                may_remove=not sole_owner
                and may_change_membership(
                    actor_role=role, is_self=is_self, current_role=membership.role, new_role=None
                ),
                sole_owner=sole_owner,
            )
        )
    return rows


def render_organization(
    request: HttpRequest,
    organization: Organization,
    *,
    member_form: MemberAddForm | None = None,
    settings_form: OrganizationForm | None = None,
    sections_state: dict[str, dict] | None = None,
    status: int = 200,
) -> HttpResponse:
    role = organization.caller_role
    grantable = _roles_grantable(role, current_role=None, is_self=False)
    state = sections_state or {}
    context = {
        "organization": organization,
        "role": role,
        "may": {
            "update_organization": can(role, Action.UPDATE_ORGANIZATION),
            "manage_members": can(role, Action.MANAGE_MEMBERS),
            "delete_organization": can(role, Action.DELETE_ORGANIZATION),
        },
        "members": _member_rows(organization, request.user),
        "sections": [
            (section.template, section.context(request, organization, **state.get(name, {})))
            for name, section in _sections.items()
        ],
        "member_form": member_form or MemberAddForm(roles=grantable),
        "settings_form": settings_form
        or OrganizationForm(
            initial={
                "name": organization.name,
                "slug": organization.slug,
                "description": organization.description,
            }
        ),
    }
    return render(request, "orgs/organization.html", context, status=status)


def _conflict(request: HttpRequest, organization: Organization, exc: Conflict) -> HttpResponse:
    """The organization page again, with what contradicts the current state, as a 409."""
    messages.error(request, f"{exc.message}.")
    organization = get_organization_for_user(request.user, organization.pk)
    return render_organization(request, organization, status=409)


# --- Organizations ------------------------------------------------------------------------------


def _with_counts(organizations):
    """Each organization with `member_count` and `project_count`, in the same query.

    Members by a subquery: the list's own join on memberships is the viewer's one row.
    Projects by the reverse relation's name (distinct: that join must not multiply them),
    so `orgs` imports nothing from `projects`.
    """
    members = (
        Membership.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return organizations.annotate(
        member_count=Coalesce(Subquery(members), 0),
        project_count=Count("projects", distinct=True),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organizations(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"] or None,
                description=form.cleaned_data["description"],
            )
        except (Invalid, Conflict) as exc:
            # A taken slug is a Conflict naming `slug`: shown next to the field.
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Organization “{organization.name}” created.")
            return redirect("organization", org_id=organization.pk)
    context = {
        "form": form,
        "organizations": _with_counts(services.organizations_for(request.user)).order_by("name"),
    }
    return render(request, "orgs/organizations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest, org_id) -> HttpResponse:
    """The organization page; its forms post here too, naming themselves in `form`.

    Posting to the page's own URL keeps the address bar on the page when a form comes back
    with errors, so a reload shows the page again instead of sending the form to an action
    URL. The action URLs (member-add, organization-edit, project-create) still answer.
    """
    if request.method == "POST":
        handlers = {"member-add": member_add, "settings": organization_edit}
        handlers.update({name: s.post for name, s in _sections.items() if s.post is not None})
        handler = handlers.get(request.POST.get("form", ""))
        if handler is None:
            organization = get_organization_for_user(request.user, org_id)
            messages.error(request, "That form is not on this page.")
            return render_organization(request, organization, status=400)
        return handler(request, org_id)
    return render_organization(request, get_organization_for_user(request.user, org_id))


@login_required
@require_POST
def organization_edit(request: HttpRequest, org_id) -> HttpResponse:
    organization = get_organization_for_user(request.user, org_id)
    require(organization.caller_role, Action.UPDATE_ORGANIZATION)
    form = OrganizationForm(request.POST)
    if form.is_valid():
        try:
            services.organization_update(
                organization=organization,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"] or None,
                description=form.cleaned_data["description"],
            )
        except (Invalid, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Organization settings saved.")
            return redirect("organization", org_id=organization.pk)
    organization.refresh_from_db()
    return render_organization(request, organization, settings_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def organization_delete(request: HttpRequest, org_id) -> HttpResponse:
    organization = get_organization_for_user(request.user, org_id)
    require(organization.caller_role, Action.DELETE_ORGANIZATION)
    if request.method == "POST":
        services.organization_delete(organization=organization)
        messages.success(request, f"Organization “{organization.name}” deleted, with its projects.")
        return redirect("organizations")
    return render(
        request,
        "orgs/confirm.html",
        {
            "title": f"Delete “{organization.name}”?",
            "text": (
                "The organization, its memberships and all of its projects will be deleted. "
                "This cannot be undone."
            ),
            "confirm_label": "Yes, delete the organization",
            "cancel_url": organization_url(organization),
        },
    )


def organization_url(organization: Organization) -> str:
    return reverse("organization", kwargs={"org_id": organization.pk})


# --- Members ------------------------------------------------------------------------------------


@login_required
@require_POST
def member_add(request: HttpRequest, org_id) -> HttpResponse:
    organization = get_organization_for_user(request.user, org_id)
    # The coarse check first, as on the API: a member gets 403, not a form error.
    require(organization.caller_role, Action.MANAGE_MEMBERS)
    grantable = _roles_grantable(organization.caller_role, current_role=None, is_self=False)
    form = MemberAddForm(request.POST, roles=grantable)
    if form.is_valid():
        try:
            with service_errors_as_pages():
                membership = services.membership_add(
                    organization=organization,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
        except (Invalid, Conflict) as exc:
            if not names_a_field(exc):  # e.g. the last owner: about the organization
                return _conflict(request, organization, exc)
            add_service_errors(form, exc)  # e.g. already a member: next to the email
        else:
            messages.success(
                request,
                f"{membership.user.email} added as {membership.get_role_display().lower()}.",
            )
            return redirect("organization", org_id=organization.pk)
    return render_organization(request, organization, member_form=form)


@login_required
@require_POST
def member_role(request: HttpRequest, org_id, user_id) -> HttpResponse:
    organization = get_organization_for_user(request.user, org_id)
    require(organization.caller_role, Action.MANAGE_MEMBERS)
    membership = _get_membership(organization, user_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: member, admin or owner.")
        return render_organization(request, organization, status=400)
    try:
        with service_errors_as_pages():
            membership = services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
    except Conflict as exc:
        return _conflict(request, organization, exc)
    role = membership.get_role_display().lower()
    article = "an" if role[0] in "aeiou" else "a"
    messages.success(request, f"{membership.user.email} is now {article} {role}.")
    return redirect("organization", org_id=organization.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, org_id, user_id) -> HttpResponse:
    """Remove a member, or leave when it is the user's own membership (with confirmation)."""
    organization = get_organization_for_user(request.user, org_id)
    leaving = user_id == request.user.pk
    if not leaving:
        require(organization.caller_role, Action.MANAGE_MEMBERS)
    membership = _get_membership(organization, user_id)
    if request.method == "POST":
        try:
            with service_errors_as_pages():
                services.membership_remove(membership=membership, by=request.user)
        except Conflict as exc:
            return _conflict(request, organization, exc)
        if leaving:
            messages.success(request, f"You left “{organization.name}”.")
            return redirect("organizations")
        messages.success(request, f"{membership.user.email} removed from “{organization.name}”.")
        return redirect("organization", org_id=organization.pk)
    if leaving:
        context = {
            "title": f"Leave “{organization.name}”?",
            "text": "You will lose access to the organization and its projects.",
            "confirm_label": "Yes, leave",
        }
    else:
        context = {
            "title": f"Remove {membership.user.email}?",
            "text": (
                f"{membership.user.email} will lose access to “{organization.name}” "
                "and its projects."
            ),
            "confirm_label": "Yes, remove",
        }
    context["cancel_url"] = organization_url(organization)
    return render(request, "orgs/confirm.html", context)
