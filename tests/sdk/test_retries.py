"""Retries: 429 honouring Retry-After (live), connection errors (a closed port), 5xx and the
Idempotency-Key of retried POSTs (a scripted local server that records the headers).

The SDK's `sleep` is injected: the tests record the delays instead of waiting them out.
"""

from __future__ import annotations

import logging
import re

import httpx
import pytest
import time_machine
from cloudbooks_sdk import (
    APIConnectionError,
    APIError,
    Client,
    RateLimitError,
    ServiceUnavailableError,
)

from accounts.models import Plan
from tests.clock import minutes_into_this_hour
from tests.factories import make_user
from tests.sdk.scripted import Reply, error


# The rate-limit tests stop the clock ten minutes into the current hour: a spent budget
# resets 3000 seconds later.
class TestRateLimitRetries:
    pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

    @pytest.fixture
    def metered(self, transactional_db):
        return make_user(plan=Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=2))

    @pytest.fixture
    def spent(self, connect, metered, sleeps):
        """A client whose hourly budget is spent; its sleeps move the stopped clock."""
        with time_machine.travel(minutes_into_this_hour(10), tick=False) as clock:

            def sleep(seconds: float) -> None:
                # "Wait" by moving the clock, for the client and the server thread alike.
                sleeps.append(seconds)
                clock.shift(seconds)

            client = connect(metered, max_retries=1, max_retry_after=3600, sleep=sleep)
            client.users.me()
            client.users.me()
            yield client

    def test_a_429_is_retried_after_the_retry_after_it_names(self, spent, metered, sleeps):
        assert spent.rate_limit.remaining == 0
        assert spent.users.me().email == metered.email  # 429, wait, retry in a new hour
        assert sleeps == [3000.0]
        assert spent.rate_limit.remaining == 1

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

    def test_a_429_on_post_is_retried_under_its_idempotency_key(self, spent, sleeps):
        org = spent.organizations.create(name="Acme")  # 429, wait, retry in a new hour
        assert [o.id for o in spent.organizations.list()] == [org.id]  # created once
        assert sleeps == [3000.0]


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


def test_a_connection_error_on_post_is_retried_as_it_carries_an_idempotency_key(
    closed_port, sleeps
):
    client = Client(
        api_key="sk_live_x", base_url=f"http://127.0.0.1:{closed_port}/v1", sleep=sleeps.append
    )
    with pytest.raises(APIConnectionError):
        client.organizations.create(name="Acme")
    assert len(sleeps) == 2  # the default max_retries


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


# A real server cannot be made to answer 5xx on demand here: a scripted local server can.

USER = {"id": "u1", "email": "a@example.com", "name": "A", "plan": "free"}
ORG = {"id": "o1", "name": "Acme", "slug": "acme", "description": "", "role": "owner"}


def scripted_client(server, **options) -> Client:
    return Client(api_key="sk_live_secret", base_url=f"{server.url}/v1", **options)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried_for_an_idempotent_method(scripted, sleeps, status):
    server = scripted(
        error(status, "oops", "req_1"), error(status, "oops", "req_2"), Reply(200, USER)
    )
    client = scripted_client(server, sleep=sleeps.append)
    assert client.users.me().email == "a@example.com"
    assert [r.method for r in server.received] == ["GET", "GET", "GET"]
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("PATCH", lambda c: c.users.update_me(name="B")),
        ("DELETE", lambda c: c.projects.delete("p1")),
    ],
)
def test_patch_and_delete_are_retried_as_they_are_idempotent(scripted, sleeps, method, call):
    server = scripted(error(503, "service_unavailable", "req_1"), Reply(200, USER))
    call(scripted_client(server, sleep=sleeps.append))
    assert [r.method for r in server.received] == [method, method]
    assert "idempotency-key" not in server.received[0].headers


def test_a_post_is_retried_with_the_same_idempotency_key_on_every_try(scripted, sleeps):
    server = scripted(
        error(500, "internal_error", "req_1"),
        error(503, "service_unavailable", "req_2"),
        Reply(201, ORG),
    )
    client = scripted_client(server, sleep=sleeps.append)
    assert client.organizations.create(name="Acme").id == "o1"
    keys = [r.headers["idempotency-key"] for r in server.received]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert re.fullmatch(
        r"cb-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", keys[0]
    )


