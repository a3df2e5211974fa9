"""What the API returns, as typed, immutable dataclasses.

`from_dict` ignores fields it does not know, so a newer server never breaks an older SDK.
Ids are UUID strings; timestamps are timezone-aware `datetime`s in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
    role: str | None  # the caller's role: "owner", "admin" or "member"
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Organization:
        return cls(
            id=data["id"],
            name=data["name"],
            slug=data.get("slug", ""),
            description=data.get("description", ""),
            role=data.get("role"),
            created_at=_datetime(data.get("created_at")),
            updated_at=_datetime(data.get("updated_at")),
        )


@dataclass(frozen=True)
class Member:
    """A user's membership of an organization, addressed by the user's id."""

    user: PublicUser
    role: str
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Member:
        return cls(
            user=PublicUser.from_dict(data["user"]),
            role=data["role"],
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
