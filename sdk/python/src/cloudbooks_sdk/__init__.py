"""The official Python client for the CloudBooks REST API.

from cloudbooks_sdk import Client

client = Client(api_key="sk_live_...")
me = client.users.me()
"""

from __future__ import annotations

from cloudbooks_sdk._client import DEFAULT_BASE_URL, Client
from cloudbooks_sdk._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)
from cloudbooks_sdk._pagination import ListIterator
from cloudbooks_sdk._ratelimit import RateLimit
from cloudbooks_sdk._version import __version__
from cloudbooks_sdk.models import Member, Organization, Project, PublicUser, User

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "Client",
    "ConflictError",
    "InvalidRequestError",
    "ListIterator",
    "Member",
    "NotFoundError",
    "Organization",
    "PermissionDeniedError",
    "Project",
    "PublicUser",
    "RateLimit",
    "RateLimitError",
    "ServiceUnavailableError",
    "User",
    "__version__",
]
