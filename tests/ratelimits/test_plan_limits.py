"""Plan budgets (docs/api.md) through real HTTP, on the configured cache (Redis in CI)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta

import pytest
import requests
import time_machine
from django.db import connection

from accounts.models import ApiKeyScope, Plan
from accounts.services import api_key_create
from cloudbooks.api.throttling import usage_history
from tests.clock import end_of_hour, minutes_into_this_hour
from tests.factories import client_for, make_user

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


@pytest.fixture
def tiny_plan(db) -> Plan:
    return Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=5)


@pytest.fixture
def metered(tiny_plan):
    return make_user(plan=tiny_plan)


class HourClock:
    """Python's clock stopped 10 minutes into the current hour: the window ends 50 minutes later."""

    def __init__(self, traveller, now: datetime):
        self.traveller = traveller
        self.now = now
        self.window_end = end_of_hour(now)

    def move_to(self, moment: datetime) -> None:
        self.traveller.move_to(moment)


@pytest.fixture
def clock():
    now = minutes_into_this_hour(10)
    with time_machine.travel(now, tick=False) as traveller:
        yield HourClock(traveller, now)


def test_headers_count_down_through_a_small_limit(metered, clock):
    api = client_for(metered)
    for remaining in [4, 3, 2, 1, 0]:
        response = api.get(ME)
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "5"
        assert response["X-RateLimit-Remaining"] == str(remaining)
        assert response["X-RateLimit-Reset"] == str(clock.window_end)
        assert response["RateLimit-Policy"] == '"tiny";q=5;w=3600'
        assert response["RateLimit"] == f'"tiny";r={remaining};t=3000'


def test_the_request_over_the_limit_is_429_with_retry_after_and_details(metered, clock):
    api = client_for(metered)
    for _ in range(5):
        assert api.get(ME).status_code == 200
    response = api.get(ME)
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "rate_limit_exceeded"
    assert error["details"] == {"plan": "tiny", "limit": 5, "reset": clock.window_end}
    assert error["request_id"] == response["X-Request-Id"]
    assert response["Retry-After"] == "3000"
    assert response["X-RateLimit-Remaining"] == "0"
    assert response["X-RateLimit-Limit"] == "5"
    assert response["RateLimit"] == '"tiny";r=0;t=3000'


def test_error_responses_carry_the_headers_and_spend_budget(metered, clock):
    api = client_for(metered)
    not_found = api.get(f"/v1/users/{uuid.uuid4()}")
    assert not_found.status_code == 404
    assert not_found["X-RateLimit-Remaining"] == "4"
    invalid = api.patch(ME, {"email": "nope"}, format="json")
    assert invalid.status_code == 400
    assert invalid["X-RateLimit-Remaining"] == "3"


def test_a_read_only_key_refused_a_write_still_gets_headers(metered, clock):
    _, raw = api_key_create(owner=metered, name="ro", scope=ApiKeyScope.READ_ONLY)
    response = client_for(metered, token=raw).patch(ME, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response["X-RateLimit-Remaining"] == "4"


def test_access_tokens_and_api_keys_share_one_budget(metered, clock):
    _, raw = api_key_create(owner=metered, name="ci")
    with_token, with_key = client_for(metered), client_for(metered, token=raw)
    remaining = [
        with_token.get(ME)["X-RateLimit-Remaining"],
        with_key.get(ME)["X-RateLimit-Remaining"],
        with_token.get(ME)["X-RateLimit-Remaining"],
        with_key.get(ME)["X-RateLimit-Remaining"],
        with_key.get(ME)["X-RateLimit-Remaining"],
    ]
    assert remaining == ["4", "3", "2", "1", "0"]
    assert with_token.get(ME).status_code == 429


def test_budgets_are_per_user(metered, tiny_plan, clock):
    other = make_user(plan=tiny_plan)
    api = client_for(metered)
    for _ in range(6):
        api.get(ME)
    assert client_for(other).get(ME)["X-RateLimit-Remaining"] == "4"


def test_the_budget_comes_back_when_the_clock_hour_turns(metered, clock):
    api = client_for(metered)
    for _ in range(6):
        api.get(ME)
    assert api.get(ME).status_code == 429
    clock.move_to(clock.now + timedelta(minutes=50))  # 15:00:00, the next window
    # Access tokens live 15 minutes: a new one for the new hour.
    response = client_for(metered).get(ME)
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "4"
    assert response["X-RateLimit-Reset"] == str(clock.window_end + 3600)


def test_unlimited_plans_get_no_headers_and_no_429_but_are_counted(db, clock):
    user = make_user(plan=Plan.objects.get(slug="enterprise"))
    api = client_for(user)
    for _ in range(25):
        response = api.get(ME)
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response
        assert "RateLimit" not in response
    assert usage_history(user.pk, hours=1)[-1][1] == 25


def test_a_plan_change_applies_from_the_next_request(metered, clock):
    api = client_for(metered)
    for _ in range(6):
        api.get(ME)
    assert api.get(ME).status_code == 429
    metered.plan = Plan.objects.get(slug="pro")
    metered.save(update_fields=["plan"])
    response = api.get(ME)
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "10000"
    assert response["X-RateLimit-Remaining"] == str(10000 - 8)


def test_a_plan_edit_in_the_admin_applies_from_the_next_request(metered, tiny_plan, clock):
    api = client_for(metered)
    assert api.get(ME)["X-RateLimit-Limit"] == "5"
    tiny_plan.requests_per_hour = 50
    tiny_plan.save()
    assert api.get(ME)["X-RateLimit-Limit"] == "50"


def test_usage_history_has_the_last_24_clock_hours(metered, clock):
    api = client_for(metered)
    api.get(ME)
    clock.move_to(clock.now + timedelta(hours=2))
    api = client_for(metered)
    api.get(ME)
    api.get(ME)
    history = usage_history(metered.pk)
    assert len(history) == 24
    assert history[-1] == (clock.window_end + 3600, 2)
    assert history[-2] == (clock.window_end, 0)
    assert history[-3] == (clock.window_end - 3600, 1)


def test_anonymous_requests_are_not_metered(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert "X-RateLimit-Limit" not in response


def test_with_the_cache_down_requests_are_served_without_headers(
    metered, unreachable_cache, caplog
):
    _, raw = api_key_create(owner=metered, name="ci")
    for api in (client_for(metered), client_for(metered, token=raw)):
        response = api.get(ME)
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response
    assert "fail open" in caplog.text


# serialized_rollback: the flush after a transactional test would take the seeded plans
# (and content types) with it; this restores them for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_at_the_limit_let_exactly_the_limit_through(live_server):
    """Many threads, one budget of 10: the counter is atomic, so exactly 10 get through."""
    plan = Plan.objects.create(slug="ten", name="Ten", requests_per_hour=10)
    user = make_user(plan=plan)
    _, raw = api_key_create(owner=user, name="load")
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def fire() -> None:
        start.wait()
        response = requests.get(
            f"{live_server.url}{ME}", headers={"Authorization": f"Bearer {raw}"}, timeout=30
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=fire) for _ in range(30)]
    # Inside one clock hour whatever the wall clock says: all 30 count against one window.
    with time_machine.travel(minutes_into_this_hour(10)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [200] * 10 + [429] * 20
    connection.close()
