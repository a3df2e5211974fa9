"""`POST /v1/auth/login` (docs/api.md): the tokens it gives, and its one answer for failure."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from accounts.models import TokenFamily
from tests.accounts.hashers import CountingHasher
from tests.api.envelope import assert_envelope, assert_unauthorized, without_request_id
from tests.factories import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
ME = "/v1/users/me"


def test_login_with_json_gives_an_access_and_a_refresh_token(api, user):
    response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "refresh", "token_type", "expires_in", "user"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert body["token"] != body["refresh"]
    assert body["user"] == {
        "id": str(user.pk),
        "email": "owner@example.com",
        "name": "Olive Owner",
        "plan": "free",
        "created_at": user.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "updated_at": user.updated_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    assert TokenFamily.objects.filter(user=user).count() == 1


def test_the_access_token_from_login_works_as_bearer(api, user):
    token = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json").json()[
        "token"
    ]
    me = client_for(user, token).get(ME)
    assert me.status_code == 200
    assert me.json()["email"] == user.email


def test_login_with_a_form_encoded_body(client, user):
    response = client.post(
        LOGIN,
        urlencode({"email": user.email, "password": PASSWORD}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_login_with_a_multipart_body(client, user):
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_login_ignores_the_case_of_the_email(api, user):
    response = api.post(LOGIN, {"email": "OWNER@Example.COM", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(user.pk)


def test_login_ignores_a_stale_authorization_header(api, user):
    api.credentials(HTTP_AUTHORIZATION="Bearer expired-or-garbage")
    response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_each_login_is_a_new_session(api, user):
    first = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json").json()
    second = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json").json()
    assert first["token"] != second["token"]
    assert first["refresh"] != second["refresh"]
    assert TokenFamily.objects.filter(user=user).count() == 2


def test_a_malformed_email_is_the_reference_pages_error_example(api):
    response = api.post(LOGIN, {"email": "not-an-email", "password": "x"}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["message"] == "Invalid email format"
    assert error["details"]["field"] == "email"
    assert error["details"]["issue"] == "Must be a valid email address"


def test_missing_password_is_400(api, user):
    error = assert_envelope(
        api.post(LOGIN, {"email": user.email}, format="json"), 400, "invalid_request"
    )
    assert error["details"]["field"] == "password"


# --- One answer for every failure -----------------------------------------------------------


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


def _failed_logins(api) -> dict:
    make_user(email="known@example.com")
    make_user(email="inactive@example.com", is_active=False)
    attempts = {
        "unknown email": {"email": "nobody@example.com", "password": PASSWORD},
        "wrong password": {"email": "known@example.com", "password": "wrong password"},
        "inactive user": {"email": "inactive@example.com", "password": PASSWORD},
    }
    return {name: api.post(LOGIN, body, format="json") for name, body in attempts.items()}


def test_unknown_email_wrong_password_and_inactive_user_get_the_same_401(api):
    responses = _failed_logins(api)
    for response in responses.values():
        assert_unauthorized(response)
    bodies = [without_request_id(r) for r in responses.values()]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["message"] == "Invalid email or password"
    headers = {r["WWW-Authenticate"] for r in responses.values()}
    assert len(headers) == 1
    assert not TokenFamily.objects.exists()


def test_every_failed_login_computes_exactly_one_password_hash(api, counting_hasher):
    """No account enumeration by timing: each failure pays for one hash, known user or not."""
    make_user(email="known@example.com")
    make_user(email="inactive@example.com", is_active=False)
    for body in [
        {"email": "nobody@example.com", "password": PASSWORD},
        {"email": "known@example.com", "password": "wrong password"},
        {"email": "inactive@example.com", "password": PASSWORD},
        {"email": "known@example.com", "password": PASSWORD},  # and a success, for scale
    ]:
        counting_hasher.computed = 0
        api.post(LOGIN, body, format="json")
        assert counting_hasher.computed == 1, body
