"""Factories: plain functions that create real rows through the real code paths."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services, tokens
from accounts.models import ApiKey, ApiKeyScope, User

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(*, email: str | None = None, password: str = PASSWORD, **fields) -> User:
    email = email or f"user{next(_sequence)}@example.com"
    return User.objects.create_user(email, password, **fields)


def access_token_for(user: User) -> str:
    return str(RefreshToken.for_user(user).access_token)


def client_for(user: User, token: str | None = None) -> APIClient:
    """An API client that sends `Authorization: Bearer <token>` (an access token by default)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token or access_token_for(user)}")
    return client


def make_api_key(
    owner: User,
    *,
    name: str = "test key",
    scope: str = ApiKeyScope.READ_WRITE,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A key made the way the dashboard, admin and command make it: (row, the full key)."""
    return services.api_key_create(owner=owner, name=name, scope=scope, expires_at=expires_at)


def make_login(user: User) -> tokens.TokenPair:
    """The access and refresh token a login of `user` would get (a new token family)."""
    return tokens.tokens_for_login(user)


def signed_in(user: User) -> Client:
    """A browser-like client with `user`'s dashboard session."""
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()
