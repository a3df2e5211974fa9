"""Addresses have one normal form: stored, looked up and rate-limited alike.

PostgreSQL's UPPER() maps `ı` to `I` and `ſ` to `S`; a case-insensitive lookup therefore
found the owner under look-alike spellings that the limits counted separately.
"""

from __future__ import annotations

import importlib
import time

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.models import TokenFamily, User
from cloudbooks.errors import RateLimited
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
WRONG = "wrong password"


@pytest.fixture(autouse=True)
def one_window():
    """Every attempt of a test in one rate-limit window: the clock stands still at now."""
    with time_machine.travel(time.time(), tick=False):
        yield


def attempt(api, email: str, password: str):
    return api.post(LOGIN, {"email": email, "password": password}, format="json")


def test_a_dotless_i_look_alike_does_not_sign_in_as_the_owner(api):
    make_user(email="alice@example.com", name="Alice Owner")
    response = attempt(api, "alıce@example.com", PASSWORD)
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    assert not TokenFamily.objects.exists()


def test_a_long_s_look_alike_is_refused_by_the_api_and_gets_no_bucket(api, settings):
    make_user(email="sysadmin@example.com", name="Sam Sysadmin")
    settings.LOGIN_FAILURES_PER_EMAIL = "3/h"
    for _ in range(3):
        assert_unauthorized(attempt(api, "sysadmin@example.com", WRONG))
    # The API takes ASCII addresses only (as its schema says): the look-alike never reaches a
    # password check, let alone a fresh bucket of guesses.
    error = assert_envelope(attempt(api, "ſysadmin@example.com", PASSWORD), 400, "invalid_request")
    assert error["details"]["field"] == "email"
    assert not TokenFamily.objects.exists()


def test_a_long_s_look_alike_is_the_same_account_and_shares_its_limit_in_the_service(settings):
    make_user(email="sysadmin@example.com", name="Sam Sysadmin")
    settings.LOGIN_FAILURES_PER_EMAIL = "3/h"
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "100/h"
    for network in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        guess = services.user_authenticate(
            email="sysadmin@example.com", password=WRONG, client_network=network
        )
        assert guess is None
    # `ſ` is `s` in its normal form: the same account's bucket, already spent, not a fresh one.
    with pytest.raises(RateLimited):
        services.user_authenticate(
            email="ſysadmin@example.com", password=PASSWORD, client_network="198.51.100.4"
        )


def test_every_spelling_of_an_address_counts_against_the_one_account(api, settings):
    make_user(email="sysadmin@example.com", name="Sam Sysadmin")
    settings.LOGIN_FAILURES_PER_EMAIL = "3/h"
    for spelling in ["SYSADMIN@EXAMPLE.COM", "Sysadmin@Example.com", "sysadmin@EXAMPLE.com"]:
        assert_unauthorized(attempt(api, spelling, WRONG))
    assert_envelope(attempt(api, "sysadmin@example.com", PASSWORD), 429, "rate_limit_exceeded")


def test_the_owner_signs_in_with_any_case_of_their_address(api):
    make_user(email="alice@example.com")
    assert attempt(api, "ALICE@Example.COM", PASSWORD).status_code == 200


def test_sign_up_refuses_an_address_with_no_safe_normal_form():
    response = Client().post("/signup", {"email": "bıll@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "ASCII" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.exists()


def test_sign_up_stores_the_normal_form_of_the_address():
    response = Client().post("/signup", {"email": "Nia.New@Example.COM", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get().email == "nia.new@example.com"


def test_changing_to_a_look_alike_address_is_refused_and_changes_nothing(user):
    response = client_for(user).patch("/v1/users/me", {"email": "alıce@example.com"}, format="json")
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "email"
    user.refresh_from_db()
    assert user.email == "owner@example.com"


def test_the_migration_normalises_stored_addresses_and_forgets_refresh_tokens(user):
    migration = importlib.import_module(
        "accounts.migrations.0005_normalize_emails_and_forget_refresh_tokens"
    )
    User.objects.filter(pk=user.pk).update(email="Owner@Example.com")
    RefreshToken.for_user(user)  # SimpleJWT's own way stores the whole token
    assert OutstandingToken.objects.exclude(token="").exists()

    migration.normalize_stored_emails(apps, None)
    migration.forget_refresh_tokens(apps, None)

    user.refresh_from_db()
    assert user.email == "owner@example.com"
    assert not OutstandingToken.objects.exclude(token="").exists()
