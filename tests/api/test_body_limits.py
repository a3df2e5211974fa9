"""Every request body, API or page, is within API_MAX_BODY_BYTES and of a declared length.

Oversized: 413 before anything reads it (the envelope under /v1, a plain page elsewhere).
Chunked (no Content-Length): 411, since Django would read it as empty. The chunked cases go
through a real server: Django's test client cannot send a chunked body.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.markers import transactional
from tests.api.envelope import assert_envelope
from tests.api.raw_http import assert_envelope_answer, post_chunked
from tests.factories import PASSWORD, make_login

LIMIT = 1024


@pytest.fixture
def small_limit(settings):
    settings.API_MAX_BODY_BYTES = LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    return LIMIT


# --- Oversized bodies on pages ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login", "/signup", "/admin/login/"])
def test_stranger_uploading_a_large_multipart_body_to_a_page_gets_a_413_page(small_limit, path):
    # A multipart file part is spooled to disk whatever its size, unless the length stops it.
    upload = SimpleUploadedFile("big.bin", b"x" * (LIMIT * 4))
    response = Client().post(path, {"email": "a@example.com", "password": "x", "f": upload})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"too large" in response.content
    assert response["X-Request-Id"]
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_user_signing_in_with_a_small_form_is_not_affected_by_the_limit(small_limit, user):
    response = Client().post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_oversized_api_body_is_still_the_envelope(small_limit):
    upload = SimpleUploadedFile("big.bin", b"x" * (LIMIT * 4))
    response = Client().post("/v1/auth/login", {"email": "a@example.com", "f": upload})
    assert_envelope(response, 413, "payload_too_large")


# --- Chunked bodies, through a real server ------------------------------------------------------


@transactional
def test_chunked_logout_is_refused_with_411_and_revokes_nothing(live_server, user):
    # Read as empty, this logout would answer 204 and leave the refresh token working.
    login = make_login(user)
    answer = post_chunked(
        live_server.url,
        "/v1/auth/logout",
        json.dumps({"refresh": login.refresh}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {login.access}"},
    )

    error = assert_envelope_answer(answer, 411, "length_required")
    assert "Content-Length" in error["message"]
    # The client is told, and nothing happened: the refresh token still refreshes.
    refreshed = Client().post(
        "/v1/auth/refresh", {"refresh": login.refresh}, content_type="application/json"
    )
    assert refreshed.status_code == 200


@transactional
def test_chunked_upload_to_a_page_cannot_bypass_the_size_limit(live_server, settings):
    settings.API_MAX_BODY_BYTES = LIMIT
    answer = post_chunked(
        live_server.url,
        "/login",
        b"email=a%40example.com&password=" + b"x" * (LIMIT * 4),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer.status == 411
    assert answer.headers["Content-Type"].startswith("text/html")
    assert b"Content-Length" in answer.body
