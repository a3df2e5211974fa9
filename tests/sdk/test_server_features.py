"""The SDK against server features of issue #15 on the live server: Idempotency-Key replay
(also through a gateway that loses an answer) and GET /v1/auth/whoami."""

from __future__ import annotations

import pytest
from cloudbooks_sdk import (
    AccessTokenCredential,
    ApiKeyCredential,
    Client,
    PlanRateLimit,
    User,
    WhoAmI,
)

from accounts.models import ApiKeyScope, Plan
from orgs.models import Organization
from tests.factories import PASSWORD, make_api_key, make_user
from tests.sdk.conftest import live
from tests.sdk.scripted import LosingProxy

pytestmark = live


@pytest.fixture
def losing_proxy(live_server):
    proxies: list[LosingProxy] = []

    def start(*, lose: int) -> LosingProxy:
        proxies.append(LosingProxy(live_server.url, lose=lose))
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.close()


def test_a_post_whose_answer_was_lost_is_retried_and_creates_one_object(
    losing_proxy, owner, sleeps
):
    proxy = losing_proxy(lose=1)  # the organization is created, its 201 lost on the way back
    _, key = make_api_key(owner)
    with Client(api_key=key, base_url=f"{proxy.url}/v1", sleep=sleeps.append) as client:
        org = client.organizations.create(name="Acme")
        assert client.last_response.idempotent_replayed is True
    assert [r.method for r in proxy.forwarded] == ["POST", "POST"]
    assert len(sleeps) == 1
    ids = Organization.objects.filter(memberships__user=owner).values_list("id", flat=True)
    assert [str(pk) for pk in ids] == [org.id]


def test_the_same_idempotency_key_twice_replays_the_first_answer(connect, owner):
    client = connect(owner)
    first = client.organizations.create(name="Acme", idempotency_key="create-acme")
    assert client.last_response.idempotent_replayed is False
    again = client.organizations.create(name="Acme", idempotency_key="create-acme")
    assert again == first
    assert client.last_response.idempotent_replayed is True
    assert [o.id for o in client.organizations.list()] == [first.id]


def test_whoami_with_an_api_key_names_the_key_and_the_budget(connect, owner):
    row, key = make_api_key(owner, name="ci", scope=ApiKeyScope.READ_ONLY)
    who = connect(api_key=key).auth.whoami()
    assert isinstance(who, WhoAmI) and isinstance(who.user, User)
    assert who.user.email == owner.email
    assert isinstance(who.credential, ApiKeyCredential)
    assert (who.credential.type, who.credential.id, who.credential.scope) == (
        "api_key",
        str(row.pk),
        "read_only",
    )
    assert who.credential.name == "ci" and key.startswith(who.credential.prefix)
    assert who.rate_limit == PlanRateLimit(
        plan="free", limit=1000, remaining=999, reset=who.rate_limit.reset
    )


def test_whoami_with_a_login_names_an_access_token(base_url, owner):
    with Client(base_url=base_url) as client:
        client.login(owner.email, PASSWORD)
        who = client.auth.whoami()
    assert isinstance(who.credential, AccessTokenCredential)
    assert (who.credential.type, who.credential.scope) == ("access_token", "read_write")
    assert who.credential.expires_at is not None


def test_whoami_on_an_unlimited_plan_has_no_numbers(connect):
    client = connect(make_user(plan=Plan.objects.get(slug="enterprise")))
    budget = client.auth.whoami().rate_limit
    assert (budget.plan, budget.limit, budget.remaining, budget.reset) == (
        "enterprise",
        None,
        None,
        None,
    )
