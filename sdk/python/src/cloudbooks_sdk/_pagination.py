"""Pages of cursor-paginated lists: `{"next", "previous", "results"}`.

`client.projects.list(...)` fetches the first page and returns it as a `Page`: `.data` is
that page's items, `.has_more` and `.next_cursor` say whether and where the list goes on.
Iterating a page yields every item of the list, fetching the following pages lazily, one
request per page as the iteration reaches it; each new iteration starts again from this
page (already fetched) and fetches the later pages again, so a page can be iterated more
than once and never holds more than one page of the list in memory.

The next page is requested on the list's own path, at the client's base URL, with the query
of the `next` link (its cursor, limit and filters): a `next` link naming another host is
never followed, so the client's credentials stay with the API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from cloudbooks_sdk._operations import ListCall

if TYPE_CHECKING:
    from cloudbooks_sdk._client import AsyncClient, Client

T = TypeVar("T")


class _BasePage(Generic[T]):
    def __init__(self, call: ListCall[T], body: Any) -> None:
        self._call = call
        body = body if isinstance(body, dict) else {}
        self.data: list[T] = [call.parse(item) for item in body.get("results") or []]
        next_url = body.get("next")
        self._next_params: dict[str, str] | None = (
            dict(httpx.URL(next_url).params) if next_url else None
        )

    @property
    def has_more(self) -> bool:
        """Whether items follow this page."""
        return self._next_params is not None

    @property
    def next_cursor(self) -> str | None:
        """The opaque cursor of the next page (None on the last page)."""
        return (self._next_params or {}).get("cursor")

    def _next_call(self) -> ListCall[T] | None:
        params = self._next_params
        return None if params is None else self._call.with_params(params)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} of {len(self.data)} from /{self._call.path}, "
            f"has_more={self.has_more}>"
        )


class Page(_BasePage[T]):
    """A page of a list, and (iterated) every item of the list from this page on."""

    def __init__(self, client: Client, call: ListCall[T], body: Any) -> None:
        super().__init__(call, body)
        self._client = client

    def next_page(self) -> Page[T] | None:
        """Fetch the page after this one; None on the last page."""
        call = self._next_call()
        return None if call is None else self._client._list(call)

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page, then each following page as it is fetched."""
        page: Page[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def auto_paging_iter(self) -> Iterator[T]:
        """Every item from this page on, fetching the following pages lazily."""
        for page in self.iter_pages():
            yield from page.data

    def __iter__(self) -> Iterator[T]:
        return self.auto_paging_iter()


class AsyncPage(_BasePage[T]):
    """`Page` for `AsyncClient`: `async for item in page`, `await page.next_page()`."""

    def __init__(self, client: AsyncClient, call: ListCall[T], body: Any) -> None:
        super().__init__(call, body)
        self._client = client

    async def next_page(self) -> AsyncPage[T] | None:
        call = self._next_call()
        return None if call is None else await self._client._list(call)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self.auto_paging_iter()
