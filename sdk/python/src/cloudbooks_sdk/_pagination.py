"""Lazy iteration over cursor-paginated lists: `{"next", "previous", "results"}`."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")

Fetch = Callable[[dict[str, Any]], dict[str, Any]]


class ListIterator(Iterator[T], Generic[T]):
    """Yields items one by one, fetching the next page only when the current one is used up.

    No request is made until the first item is asked for. The next page is requested on the
    list's own path with the query of the `next` URL (its cursor, limit and filters), so a
    proxy that rewrites host or scheme in the server's links does not lead the client astray.
    """

    def __init__(self, fetch: Fetch, params: dict[str, Any], parse: Callable[[Any], T]) -> None:
        self._fetch = fetch
        self._params: dict[str, Any] | None = {k: v for k, v in params.items() if v is not None}
        self._parse = parse
        self._buffer: deque[T] = deque()
        self.pages_fetched = 0

    def __iter__(self) -> ListIterator[T]:
        return self

    def __next__(self) -> T:
        while not self._buffer:
            if self._params is None:
                raise StopIteration
            page = self._fetch(self._params)
            self.pages_fetched += 1
            self._buffer.extend(self._parse(item) for item in page.get("results", []))
            next_url = page.get("next")
            self._params = dict(httpx.URL(next_url).params) if next_url else None
        return self._buffer.popleft()
