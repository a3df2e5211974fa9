"""The official Python client for the CloudBooks REST API.

from cloudbooks_sdk import Client

client = Client(api_key="sk_live_...")
me = client.users.me()
"""

from __future__ import annotations

from cloudbooks_sdk._client import DEFAULT_BASE_URL, AsyncClient, Client
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
from cloudbooks_sdk._pagination import AsyncPage, Page
from cloudbooks_sdk._ratelimit import RateLimit
from cloudbooks_sdk._response import APIResponse
from cloudbooks_sdk._version import __version__
from cloudbooks_sdk.models import (
    AccessTokenCredential,
    ApiKeyCredential,
    Credential,
    Member,
    Organization,
    PlanRateLimit,
    Project,
    PublicUser,
    Role,
    Scope,
    User,
    WhoAmI,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APITimeoutError",
    "AccessTokenCredential",
    "ApiKeyCredential",
    "AsyncClient",
    "AsyncPage",
    "AuthenticationError",
    "Client",
    "ConflictError",
    "Credential",
    "InvalidRequestError",
    "Member",
    "NotFoundError",
    "Organization",
    "Page",
    "PermissionDeniedError",
    "PlanRateLimit",
    "Project",
    "PublicUser",
    "RateLimit",
    "RateLimitError",
    "Role",
    "Scope",
    "ServiceUnavailableError",
    "User",
    "WhoAmI",
    "__version__",
]
