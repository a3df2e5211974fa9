"""The conformance scenario (sdk/conformance/SCENARIO.md), step by step (S1…S34), for the
Python SDK against the SDK test server `python3 dev.py sdk-server`, started once for this
module as a subprocess and driven over real HTTP.

Olive is the free account (her `api_key`, or her login), Pablo the pro account (his login).
Names carry a random suffix, so the steps do not depend on one another, except S34 (Pablo
deletes his account), which comes last.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest
from cloudbooks_sdk import (
    AccessTokenCredential,
    APIError,
    ApiKeyCredential,
    AuthenticationError,
    Client,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)

from tests.sdk.scripted import ScriptedServer
from tests.sdk.test_sdk_server import start_sdk_server

# Starts a server of its own (a fresh database, migrated): seconds, more on a busy machine.
pytestmark = pytest.mark.slow

FAULT = "CloudBooks-Test-Fault"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The line the SDK test server prints: base_url, Olive's and Pablo's credentials."""
    running = start_sdk_server(tmp_path_factory.mktemp("sdk-server"))
    yield running.info
    assert running.stop() == 0


@pytest.fixture
def base_url(server) -> str:
    """The SDK test server instead of the live server, for conftest's `connect`."""
    return server["base_url"]


@pytest.fixture
def make_client(connect, sleeps) -> Callable[..., Client]:
    """make_client(api_key=..., fault=..., **options) -> a Client whose sleeps are recorded."""

    def make_client(*, fault: str | None = None, **options) -> Client:
        headers = {FAULT: fault} if fault else None
        return connect(sleep=sleeps.append, headers=headers, **options)

    return make_client


@pytest.fixture
def olive(make_client, server) -> Client:
    return make_client(api_key=server["api_key"])


@pytest.fixture
def login(make_client, server) -> Callable[..., Client]:
    def login(who: str = "olive", **options) -> Client:
        client = make_client(**options)
        prefix = "" if who == "olive" else "pro_"
        client.login(server[f"{prefix}email"], server[f"{prefix}password"])
        return client

    return login


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def fault(spec: str, *, after_view: bool = False) -> str:
    """A test-control value with a fresh id: `fault("503;times=1")`; `after_view`: the request
    runs and its answer is replaced (a response lost on its way back)."""
    return f"{spec};id={uuid.uuid4().hex}" + (";after-view" if after_view else "")


def assert_envelope(error: APIError, status: int, code: str) -> None:
    assert (error.status, error.code) == (status, code)
    assert error.message and isinstance(error.details, dict)
    assert error.request_id == error.response.headers["X-Request-Id"]


def server_now(client: Client) -> datetime:
    """The server's clock at its last answer (its Date header): the server judges expiry."""
    return parsedate_to_datetime(client.last_response.headers["Date"])


def projects_named(client: Client, organization: str, name: str) -> list[str]:
    return [p.id for p in client.projects.list(organization=organization) if p.name == name]


# --- Credentials ------------------------------------------------------------------------------


def test_s1_log_in(login, server):
    client = login()
    assert client.user.email == server["email"]
    assert client.access_token
    assert client.users.me().email == server["email"]


def test_s2_api_key_and_a_key_that_does_not_exist(olive, make_client, server):
    assert olive.users.me().email == server["email"]
    with pytest.raises(AuthenticationError) as caught:
        make_client(api_key="sk_live_" + "x" * 40).users.me()
    assert_envelope(caught.value, 401, "unauthorized")


def test_s3_whoami_with_a_key(olive, server):
    who = olive.auth.whoami()
    assert who.user.email == server["email"]
    credential = who.credential
    assert isinstance(credential, ApiKeyCredential)
    assert (credential.type, credential.scope, credential.expires_at) == (
        "api_key",
        "read_write",
        None,
    )
    assert credential.id and credential.name and server["api_key"].startswith(credential.prefix)
    assert credential.created_at is not None
    assert (who.rate_limit.plan, who.rate_limit.limit) == ("free", 1000)
    assert who.rate_limit.remaining is not None


