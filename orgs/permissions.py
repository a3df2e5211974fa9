"""The role matrix, in one place: who may do what in an organization.

Plain Python, asked by the API's permission classes (`orgs/api/permissions.py`), the pages
and the services alike.

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

from enum import StrEnum

from cloudbooks.errors import PermissionDenied
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


# What each role may do, in words, for the role pickers: the matrix above, role by role.
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.MEMBER: "sees the organization and its members; creates and edits projects",
    Role.ADMIN: "also deletes projects, edits the settings, adds and removes members",
    Role.OWNER: "also makes and removes owners, and may delete the organization",
}

FORBIDDEN_MESSAGE = "Your role in this organization does not allow this"


def can(role: str | None, action: Action) -> bool:
    """Whether `role` (None: not a member) may do `action`."""
    return action in GRANTS.get(role or "", frozenset())


def require(role: str | None, action: Action) -> None:
    """PermissionDenied (a 403) unless `role` may do `action`."""
    if not can(role, action):
        raise PermissionDenied(FORBIDDEN_MESSAGE)


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
