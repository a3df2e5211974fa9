"""Factories: plain functions that create real rows through the real code paths."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import services, tokens
from accounts.models import ApiKey, ApiKeyScope, User

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(*, email: str | None = None, password: str = PASSWORD, **fields) -> User:
    email = email or f"user{next(_sequence)}@example.com"
    return User.objects.create_user(email, password, **fields)


def access_token_for(user: User) -> str:
    """An access token shaped as production issues them: from a login, with its family claim."""
    return make_login(user).access


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


# --- Staff in the admin: password, then a real TOTP code ----------------------------------


def make_totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app enrolled for `user` (confirmed: the enrolment was finished)."""
    return TOTPDevice.objects.create(user=user, name="test app", confirmed=confirmed)


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows right now, computed from the device's secret."""
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return str(code).zfill(device.digits)


def admin_login(client: Client, user: User, *, password: str = PASSWORD) -> Client:
    """Sign `client` in to the admin the way staff do: password, then a code from their app.

    Gives the user a new confirmed device (a code is accepted once per device and 30 s).
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = make_totp_device(user)
    response = client.post("/admin/login/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith("/admin/otp/"), response["Location"]
    response = client.post(response["Location"], {"token": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert not response["Location"].startswith("/admin/otp/"), response["Location"]
    return client
