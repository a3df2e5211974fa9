"""The dashboard in a real browser: what a customer does, start to finish (README)."""

from __future__ import annotations

import base64
import re

import pytest
import requests
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import ApiKey, User
from cloudbooks.api.throttling import WINDOW_SECONDS, usage_key, window_start
from tests.browser.conftest import console_problems, save_screenshot
from tests.factories import PASSWORD, make_api_key, make_user, totp_code
from tests.orgs.factories import add_member, make_organization, make_project

# Committed rows (the live server runs in another thread); the seeded plans are restored
# afterwards, since a transactional test ends by emptying the tables.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "bree@example.com"


def call_me(live_server, key: str) -> requests.Response:
    return requests.get(
        f"{live_server.url}/v1/users/me", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def nav(page: Page, name: str):
    """A link of the main navigation, by its exact name."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def sign_up(page: Page) -> None:
    page.goto("/")
    nav(page, "Sign up").click()
    page.get_by_label("Name").fill("Bree Browser")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".messages")).to_contain_text("Your account is ready")


def sign_in(page: Page) -> None:
    nav(page, "Sign in").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".messages")).to_contain_text(f"Signed in as {EMAIL}")


def test_sign_up_create_a_key_use_it_and_revoke_it(page: Page, live_server):
    sign_up(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".messages")).to_contain_text("You are signed out.")
    sign_in(page)

    # Create a key: shown once, with a copy button.
    nav(page, "API keys").click()
    page.get_by_label("Name").fill("laptop")
    page.get_by_label("Scope").select_option("read_write")
    page.get_by_role("button", name="Create key").click()
    panel = page.locator("#new-key-panel")
    expect(panel).to_contain_text("you will not see it again")
    key = page.get_by_test_id("new-key").input_value()
    assert re.fullmatch(r"sk_live_[A-Za-z0-9]{32,}", key)
    save_screenshot(page, "desktop-api-key-created")
    panel.get_by_role("button", name="Copy").click()
    expect(panel.get_by_role("button", name="Copied!")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key

    # A real HTTP call with it works.
    response = call_me(live_server, key)
    assert response.status_code == 200
    assert response.json()["email"] == EMAIL
    for _ in range(2):
        assert call_me(live_server, key).status_code == 200

    # The key is never shown again.
    page.goto("/dashboard/api-keys")
    assert key not in page.content()
    row = page.locator("tr", has_text="laptop")
    expect(row).to_contain_text(ApiKey.objects.get().prefix)
    expect(row).to_contain_text("active")

    # The usage chart shows the three requests just made, in the current hour's bar.
    nav(page, "Usage").click()
    expect(page.get_by_test_id("used")).to_have_text("3")
    expect(page.locator(".usage-line")).to_contain_text("3 of 1,000 requests this hour")
    current = page.locator("rect.chart__bar--current")
    expect(current).to_have_attribute("data-count", "3")
    expect(page.get_by_test_id("current-count")).to_have_text("3")
    assert page.locator("rect.chart__bar").count() == 24
    save_screenshot(page, "desktop-dashboard")

    # Revoke, after confirming: the same call is refused.
    nav(page, "API keys").click()
    page.get_by_role("link", name="Revoke laptop").click()
    expect(page.get_by_role("heading", name="Revoke “laptop”?")).to_be_visible()
    assert call_me(live_server, key).status_code == 200  # nothing happened yet
    page.get_by_role("button", name="Yes, revoke this key").click()
    expect(page.locator(".messages")).to_contain_text("API key “laptop” revoked")
    expect(page.locator("tr", has_text="laptop")).to_contain_text("revoked")
    refused = call_me(live_server, key)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"

    assert console_problems(page) == []


def test_organization_members_and_projects_then_delete_the_account(page: Page, live_server):
    colleague = make_user(email="cole@example.com", name="Cole Colleague")
    sign_up(page)

    # Create an organization.
    nav(page, "Organizations").click()
    page.get_by_label("Name").fill("Browser Co")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="Browser Co", level=1)).to_be_visible()
    expect(page.get_by_test_id("my-role")).to_have_text("owner")

    # Add the colleague as a member.
    add = page.locator("form", has=page.get_by_role("button", name="Add member"))
    add.get_by_label("Email").fill(colleague.email)
    add.get_by_label("Role").select_option("member")
    add.get_by_role("button", name="Add member").click()
    expect(page.locator(".messages")).to_contain_text("cole@example.com added as member.")
    expect(page.locator("tr[data-member='cole@example.com']")).to_be_visible()

    # Create a project, then delete it after confirming.
    create = page.locator("form", has=page.get_by_role("button", name="Create project"))
    create.get_by_label("Name").fill("Alpha")
    create.get_by_label("Description").fill("The first one")
    create.get_by_role("button", name="Create project").click()
    expect(page.locator(".messages")).to_contain_text("Project “Alpha” created.")
    expect(page.locator("article.project", has_text="Alpha")).to_be_visible()
    save_screenshot(page, "desktop-organization")
    page.get_by_role("link", name="Delete Alpha").click()
    page.get_by_role("button", name="Yes, delete the project").click()
    expect(page.locator(".messages")).to_contain_text("Project “Alpha” deleted.")
    expect(page.locator("article.project")).to_have_count(0)

    # Deleting the account is refused while Bree is the only owner of a shared organization.
    nav(page, "Profile").click()
    delete = page.locator("form", has=page.get_by_role("button", name="Delete my account"))
    delete.get_by_label("Your password").fill(PASSWORD)
    delete.get_by_role("button", name="Delete my account").click()
    conflict = page.get_by_test_id("delete-conflict")
    expect(conflict).to_contain_text("Your account was not deleted.")
    expect(conflict.get_by_role("link", name="Browser Co")).to_be_visible()

    # Make the colleague an owner, then the account can go.
    conflict.get_by_role("link", name="Browser Co").click()
    page.get_by_label("Role of cole@example.com").select_option("owner")
    page.get_by_role("button", name="Change role of cole@example.com").click()
    expect(page.locator(".messages")).to_contain_text("cole@example.com is now an owner.")
    nav(page, "Profile").click()
    delete = page.locator("form", has=page.get_by_role("button", name="Delete my account"))
    delete.get_by_label("Your password").fill(PASSWORD)
    delete.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".messages")).to_contain_text("Your account is deleted")
    assert not User.objects.filter(email=EMAIL).exists()
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=/dashboard$"))

    assert console_problems(page, expected_statuses=(409,)) == []


def test_pages_fit_a_phone_screen(phone: Page, live_server):
    user = make_user(email="pia@example.com", name="Pia Phone")
    make_api_key(user, name="phone key")
    organization = make_organization(owner=user, name="Pocket Co")
    add_member(organization, make_user(email="friend@example.com"))
    make_project(organization, by=user, name="Tiny", description="Fits in a pocket")
    # Some history for the chart: the counters the plan budget keeps, as if requests were made.
    now = window_start()
    for hours_ago, count in [(20, 40), (9, 120), (8, 310), (3, 75), (1, 12)]:
        cache.set(usage_key(user.pk, now - hours_ago * WINDOW_SECONDS), count, timeout=3600 * 25)

    # Sign-up errors sit next to their fields.
    phone.goto("/signup")
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill("123")
    phone.get_by_role("button", name="Create account").click()
    expect(phone.locator("#id_email_error")).to_have_text("A user with this email already exists")
    expect(phone.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#id_password_error")).to_contain_text("too short")
    save_screenshot(phone, "phone-signup-errors")

    phone.goto("/login")
    save_screenshot(phone, "phone-login")
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(re.compile(r"/dashboard$"))
    pages = {
        "dashboard": "/dashboard",
        "api-keys": "/dashboard/api-keys",
        "organizations": "/dashboard/organizations",
        "organization": f"/dashboard/organizations/{organization.pk}",
        "profile": "/dashboard/profile",
        "home": "/",
    }
    for name, path in pages.items():
        phone.goto(path)
        # Nothing sticks out sideways: the page is readable without horizontal scrolling.
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px too wide for a phone"
        save_screenshot(phone, f"phone-{name}")
    assert console_problems(phone) == []


def test_docs_and_admin_work_under_the_content_security_policy(page: Page, live_server):
    User.objects.create_superuser("root@example.com", PASSWORD)
    owner = make_user(email="kim@example.com")

    # /docs: Swagger UI from the sidecar's files, its init script a separate request.
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CloudBooks API")
    expect(page.locator(".opblock").first).to_be_visible()
    save_screenshot(page, "desktop-docs")

    # /admin: sign in, enrol a second factor, and create a key for a user; shown once.
    page.goto("/admin/")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#content")).to_contain_text("Set up two-factor authentication")
    expect(page.locator(".otp-qr svg")).to_be_visible()
    save_screenshot(page, "desktop-admin-enrol")
    device = TOTPDevice.objects.get(user__email="root@example.com", confirmed=False)
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    assert secret == base64.b32encode(device.bin_key).decode()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Two-factor authentication is set up.")
    page.goto("/admin/accounts/apikey/add/")
    page.locator("#id_owner").evaluate(
        "(select, id) => { select.add(new Option('kim', id, true, true)); }", str(owner.pk)
    )
    page.get_by_label("Name").fill("from staff")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#content")).to_contain_text("will not be shown again")
    key = page.locator("#api-key").inner_text()
    assert call_me(live_server, key).json()["email"] == "kim@example.com"

    assert console_problems(page) == []