def test_s4_whoami_with_a_login(login):
    client = login()
    credential = client.auth.whoami().credential
    assert isinstance(credential, AccessTokenCredential)
    assert (credential.type, credential.scope) == ("access_token", "read_write")
    assert credential.expires_at > server_now(client)
    budget = login("pablo").auth.whoami().rate_limit
    assert (budget.plan, budget.limit) == ("pro", 10000)


def test_s5_and_s19_a_read_only_key_reads_but_cannot_write(make_client, olive, server):
    reader = make_client(api_key=server["read_only_key"])
    assert reader.auth.whoami().credential.scope == "read_only"
    reader.organizations.list()
    name = unique("Nope")
    with pytest.raises(PermissionDeniedError) as caught:
        reader.organizations.create(name=name)
    assert_envelope(caught.value, 403, "forbidden")
    assert name not in [o.name for o in olive.organizations.list(limit=100)]


def test_s6_explicit_refresh(login, server):
    client = login()
    before = client.access_token
    client.refresh()
    assert client.access_token != before
    assert client.users.me().email == server["email"]


def test_s7_transparent_refresh(login, server):
    client = login(fault=fault("expire-token;times=1"))
    before = client.access_token
    assert client.users.me().email == server["email"]  # 401, renewed, retried
    assert client.access_token != before


def test_s8_a_401_that_renewal_cannot_cure_is_raised(login):
    client = login(fault="expire-token")
    with pytest.raises(AuthenticationError) as caught:
        client.users.me()
    assert_envelope(caught.value, 401, "unauthorized")


