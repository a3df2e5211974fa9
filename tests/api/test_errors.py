"""The error envelope (docs/api.md, "Errors"), from every layer, through real HTTP requests."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from tests.api.envelope import assert_envelope
from tests.api.urls import SECRET_DETAIL
from tests.factories import client_for

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
ME = "/v1/users/me"


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


# --- Validation ------------------------------------------------------------------------------


def test_every_invalid_field_is_listed_and_the_first_is_named(user):
    response = client_for(user).patch(ME, {"name": "x" * 151, "email": "nope"}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "name"
    assert error["details"]["issue"] == error["details"]["errors"][0]["issue"]
    assert [e["field"] for e in error["details"]["errors"]] == ["name", "email"]
    assert error["details"]["errors"][1]["issue"] == "Must be a valid email address"


def test_malformed_json_says_so(client):
    response = client.post(LOGIN, '{"email": ', content_type="application/json")
    error = assert_envelope(response, 400, "invalid_request")
    assert "JSON parse error" in error["message"]


def test_nan_is_not_json(client):
    response = client.post(
        LOGIN, '{"email": "a@example.com", "password": NaN}', content_type="application/json"
    )
    assert_envelope(response, 400, "invalid_request")


def test_a_json_body_that_is_not_an_object_is_400(client):
    response = client.post(LOGIN, "[1, 2, 3]", content_type="application/json")
    assert_envelope(response, 400, "invalid_request")


# --- Routing errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/"),
        ("post", "/v1/no-such-thing/"),
        ("delete", "/v1/users/me/extra"),
        ("get", "/v1/auth"),
        ("put", "/v1/organisations"),
    ],
)
def test_unknown_v1_paths_are_404_in_the_envelope_for_every_method(client, method, path):
    response = getattr(client, method)(path)
    error = assert_envelope(response, 404, "not_found")
    assert path in error["message"]


def test_wrong_method_is_405_with_allow_header(client, user):
    response = client.put(LOGIN, {}, content_type="application/json")
    assert_envelope(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]
    on_user = client_for(user).delete(f"/v1/users/{user.pk}")
    assert_envelope(on_user, 405, "method_not_allowed")


def test_unsupported_media_type_is_415_on_authenticated_endpoints_too(user):
    response = client_for(user).patch(ME, "<name>x</name>", content_type="application/xml")
    error = assert_envelope(response, 415, "unsupported_media_type")
    assert "application/xml" in error["message"]


# --- Oversized bodies ------------------------------------------------------------------------


def test_form_encoded_body_over_the_limit_is_413(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = "email=a%40example.com&password=" + "x" * 2048
    response = client.post(LOGIN, body, content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 413, "payload_too_large")


def test_multipart_body_over_the_limit_is_413(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = client.post(LOGIN, {"email": "a@example.com", "password": "x" * 2048})
    assert_envelope(response, 413, "payload_too_large")


def test_oversized_body_is_refused_before_credentials_are_looked_at(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = client.patch(
        ME,
        json.dumps({"name": "x" * 2048}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert_envelope(response, 413, "payload_too_large")


def test_body_just_under_the_limit_is_parsed(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = json.dumps({"email": "not-an-email", "password": "x" * 900})
    assert len(body) < 1024
    response = client.post(LOGIN, body, content_type="application/json")
    assert assert_envelope(response, 400, "invalid_request")["details"]["field"] == "email"


# --- Missing credentials ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ME),
        ("patch", ME),
        ("put", ME),
        ("delete", ME),
        ("get", "/v1/users/5f0c6d3e-9a5b-4c1e-8f57-0d6c1b7c2a11"),
        ("post", "/v1/auth/logout"),
    ],
)
def test_every_protected_endpoint_is_401_without_credentials(client, method, path):
    response = getattr(client, method)(path, {}, content_type="application/json")
    assert_envelope(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- Unhandled exceptions --------------------------------------------------------------------


def _assert_nothing_leaks(response) -> None:
    body = response.content.decode()
    for leak in ("Traceback", "RuntimeError", SECRET_DETAIL, "accounts_user", 'File "'):
        assert leak not in body


@pytest.mark.urls("tests.api.urls")
def test_a_bug_in_an_api_view_is_500_without_traceback_logged_with_the_request_id(client, caplog):
    caplog.set_level(logging.ERROR)
    response = client.get("/v1/test/explode", HTTP_X_REQUEST_ID="trace-500-api-view")
    error = assert_envelope(response, 500, "internal_error")
    assert error["request_id"] == "trace-500-api-view"
    assert error["details"] == {}
    _assert_nothing_leaks(response)
    [logged] = [r for r in caplog.records if r.name == "cloudbooks.api"]
    assert logged.levelno == logging.ERROR
    assert logged.request_id == "trace-500-api-view"
    # The traceback goes to the log, where it belongs.
    assert logged.exc_info[0] is RuntimeError
    assert SECRET_DETAIL in caplog.text


@pytest.mark.urls("tests.api.urls")
def test_a_bug_outside_drf_under_v1_is_the_500_envelope_too(caplog):
    caplog.set_level(logging.ERROR)
    client = Client(raise_request_exception=False)
    response = client.get("/v1/test/explode-plain", HTTP_X_REQUEST_ID="trace-500-plain")
    error = assert_envelope(response, 500, "internal_error")
    assert error["request_id"] == "trace-500-plain"
    _assert_nothing_leaks(response)
    [logged] = [r for r in caplog.records if r.exc_info]
    assert logged.request_id == "trace-500-plain"
    assert logged.exc_info[0] is RuntimeError


@pytest.mark.urls("tests.api.urls")
def test_500_gets_a_generated_request_id_when_none_is_sent(client, caplog):
    response = client.get("/v1/test/explode")
    error = assert_envelope(response, 500, "internal_error")
    assert error["request_id"].startswith("req_")
    [logged] = [r for r in caplog.records if r.name == "cloudbooks.api"]
    assert logged.request_id == error["request_id"]


# --- Request ids -----------------------------------------------------------------------------


def test_generated_request_ids_differ_per_request(client):
    ids = {client.get("/healthz")["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5


def test_request_id_is_echoed_on_success_and_on_errors_from_every_layer(client, settings, user):
    settings.API_MAX_BODY_BYTES = 64
    sent = "client-trace-0001"
    responses = [
        client_for(user).get(ME, HTTP_X_REQUEST_ID=sent),  # 200
        client.get("/v1/nowhere", HTTP_X_REQUEST_ID=sent),  # 404 from the URLconf
        client.get(LOGIN, HTTP_X_REQUEST_ID=sent),  # 405 from DRF
        client.post(  # 413 from the middleware
            LOGIN, "x" * 100, content_type="application/json", HTTP_X_REQUEST_ID=sent
        ),
    ]
    assert [r.status_code for r in responses] == [200, 404, 405, 413]
    for response in responses:
        assert response["X-Request-Id"] == sent
    for response in responses[1:]:
        assert response.json()["error"]["request_id"] == sent


@pytest.mark.parametrize("incoming", ["short", "x" * 129, "has space-1234", "semi;colon;1234"])
def test_unsafe_or_odd_request_ids_are_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-Id"] != incoming
    assert response["X-Request-Id"].startswith("req_")
