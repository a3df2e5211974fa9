"""AsyncClient against the live server: the same resources, pages and errors, awaited."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from cloudbooks_sdk import AsyncClient, AsyncPage, AuthenticationError, NotFoundError

from tests.factories import PASSWORD, make_api_key
from tests.sdk.conftest import live
from tests.sdk.scripted import Reply, error

pytestmark = live


def test_an_async_client_reads_writes_and_pages(base_url, owner):
    _, key = make_api_key(owner, name="async")

    async def scenario() -> None:
        async with AsyncClient(api_key=key, base_url=base_url) as client:
            me = await client.users.me()
            assert me.email == owner.email
            assert client.last_response.request_id.startswith("req_")
            assert client.rate_limit.remaining == 999

            org = await client.organizations.create(name="Acme")
            created = [
                await client.projects.create(organization=org.id, name=f"p{i}") for i in range(3)
            ]
            page = await client.projects.list(organization=org.id, limit=2)
            assert isinstance(page, AsyncPage)
            assert (len(page.data), page.has_more) == (2, True)
            newest_first = [p.id for p in reversed(created)]
            assert [p.id async for p in page] == newest_first
            assert [p.id async for p in page.auto_paging_iter()] == newest_first  # again

            await client.projects.delete(created[0].id)
            with pytest.raises(NotFoundError):
                await client.projects.get(created[0].id)
            assert (await client.request("GET", f"organizations/{org.id}"))["id"] == org.id

    asyncio.run(scenario())


def test_an_async_login_renews_after_a_401_and_logs_out(base_url, owner):
    async def scenario() -> None:
        async with AsyncClient(base_url=base_url) as client:
            user = await client.login(owner.email, PASSWORD)
            assert user.email == owner.email
            first = client.access_token
            await client.refresh()
            assert client.access_token != first
            assert (await client.users.me()).id == str(owner.pk)
            await client.logout()
            assert client.access_token is None
            with pytest.raises(AuthenticationError):
                await client.users.me()

    asyncio.run(scenario())


def test_concurrent_async_calls_each_see_their_own_last_response(base_url, owner):
    _, key = make_api_key(owner, name="async")

    async def scenario() -> list[tuple[int, str]]:
        both_answered = asyncio.Barrier(2)

        async def one(client: AsyncClient, path: str) -> tuple[int, str]:
            with contextlib.suppress(NotFoundError):
                await client.request("GET", path)
            await both_answered.wait()  # read only once the other task has its answer too
            response = client.last_response
            return response.status_code, response.http_response.url.path

        async with AsyncClient(api_key=key, base_url=base_url) as client:
            return await asyncio.gather(
                one(client, "users/me"), one(client, f"projects/{uuid.uuid4()}")
            )

    (ok, missing) = asyncio.run(scenario())
    assert ok == (200, "/v1/users/me")
    assert missing[0] == 404 and missing[1].startswith("/v1/projects/")


def test_an_async_post_is_retried_with_one_idempotency_key(scripted):
    org = {"id": "o1", "name": "Acme", "slug": "acme", "description": "", "role": "owner"}
    server = scripted(error(503, "service_unavailable", "req_1"), Reply(201, org))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> None:
        async with AsyncClient(api_key="k", base_url=f"{server.url}/v1", sleep=sleep) as client:
            assert (await client.organizations.create(name="Acme")).id == "o1"

    asyncio.run(scenario())
    first, second = (r.headers["idempotency-key"] for r in server.received)
    assert first == second
    assert len(waits) == 1
