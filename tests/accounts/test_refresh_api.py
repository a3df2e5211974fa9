"""`POST /v1/auth/refresh` (docs/api.md): rotation, reuse detection, and who may refresh."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import TokenFamily
from tests.accounts.markers import transactional
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import PASSWORD, client_for, make_login, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
REFRESH = "/v1/auth/refresh"
ME = "/v1/users/me"


def log_in(api, user) -> dict:
    response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def refresh(api, token: str):
    return api.post(REFRESH, {"refresh": token}, format="json")


def test_refresh_gives_a_new_pair_that_works(api, user):
    login = log_in(api, user)
    response = refresh(api, login["refresh"])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "refresh", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh"] != login["refresh"]
    assert body["token"] != login["token"]
    assert client_for(user, body["token"]).get(ME).status_code == 200
    # The new refresh token rotates in turn.
    assert refresh(api, body["refresh"]).status_code == 200


def test_refresh_accepts_a_form_encoded_body(client, user):
    response = client.post(
        REFRESH,
        f"refresh={make_login(user).refresh}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


def test_a_rotated_refresh_token_is_refused(api, user):
    login = log_in(api, user)
    assert refresh(api, login["refresh"]).status_code == 200
    assert_unauthorized(refresh(api, login["refresh"]))


def test_reusing_a_rotated_refresh_token_revokes_the_whole_chain(api, user):
    stolen = log_in(api, user)
    # The victim keeps refreshing: r0 -> r1 -> r2.
    r1 = refresh(api, stolen["refresh"]).json()["refresh"]
    r2 = refresh(api, r1).json()["refresh"]
    # The thief presents r0 again.
    error = assert_unauthorized(refresh(api, stolen["refresh"]))
    assert "revoked" in error["message"]
    # Now nobody can refresh from that login: not even with its newest token.
    assert_unauthorized(refresh(api, r2))
    assert TokenFamily.objects.get(user=user).revoked_at is not None


def test_reuse_also_refuses_the_access_tokens_of_that_login(api, user):
    stolen = log_in(api, user)
    victim = refresh(api, stolen["refresh"]).json()
    assert client_for(user, victim["token"]).get(ME).status_code == 200
    assert_unauthorized(refresh(api, stolen["refresh"]))  # reuse: the chain is revoked
    for token in (stolen["token"], victim["token"]):
        error = assert_unauthorized(client_for(user, token).get(ME))
        assert "revoked" in error["message"]


def test_reuse_revokes_only_the_chain_of_that_login(api, user):
    phone = log_in(api, user)
    laptop = log_in(api, user)
    assert refresh(api, phone["refresh"]).status_code == 200
    assert_unauthorized(refresh(api, phone["refresh"]))  # reuse: the phone's chain is revoked
    # The laptop's login is untouched.
    assert client_for(user, laptop["token"]).get(ME).status_code == 200
    assert refresh(api, laptop["refresh"]).status_code == 200


def test_an_access_token_is_not_a_refresh_token(api, user):
    assert_unauthorized(refresh(api, log_in(api, user)["token"]))


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "e30.e30.", "x" * 4000])
def test_garbage_is_refused(api, garbage):
    assert_unauthorized(refresh(api, garbage))


def test_a_tampered_refresh_token_is_refused(api, user):
    token = log_in(api, user)["refresh"]
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    swapped = "A" if signature[middle] != "A" else "B"
    tampered = f"{header}.{payload}.{signature[:middle]}{swapped}{signature[middle + 1 :]}"
    assert_unauthorized(refresh(api, tampered))


def test_a_refresh_token_without_a_login_family_is_refused(api, user):
    """A refresh token minted outside login (no `fam` claim) cannot be rotated."""
    from rest_framework_simplejwt.tokens import RefreshToken

    assert_unauthorized(refresh(api, str(RefreshToken.for_user(user))))


def test_an_expired_refresh_token_is_refused(api, user):
    token = log_in(api, user)["refresh"]
    with time_machine.travel(timedelta(days=7, seconds=1)):
        assert_unauthorized(refresh(api, token))


def test_a_missing_refresh_token_is_400(api):
    error = assert_envelope(api.post(REFRESH, {}, format="json"), 400, "invalid_request")
    assert error["details"]["field"] == "refresh"


def test_the_refresh_token_of_an_inactive_user_is_refused(api, user):
    token = log_in(api, user)["refresh"]
    user.is_active = False
    user.save()
    assert_unauthorized(refresh(api, token))


def test_the_refresh_token_of_a_deleted_user_is_refused(api, user):
    token = log_in(api, user)["refresh"]
    user.delete()
    assert_unauthorized(refresh(api, token))


def test_refresh_ignores_a_stale_authorization_header(api, user):
    token = make_login(user).refresh
    api.credentials(HTTP_AUTHORIZATION="Bearer long-expired")
    assert refresh(api, token).status_code == 200


@transactional
@pytest.mark.parametrize("racers", [2, 5])
def test_concurrent_refreshes_with_one_token_let_at_most_one_through(racers):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks that block across connections (PostgreSQL)")
    user = make_user()
    token = make_login(user).refresh
    start = threading.Barrier(racers)
    statuses: list[int] = []

    def race() -> None:
        try:
            start.wait()
            statuses.append(refresh(APIClient(), token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == racers
    assert set(statuses) <= {200, 401}
    assert statuses.count(200) <= 1
