"""Retries: 429 honouring Retry-After (live), connection errors (a closed port), 503 (fake).

The SDK's `sleep` is injected: the tests record the delays instead of waiting them out.
"""

from __future__ import annotations

import httpx
import pytest
import time_machine
from cloudbooks_sdk import APIConnectionError, Client, RateLimitError, ServiceUnavailableError

from accounts.models import Plan
from tests.clock import minutes_into_this_hour
from tests.factories import make_user


# The rate-limit tests stop the clock ten minutes into the current hour: a spent budget
# resets 3000 seconds later.
class TestRateLimitRetries:
    pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

    @pytest.fixture
    def metered(self, transactional_db):
        return make_user(plan=Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=2))

    def test_a_429_is_retried_after_the_retry_after_it_names(self, connect, metered, sleeps):
        with time_machine.travel(minutes_into_this_hour(10), tick=False) as clock:

            def sleep(seconds: float) -> None:
                # "Wait" by moving the clock, for the client and the server thread alike.
                sleeps.append(seconds)
                clock.shift(seconds)

            client = connect(metered, max_retries=1, max_retry_after=3600, sleep=sleep)
            client.users.me()
            client.users.me()
            assert client.rate_limit.remaining == 0

            assert client.users.me().email == metered.email  # 429, wait, retry in a new hour
        assert sleeps == [3000.0]
        assert client.rate_limit.remaining == 1

    def test_a_retry_after_longer_than_the_client_waits_is_raised_at_once(
        self, connect, metered, sleeps
    ):
        with time_machine.travel(minutes_into_this_hour(10), tick=False):
            client = connect(metered, max_retries=3, sleep=sleeps.append)  # waits up to 60 s
            client.users.me()
            client.users.me()
            with pytest.raises(RateLimitError) as caught:
                client.users.me()
        assert caught.value.retry_after == 3000
        assert sleeps == []

    def test_a_429_on_post_is_not_retried(self, connect, metered, sleeps):
        with time_machine.travel(minutes_into_this_hour(10), tick=False):
            client = connect(metered, max_retries=3, max_retry_after=3600, sleep=sleeps.append)
            client.users.me()
            client.users.me()
            with pytest.raises(RateLimitError):
                client.organizations.create(name="Acme")
        assert sleeps == []


def test_connection_errors_are_retried_with_growing_jittered_backoff(closed_port, sleeps):
    client = Client(
        api_key="sk_live_x",
        base_url=f"http://127.0.0.1:{closed_port}/v1",
        max_retries=3,
        backoff_factor=1.0,
        sleep=sleeps.append,
    )
    with pytest.raises(APIConnectionError) as caught:
        client.users.me()
    assert caught.value.status is None
    assert caught.value.code == "connection_error"
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    # Ceilings 1, 2, 4 seconds; "equal jitter" waits between half the ceiling and all of it.
    assert len(sleeps) == 3
    for delay, ceiling in zip(sleeps, [1, 2, 4], strict=True):
        assert ceiling / 2 <= delay <= ceiling


def test_a_connection_error_on_post_is_not_retried(closed_port, sleeps):
    client = Client(
        api_key="sk_live_x", base_url=f"http://127.0.0.1:{closed_port}/v1", sleep=sleeps.append
    )
    with pytest.raises(APIConnectionError):
        client.organizations.create(name="Acme")
    assert sleeps == []


def test_max_retries_zero_turns_retries_off(closed_port, sleeps):
    client = Client(
        api_key="sk_live_x",
        base_url=f"http://127.0.0.1:{closed_port}/v1",
        max_retries=0,
        sleep=sleeps.append,
    )
    with pytest.raises(APIConnectionError):
        client.users.me()
    assert sleeps == []


# A real server cannot be made to answer 503 on demand: here, and only here, a fake transport.


def flaky(failures: int) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering 503 `failures` times, then 200 with a user; it logs the methods."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) <= failures:
            body = {
                "error": {
                    "code": "service_unavailable",
                    "message": "Down for a moment",
                    "details": {},
                    "request_id": f"req_{len(seen)}",
                }
            }
            return httpx.Response(503, json=body)
        user = {"id": "u1", "email": "a@example.com", "name": "A", "plan": "free"}
        return httpx.Response(200, json=user)

    return httpx.MockTransport(handler), seen


def test_a_503_is_retried_for_an_idempotent_method(sleeps):
    transport, seen = flaky(failures=2)
    client = Client(api_key="sk_live_x", transport=transport, sleep=sleeps.append)
    assert client.users.me().email == "a@example.com"
    assert seen == ["GET", "GET", "GET"]
    assert len(sleeps) == 2


def test_a_503_on_patch_and_post_is_not_retried(sleeps):
    transport, seen = flaky(failures=1)
    client = Client(api_key="sk_live_x", transport=transport, sleep=sleeps.append)
    with pytest.raises(ServiceUnavailableError) as caught:
        client.users.update_me(name="B")
    assert (caught.value.status, caught.value.request_id) == (503, "req_1")
    assert seen == ["PATCH"]
    assert sleeps == []


def test_a_503_is_raised_once_the_retries_are_spent(sleeps):
    transport, seen = flaky(failures=5)
    client = Client(api_key="sk_live_x", transport=transport, max_retries=2, sleep=sleeps.append)
    with pytest.raises(ServiceUnavailableError):
        client.users.me()
    assert len(seen) == 3
    assert len(sleeps) == 2
