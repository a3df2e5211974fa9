"""What the client keeps of the last HTTP answer: `client.last_response`."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from cloudbooks_sdk._ratelimit import RateLimit


@dataclass(frozen=True)
class APIResponse:
    """The final answer to a call (after retries): its request id, budget and raw response."""

    status_code: int
    request_id: str | None  # quote it to support
    rate_limit: RateLimit | None  # None on unlimited plans and unauthenticated calls
    idempotent_replayed: bool  # the server answered a POST from its record of an earlier try
    http_response: httpx.Response

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> APIResponse:
        headers = response.headers
        return cls(
            status_code=response.status_code,
            request_id=headers.get("X-Request-Id"),
            rate_limit=RateLimit.from_headers(headers),
            idempotent_replayed=headers.get("Idempotent-Replayed", "").lower() == "true",
            http_response=response,
        )
