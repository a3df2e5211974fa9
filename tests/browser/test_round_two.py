"""Issue 21's bugs in a real browser: long names, the phone chart, focus, the expiry day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts.models import ApiKey, Plan
from cloudbooks.api.throttling import WINDOW_SECONDS, refused_key, usage_key, window_start
from tests.browser.conftest import console_problems, save_screenshot
from tests.clock import minutes_into_this_hour
from tests.factories import PASSWORD, make_api_key, make_user
from tests.orgs.factories import add_member, make_organization, make_project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG = "W" * 100  # one unbroken 100-character word, the longest name the forms take


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def too_wide_by(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_hundred_character_names_never_widen_the_page(page: Page, phone: Page, live_server):
    long_email = f"{'e' * 64}@{'d' * 40}.example.com"
    lena = make_user(email=long_email, name=LONG)
    make_api_key(lena, name=LONG)
    organization = make_organization(owner=lena, name=LONG)
    add_member(organization, make_user(email=f"{'m' * 64}@example.com", name="M" * 100))
    make_project(organization, by=lena, name=LONG, description=LONG)
    pages = {
        "api-keys": "/dashboard/api-keys",
        "organizations": "/dashboard/organizations",
        "organization": f"/dashboard/organizations/{organization.pk}",
    }
    for size, tab in [("desktop", page), ("phone", phone)]:
        sign_in(tab, long_email)
        for name, path in pages.items():
            tab.goto(path)
            assert too_wide_by(tab) <= 0, f"{path} is {too_wide_by(tab)}px too wide ({size})"
            save_screenshot(tab, f"{size}-long-names-{name}")
        assert console_problems(tab) == []


def contrast_on_white(rgb: str) -> float:
    """WCAG contrast ratio of a CSS `rgb(r, g, b)` colour against white."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.fixture
def early_in_the_hour():
    """Ten minutes into the current hour, the clock running: the hour cannot roll over
    between writing the counters and reading them."""
    with time_machine.travel(minutes_into_this_hour(10), tick=True):
        yield


def test_over_the_limit_the_phone_chart_shows_served_refused_and_every_label(
    phone: Page, live_server, early_in_the_hour
):
    free = Plan.objects.get(slug="free")
    polly = make_user(email="polly@example.com", plan=free)
    # The counters as the plan budget leaves them after limit + 7 requests this hour (every
    # request counted, the 7 refused counted apart), and some earlier hours.
    now = window_start()
    limit = free.requests_per_hour
    for hours_ago, count in [(5, 400), (2, 900), (1, 650)]:
        cache.set(usage_key(polly.pk, now - hours_ago * WINDOW_SECONDS), count, timeout=7200 * 12)
    cache.set(usage_key(polly.pk, now), limit + 7, timeout=7200)
    cache.set(refused_key(polly.pk, now), 7, timeout=7200)

    sign_in(phone, polly.email)
    save_screenshot(phone, "phone-dashboard-over-the-limit")
    svg = phone.locator("svg.chart__svg")
    frame = svg.bounding_box()
    labels = svg.locator("text")
    assert labels.count() >= 4
    for index in range(labels.count()):
        label = labels.nth(index)
        box = label.bounding_box()
        text = label.text_content()
        assert box["x"] >= frame["x"] - 0.5, f"{text!r} is cut on the left"
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5, f"{text!r} is cut"
        assert box["y"] >= frame["y"] - 0.5, f"{text!r} is cut at the top"
        assert box["y"] + box["height"] <= frame["y"] + frame["height"] + 0.5, f"{text!r} is cut"

    past_bar = svg.locator("rect.chart__bar:not(.chart__bar--current)").first
    fill = past_bar.evaluate("bar => getComputedStyle(bar).fill")
    assert contrast_on_white(fill) >= 3, f"past-hour bars ({fill}) are under 3:1 on white"
    expect(phone.get_by_test_id("used")).to_have_text(f"{limit:,}")
    expect(phone.get_by_test_id("refused")).to_have_text("7")
    resets = datetime.fromtimestamp(now + WINDOW_SECONDS, tz=UTC)
    expect(phone.get_by_test_id("refusing")).to_contain_text(
        f"requests are refused until {resets:%H:%M} UTC"
    )

    assert console_problems(phone) == []


def test_sign_up_shows_every_error_at_once_and_focuses_the_first(page: Page, live_server):
    page.goto("/signup")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_email_error")).to_contain_text("valid email")
    expect(page.locator("#id_password_error")).to_contain_text("too short")
    expect(page.get_by_label("Email")).to_be_focused()
    assert console_problems(page) == []


def test_a_new_key_takes_the_focus_shows_the_picked_day_and_a_reload_adds_no_key(
    page: Page, live_server
):
    kim = make_user(email="kim@example.com")
    picked = datetime.now(UTC).date() + timedelta(days=30)
    sign_in(page, kim.email)
    page.goto("/dashboard/api-keys")
    page.get_by_label("Name").fill("deploy")
    page.get_by_label("Expires on (optional)").fill(picked.isoformat())
    page.get_by_role("button", name="Create key").click()
    expect(page.locator("#new-key-panel")).to_be_focused()
    row = page.locator("tr", has_text="deploy")
    expect(row.locator("td[data-label='Expires']")).to_have_text(
        f"{picked:%b} {picked.day}, {picked.year}"
    )
    save_screenshot(page, "desktop-api-keys-created")
    page.reload()
    expect(page.locator("tr", has_text="deploy")).to_have_count(1)
    assert ApiKey.objects.filter(owner=kim).count() == 1
    assert console_problems(page) == []
