"""The account pages: sign-up, sign-in, usage, API keys and profile (README, "The dashboard")."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiKey, ApiKeyScope, Plan, User
from tests.factories import PASSWORD, client_for, html, make_api_key, make_user
from tests.orgs.factories import add_member, make_organization

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"
PAGES = ["/dashboard", "/dashboard/api-keys", "/dashboard/profile"]


@pytest.fixture
def browser(user) -> Client:
    """A signed-in session of Olive Owner (the `user` persona)."""
    client = Client()
    client.force_login(user)
    return client


def key_client(raw: str) -> APIClient:
    """An API client that signs with the API key `raw`."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


# --- Anonymous visitors ---------------------------------------------------------------------


def test_home_page_says_what_cloudbooks_is_and_links_onwards(client):
    response = client.get("/")
    assert response.status_code == 200
    body = html(response)
    assert "REST API" in body
    for link in ('href="/signup"', 'href="/login"', 'href="/docs"'):
        assert link in body


@pytest.mark.parametrize(
    "path", [*PAGES, f"/dashboard/api-keys/{uuid.uuid4()}/revoke"], ids=lambda p: p
)
def test_anonymous_visitor_is_sent_to_sign_in_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login?next={path}"


def test_anonymous_post_to_a_dashboard_form_changes_nothing(client, user):
    response = client.post("/dashboard/api-keys", {"name": "sneaky", "scope": "read_write"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")
    assert not ApiKey.objects.exists()


# --- Sign-up --------------------------------------------------------------------------------


def test_sign_up_creates_a_free_account_and_signs_in(client):
    response = client.post(
        "/signup", {"name": "Nia New", "email": "Nia@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard"
    user = User.objects.get(email__iexact="nia@example.com")
    assert user.name == "Nia New"
    assert user.plan_id == "free"
    assert user.check_password(PASSWORD)
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Your account is ready" in html(dashboard)


def test_sign_up_with_a_taken_email_shows_the_error_next_to_the_field(client, user):
    response = client.post("/signup", {"email": "OWNER@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["A user with this email already exists"]
    body = html(response)
    assert 'id="id_email_error"' in body
    assert 'aria-invalid="true"' in body
    assert User.objects.count() == 1


def test_sign_up_with_a_weak_password_names_the_problem(client):
    response = client.post("/signup", {"email": "weak@example.com", "password": "12345678"})
    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert any("too common" in error for error in errors)
    assert not User.objects.filter(email="weak@example.com").exists()


def test_sign_up_with_an_invalid_email_is_refused_on_the_field(client):
    response = client.post("/signup", {"email": "not-an-email", "password": PASSWORD})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_sign_up_is_rate_limited_per_ip_with_a_friendly_429(client, settings):
    settings.SIGNUP_RATE_PER_IP = "2/h"
    for n in range(2):
        client.post("/signup", {"email": f"bulk{n}@example.com", "password": PASSWORD})
        client.post("/logout")
    response = client.post("/signup", {"email": "bulk9@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in html(response)
    assert 'role="alert"' in html(response)
    assert not User.objects.filter(email="bulk9@example.com").exists()


def test_sign_up_is_rate_limited_per_email_across_addresses(settings):
    settings.SIGNUP_RATE_PER_EMAIL = "2/h"
    for n in range(2):
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/signup", {"email": "target@example.com", "password": "short"}
        )
    response = Client(REMOTE_ADDR="10.0.0.99").post(
        "/signup", {"email": "Target@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not User.objects.filter(email__iexact="target@example.com").exists()


def test_signed_in_user_visiting_sign_up_goes_to_the_dashboard(browser):
    response = browser.get("/signup")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard"


# --- Sign-in and sign-out -------------------------------------------------------------------


def test_sign_in_goes_to_the_page_that_asked_for_it(client, user):
    response = client.post(
        "/login",
        {"email": "owner@example.com", "password": PASSWORD, "next": "/dashboard/api-keys"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/api-keys"
    assert client.get("/dashboard/api-keys").status_code == 200


def test_sign_in_never_redirects_to_another_site(client, user):
    response = client.post(
        "/login",
        {"email": "owner@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/dashboard"


@pytest.mark.parametrize(
    "email, password",
    [("owner@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_sign_in_gives_one_message_for_all(client, user, email, password):
    response = client.post("/login", {"email": email, "password": password})
    assert response.status_code == 200
    assert "Invalid email or password." in html(response)
    assert client.get("/dashboard").status_code == 302


def test_inactive_user_cannot_sign_in(client):
    make_user(email="gone@example.com", is_active=False)
    response = client.post("/login", {"email": "gone@example.com", "password": PASSWORD})
    assert "Invalid email or password." in html(response)


def test_sign_in_with_a_malformed_email_shows_the_error_on_the_field(client):
    response = client.post("/login", {"email": "nope", "password": "x"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_sign_in_is_rate_limited_per_ip(client, user, settings):
    settings.LOGIN_RATE_PER_IP = "2/m"
    for _ in range(2):
        client.post("/login", {"email": "owner@example.com", "password": "wrong"})
    response = client.post("/login", {"email": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in html(response)
    assert client.get("/dashboard").status_code == 302


def test_failed_sign_ins_per_email_lock_that_email_even_from_other_addresses(user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/15m"
    for n in range(2):
        Client(REMOTE_ADDR=f"10.1.0.{n}").post(
            "/login", {"email": "owner@example.com", "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="10.1.0.99").post(
        "/login", {"email": "Owner@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_page_and_api_sign_ins_share_the_failure_count(client, api, user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/15m"
    client.post("/login", {"email": "owner@example.com", "password": "wrong"})
    api.post("/v1/auth/login", {"email": "owner@example.com", "password": "wrong"}, format="json")
    response = api.post(
        "/v1/auth/login", {"email": "owner@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429


def test_sign_out_needs_a_post(browser):
    assert browser.get("/logout").status_code == 405
    assert browser.get("/dashboard").status_code == 200


def test_sign_out_ends_the_session_with_a_message(browser):
    response = browser.post("/logout", follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "You are signed out." in html(response)
    assert browser.get("/dashboard").status_code == 302


# --- CSRF, CSP and framing ------------------------------------------------------------------


def test_forms_without_a_csrf_token_are_refused(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login", {"email": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/dashboard").status_code == 302


def test_forms_with_the_csrf_token_of_the_page_are_accepted(user):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(page)).group(1)
    response = client.post(
        "/login",
        {"email": "owner@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(User.objects.get(email="owner@example.com"))
    refused = signed_in.post("/dashboard/api-keys", {"name": "k", "scope": "read_write"})
    assert refused.status_code == 403
    assert not ApiKey.objects.exists()


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/docs", "/admin/login/"])
def test_pages_carry_a_csp_without_inline_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_our_pages_contain_no_inline_script_or_style(browser, user):
    make_api_key(user)
    for path in ["/", *PAGES]:
        body = html(browser.get(path))
        assert "<script>" not in body and "<script type" not in body
        assert " style=" not in body and "<style" not in body
        assert re.search(r"\son[a-z]+=", body) is None  # no onclick= and the like


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite_in_production(settings):
    # The suite runs with DEBUG off, as in production.
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SECURE is True


def test_the_session_cookie_is_sent_with_its_flags(client, user):
    response = client.post("/login", {"email": "owner@example.com", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- Dashboard: plan and usage --------------------------------------------------------------


def test_dashboard_shows_the_plan_and_this_hours_usage_against_the_limit(browser, user):
    api = client_for(user)
    for _ in range(3):
        assert api.get(ME).status_code == 200
    response = browser.get("/dashboard")
    assert response.status_code == 200
    body = html(response)
    assert "Your plan: Free" in body
    assert "3</strong> of 1,000 requests this hour" in body
    assert '<meter class="usage-meter" min="0" max="1000" value="3"' in body


def test_usage_chart_is_inline_svg_with_24_bars_ending_with_this_hour(browser, user):
    api = client_for(user)
    for _ in range(4):
        api.get(ME)
    body = html(browser.get("/dashboard"))
    bars = re.findall(r'<rect class="chart__bar[^"]*"[^>]*data-count="(\d+)"', body)
    assert len(bars) == 24
    assert bars[-1] == "4"
    assert sum(map(int, bars)) == 4
    assert 'data-testid="current-count">4</text>' in body
    assert "4 in the current hour" in body  # the chart in words, for screen readers


def test_usage_counts_api_keys_and_tokens_together(browser, user):
    _, raw = make_api_key(user)
    key_client(raw).get(ME)
    client_for(user).get(ME)
    assert "2</strong> of 1,000" in html(browser.get("/dashboard"))


def test_unlimited_plan_shows_unlimited_and_no_bar(browser, user):
    user.plan = Plan.objects.get(slug="enterprise")
    user.save()
    client_for(user).get(ME)
    body = html(browser.get("/dashboard"))
    assert "unlimited" in body
    assert "<meter" not in body
    assert 'data-count="1"' in body


def test_usage_is_only_ever_the_users_own(browser, user):
    client_for(make_user()).get(ME)
    body = html(browser.get("/dashboard"))
    assert "0</strong> of 1,000" in body


# --- API keys -------------------------------------------------------------------------------


def test_creating_a_key_shows_it_once_and_it_works(browser, user):
    response = browser.post(
        "/dashboard/api-keys", {"name": "CI", "scope": "read_write"}, follow=True
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["created"]["raw"]
    body = html(response)
    assert f'value="{raw}"' in body
    assert "you will not see it again" in body
    assert 'data-copy-target="new-key"' in body
    assert "/static/js/copy.js" in body
    assert "API key “CI” created." in body
    # The key works on the API, as its owner.
    assert key_client(raw).get(ME).json()["email"] == user.email
    # …and is never shown again, nor kept in the session or a cookie any more.
    again = browser.get("/dashboard/api-keys")
    assert raw not in html(again)
    assert raw[8:] not in str(browser.session.items())
    assert all(raw[8:] not in morsel.value for morsel in browser.cookies.values())
    assert raw[: len(ApiKey.objects.get().prefix)] in html(again)


def test_reloading_after_creating_a_key_creates_no_second_key(browser, user):
    response = browser.post("/dashboard/api-keys", {"name": "CI", "scope": "read_write"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/api-keys"
    shown = browser.get(response["Location"])
    raw = shown.context["created"]["raw"]
    assert f'value="{raw}"' in html(shown)
    assert shown["Cache-Control"] == "no-store"

    reloaded = browser.get(response["Location"])

    assert ApiKey.objects.filter(owner=user).count() == 1
    assert reloaded.context["created"] is None
    assert raw not in html(reloaded)
    assert raw[8:] not in str(browser.session.items())


def test_keys_list_shows_name_prefix_scope_dates_and_status(browser, user):
    active, _ = make_api_key(user, name="live one", scope=ApiKeyScope.READ_ONLY)
    revoked, _ = make_api_key(user, name="old one")
    revoked.revoked_at = datetime.now(UTC)
    revoked.save()
    expired, _ = make_api_key(user, name="done one", expires_at=datetime.now(UTC) - timedelta(1))
    make_api_key(make_user(), name="not mine")
    body = html(browser.get("/dashboard/api-keys"))
    for key in (active, revoked, expired):
        assert key.name in body
        assert f"{key.prefix}…" in body
    assert "Read only" in body
    assert 'badge--active">active' in body
    assert 'badge--revoked">revoked' in body
    assert 'badge--expired">expired' in body
    assert "not mine" not in body
    # Only the active key can be revoked.
    assert body.count("/revoke") == 1


def test_key_with_an_expiry_day_works_through_the_end_of_that_day(browser, user):
    day = date.today() + timedelta(days=30)
    response = browser.post(
        "/dashboard/api-keys",
        {"name": "temp", "scope": "read_only", "expires_on": day.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert key.scope == "read_only"
    assert key.expires_at == datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "scope": "read_write"}, "name"),
        ({"name": "x", "scope": "admin"}, "scope"),
        ({"name": "x", "scope": "read_write", "expires_on": "2001-01-01"}, "expires_on"),
    ],
    ids=["no-name", "bad-scope", "past-expiry"],
)
def test_key_form_errors_are_shown_next_to_the_field(browser, data, field):
    response = browser.post("/dashboard/api-keys", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["created"] is None
    assert f'id="id_{field}_error"' in html(response)
    assert not ApiKey.objects.exists()


def test_revoking_asks_for_confirmation_first(browser, user):
    key, raw = make_api_key(user, name="deploy")
    response = browser.get(f"/dashboard/api-keys/{key.pk}/revoke")
    assert response.status_code == 200
    assert "Revoke “deploy”?" in html(response)
    assert "Yes, revoke this key" in html(response)
    key.refresh_from_db()
    assert key.revoked_at is None
    assert key_client(raw).get(ME).status_code == 200


def test_confirmed_revoke_stops_the_key_at_once(browser, user):
    key, raw = make_api_key(user, name="deploy")
    assert key_client(raw).get(ME).status_code == 200
    response = browser.post(f"/dashboard/api-keys/{key.pk}/revoke", follow=True)
    assert response.redirect_chain == [("/dashboard/api-keys", 302)]
    assert "API key “deploy” revoked" in html(response)
    assert key_client(raw).get(ME).status_code == 401


def test_someone_elses_key_is_not_found(browser):
    key, _ = make_api_key(make_user(), name="theirs")
    assert browser.get(f"/dashboard/api-keys/{key.pk}/revoke").status_code == 404
    assert browser.post(f"/dashboard/api-keys/{key.pk}/revoke").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_unknown_key_is_not_found(browser):
    assert browser.get(f"/dashboard/api-keys/{uuid.uuid4()}/revoke").status_code == 404


# --- Profile --------------------------------------------------------------------------------


def test_profile_updates_name_and_email(browser, user):
    response = browser.post(
        "/dashboard/profile", {"form": "profile", "name": "Olive O.", "email": "olive@example.com"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.email) == ("Olive O.", "olive@example.com")
    assert "Your profile is saved." in html(browser.get("/dashboard/profile"))


def test_profile_refuses_an_email_that_is_taken(browser, user):
    make_user(email="taken@example.com")
    response = browser.post(
        "/dashboard/profile", {"form": "profile", "name": "x", "email": "TAKEN@example.com"}
    )
    assert response.status_code == 200
    assert response.context["profile_form"].errors["email"] == [
        "A user with this email already exists"
    ]
    user.refresh_from_db()
    assert user.email == "owner@example.com"
    # The header still shows who is signed in, not the refused address.
    assert "signed in as owner@example.com" in html(response)


def test_password_change_needs_the_current_password(browser, user):
    response = browser.post(
        "/dashboard/profile",
        {"form": "password", "current_password": "wrong", "new_password": "a new long secret 1"},
    )
    assert response.status_code == 200
    assert "current_password" in response.context["password_form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_this_session(browser, user):
    response = browser.post(
        "/dashboard/profile",
        {"form": "password", "current_password": PASSWORD, "new_password": "a new long secret 1"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long secret 1")
    assert browser.get("/dashboard").status_code == 200


def test_password_change_applies_the_validators(browser, user):
    response = browser.post(
        "/dashboard/profile",
        {"form": "password", "current_password": PASSWORD, "new_password": "password"},
    )
    assert response.status_code == 200
    assert "new_password" in response.context["password_form"].errors or (
        response.context["password_form"].non_field_errors()
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_deleting_the_account_needs_the_password(browser, user):
    response = browser.post("/dashboard/profile", {"form": "delete", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["delete_form"].errors["password"]
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_the_account_signs_out_and_stops_its_keys(browser, user):
    _, raw = make_api_key(user)
    response = browser.post(
        "/dashboard/profile", {"form": "delete", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Your account is deleted" in html(response)
    assert not User.objects.filter(pk=user.pk).exists()
    assert key_client(raw).get(ME).status_code == 401
    assert browser.get("/dashboard").status_code == 302


def test_only_owner_of_a_shared_organization_gets_a_plain_409(browser, user):
    organization = make_organization(owner=user, name="Shared Co")
    add_member(organization, make_user())
    make_organization(owner=user, name="Solo Co")
    response = browser.post("/dashboard/profile", {"form": "delete", "password": PASSWORD})
    assert response.status_code == 409
    body = html(response)
    assert "Your account was not deleted." in body
    assert "You are the only owner of\n      an organization that has" in body
    assert f'href="/dashboard/organizations/{organization.pk}">Shared Co</a>' in body
    assert "Solo Co" not in body
    assert "Make another member an owner" in body
    assert User.objects.filter(pk=user.pk).exists()
