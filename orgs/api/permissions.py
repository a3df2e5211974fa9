"""The DRF permissions that apply the role matrix (`orgs.permissions`) to API requests.

Each runs after IsAuthenticated and KeyScopePermission, on an object (or organization) that
the view found in the caller's scope, so a failure here is a 403, never a leak.
"""

from __future__ import annotations

import uuid

from rest_framework import permissions

from orgs.permissions import FORBIDDEN_MESSAGE, Action, can


class RoleObjectPermission(permissions.BasePermission):
    """An object annotated with `caller_role` by its scoped queryset; `actions` maps the view's
    action to what it takes (anything unlisted is a read)."""

    message = FORBIDDEN_MESSAGE
    actions: dict[str, Action] = {}

    def has_object_permission(self, request, view, obj) -> bool:
        return can(obj.caller_role, self.actions.get(view.action, Action.READ))


class OrganizationPermission(RoleObjectPermission):
    actions = {
        "update": Action.UPDATE_ORGANIZATION,
        "partial_update": Action.UPDATE_ORGANIZATION,
        "destroy": Action.DELETE_ORGANIZATION,
    }


class ProjectPermission(RoleObjectPermission):
    """`caller_role` is the caller's role in the project's organization."""

    actions = {
        "update": Action.WRITE_PROJECTS,
        "partial_update": Action.WRITE_PROJECTS,
        "destroy": Action.DELETE_PROJECTS,
    }


class MembershipPermission(permissions.BasePermission):
    """Members of the organization in the URL; `view.get_organization()` is 404 for outsiders.

    This is the coarse check, made before the body is read so that a member gets 403 rather
    than a validation error. Whether the change touches `owner` depends on the target and
    the new role: `orgs.services` decides that, under the organization's lock.
    """

    message = FORBIDDEN_MESSAGE
    actions = {
        "create": Action.MANAGE_MEMBERS,
        "partial_update": Action.MANAGE_MEMBERS,
        "destroy": Action.MANAGE_MEMBERS,
    }

    def has_permission(self, request, view) -> bool:
        role = view.get_organization().caller_role
        if view.action == "destroy" and _is_self(request, view.kwargs.get(view.lookup_url_kwarg)):
            return True  # leaving
        return can(role, self.actions.get(view.action, Action.READ))


def _is_self(request, user_id: str | None) -> bool:
    try:
        return uuid.UUID(str(user_id)) == request.user.pk
    except ValueError:
        return False
