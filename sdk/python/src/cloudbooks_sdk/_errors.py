"""Exceptions mirroring the API's error envelope `{"error": {code, message, details, request_id}}`.

Every exception the SDK raises for a failed call is an `APIError`: catch that to catch all.
HTTP answers map to a subclass by status; a request that got no answer at all is an
`APIConnectionError` (its `status` is None).
"""

from __future__ import annotations

from typing import Any

import httpx

from cloudbooks_sdk._ratelimit import RateLimit, parse_retry_after


class APIError(Exception):
    """A failed call. `status` is the HTTP status (None when no answer came)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        request_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details: dict[str, Any] = details or {}
        self.request_id = request_id
        self.response = response

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"(status {self.status}, code {self.code!r}")
            parts[-1] += f", request id {self.request_id})" if self.request_id else ")"
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class APIConnectionError(APIError):
    """The server could not be reached, or the connection failed before an answer."""

    def __init__(self, message: str = "Could not connect to the CloudBooks API") -> None:
        super().__init__(message, code="connection_error")


class APITimeoutError(APIConnectionError):
    """No answer within the client's timeout."""

    def __init__(self, message: str = "The CloudBooks API did not answer in time") -> None:
        super().__init__(message)
        self.code = "timeout"


class InvalidRequestError(APIError):
    """400: validation failed; `details["field"]` and `details["issue"]` name the first field.

    Also 422: an Idempotency-Key reused with another request (`details["field"]` is
    "Idempotency-Key").
    """


class AuthenticationError(APIError):
    """401: credentials missing, malformed, expired or revoked."""


class PermissionDeniedError(APIError):
    """403: authenticated, but the role or key scope does not allow it."""


class NotFoundError(APIError):
    """404: no such resource, or one the caller may not know exists."""


class ConflictError(APIError):
    """409: the request contradicts the current state (e.g. the last owner leaving)."""


class RateLimitError(APIError):
    """429: the plan's hourly budget (or a login limit) is used up.

    `retry_after` is the number of seconds the server asked to wait; `limit`, `remaining`
    and `reset` (Unix seconds) come from the X-RateLimit headers, or from the error's
    details when the headers are absent (login limits have none).
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        response = self.response
        self.retry_after: float | None = (
            parse_retry_after(response.headers.get("Retry-After")) if response else None
        )
        state = RateLimit.from_headers(response.headers) if response else None
        self.limit: int | None = state.limit if state else _int(self.details.get("limit"))
        self.remaining: int | None = state.remaining if state else 0
        self.reset: int | None = state.reset if state else _int(self.details.get("reset"))


class ServiceUnavailableError(APIError):
    """503: the service is temporarily unavailable (retried before it is raised)."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequestError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def error_from_response(response: httpx.Response) -> APIError:
    """The exception for an error answer; tolerant of bodies that are not the envelope."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    details = error.get("details")
    cls = _BY_STATUS.get(response.status_code, APIError)
    return cls(
        str(error.get("message") or response.reason_phrase or "HTTP error"),
        status=response.status_code,
        code=error.get("code"),
        details=details if isinstance(details, dict) else {},
        request_id=error.get("request_id") or response.headers.get("X-Request-Id"),
        response=response,
    )
