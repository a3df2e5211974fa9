"""The access log: one JSON line per request, through the handler LOGGING configures."""

from __future__ import annotations

import io
import json
import logging

import pytest

from tests.factories import access_token_for, client_for, make_api_key

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


@pytest.fixture
def access_lines():
    """The lines the configured access handler writes, captured with its formatter and filters."""
    logger = logging.getLogger("cloudbooks.access")
    configured = logger.handlers[0]
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        capture.addFilter(log_filter)
    logger.addHandler(capture)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(capture)


def test_a_request_with_an_access_token_logs_one_json_line(user, access_lines):
    token = access_token_for(user)
    response = client_for(user, token=token).get(ME)
    assert response.status_code == 200
    [line] = access_lines()
    assert line["logger"] == "cloudbooks.access"
    assert line["method"] == "GET"
    assert line["path"] == ME
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == str(user.pk)
    assert line["credential"] == "jwt"
    assert line["request_id"] == response["X-Request-Id"]
    assert token not in json.dumps(line)


def test_an_api_key_request_is_logged_as_such_and_the_key_never(user, access_lines):
    _, raw = make_api_key(user)
    response = client_for(user, token=raw).get(f"{ME}?key={raw}")
    assert response.status_code == 200
    [line] = access_lines()
    assert line["credential"] == "api_key"
    assert line["user_id"] == str(user.pk)
    assert line["path"] == ME
    assert raw not in json.dumps(line)
    assert "Authorization" not in json.dumps(line)


def test_an_anonymous_refusal_is_logged_with_no_user(api, access_lines):
    response = api.get(ME)
    assert response.status_code == 401
    [line] = access_lines()
    assert line["status"] == 401
    assert line["user_id"] is None
    assert line["credential"] == "none"


def test_a_bad_token_is_logged_without_the_token(api, access_lines):
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert api.get(ME).status_code == 401
    [line] = access_lines()
    assert line["credential"] == "none"
    assert "not.a.jwt" not in json.dumps(line)


def test_the_incoming_request_id_is_the_one_logged(api, access_lines):
    response = api.get("/healthz", headers={"X-Request-Id": "lb-1234567890"})
    assert response["X-Request-Id"] == "lb-1234567890"
    [line] = access_lines()
    assert line["request_id"] == "lb-1234567890"
    assert line["path"] == "/healthz"
