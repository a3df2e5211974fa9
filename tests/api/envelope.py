"""Assertions about the error envelope (docs/api.md), shared by the API and accounts tests."""

from __future__ import annotations


def assert_envelope(response, status: int, code: str) -> dict:
    """The response is `status` with the envelope `{"error": {...}}` of `code`; returns `error`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    assert error["request_id"] == response["X-Request-Id"]
    return error


def assert_unauthorized(response) -> dict:
    """401 `unauthorized`, telling the client which scheme to use."""
    error = assert_envelope(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")
    return error


def without_request_id(response) -> dict:
    """The error body with its (per-request) id removed, to compare two answers."""
    error = dict(response.json()["error"])
    error.pop("request_id")
    return error
