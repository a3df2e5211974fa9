"""The role matrix of SPEC §3, in one place, and the DRF permissions that apply it.

| may …                                              | member | admin | owner |
|----------------------------------------------------|--------|-------|-------|
| read the organization, its members and projects    | yes    | yes   | yes   |
| create and update projects                         | yes    | yes   | yes   |
| delete projects, update the organization           | no     | yes   | yes   |
| add/remove members, set roles below owner          | no     | yes   | yes   |
| grant or remove `owner`, delete the organization   | no     | no    | yes   |

Anyone may leave. Not being a member at all is not a role: scoped querysets answer 404 for
outsiders before any of this is asked.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from rest_framework import exceptions, permissions

from orgs.models import Role


class Action(StrEnum):
    READ = "read"
    WRITE_PROJECTS = "write_projects"  # create and update
    DELETE_PROJECTS = "delete_projects"
    UPDATE_ORGANIZATION = "update_organization"
    MANAGE_MEMBERS = "manage_members"  # add and remove members, set roles below owner
    MANAGE_OWNERS = "manage_owners"  # grant or remove `owner`
    DELETE_ORGANIZATION = "delete_organization"


_MEMBER = frozenset({Action.READ, Action.WRITE_PROJECTS})
_ADMIN = _MEMBER | {Action.DELETE_PROJECTS, Action.UPDATE_ORGANIZATION, Action.MANAGE_MEMBERS}
_OWNER = _ADMIN | {Action.MANAGE_OWNERS, Action.DELETE_ORGANIZATION}

GRANTS: dict[str, frozenset[Action]] = {
    Role.MEMBER: _MEMBER,
    Role.ADMIN: _ADMIN,
    Role.OWNER: _OWNER,
}


FORBIDDEN_MESSAGE = "Your role in this organization does not allow this"


def can(role: str | None, action: Action) -> bool:
    """Whether `role` (None: not a member) may do `action`."""
    return action in GRANTS.get(role or "", frozenset())


def require(role: str | None, action: Action) -> None:
    """403 unless `role` may do `action`."""
    if not can(role, action):
        raise exceptions.PermissionDenied(FORBIDDEN_MESSAGE)


def membership_change_action(*, current_role: str | None, new_role: str | None) -> Action:
    """What it takes to move a member from `current_role` to `new_role`.

    `current_role` None: adding someone; `new_role` None: removing them. Anything that
    grants or takes away `owner` is for owners; the rest is for admins too.
    """
    if Role.OWNER in (current_role, new_role):
        return Action.MANAGE_OWNERS
    return Action.MANAGE_MEMBERS


def may_change_membership(
    *,
    actor_role: str | None,
    is_self: bool,
    current_role: str | None,
    new_role: str | None,
) -> bool:
    """Whether someone with `actor_role` may make this change (leaving is always allowed)."""
    if is_self and current_role is not None and new_role is None:
        return True
    return can(actor_role, membership_change_action(current_role=current_role, new_role=new_role))


# --- DRF permissions -------------------------------------------------------------------------
# Each runs after IsAuthenticated and KeyScopePermission, on an object (or organization) that
# the view found in the caller's scope, so a failure here is a 403, never a leak.


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
