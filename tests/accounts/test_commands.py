"""`create_api_key` and `seed_demo`: what operators and the README's run command print works."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import keys
from accounts.models import ApiKey, ApiKeyScope, RevokedAccessToken
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import client_for

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


# --- create_api_key ---------------------------------------------------------------------------


def test_create_api_key_prints_the_key_alone_on_the_last_line(user):
    lines = run("create_api_key", user.email, "--name", "ci")
    key = lines[-1]
    assert keys.is_well_formed(key)
    assert key == key.strip()
    api_key = ApiKey.objects.get(owner=user)
    assert api_key.name == "ci"
    assert api_key.scope == ApiKeyScope.READ_WRITE
    assert api_key.expires_at is None
    # Stored as digest and display prefix only; the key is nowhere in the database.
    assert api_key.digest == keys.digest(key)
    assert api_key.prefix == key[: keys.DISPLAY_PREFIX_LENGTH]
    assert key not in " ".join(str(getattr(api_key, f.attname)) for f in ApiKey._meta.fields)
    # Only the last line has the key; the lines before it show the prefix at most.
    assert all(key not in line for line in lines[:-1])
    # And it works.
    me = client_for(user, key).get(ME)
    assert me.status_code == 200
    assert me.json()["id"] == str(user.pk)


def test_create_api_key_with_read_only_scope(user):
    key = run("create_api_key", user.email, "--name", "reports", "--scope", "read_only")[-1]
    assert ApiKey.objects.get(owner=user).scope == ApiKeyScope.READ_ONLY
    api = client_for(user, key)
    assert api.get(ME).status_code == 200
    assert_envelope(api.patch(ME, {"name": "x"}, format="json"), 403, "forbidden")


def test_create_api_key_with_an_expiry(user):
    before = timezone.now()
    key = run("create_api_key", user.email, "--name", "temp", "--expires-in-days", "7")[-1]
    expires_at = ApiKey.objects.get(owner=user).expires_at
    assert before + timedelta(days=7) <= expires_at <= timezone.now() + timedelta(days=7)
    assert client_for(user, key).get(ME).status_code == 200


def test_create_api_key_finds_the_user_whatever_the_case_of_the_email(user):
    key = run("create_api_key", "OWNER@EXAMPLE.COM", "--name", "ci")[-1]
    assert ApiKey.objects.get(owner=user).digest == keys.digest(key)


def test_create_api_key_for_an_unknown_email_is_an_error():
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        run("create_api_key", "nobody@example.com", "--name", "ci")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("days", ["0", "-3"])
def test_create_api_key_refuses_a_non_positive_expiry(user, days):
    with pytest.raises(CommandError):
        run("create_api_key", user.email, "--name", "ci", "--expires-in-days", days)
    assert not ApiKey.objects.exists()


def test_create_api_key_needs_a_name(user):
    with pytest.raises(CommandError):
        run("create_api_key", user.email)


def test_create_api_key_refuses_an_unknown_scope(user):
    with pytest.raises(CommandError):
        run("create_api_key", user.email, "--name", "ci", "--scope", "admin")


# --- seed_demo --------------------------------------------------------------------------------


def _printed(lines: list[str], label: str) -> str:
    [value] = [m.group(1) for line in lines if (m := re.match(rf"\s*{label}:\s+(\S+)$", line))]
    return value


def test_seed_demo_prints_a_login_and_a_key_that_work(api):
    lines = run("seed_demo")
    email, password, key = (_printed(lines, label) for label in ("email", "password", "API key"))
    login = api.post("/v1/auth/login", {"email": email, "password": password}, format="json")
    assert login.status_code == 200
    token = login.json()["token"]
    for credential in (token, key):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {credential}")
        me = api.get(ME)
        assert me.status_code == 200
        assert me.json()["email"] == email


def test_seed_demo_again_makes_a_new_password_and_key_and_revokes_the_old_key(api):
    first = run("seed_demo")
    second = run("seed_demo")
    old_key, new_key = _printed(first, "API key"), _printed(second, "API key")
    assert old_key != new_key
    assert _printed(first, "password") != _printed(second, "password")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {old_key}")
    assert_unauthorized(api.get(ME))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {new_key}")
    assert api.get(ME).status_code == 200
    old_login = api.post(
        "/v1/auth/login",
        {"email": _printed(first, "email"), "password": _printed(first, "password")},
        format="json",
    )
    assert_unauthorized(old_login)


def test_purge_revoked_tokens_deletes_only_expired_revocations(user):
    now = timezone.now()
    RevokedAccessToken.objects.create(jti="old", user=user, expires_at=now - timedelta(minutes=1))
    RevokedAccessToken.objects.create(jti="live", user=user, expires_at=now + timedelta(minutes=5))
    out = StringIO()
    call_command("purge_revoked_tokens", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(RevokedAccessToken.objects.values_list("jti", flat=True)) == ["live"]
