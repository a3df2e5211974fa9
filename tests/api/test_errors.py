"""The error envelope (SPEC §2), from every layer, through real HTTP requests."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    assert error["request_id"] == response["X-Request-Id"]
    return error


def test_malformed_email_gives_the_reference_pages_example(client):
    response = client.post(
        LOGIN, {"email": "not-an-email", "password": "x"}, content_type="application/json"
    )
    error = assert_envelope(response, 400, "invalid_request")
    assert error["message"] == "Invalid email format"
    assert error["details"]["field"] == "email"
    assert error["details"]["issue"] == "Must be a valid email address"
    assert error["details"]["errors"] == [
        {"field": "email", "issue": "Must be a valid email address"}
    ]


def test_every_invalid_field_is_listed(client):
    response = client.post(LOGIN, {}, content_type="application/json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    assert error["message"] == "Missing required field: email"
    assert [e["field"] for e in error["details"]["errors"]] == ["email", "password"]


def test_malformed_json_is_400(client):
    response = client.post(LOGIN, "{bad", content_type="application/json")
    assert_envelope(response, 400, "invalid_request")


def test_deeply_nested_json_is_400_not_500(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(LOGIN, body, content_type="application/json")
    assert_envelope(response, 400, "invalid_request")


def test_lone_surrogate_is_400(client):
    body = '{"email": "a@example.com", "password": "\\ud800"}'
    response = client.post(LOGIN, body, content_type="application/json")
    assert_envelope(response, 400, "invalid_request")


def test_unknown_v1_path_is_404_envelope(client):
    assert_envelope(client.get("/v1/no-such-thing"), 404, "not_found")
    assert_envelope(client.get("/v1"), 404, "not_found")


def test_wrong_method_is_405(client):
    assert_envelope(client.get(LOGIN), 405, "method_not_allowed")


def test_unsupported_media_type_is_415(client):
    response = client.post(LOGIN, "email=x", content_type="text/plain")
    assert_envelope(response, 415, "unsupported_media_type")


def test_body_over_the_limit_is_413(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = json.dumps({"email": "a@example.com", "password": "x" * 2048})
    response = client.post(LOGIN, body, content_type="application/json")
    assert_envelope(response, 413, "payload_too_large")


def test_json_is_answered_whatever_the_accept_header(client):
    response = client.post(LOGIN, {}, content_type="application/json", HTTP_ACCEPT="text/html")
    assert_envelope(response, 400, "invalid_request")


def test_form_encoded_and_multipart_bodies_are_parsed(client):
    form = client.post(
        LOGIN, "email=not-an-email&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert assert_envelope(form, 400, "invalid_request")["details"]["field"] == "email"
    multipart = client.post(LOGIN, {"email": "not-an-email", "password": "x"})
    assert assert_envelope(multipart, 400, "invalid_request")["details"]["field"] == "email"


def test_missing_credentials_is_401_with_www_authenticate(client):
    response = client.get("/v1/users/me")
    assert_envelope(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_request_id_is_generated_or_echoed(client):
    generated = client.get("/v1/users/me")
    assert generated["X-Request-Id"].startswith("req_")
    echoed = client.get("/v1/users/me", HTTP_X_REQUEST_ID="trace-1234abcd")
    assert echoed["X-Request-Id"] == "trace-1234abcd"
    assert echoed.json()["error"]["request_id"] == "trace-1234abcd"
    insane = client.get("/v1/users/me", HTTP_X_REQUEST_ID="bad id\r\nwith spaces")
    assert insane["X-Request-Id"].startswith("req_")


def test_request_id_on_non_api_pages_too(client):
    assert client.get("/healthz")["X-Request-Id"]
