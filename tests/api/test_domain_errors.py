"""Services raise domain errors (cloudbooks/errors.py); the API maps each once to the envelope."""

from __future__ import annotations

import pytest

from tests.api.envelope import assert_envelope

pytestmark = [pytest.mark.urls("tests.api.urls"), pytest.mark.django_db]


@pytest.mark.parametrize(
    ("kind", "status", "code", "message"),
    [
        ("not-found", 404, "not_found", "No such project."),
        ("forbidden", 403, "forbidden", "Only owners may do this."),
        ("conflict", 409, "conflict", "An organization keeps an owner."),
        ("unavailable", 503, "service_unavailable", "The service is temporarily unavailable."),
    ],
)
def test_a_refusal_becomes_its_status_and_code_with_the_services_message(
    client, kind, status, code, message
):
    error = assert_envelope(client.get(f"/v1/test/refuse/{kind}"), status, code)
    assert error["message"].startswith(message)


def test_a_conflict_keeps_its_details(client):
    error = assert_envelope(client.get("/v1/test/refuse/conflict"), 409, "conflict")
    assert error["details"] == {"owners": 1}


def test_invalid_input_names_the_first_field_lists_every_error_and_says_what_is_wrong(client):
    error = assert_envelope(client.get("/v1/test/refuse/invalid"), 400, "invalid_request")
    assert error["message"] == "This slug is taken."
    assert error["details"]["field"] == "slug"
    assert error["details"]["issue"] == "This slug is taken."
    assert error["details"]["errors"] == [
        {"field": "slug", "issue": "This slug is taken."},
        {"field": None, "issue": "Bad input."},
    ]


def test_a_brute_force_refusal_is_a_429_with_retry_after(client):
    response = client.get("/v1/test/refuse/rate-limited")
    error = assert_envelope(response, 429, "rate_limit_exceeded")
    assert response["Retry-After"] == "42"
    assert error["details"] == {"retry_after": 42}
