"""Organizations, members and projects for tests, made through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKeyScope, User
from accounts.services import api_key_create
from orgs import services
from orgs.models import Membership, Organization, Role
from projects.models import Project
from projects.services import project_create
from tests.factories import client_for, make_user

_sequence = itertools.count(1)

# The personas of the role matrix, and how each of them signs their requests.
PERSONAS = ("member", "admin", "owner", "outsider")
CREDENTIALS = ("jwt", "read_write_key")


def role_matrix(rows: dict[str, tuple[int, ...]]) -> list:
    """Flatten {action: (member, admin, owner, outsider) statuses} into pytest params."""
    return [
        pytest.param(action, persona, status, id=f"{persona}-{action}")
        for action, statuses in rows.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ]


def make_organization(*, owner: User, name: str | None = None, **fields) -> Organization:
    name = name or f"Organization {next(_sequence)}"
    return services.organization_create(owner=owner, name=name, **fields)


def add_member(organization: Organization, user: User, role: str = Role.MEMBER) -> Membership:
    return services.membership_add(organization=organization, user=user, role=role, by=None)


def make_project(organization: Organization, *, by: User | None = None, **fields) -> Project:
    fields.setdefault("name", f"Project {next(_sequence)}")
    return project_create(organization=organization, created_by=by, **fields)


def client_as(user: User, credential: str = "jwt") -> APIClient:
    """A client for `user` signing with an access token, or a read_write / read_only API key."""
    if credential == "jwt":
        return client_for(user)
    scope = ApiKeyScope.READ_ONLY if credential == "read_only_key" else ApiKeyScope.READ_WRITE
    _, raw = api_key_create(owner=user, name=f"{credential} key", scope=scope)
    return client_for(user, raw)


def owner_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.OWNER).count()


@dataclass
class Team:
    """Acme and the people around it.

    owner, co_owner: owners; admin; member; target_admin, target_member: people the personas
    act on; newcomer: a user in no organization (to be added); outsider: in another
    organization of their own.
    """

    organization: Organization
    owner: User
    co_owner: User
    admin: User
    member: User
    target_admin: User
    target_member: User
    newcomer: User
    outsider: User

    def persona(self, name: str) -> User:
        return getattr(self, name)


def make_team() -> Team:
    owner = make_user(email="olive@example.com", name="Olive Owner")
    organization = make_organization(owner=owner, name="Acme")
    people = {
        "co_owner": ("oscar@example.com", "Oscar Co-Owner", Role.OWNER),
        "admin": ("ada@example.com", "Ada Admin", Role.ADMIN),
        "member": ("max@example.com", "Max Member", Role.MEMBER),
        "target_admin": ("tom@example.com", "Tom Target", Role.ADMIN),
        "target_member": ("tess@example.com", "Tess Target", Role.MEMBER),
    }
    users = {}
    for key, (email, name, role) in people.items():
        users[key] = make_user(email=email, name=name)
        add_member(organization, users[key], role)
    outsider = make_user(email="otto@example.com", name="Otto Outsider")
    make_organization(owner=outsider, name="Otto's Own")
    newcomer = make_user(email="nia@example.com", name="Nia Newcomer")
    return Team(
        organization=organization, owner=owner, newcomer=newcomer, outsider=outsider, **users
    )


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """The response is the error envelope with `status` and `code` (and names `field`)."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["request_id"] == response["X-Request-Id"]
    if field is not None:
        assert error["details"]["field"] == field, error
    return error
