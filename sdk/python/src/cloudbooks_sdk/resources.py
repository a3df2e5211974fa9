"""The API's resources: `client.users`, `client.organizations`, `client.projects`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from cloudbooks_sdk._pagination import ListIterator
from cloudbooks_sdk.models import Member, Organization, Project, PublicUser, User

if TYPE_CHECKING:
    from cloudbooks_sdk._client import Client

T = TypeVar("T")


def _fields(**fields: Any) -> dict[str, Any]:
    """The fields the caller gave: None means "leave as it is", not "set to null"."""
    return {name: value for name, value in fields.items() if value is not None}


class _Resource:
    def __init__(self, client: Client) -> None:
        self._client = client

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._client._request("GET", path, params=params).json()

    def _send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return self._client._request(method, path, json=body).json()

    def _delete(self, path: str) -> None:
        self._client._request("DELETE", path)

    def _list(self, path: str, parse: Callable[[Any], T], **params: Any) -> ListIterator[T]:
        return ListIterator(lambda query: self._get(path, query), params, parse)


class Users(_Resource):
    """/users: the caller's account, and users who share an organization with the caller."""

    def me(self) -> User:
        return User.from_dict(self._get("users/me"))

    def update_me(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        password: str | None = None,
        current_password: str | None = None,
    ) -> User:
        """Change the given fields; a new `password` needs the `current_password`."""
        body = _fields(name=name, email=email, password=password, current_password=current_password)
        return User.from_dict(self._send("PATCH", "users/me", body))

    def delete_me(self) -> None:
        """Delete the account; its API keys and tokens stop working at once.

        Raises ConflictError while the caller is the only owner of an organization that has
        other members (`details["organizations"]` lists them).
        """
        self._delete("users/me")

    def get(self, user_id: str) -> PublicUser:
        """The caller, or a user sharing an organization with the caller (else NotFoundError)."""
        return PublicUser.from_dict(self._get(f"users/{user_id}"))


class Organizations(_Resource):
    """/organizations: those the caller belongs to."""

    def list(self, *, limit: int | None = None) -> ListIterator[Organization]:
        """Newest first, fetched `limit` (1-100) at a time as the iteration goes."""
        return self._list("organizations", Organization.from_dict, limit=limit)

    def create(
        self, *, name: str, slug: str | None = None, description: str | None = None
    ) -> Organization:
        """Create an organization; the caller becomes its owner."""
        body = _fields(name=name, slug=slug, description=description)
        return Organization.from_dict(self._send("POST", "organizations", body))

    def get(self, organization_id: str) -> Organization:
        return Organization.from_dict(self._get(f"organizations/{organization_id}"))

    def update(
        self,
        organization_id: str,
        *,
        name: str | None = None,
        slug: str | None = None,
        description: str | None = None,
    ) -> Organization:
        """Change the given fields (admins and owners)."""
        body = _fields(name=name, slug=slug, description=description)
        return Organization.from_dict(self._send("PATCH", f"organizations/{organization_id}", body))

    def delete(self, organization_id: str) -> None:
        """Delete the organization and its projects (owners)."""
        self._delete(f"organizations/{organization_id}")

    def members(self, organization_id: str) -> Members:
        """The members of one organization: `client.organizations.members(id).list()`."""
        return Members(self._client, organization_id)


class Members(_Resource):
    """/organizations/{id}/members, addressed by user id."""

    def __init__(self, client: Client, organization_id: str) -> None:
        super().__init__(client)
        self.organization_id = organization_id
        self._path = f"organizations/{organization_id}/members"

    def list(self, *, limit: int | None = None) -> ListIterator[Member]:
        return self._list(self._path, Member.from_dict, limit=limit)

    def get(self, user_id: str) -> Member:
        return Member.from_dict(self._get(f"{self._path}/{user_id}"))

    def add(self, *, email: str, role: str = "member") -> Member:
        """Add an existing user by email (admins and owners; only owners add owners)."""
        return Member.from_dict(self._send("POST", self._path, {"email": email, "role": role}))

    def update(self, user_id: str, *, role: str) -> Member:
        """Change a member's role. Demoting the last owner raises ConflictError."""
        return Member.from_dict(self._send("PATCH", f"{self._path}/{user_id}", {"role": role}))

    def remove(self, user_id: str) -> None:
        """Remove a member, or leave with your own user id (the last owner cannot: 409)."""
        self._delete(f"{self._path}/{user_id}")


class Projects(_Resource):
    """/projects: the projects of the caller's organizations."""

    def list(
        self, *, organization: str | None = None, limit: int | None = None
    ) -> ListIterator[Project]:
        """Newest first, optionally of one organization, fetched `limit` at a time."""
        return self._list("projects", Project.from_dict, organization=organization, limit=limit)

    def create(self, *, organization: str, name: str, description: str = "") -> Project:
        body = {"organization": organization, "name": name, "description": description}
        return Project.from_dict(self._send("POST", "projects", body))

    def get(self, project_id: str) -> Project:
        return Project.from_dict(self._get(f"projects/{project_id}"))

    def update(
        self, project_id: str, *, name: str | None = None, description: str | None = None
    ) -> Project:
        body = _fields(name=name, description=description)
        return Project.from_dict(self._send("PATCH", f"projects/{project_id}", body))

    def delete(self, project_id: str) -> None:
        """Delete a project (admins and owners of its organization)."""
        self._delete(f"projects/{project_id}")
