"""`GET /v1/auth/whoami`: the caller, the credential the request used, and the budget left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKeyScope, Plan, TokenFamily
from accounts.services import api_key_revoke
from cloudbooks.api import throttling
from tests.api.envelope import assert_unauthorized
from tests.factories import client_for, make_api_key, make_login, make_user

pytestmark = pytest.mark.django_db

WHOAMI = "/v1/auth/whoami"
ME = "/v1/users/me"


def moment(value: str) -> datetime:
    """An API timestamp (`…Z`) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def whoami_with(credential: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {credential}")
    return api.get(WHOAMI)


def test_with_an_access_token_it_describes_the_login(user):
    login = make_login(user)
    response = whoami_with(login.access)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["user", "credential", "rate_limit"]
    assert body["user"] == client_for(user, login.access).get(ME).json()

    claims = jwt.decode(login.access, options={"verify_signature": False})
    family = TokenFamily.objects.get(user=user)
    credential = body["credential"]
    assert set(credential) == {"type", "id", "scope", "created_at", "expires_at"}
    assert credential["type"] == "access_token"
    assert credential["id"] == str(family.pk) == claims["fam"]
    assert credential["scope"] == "read_write"
    assert moment(credential["created_at"]) == family.created_at
    assert moment(credential["expires_at"]) == datetime.fromtimestamp(claims["exp"], UTC)


def test_a_renewed_token_of_the_same_login_has_the_same_id(user, api):
    login = make_login(user)
    renewed = api.post("/v1/auth/refresh", {"refresh": login.refresh}, format="json").json()
    first = whoami_with(login.access).json()["credential"]
    second = whoami_with(renewed["token"]).json()["credential"]
    assert second["id"] == first["id"]
    assert second["created_at"] == first["created_at"]


def test_with_a_read_write_key_it_describes_the_key(user):
    api_key, key = make_api_key(user, name="CI deploys")
    response = whoami_with(key)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == str(user.pk)
    api_key.refresh_from_db()
    credential = body["credential"]
    assert credential == {
        "type": "api_key",
        "id": str(api_key.pk),
        "scope": "read_write",
        "created_at": credential["created_at"],
        "expires_at": None,
        "name": "CI deploys",
        "prefix": api_key.prefix,
        "last_used_at": credential["last_used_at"],
    }
    assert moment(credential["created_at"]) == api_key.created_at
    assert key.startswith(api_key.prefix)
    # This very request used the key.
    assert moment(credential["last_used_at"]) == api_key.last_used_at


def test_a_read_only_key_may_ask_and_is_told_it_is_read_only(user):
    _, key = make_api_key(user, scope=ApiKeyScope.READ_ONLY)
    response = whoami_with(key)
    assert response.status_code == 200
    assert response.json()["credential"]["scope"] == "read_only"


def test_an_expiring_key_says_when_it_expires(user):
    expires_at = timezone.now() + timedelta(days=30)
    _, key = make_api_key(user, expires_at=expires_at)
    credential = whoami_with(key).json()["credential"]
    assert moment(credential["expires_at"]) == expires_at


def test_the_rate_limit_is_the_budget_after_this_request_as_the_headers_say(user):
    _, key = make_api_key(user)
    response = whoami_with(key)
    rate_limit = response.json()["rate_limit"]
    assert rate_limit == {
        "plan": "free",
        "limit": 1000,
        "remaining": 999,
        "reset": int(response["X-RateLimit-Reset"]),
    }
    assert rate_limit["limit"] == int(response["X-RateLimit-Limit"])
    assert rate_limit["remaining"] == int(response["X-RateLimit-Remaining"])


def test_remaining_counts_down_across_two_calls(user):
    _, key = make_api_key(user)
    first = whoami_with(key)
    second = whoami_with(key)
    assert first.json()["rate_limit"]["remaining"] == 999
    assert second.json()["rate_limit"]["remaining"] == 998
    assert second.json()["rate_limit"]["remaining"] == int(second["X-RateLimit-Remaining"])


def test_another_request_in_between_counts_too(user):
    _, key = make_api_key(user)
    whoami_with(key)
    client_for(user, key).get(ME)
    assert whoami_with(key).json()["rate_limit"]["remaining"] == 997


def test_an_unlimited_plan_has_null_limits_and_no_headers(db):
    enterprise = make_user(plan=Plan.objects.get(slug="enterprise"))
    _, key = make_api_key(enterprise)
    response = whoami_with(key)
    assert response.status_code == 200
    assert response.json()["rate_limit"] == {
        "plan": "enterprise",
        "limit": None,
        "remaining": None,
        "reset": None,
    }
    assert "X-RateLimit-Limit" not in response


def test_without_the_rate_limit_store_the_limits_are_null_and_it_still_answers(
    user, unreachable_cache, monkeypatch
):
    # The outage is logged once a minute per process: put the clock of that log back
    # afterwards, so this test does not silence the log another test looks for.
    monkeypatch.setattr(throttling, "_last_failure_logged", throttling._last_failure_logged)
    _, key = make_api_key(user)
    response = whoami_with(key)
    assert response.status_code == 200
    assert response.json()["rate_limit"] == {
        "plan": "free",
        "limit": None,
        "remaining": None,
        "reset": None,
    }


def test_the_pro_plan_is_named_with_its_limit(db):
    pro = make_user(plan=Plan.objects.get(slug="pro"))
    rate_limit = client_for(pro).get(WHOAMI).json()["rate_limit"]
    assert (rate_limit["plan"], rate_limit["limit"], rate_limit["remaining"]) == (
        "pro",
        10000,
        9999,
    )


# --- Denials ------------------------------------------------------------------------------


def test_anonymous_gets_401_in_the_envelope(api):
    assert_unauthorized(api.get(WHOAMI))


def test_a_revoked_key_gets_401(user):
    api_key, key = make_api_key(user)
    assert whoami_with(key).status_code == 200
    api_key_revoke(api_key=api_key)
    assert_unauthorized(whoami_with(key))


def test_an_expired_access_token_gets_401(user):
    token = make_login(user).access
    assert whoami_with(token).status_code == 200
    with time_machine.travel(timedelta(minutes=15, seconds=1)):
        error = assert_unauthorized(whoami_with(token))
    assert error["message"] == "Access token is invalid or expired"


def test_a_logged_out_token_gets_401(user):
    token = make_login(user).access
    api = client_for(user, token)
    assert api.post("/v1/auth/logout").status_code == 204
    assert_unauthorized(api.get(WHOAMI))


def test_other_methods_are_405(user):
    _, key = make_api_key(user)
    response = client_for(user, key).post(WHOAMI, {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- Schema ---------------------------------------------------------------------------------


def test_the_schema_documents_it_as_auth_whoami_with_typed_credentials(api):
    schema = api.get("/v1/openapi.json").json()
    operation = schema["paths"]["/v1/auth/whoami"]["get"]
    assert operation["operationId"] == "auth_whoami"
    assert operation["tags"] == ["auth"]
    assert {"200", "401", "403", "429"} <= set(operation["responses"])
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    whoami = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(whoami["required"]) == {"user", "credential", "rate_limit"}
    credential = schema["components"]["schemas"]["Credential"]
    assert credential["discriminator"]["propertyName"] == "type"
    shapes = {
        name: schema["components"]["schemas"][name]
        for name in ("AccessTokenCredential", "ApiKeyCredential")
    }
    assert {"name", "prefix", "last_used_at"} <= set(shapes["ApiKeyCredential"]["properties"])
    assert "name" not in shapes["AccessTokenCredential"]["properties"]