def test_each_post_call_gets_a_fresh_idempotency_key(scripted):
    server = scripted(default=Reply(201, ORG))
    client = scripted_client(server)
    client.organizations.create(name="Acme")
    client.organizations.create(name="Acme")
    first, second = (r.headers["idempotency-key"] for r in server.received)
    assert first != second


def test_a_callers_idempotency_key_is_sent_and_reused(scripted, sleeps):
    server = scripted(error(502, "bad_gateway", "req_1"), Reply(201, ORG))
    client = scripted_client(server, sleep=sleeps.append)
    client.organizations.create(name="Acme", idempotency_key="order-42")
    client.request("POST", "organizations", json={"name": "Acme"}, idempotency_key="order-43")
    keys = [r.headers["idempotency-key"] for r in server.received]
    assert keys == ["order-42", "order-42", "order-43"]


def test_a_get_carries_no_idempotency_key(scripted):
    server = scripted(Reply(200, USER))
    scripted_client(server).users.me()
    assert "idempotency-key" not in server.received[0].headers


def test_a_503_waits_the_retry_after_it_names(scripted, sleeps):
    server = scripted(error(503, "service_unavailable", "req_1", **{"Retry-After": "1"}))
    server.default = Reply(200, USER)
    scripted_client(server, sleep=sleeps.append).users.me()
    assert sleeps == [1.0]


def test_a_server_error_is_raised_once_the_retries_are_spent(scripted, sleeps):
    server = scripted(default=error(503, "service_unavailable", "req_x"))
    client = scripted_client(server, max_retries=2, sleep=sleeps.append)
    with pytest.raises(ServiceUnavailableError) as caught:
        client.users.me()
    assert (caught.value.status, caught.value.request_id) == (503, "req_x")
    assert len(server.received) == 3
    assert len(sleeps) == 2


def test_a_client_error_is_not_retried(scripted, sleeps):
    server = scripted(default=error(400, "invalid_request", "req_1"))
    with pytest.raises(APIError):
        scripted_client(server, sleep=sleeps.append).organizations.create(name="")
    assert len(server.received) == 1
    assert sleeps == []


def test_retries_are_logged_with_request_ids_and_never_a_credential(scripted, sleeps, caplog):
    server = scripted(
        error(500, "internal_error", "req_first"),
        error(502, "bad_gateway", "req_second"),
        Reply(201, ORG),
    )
    client = scripted_client(server, sleep=sleeps.append)
    with caplog.at_level(logging.DEBUG, logger="cloudbooks_sdk"):
        client.organizations.create(name="Acme")
    ours = [r for r in caplog.records if r.name == "cloudbooks_sdk"]
    retries = [r.getMessage() for r in ours if r.getMessage().startswith("Retrying")]
    assert len(retries) == 2
    assert "POST /v1/organizations" in retries[0] and "req_first" in retries[0]
    assert "status 502" in retries[1] and "req_second" in retries[1]
    key = server.received[0].headers["idempotency-key"]
    for record in caplog.records:
        assert "sk_live_secret" not in record.getMessage()
        assert key not in record.getMessage()


def test_a_login_password_and_tokens_stay_out_of_the_log(scripted, caplog):
    tokens = {"token": "access-secret", "refresh": "refresh-secret", "expires_in": 900}
    server = scripted(
        error(503, "service_unavailable", "req_1"),
        Reply(200, {**tokens, "user": USER}),
        default=Reply(200, USER),
    )
    client = Client(base_url=f"{server.url}/v1", sleep=lambda seconds: None)
    with caplog.at_level(logging.DEBUG, logger="cloudbooks_sdk"):
        client.login("a@example.com", "hunter2-password")
        client.users.me()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "req_1" in text
    for secret in ("hunter2-password", "access-secret", "refresh-secret"):
        assert secret not in text
