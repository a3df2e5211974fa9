"""Responses that carry a token or a key are never stored: `Cache-Control: no-store`."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_login

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_login_answer_with_a_token_pair_is_not_stored(api, user):
    response = api.post(
        "/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_refresh_answer_with_a_token_pair_is_not_stored(api, user):
    login = make_login(user)
    response = api.post("/v1/auth/refresh", {"refresh": login.refresh}, format="json")
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_an_ordinary_api_answer_keeps_its_caching_as_it_was(api, user):
    # Opt-in, not everywhere: the rule marks only the answers that carry secrets.
    response = api.get("/v1/openapi.json")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


@pytest.mark.urls("tests.api.urls")
def test_a_page_that_opts_in_is_not_stored_for_its_signed_in_user(client, user):
    client.force_login(user)
    response = client.get("/test/secret-page")
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


@pytest.mark.urls("tests.api.urls")
def test_an_admin_style_bound_method_view_opts_in_too(client):
    response = client.get("/test/secret-admin-page")
    assert "no-store" in cache_control(response)
