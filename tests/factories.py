"""Factories: plain functions that create real rows through the real code paths."""

from __future__ import annotations

import itertools

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User

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
