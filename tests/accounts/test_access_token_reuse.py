"""An access token is verified in full once per process; its expiry is checked every time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from tests.factories import access_token_for, client_for

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


def test_a_token_seen_before_is_refused_once_it_expires(user):
    token = access_token_for(user)
    api = client_for(user, token=token)
    assert api.get(ME).status_code == 200  # verified, and remembered
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    with time_machine.travel(datetime.now(UTC) + lifetime + timedelta(seconds=1)):
        assert api.get(ME).status_code == 401


def test_a_tampered_copy_of_a_token_seen_before_is_refused(user):
    token = access_token_for(user)
    assert client_for(user, token=token).get(ME).status_code == 200
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert client_for(user, token=tampered).get(ME).status_code == 401
