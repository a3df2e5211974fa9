"""What the API returns, as typed, immutable dataclasses.

`from_dict` ignores fields it does not know, so a newer server never breaks an older SDK.
Ids are UUID strings; timestamps are timezone-aware `datetime`s in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

Role = Literal["owner", "admin", "member"]
"""A member's role in an organization."""
Scope = Literal["read_write", "read_only"]
"""What a credential may do: an access token is always read_write."""


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value)
    if text.endswith("Z"):  # fromisoformat accepts "Z" only from Python 3.11 on
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class User:
    """The authenticated caller (`client.users.me()`)."""

    id: str
    email: str
    name: str
    plan: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        return cls(
            id=data["id"],
            email=data["email"],
            name=data.get("name", ""),
            plan=data.get("plan"),
            created_at=_datetime(data.get("created_at")),
            updated_at=_datetime(data.get("updated_at")),
        )


@dataclass(frozen=True)
class PublicUser:
    """Another user, as a co-member of an organization sees them."""

    id: str
    email: str
    name: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublicUser:
        return cls(id=data["id"], email=data["email"], name=data.get("name", ""))


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    slug: str
    description: str
    role: Role | None  # the caller's role
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Organization:
        return cls(
            id=data["id"],
            name=data["name"],
            slug=data.get("slug", ""),
            description=data.get("description", ""),
            role=cast("Role | None", data.get("role")),
            created_at=_datetime(data.get("created_at")),
            updated_at=_datetime(data.get("updated_at")),
        )


@dataclass(frozen=True)
class Member:
    """A user's membership of an organization, addressed by the user's id."""

    user: PublicUser
    role: Role
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Member:
        return cls(
            user=PublicUser.from_dict(data["user"]),
            role=cast("Role", data["role"]),
            created_at=_datetime(data.get("created_at")),
            updated_at=_datetime(data.get("updated_at")),
        )


@dataclass(frozen=True)
class Project:
    id: str
    organization: str  # the organization's id
    name: str
    description: str
    created_by: str | None  # the creator's user id, None once that user is gone
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Project:
        return cls(
            id=data["id"],
            organization=data["organization"],
            name=data["name"],
            description=data.get("description", ""),
            created_by=data.get("created_by"),
            created_at=_datetime(data.get("created_at")),
            updated_at=_datetime(data.get("updated_at")),
        )


@dataclass(frozen=True)
class AccessTokenCredential:
    """A login's access token (`client.auth.whoami().credential` after `client.login`)."""

    id: str  # the login's id, shared by the access tokens it renews into
    scope: Scope  # always "read_write"
    created_at: datetime | None  # when the login started
    expires_at: datetime | None  # when this access token expires
    type: Literal["access_token"] = "access_token"


@dataclass(frozen=True)
class ApiKeyCredential:
    """An API key (`client.auth.whoami().credential` on a client made with `api_key`)."""

    id: str
    scope: Scope
    created_at: datetime | None
    expires_at: datetime | None  # None for a key that never expires
    name: str
    prefix: str  # the displayable start of the key
    last_used_at: datetime | None
    type: Literal["api_key"] = "api_key"


Credential = AccessTokenCredential | ApiKeyCredential
"""The credential a request was made with: tell them apart by `type` (or isinstance)."""


def _credential(data: dict[str, Any]) -> Credential:
    common = {
        "id": data["id"],
        "scope": cast("Scope", data["scope"]),
        "created_at": _datetime(data.get("created_at")),
        "expires_at": _datetime(data.get("expires_at")),
    }
    if data["type"] == "api_key":
        return ApiKeyCredential(
            **common,
            name=data.get("name", ""),
            prefix=data.get("prefix", ""),
            last_used_at=_datetime(data.get("last_used_at")),
        )
    return AccessTokenCredential(**common)


@dataclass(frozen=True)
class PlanRateLimit:
    """The caller's plan and budget after the request; the numbers are None when unlimited."""

    plan: str
    limit: int | None
    remaining: int | None
    reset: int | None  # Unix seconds when the window resets

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanRateLimit:
        return cls(
            plan=data["plan"],
            limit=_int(data.get("limit")),
            remaining=_int(data.get("remaining")),
            reset=_int(data.get("reset")),
        )


@dataclass(frozen=True)
class WhoAmI:
    """Who is calling, with what credential, on which budget (`client.auth.whoami()`)."""

    user: User
    credential: Credential
    rate_limit: PlanRateLimit

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WhoAmI:
        return cls(
            user=User.from_dict(data["user"]),
            credential=_credential(data["credential"]),
            rate_limit=PlanRateLimit.from_dict(data["rate_limit"]),
        )
