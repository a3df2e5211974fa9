"""Limits on password guesses: per client network, per (account, network), per account.

An attacker's wrong passwords from one network trip the per-(account, network) limit first,
so they cannot lock the owner out elsewhere; the account-wide limit caps guesses from many
networks, and the network the owner signed in from before stays open to them. A wrong
`current_password` on a password change is a guess like any other.
"""

from __future__ import annotations

import itertools
import time

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from cloudbooks import ratelimits
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
ME = "/v1/users/me"
WRONG = "wrong password"
NEW_PASSWORD = "a brand new passphrase"
HOME = "203.0.113.5"
ATTACKER = "198.51.100.66"


@pytest.fixture(autouse=True)
def one_window():
    """Every attempt of a test in one rate-limit window: the clock stands still at now."""
    with time_machine.travel(time.time(), tick=False):
        yield


def attempt(api, email: str, password: str, address: str):
    return api.post(
        LOGIN, {"email": email, "password": password}, format="json", REMOTE_ADDR=address
    )


def assert_limited(response) -> None:
    assert_envelope(response, 429, "rate_limit_exceeded")
    assert int(response["Retry-After"]) >= 1


# --- Nobody can lock the owner out ---------------------------------------------------------


def test_ten_wrong_passwords_from_one_network_do_not_lock_the_owner_out_elsewhere(api, user):
    """With the default limits: the attacker's network is refused, the owner's is not."""
    for _ in range(10):
        assert_unauthorized(attempt(api, user.email, WRONG, ATTACKER))
    assert_limited(attempt(api, user.email, PASSWORD, ATTACKER))
    assert attempt(api, user.email, PASSWORD, HOME).status_code == 200


def test_the_account_wide_limit_caps_guesses_from_many_networks(api, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    settings.LOGIN_FAILURES_PER_EMAIL = "5/h"
    for n in range(5):
        assert_unauthorized(attempt(api, user.email, WRONG, f"198.51.100.{n}"))
    # A sixth network, even with the right password: the hour's guesses are spent.
    assert_limited(attempt(api, user.email, PASSWORD, "198.51.100.77"))


def test_the_owner_signs_in_from_their_usual_network_while_the_account_limit_is_spent(
    api, user, settings
):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    settings.LOGIN_FAILURES_PER_EMAIL = "5/h"
    assert attempt(api, user.email, PASSWORD, HOME).status_code == 200  # the usual network
    for n in range(5):
        assert_unauthorized(attempt(api, user.email, WRONG, f"198.51.100.{n}"))
    assert_limited(attempt(api, user.email, PASSWORD, "198.51.100.77"))
    assert attempt(api, user.email, PASSWORD, HOME).status_code == 200


def test_the_usual_network_is_still_limited_per_account_and_network(api, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    settings.LOGIN_FAILURES_PER_EMAIL = "5/h"
    assert attempt(api, user.email, PASSWORD, HOME).status_code == 200
    for _ in range(2):
        assert_unauthorized(attempt(api, user.email, WRONG, HOME))
    assert_limited(attempt(api, user.email, PASSWORD, HOME))


def test_successful_sign_ins_do_not_use_up_the_per_network_limit(api, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    for _ in range(5):
        assert attempt(api, user.email, PASSWORD, HOME).status_code == 200


# --- IPv6 clients are grouped by /64 -------------------------------------------------------


def test_addresses_of_one_ipv6_64_share_the_per_ip_limit(api, user, settings):
    settings.LOGIN_RATE_PER_IP = "3/m"
    for host in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:abcd::3"]:
        attempt(api, user.email, WRONG, host)
    assert_limited(attempt(api, user.email, PASSWORD, "2001:db8:1:2:ffff:ffff:ffff:fffe"))
    # The next /64 is another client.
    assert attempt(api, user.email, PASSWORD, "2001:db8:1:3::1").status_code == 200


def test_addresses_of_one_ipv6_64_share_the_per_account_network_limit(api, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "3/15m"
    for n in range(3):
        assert_unauthorized(attempt(api, user.email, WRONG, f"2001:db8:9:9::{n + 1:x}"))
    assert_limited(attempt(api, user.email, PASSWORD, "2001:db8:9:9::ff"))


@pytest.mark.parametrize(
    "address, network",
    [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("198.51.100.7", "198.51.100.7"),
        ("not an address", "not an address"),
    ],
)
def test_the_network_of_an_address(address, network):
    assert ratelimits.network_of(address) == network


# --- A wrong current password is a guess ----------------------------------------------------


def test_wrong_current_passwords_on_the_api_are_limited_like_logins(user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "3/15m"
    api = client_for(user)
    for _ in range(3):
        response = api.patch(ME, {"password": NEW_PASSWORD, "current_password": WRONG})
        assert_envelope(response, 400, "invalid_request")
    response = api.patch(ME, {"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert_limited(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_current_passwords_and_wrong_logins_share_one_count(api, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "3/15m"
    for _ in range(2):
        assert_unauthorized(attempt(api, user.email, WRONG, "127.0.0.1"))
    response = client_for(user).patch(ME, {"password": NEW_PASSWORD, "current_password": WRONG})
    assert_envelope(response, 400, "invalid_request")
    assert_limited(attempt(api, user.email, PASSWORD, "127.0.0.1"))


def test_wrong_current_passwords_on_the_profile_page_are_limited(user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "3/15m"
    browser = Client()
    browser.force_login(user)
    form = {"form": "password", "new_password": NEW_PASSWORD}
    for _ in range(3):
        response = browser.post("/dashboard/profile", {**form, "current_password": WRONG})
        assert response.status_code == 200
    response = browser.post("/dashboard/profile", {**form, "current_password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_right_current_password_does_not_use_up_the_limit(user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    api = client_for(user)
    passwords = [PASSWORD, NEW_PASSWORD, PASSWORD, NEW_PASSWORD]
    for current, new in itertools.pairwise(passwords):
        response = api.patch(ME, {"password": new, "current_password": current})
        assert response.status_code == 200


def test_wrong_passwords_to_delete_the_account_are_limited(user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "3/15m"
    browser = Client()
    browser.force_login(user)
    for _ in range(3):
        response = browser.post("/dashboard/profile", {"form": "delete", "password": WRONG})
        assert response.status_code == 200
        assert response.context["delete_form"].errors["password"]
    response = browser.post("/dashboard/profile", {"form": "delete", "password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()
