"""`/v1/users/me` and `/v1/users/{id}` (docs/api.md, "Endpoints")."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import ApiKey, User
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import PASSWORD, client_for, make_api_key, make_login, make_user

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"
LOGIN = "/v1/auth/login"
NEW_PASSWORD = "a brand new passphrase"


def log_in(api, email: str, password: str):
    return api.post(LOGIN, {"email": email, "password": password}, format="json")


# --- GET /v1/users/me -------------------------------------------------------------------------


def test_me_is_the_caller(user):
    response = client_for(user).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "email", "name", "plan", "created_at", "updated_at"}
    assert body["id"] == str(user.pk)
    assert body["email"] == "owner@example.com"
    assert body["plan"] == "free"
    assert body["created_at"].endswith("Z")


# --- PATCH / PUT /v1/users/me -----------------------------------------------------------------


def test_patch_changes_the_name_only(user):
    response = client_for(user).patch(ME, {"name": "Olive Updated"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Olive Updated"
    user.refresh_from_db()
    assert user.name == "Olive Updated"
    assert user.email == "owner@example.com"


def test_patch_changes_the_email_and_the_user_logs_in_with_it(user, api):
    response = client_for(user).patch(ME, {"email": "olive@example.org"}, format="json")
    assert response.status_code == 200
    assert response.json()["email"] == "olive@example.org"
    assert log_in(api, "olive@example.org", PASSWORD).status_code == 200
    assert_unauthorized(log_in(api, "owner@example.com", PASSWORD))


def test_patch_with_a_form_encoded_body(user):
    response = client_for(user).patch(
        ME, "name=Form+Olive", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Form Olive"


def test_an_invalid_email_is_400_on_email(user):
    response = client_for(user).patch(ME, {"email": "not-an-email"}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    assert error["details"]["issue"] == "Must be a valid email address"


@pytest.mark.parametrize(
    "taken", ["outsider@example.com", "OUTSIDER@example.com", "Outsider@Example.Com"]
)
def test_an_email_in_use_is_400_whatever_its_case(user, outsider, taken):
    response = client_for(user).patch(ME, {"email": taken}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    user.refresh_from_db()
    assert user.email == "owner@example.com"


def test_a_user_may_keep_their_own_email(user):
    response = client_for(user).patch(
        ME, {"email": "owner@example.com", "name": "X"}, format="json"
    )
    assert response.status_code == 200


def test_put_replaces_name_and_email(user):
    response = client_for(user).put(
        ME, {"name": "Put Olive", "email": "put@example.com"}, format="json"
    )
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("name", "email")} == {
        "name": "Put Olive",
        "email": "put@example.com",
    }


def test_put_needs_every_field(user):
    response = client_for(user).put(ME, {"name": "Only a name"}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    assert error["message"] == "Missing required field: email"


def test_a_password_change_needs_the_current_password(user, api):
    response = client_for(user).patch(ME, {"password": NEW_PASSWORD}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "current_password"
    assert log_in(api, user.email, PASSWORD).status_code == 200


def test_a_password_change_with_a_wrong_current_password_is_400(user, api):
    response = client_for(user).patch(
        ME, {"password": NEW_PASSWORD, "current_password": "not it"}, format="json"
    )
    assert assert_envelope(response, 400, "invalid_request")["details"]["field"] == (
        "current_password"
    )
    assert_unauthorized(log_in(api, user.email, NEW_PASSWORD))


def test_a_password_change_with_the_current_password_works(user, api):
    response = client_for(user).patch(
        ME, {"password": NEW_PASSWORD, "current_password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert "password" not in response.json()
    assert log_in(api, user.email, NEW_PASSWORD).status_code == 200
    assert_unauthorized(log_in(api, user.email, PASSWORD))


def test_a_weak_new_password_is_400_on_password(user):
    response = client_for(user).patch(
        ME, {"password": "123", "current_password": PASSWORD}, format="json"
    )
    assert assert_envelope(response, 400, "invalid_request")["details"]["field"] == "password"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_read_only_fields_are_never_applied(user, method):
    before = User.objects.get(pk=user.pk)
    attack = {
        "id": str(uuid.uuid4()),
        "plan": "enterprise",
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "created_at": "2000-01-01T00:00:00Z",
        "name": "Mallory",
        "email": user.email,
    }
    response = getattr(client_for(user), method)(ME, attack, format="json")
    assert response.status_code in (200, 400)
    after = User.objects.get(pk=user.pk)
    assert after.plan_id == "free"
    assert not after.is_staff and not after.is_superuser
    assert after.is_active
    assert after.created_at == before.created_at
    assert User.objects.count() == 1
    if response.status_code == 200:
        assert response.json()["id"] == str(user.pk)
        assert response.json()["plan"] == "free"


# --- DELETE /v1/users/me ----------------------------------------------------------------------


def test_delete_me_is_204_and_every_credential_stops_working(user, api):
    token = make_login(user).access
    other_token = make_login(user).access
    _, key = make_api_key(user)
    response = client_for(user, token).delete(ME)
    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()
    assert not ApiKey.objects.filter(owner_id=user.pk).exists()
    assert_unauthorized(client_for(user, token).get(ME))
    assert_unauthorized(client_for(user, other_token).get(ME))
    assert_unauthorized(client_for(user, key).get(ME))
    assert_unauthorized(log_in(api, "owner@example.com", PASSWORD))


def test_delete_me_with_a_key_deletes_the_keys_owner(user, outsider):
    _, key = make_api_key(user)
    assert client_for(user, key).delete(ME).status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=outsider.pk).exists()


# --- GET /v1/users/{id} -----------------------------------------------------------------------


def test_a_user_gets_themselves_by_id(user):
    response = client_for(user).get(f"/v1/users/{user.pk}")
    assert response.status_code == 200
    assert response.json() == {"id": str(user.pk), "email": user.email, "name": user.name}


def test_another_user_is_404_as_if_they_did_not_exist(user, outsider):
    stranger = assert_envelope(client_for(user).get(f"/v1/users/{outsider.pk}"), 404, "not_found")
    nobody = assert_envelope(client_for(user).get(f"/v1/users/{uuid.uuid4()}"), 404, "not_found")
    assert stranger["message"] == nobody["message"]


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "me2", "%20"])
def test_a_non_uuid_id_is_404(user, bad_id):
    assert_envelope(client_for(user).get(f"/v1/users/{bad_id}"), 404, "not_found")


def test_users_by_id_need_credentials(api, user):
    assert_unauthorized(api.get(f"/v1/users/{user.pk}"))


def test_a_key_sees_its_owner_by_id_and_nobody_else(user):
    other = make_user()
    _, key = make_api_key(user)
    assert client_for(user, key).get(f"/v1/users/{user.pk}").status_code == 200
    assert_envelope(client_for(user, key).get(f"/v1/users/{other.pk}"), 404, "not_found")
