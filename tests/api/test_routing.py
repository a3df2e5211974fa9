"""`/v1` routes answer with and without a trailing slash, and never redirect (docs/api.md)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, client_for, make_login

pytestmark = pytest.mark.django_db


def assert_answered_in_place(response, status: int = 200) -> None:
    assert response.status_code == status, response.content
    assert "Location" not in response


@pytest.mark.parametrize("path", ["/v1/auth/login", "/v1/auth/login/"])
def test_login_is_posted_with_or_without_slash(api, user, path):
    response = api.post(path, {"email": user.email, "password": PASSWORD}, format="json")
    assert_answered_in_place(response)
    assert response.json()["token"]


@pytest.mark.parametrize("path", ["/v1/auth/refresh", "/v1/auth/refresh/"])
def test_refresh_is_posted_with_or_without_slash(api, user, path):
    response = api.post(path, {"refresh": make_login(user).refresh}, format="json")
    assert_answered_in_place(response)


@pytest.mark.parametrize("path", ["/v1/auth/logout", "/v1/auth/logout/"])
def test_logout_is_posted_with_or_without_slash(user, path):
    response = client_for(user, make_login(user).access).post(path)
    assert_answered_in_place(response, 204)


@pytest.mark.parametrize("path", ["/v1/users/me", "/v1/users/me/"])
def test_users_me_reads_and_writes_with_or_without_slash(user, path):
    api = client_for(user)
    assert_answered_in_place(api.get(path))
    assert_answered_in_place(api.patch(path, {"name": "Renamed"}, format="json"))
    assert_answered_in_place(api.put(path, {"name": "Renamed", "email": user.email}, format="json"))


@pytest.mark.parametrize("suffix", ["", "/"])
def test_user_by_id_with_or_without_slash(user, suffix):
    assert_answered_in_place(client_for(user).get(f"/v1/users/{user.pk}{suffix}"))


def test_schema_is_served_at_its_documented_path(api):
    assert_answered_in_place(api.get("/v1/openapi.json"))