def test_s9_log_out(login, olive, server):
    client = login()
    access, refresh = client.access_token, client._session.refresh
    client.logout()
    base = server["base_url"]
    me = httpx.get(f"{base}/users/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 401
    assert httpx.post(f"{base}/auth/refresh", json={"refresh": refresh}).status_code == 401
    with pytest.raises(APIError):
        olive.logout()  # an API key's client has no login to end


def test_s10_a_bearer_token_never_leaves_its_host(olive, login):
    stranger = ScriptedServer()
    try:
        for client in (olive, login()):
            with pytest.raises(APIError) as caught:
                client.request("GET", f"{stranger.url}/v1/users/me")
            assert caught.value.code == "foreign_host"
        assert stranger.received == []
    finally:
        stranger.close()


# --- Every operation --------------------------------------------------------------------------


def test_s11_the_caller(olive, server):
    assert olive.users.me().email == server["email"]
    updated = olive.users.update_me(name="Olive Updated")
    assert updated.name == "Olive Updated" and olive.users.me().name == "Olive Updated"
    replaced = olive.users.replace_me(name="Olive", email=server["email"])
    assert (replaced.name, replaced.email) == ("Olive", server["email"])


def test_s12_organizations(olive):
    created = olive.organizations.create(name=unique("Acme"))
    assert olive.organizations.get(created.id) == created
    assert olive.organizations.update(created.id, description="Ledgers").description == "Ledgers"
    replaced = olive.organizations.replace(created.id, name=unique("Acme"), description="Books")
    assert replaced.description == "Books"
    assert created.id in [o.id for o in olive.organizations.list()]
    olive.organizations.delete(created.id)
    with pytest.raises(NotFoundError) as caught:
        olive.organizations.get(created.id)
    assert_envelope(caught.value, 404, "not_found")


def test_s13_members(olive, login, server):
    pablo = login("pablo")
    org = olive.organizations.create(name=unique("Members"))
    members = olive.organizations.members(org.id)
    added = members.add(email=server["pro_email"], role="member")
    assert (added.user.email, added.role) == (server["pro_email"], "member")
    assert {m.user.email for m in members.list()} == {server["email"], server["pro_email"]}
    assert members.get(pablo.user.id).role == "member"
    assert members.update(pablo.user.id, role="admin").role == "admin"
    assert olive.users.get(pablo.user.id).email == server["pro_email"]
    members.remove(pablo.user.id)
    assert [m.user.email for m in members.list()] == [server["email"]]


def test_s14_projects(olive):
    org = olive.organizations.create(name=unique("Projects"))
    project = olive.projects.create(organization=org.id, name="Q3 close")
    assert olive.projects.get(project.id) == project
    assert olive.projects.update(project.id, description="Books").description == "Books"
    replaced = olive.projects.replace(project.id, organization=org.id, name="Q3")
    assert (replaced.name, replaced.description) == ("Q3", "")
    assert [p.id for p in olive.projects.list(organization=org.id)] == [project.id]
    olive.projects.delete(project.id)
    with pytest.raises(NotFoundError):
        olive.projects.get(project.id)


# --- Pagination -------------------------------------------------------------------------------


def test_s15_across_pages_lazily(login):
    pablo = login("pablo")  # Olive's budget is shared by the whole module
    org = pablo.organizations.create(name=unique("Pages"))
    created = [pablo.projects.create(organization=org.id, name=f"p{i}") for i in range(5)]
    before = pablo.rate_limit.remaining
    page = pablo.projects.list(organization=org.id, limit=2)
    assert before - pablo.rate_limit.remaining == 1
    items = iter(page)
    assert [next(items).id, next(items).id] == [created[4].id, created[3].id]
    assert before - pablo.rate_limit.remaining == 1  # no page before it is needed
    assert [p.id for p in items] == [p.id for p in reversed(created[:3])]
    assert before - pablo.rate_limit.remaining == 3  # 2 + 2 + 1


def test_s16_an_empty_list(olive):
    page = olive.projects.list(organization=str(uuid.uuid4()))
    before = olive.rate_limit.remaining
    assert (list(page), page.has_more) == ([], False)
    assert olive.rate_limit.remaining == before


# --- Errors -----------------------------------------------------------------------------------


def test_s17_400_names_the_field(olive):
    with pytest.raises(InvalidRequestError) as caught:
        olive.projects.create(organization=str(uuid.uuid4()), name="Nowhere")
    assert_envelope(caught.value, 400, "invalid_request")
    assert caught.value.details["field"] == "organization" and caught.value.details["issue"]
    with pytest.raises(InvalidRequestError) as caught:
        olive.projects.list(limit=500)
    assert caught.value.details["field"] == "limit"


def test_s18_401_for_a_wrong_key(make_client):
    with pytest.raises(AuthenticationError) as caught:
        make_client(api_key="sk_live_" + "y" * 40).organizations.list()
    assert_envelope(caught.value, 401, "unauthorized")


def test_s20_403_for_a_members_delete(olive, login, server):
    pablo = login("pablo")
    org = olive.organizations.create(name=unique("Roles"))
    olive.organizations.members(org.id).add(email=server["pro_email"], role="member")
    project = olive.projects.create(organization=org.id, name="Kept")
    with pytest.raises(PermissionDeniedError) as caught:
        pablo.projects.delete(project.id)
    assert_envelope(caught.value, 403, "forbidden")
    assert olive.projects.get(project.id) == project
    olive.organizations.members(org.id).remove(pablo.user.id)  # S34 needs him unattached


def test_s21_404(olive):
    with pytest.raises(NotFoundError) as caught:
        olive.projects.get(str(uuid.uuid4()))
    assert_envelope(caught.value, 404, "not_found")


def test_s22_409_for_the_last_owner_leaving(olive):
    org = olive.organizations.create(name=unique("Owner"))
    me = olive.users.me()
    with pytest.raises(ConflictError) as caught:
        olive.organizations.members(org.id).remove(me.id)
    assert_envelope(caught.value, 409, "conflict")
    assert olive.organizations.members(org.id).get(me.id).role == "owner"


def test_s23_413_for_a_body_over_the_limit(olive):
    org = olive.organizations.create(name=unique("Big"))
    with pytest.raises(APIError) as caught:
        olive.projects.create(organization=org.id, name="Big", description="x" * (1_153_434))
    assert_envelope(caught.value, 413, "payload_too_large")


# S24 (415) is for SDKs whose raw request lets the caller set the media type: this one
# always sends JSON.


def test_s25_an_idempotency_key_with_another_body_is_a_422(olive):
    org = olive.organizations.create(name=unique("Keys"))
    key = f"s25-{uuid.uuid4()}"
    first = olive.projects.create(organization=org.id, name="Once", idempotency_key=key)
    with pytest.raises(InvalidRequestError) as caught:
        olive.projects.create(organization=org.id, name="Other", idempotency_key=key)
    assert_envelope(caught.value, 422, "invalid_request")
    assert caught.value.details["field"] == "Idempotency-Key"
    again = olive.projects.create(organization=org.id, name="Once", idempotency_key=key)
    assert again == first and olive.last_response.idempotent_replayed
    assert [p.id for p in olive.projects.list(organization=org.id)] == [first.id]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_s26_statuses_with_retries_off(make_client, server, status):
    client = make_client(api_key=server["api_key"], max_retries=0, fault=fault(f"{status};times=1"))
    with pytest.raises(APIError) as caught:
        client.users.me()
    assert caught.value.status == status
    assert caught.value.request_id == caught.value.response.headers["X-Request-Id"]
    if status == 429:
        assert isinstance(caught.value, RateLimitError) and caught.value.retry_after == 1


# --- Metadata of a successful call ------------------------------------------------------------


def test_s27_request_id_and_budget(olive):
    olive.users.me()
    first = olive.last_response
    olive.users.me()
    second = olive.last_response
    assert second.request_id.startswith("req_") and second.request_id != first.request_id
    assert second.rate_limit.limit == 1000
    assert second.rate_limit.remaining == first.rate_limit.remaining - 1
    assert second.rate_limit.reset > server_now(olive).timestamp()
    budget = olive.auth.whoami().rate_limit
    assert (budget.limit, budget.remaining, budget.reset) == (
        olive.rate_limit.limit,
        olive.rate_limit.remaining,
        olive.rate_limit.reset,
    )


# --- Retries and idempotency ------------------------------------------------------------------


@pytest.mark.parametrize("lost", [False, True], ids=["before-view", "after-view"])
def test_s28_a_post_is_retried_under_one_key_and_creates_one_object(
    olive, make_client, server, sleeps, lost
):
    org = olive.organizations.create(name=unique("Retry"))
    name = unique("Once")
    client = make_client(api_key=server["api_key"], fault=fault("503;times=1", after_view=lost))
    project = client.projects.create(organization=org.id, name=name)
    assert len(sleeps) == 1
    assert client.last_response.idempotent_replayed is lost
    assert projects_named(olive, org.id, name) == [project.id]

    client = make_client(api_key=server["api_key"], fault=fault("503;times=1", after_view=lost))
    name = unique("Once")
    created = client.organizations.create(name=name)
    assert len(sleeps) == 2
    assert [o.id for o in olive.organizations.list(limit=100) if o.name == name] == [created.id]


# S29 (connection errors, a closed local port, no server needed) is in test_retries.py:
# test_connection_errors_are_retried_with_growing_jittered_backoff and
# test_a_connection_error_on_post_is_retried_as_it_carries_an_idempotency_key.


def test_s30_a_429_waits_its_retry_after(make_client, server, sleeps):
    client = make_client(api_key=server["api_key"], fault=fault("429;times=1"))
    assert client.users.me().email == server["email"]
    assert sleeps == [1.0]


@pytest.mark.parametrize(("status", "times"), [(503, 2), (500, 1), (502, 1), (504, 1)])
def test_s31_5xx_is_retried(make_client, server, sleeps, status, times):
    client = make_client(api_key=server["api_key"], fault=fault(f"{status};times={times}"))
    assert client.users.me().email == server["email"]
    assert len(sleeps) == times


def test_s32_retries_give_up(make_client, server, sleeps):
    client = make_client(api_key=server["api_key"], max_retries=3, fault=fault("503;times=10"))
    with pytest.raises(ServiceUnavailableError) as caught:
        client.users.me()
    assert_envelope(caught.value, 503, "service_unavailable")
    assert len(sleeps) == 3


def test_s33_patch_is_retried_as_documented(make_client, server, sleeps):
    # Every POST carries a key (S28); PATCH sets fields to values, so the SDK retries it.
    client = make_client(api_key=server["api_key"], fault=fault("503;times=1"))
    assert client.users.update_me(name="Olive").name == "Olive"
    assert len(sleeps) == 1


# --- Last -------------------------------------------------------------------------------------


def test_s34_delete_an_account(login, make_client, server):
    pablo = login("pablo")
    token = pablo.access_token
    pablo.users.delete_me()
    me = httpx.get(f"{server['base_url']}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    with pytest.raises(AuthenticationError):
        make_client().login(server["pro_email"], server["pro_password"])
