"""Staff sign in to the admin: the dashboard's limits, then a second factor (TOTP).

Stella Staff (`staff`) is a superuser; Olive Owner (`user`) is a customer without staff rights.
Codes are computed from the device's own secret, as the staff member's app would.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.factories import PASSWORD, admin_login, make_totp_device, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
VERIFY = "/admin/otp/"
ENROL = "/admin/otp/enrol/"
KEYS = "/admin/accounts/apikey/"


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def a_wrong_code(device: TOTPDevice) -> str:
    """Six digits that no step the device accepts now (this one and its neighbours) shows."""
    accepted = set()
    for drift in range(device.drift - device.tolerance, device.drift + device.tolerance + 1):
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, drift).token()
        accepted.add(str(code).zfill(device.digits))
    return next(c for c in (f"{n:06d}" for n in range(10)) if c not in accepted)


def reaches_the_admin(client: Client) -> bool:
    return client.get(KEYS).status_code == 200


# --- The password step shares the sign-in limits ----------------------------------------------


def test_admin_sign_in_is_refused_with_429_once_the_per_ip_limit_is_used(client, staff, settings):
    settings.LOGIN_RATE_PER_IP = "3/m"
    for _ in range(3):
        assert sign_in(client, staff.email, "wrong").status_code == 200

    response = sign_in(client, staff.email)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert 'id="login-form"' in response.content.decode()  # the form, to try again later
    assert SESSION_KEY not in client.session


def test_admin_and_dashboard_sign_ins_share_the_failures_of_an_account(staff, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/15m"
    for n in range(2):
        Client(REMOTE_ADDR=f"10.2.0.{n}").post(LOGIN, {"username": staff.email, "password": "x"})

    admin = sign_in(Client(REMOTE_ADDR="10.2.0.99"), staff.email)
    dashboard = Client(REMOTE_ADDR="10.2.0.98").post(
        "/login", {"email": staff.email, "password": PASSWORD}
    )

    assert admin.status_code == 429
    assert "Too many attempts" in admin.content.decode()
    assert dashboard.status_code == 429


def test_failed_dashboard_sign_ins_lock_the_admin_sign_in_too(staff, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/15m"
    for _ in range(2):
        Client().post("/login", {"email": staff.email, "password": "wrong"})

    assert sign_in(Client(), staff.email).status_code == 429


def test_a_customer_cannot_sign_in_to_the_admin(client, user):
    response = sign_in(client, user.email)

    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert SESSION_KEY not in client.session


# --- Enrolling a second factor ------------------------------------------------------------------


def test_staff_without_a_device_are_sent_to_enrol_and_reach_no_admin_page(client, staff):
    response = sign_in(client, staff.email)

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    own_page = f"/admin/accounts/user/{staff.pk}/change/"
    for page in ["/admin/", KEYS, "/admin/accounts/user/", own_page]:
        refused = client.get(page, follow=True)
        assert refused.redirect_chain[-1][0].startswith(ENROL), page
        assert "Set up two-factor authentication" in refused.content.decode()


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_as_text(client, staff):
    sign_in(client, staff.email)

    response = client.get(ENROL)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode()
    assert response.context["secret"].replace(" ", "") == secret
    assert "<svg" in body  # drawn on the server
    # Nothing the Content-Security-Policy would block, nor anything from another site.
    assert "<script>" not in body and " style=" not in body and "<style" not in body
    assert "https://" not in response.context["qr_svg"]
    # A reload keeps the same secret: an app that scanned it keeps working.
    client.get(ENROL)
    assert TOTPDevice.objects.get(user=staff).key == device.key


def test_enrolling_with_a_code_from_the_app_admits_to_the_admin(client, staff):
    sign_in(client, staff.email)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(f"{ENROL}?next={KEYS}", {"token": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == KEYS
    device.refresh_from_db()
    assert device.confirmed is True
    assert reaches_the_admin(client)


def test_enrolling_with_a_wrong_code_confirms_nothing(client, staff):
    sign_in(client, staff.email)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(ENROL, {"token": a_wrong_code(device)})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not reaches_the_admin(client)


def test_staff_with_a_device_cannot_enrol_another_one_with_the_password_alone(client, staff):
    make_totp_device(staff)
    response = sign_in(client, staff.email)
    assert response["Location"].startswith(VERIFY)

    response = client.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff).count() == 1


# --- The code at each sign-in -------------------------------------------------------------------


def test_a_wrong_code_is_refused(client, staff):
    device = make_totp_device(staff)
    sign_in(client, staff.email)

    response = client.post(VERIFY, {"token": a_wrong_code(device)})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not reaches_the_admin(client)


def test_a_malformed_code_is_refused_on_the_field(client, staff):
    make_totp_device(staff)
    sign_in(client, staff.email)

    response = client.post(VERIFY, {"token": "12ab"})

    assert response.status_code == 200
    assert "Enter the 6 digits" in response.content.decode()
    assert not reaches_the_admin(client)


def test_the_right_code_admits_to_the_page_that_was_asked_for(client, staff):
    device = make_totp_device(staff)
    asked = client.get(KEYS)
    assert asked.status_code == 302
    response = client.post(asked["Location"], {"username": staff.email, "password": PASSWORD})
    assert response["Location"].startswith(VERIFY)

    response = client.post(response["Location"], {"token": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == KEYS
    assert reaches_the_admin(client)


def test_a_code_is_accepted_once(staff):
    device = make_totp_device(staff)
    first, second = Client(), Client()
    sign_in(first, staff.email)
    sign_in(second, staff.email)
    code = totp_code(device)

    assert first.post(VERIFY, {"token": code}).status_code == 302
    assert second.post(VERIFY, {"token": code}).status_code == 200
    assert reaches_the_admin(first)
    assert not reaches_the_admin(second)


def test_wrong_codes_count_as_failed_sign_ins_of_the_account(client, staff, settings):
    # From the network the password was just right from, the per-(account, network) limit is
    # the one that counts (README "Security").
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "2/15m"
    device = make_totp_device(staff)
    sign_in(client, staff.email)
    for _ in range(2):
        client.post(VERIFY, {"token": a_wrong_code(device)})

    response = client.post(VERIFY, {"token": totp_code(device)})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not reaches_the_admin(client)
    # The same count as every other sign-in of that account.
    dashboard = Client().post("/login", {"email": staff.email, "password": PASSWORD})
    assert dashboard.status_code == 429


def test_code_attempts_count_against_the_per_ip_limit(client, staff, settings):
    settings.LOGIN_RATE_PER_IP = "3/m"
    device = make_totp_device(staff)
    sign_in(client, staff.email)  # 1
    for _ in range(2):  # 2, 3
        client.post(VERIFY, {"token": "12ab"})

    response = client.post(VERIFY, {"token": totp_code(device)})

    assert response.status_code == 429
    assert not reaches_the_admin(client)


def test_a_dashboard_session_of_staff_still_needs_the_code(client, staff):
    make_totp_device(staff)
    response = client.post("/login", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert not reaches_the_admin(client)


def test_signing_out_ends_the_admin_session(client, staff):
    admin_login(client, staff)

    client.post("/admin/logout/")

    assert not reaches_the_admin(client)


# --- ADMIN_REQUIRE_2FA ---------------------------------------------------------------------------


def test_without_the_requirement_staff_are_admitted_with_the_password_alone(
    client, staff, settings
):
    settings.ADMIN_REQUIRE_2FA = False

    response = sign_in(client, staff.email)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert reaches_the_admin(client)
    assert not TOTPDevice.objects.exists()


def test_without_the_requirement_staff_who_enrolled_are_still_asked_for_the_code(
    client, staff, settings
):
    settings.ADMIN_REQUIRE_2FA = False
    device = make_totp_device(staff)

    response = sign_in(client, staff.email)

    assert response["Location"].startswith(VERIFY)
    assert not reaches_the_admin(client)
    assert client.post(response["Location"], {"token": totp_code(device)}).status_code == 302
    assert reaches_the_admin(client)


def test_without_the_requirement_staff_may_enrol_of_their_own_accord(client, staff, settings):
    settings.ADMIN_REQUIRE_2FA = False
    sign_in(client, staff.email)

    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert client.post(ENROL, {"token": totp_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def _setting_under(env: dict[str, str]) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "ADMIN_REQUIRE_2FA"}
    environment.update(env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.ADMIN_REQUIRE_2FA)",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "cloudbooks.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_requirement_is_on_unless_debug_or_switched_off():
    assert _setting_under({"DJANGO_DEBUG": "0"}) == "True"
    assert _setting_under({"DJANGO_DEBUG": "1"}) == "False"
    assert _setting_under({"DJANGO_DEBUG": "1", "ADMIN_REQUIRE_2FA": "1"}) == "True"
    assert _setting_under({"DJANGO_DEBUG": "0", "ADMIN_REQUIRE_2FA": "0"}) == "False"


# --- The first superuser, from a script ----------------------------------------------------------


def test_createsuperuser_from_a_script_makes_staff_who_enrol_at_first_sign_in(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, verbosity=0)

    root = User.objects.get(email="root@example.com")
    assert root.is_superuser and root.is_staff
    response = sign_in(client, "root@example.com")
    assert response["Location"].startswith(ENROL)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=root)
    assert client.post(ENROL, {"token": totp_code(device)}).status_code == 302
    assert reaches_the_admin(client)
