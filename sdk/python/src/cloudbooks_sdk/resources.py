"""The API's resources: `client.auth`, `client.users`, `client.organizations`, `client.projects`.

Each method is written once and serves `Client` and `AsyncClient` alike (see _operations.py):
it only says what to send and how to read the answer. A POST takes `idempotency_key=`; left
as None, the client makes one per call and sends the same one on every retry of that call.
"""

from __future__ import annotations

from typing import Any, Generic

from cloudbooks_sdk._operations import C, Call, ListCall, Resource, endpoint, paginated
from cloudbooks_sdk.models import Member, Organization, Project, PublicUser, Role, User, WhoAmI


def _fields(**fields: Any) -> dict[str, Any]:
    """The fields the caller gave: None means "leave as it is", not "set to null"."""
    return {name: value for name, value in fields.items() if value is not None}


class Auth(Resource[C], Generic[C]):
    """/auth: who the current credential belongs to. (Login and logout are on the client.)"""

    @endpoint
    def whoami(self) -> Call[WhoAmI]:
        """The caller, the credential in use (type, id, scope, expiry) and the plan's budget."""
        return Call("GET", "auth/whoami", WhoAmI.from_dict)


class Users(Resource[C], Generic[C]):
    """/users: the caller's account, and users who share an organization with the caller."""

    @endpoint
    def me(self) -> Call[User]:
        return Call("GET", "users/me", User.from_dict)

    @endpoint
    def update_me(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        password: str | None = None,
        current_password: str | None = None,
    ) -> Call[User]:
        """Change the given fields; a new `password` needs the `current_password`."""
        body = _fields(name=name, email=email, password=password, current_password=current_password)
        return Call("PATCH", "users/me", User.from_dict, json=body)

    @endpoint
    def replace_me(
        self,
        *,
        name: str,
        email: str,
        password: str | None = None,
        current_password: str | None = None,
    ) -> Call[User]:
        """Replace the account's fields (PUT): `name` and `email` are required."""
        body = _fields(name=name, email=email, password=password, current_password=current_password)
        return Call("PUT", "users/me", User.from_dict, json=body)

    @endpoint
    def delete_me(self) -> Call[None]:
        """Delete the account; its API keys and tokens stop working at once.

        Raises ConflictError while the caller is the only owner of an organization that has
        other members (`details["organizations"]` lists them).
        """
        return Call.delete("users/me")

    @endpoint
    def get(self, user_id: str) -> Call[PublicUser]:
        """The caller, or a user sharing an organization with the caller (else NotFoundError)."""
        return Call("GET", f"users/{user_id}", PublicUser.from_dict)


class Organizations(Resource[C], Generic[C]):
    """/organizations: those the caller belongs to."""

    @paginated
    def list(self, *, limit: int | None = None) -> ListCall[Organization]:
        """Newest first, `limit` (1-100) a page."""
        return ListCall("organizations", Organization.from_dict, {"limit": limit})

    @endpoint
    def create(
        self,
        *,
        name: str,
        slug: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[Organization]:
        """Create an organization; the caller becomes its owner."""
        body = _fields(name=name, slug=slug, description=description)
        return Call(
            "POST",
            "organizations",
            Organization.from_dict,
            json=body,
            idempotency_key=idempotency_key,
        )

    @endpoint
    def get(self, organization_id: str) -> Call[Organization]:
        return Call("GET", f"organizations/{organization_id}", Organization.from_dict)

    @endpoint
    def update(
        self,
        organization_id: str,
        *,
        name: str | None = None,
        slug: str | None = None,
        description: str | None = None,
    ) -> Call[Organization]:
        """Change the given fields (admins and owners)."""
        body = _fields(name=name, slug=slug, description=description)
        return Call("PATCH", f"organizations/{organization_id}", Organization.from_dict, json=body)

    @endpoint
    def replace(
        self,
        organization_id: str,
        *,
        name: str,
        description: str = "",
        slug: str | None = None,
    ) -> Call[Organization]:
        """Replace the organization's fields (PUT): a description left out becomes empty."""
        body = _fields(name=name, description=description, slug=slug)
        return Call("PUT", f"organizations/{organization_id}", Organization.from_dict, json=body)

    @endpoint
    def delete(self, organization_id: str) -> Call[None]:
        """Delete the organization and its projects (owners)."""
        return Call.delete(f"organizations/{organization_id}")

    def members(self, organization_id: str) -> Members[C]:
        """The members of one organization: `client.organizations.members(id).list()`."""
        return Members(self._client, organization_id)


class Members(Resource[C], Generic[C]):
    """/organizations/{id}/members, addressed by user id."""

    def __init__(self, client: C, organization_id: str) -> None:
        super().__init__(client)
        self.organization_id = organization_id
        self._path = f"organizations/{organization_id}/members"

    @paginated
    def list(self, *, limit: int | None = None) -> ListCall[Member]:
        return ListCall(self._path, Member.from_dict, {"limit": limit})

    @endpoint
    def get(self, user_id: str) -> Call[Member]:
        return Call("GET", f"{self._path}/{user_id}", Member.from_dict)

    @endpoint
    def add(
        self, *, email: str, role: Role = "member", idempotency_key: str | None = None
    ) -> Call[Member]:
        """Add an existing user by email (admins and owners; only owners add owners)."""
        body = {"email": email, "role": role}
        key = idempotency_key
        return Call("POST", self._path, Member.from_dict, json=body, idempotency_key=key)

    @endpoint
    def update(self, user_id: str, *, role: Role) -> Call[Member]:
        """Change a member's role. Demoting the last owner raises ConflictError."""
        return Call("PATCH", f"{self._path}/{user_id}", Member.from_dict, json={"role": role})

    @endpoint
    def remove(self, user_id: str) -> Call[None]:
        """Remove a member, or leave with your own user id (the last owner cannot: 409)."""
        return Call.delete(f"{self._path}/{user_id}")


class Projects(Resource[C], Generic[C]):
    """/projects: the projects of the caller's organizations."""

    @paginated
    def list(
        self, *, organization: str | None = None, limit: int | None = None
    ) -> ListCall[Project]:
        """Newest first, optionally of one organization, `limit` (1-100) a page."""
        params = {"organization": organization, "limit": limit}
        return ListCall("projects", Project.from_dict, params)

    @endpoint
    def create(
        self,
        *,
        organization: str,
        name: str,
        description: str = "",
        idempotency_key: str | None = None,
    ) -> Call[Project]:
        body = {"organization": organization, "name": name, "description": description}
        key = idempotency_key
        return Call("POST", "projects", Project.from_dict, json=body, idempotency_key=key)

    @endpoint
    def get(self, project_id: str) -> Call[Project]:
        return Call("GET", f"projects/{project_id}", Project.from_dict)

    @endpoint
    def update(
        self, project_id: str, *, name: str | None = None, description: str | None = None
    ) -> Call[Project]:
        body = _fields(name=name, description=description)
        return Call("PATCH", f"projects/{project_id}", Project.from_dict, json=body)

    @endpoint
    def replace(
        self, project_id: str, *, organization: str, name: str, description: str = ""
    ) -> Call[Project]:
        """Replace the project's fields (PUT); `organization` must be the one it is in."""
        body = {"organization": organization, "name": name, "description": description}
        return Call("PUT", f"projects/{project_id}", Project.from_dict, json=body)

    @endpoint
    def delete(self, project_id: str) -> Call[None]:
        """Delete a project (admins and owners of its organization)."""
        return Call.delete(f"projects/{project_id}")
