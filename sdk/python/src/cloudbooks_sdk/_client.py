"""The client: credentials, transport, retries and rate-limit bookkeeping."""

from __future__ import annotations

import os
import platform
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from cloudbooks_sdk._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    error_from_response,
)
from cloudbooks_sdk._ratelimit import RateLimit, parse_retry_after
from cloudbooks_sdk._version import __version__
from cloudbooks_sdk.models import User

DEFAULT_BASE_URL = "https://api.cloudbooks.com/v1"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"cloudbooks-sdk/{__version__} python/{platform.python_version()}"

# Retrying these cannot apply a change twice (RFC 9110 §9.2.2). POST is never retried.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 503})
# Refresh the access token this long before it expires, so a request never races expiry.
REFRESH_LEEWAY_SECONDS = 30.0


@dataclass
class _Session:
    """The tokens of a login: renewed through /auth/refresh, which also rotates `refresh`."""

    access: str
    refresh: str
    refresh_at: float  # wall-clock seconds (time.time()) after which to renew `access`

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> _Session:
        expires_in = float(body.get("expires_in") or 0)
        leeway = min(REFRESH_LEEWAY_SECONDS, expires_in / 2)
        return cls(
            access=body["token"],
            refresh=body["refresh"],
            refresh_at=time.time() + expires_in - leeway,
        )


class Client:
    """A CloudBooks API client.

    >>> client = Client(api_key="sk_live_...")               # or CLOUDBOOKS_API_KEY
    >>> client = Client.login("me@example.com", "password")  # renews its token itself
    >>> for project in client.projects.list(limit=50): ...

    `max_retries` retries of idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) after a
    connection error, a 503 or a 429, with exponential backoff and jitter; a 429's
    `Retry-After` is honoured when it is at most `max_retry_after` seconds, otherwise the
    `RateLimitError` is raised at once. `max_retries=0` turns retries off. `sleep` is how
    the client waits between attempts (`time.sleep`; tests pass a recorder).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff_factor: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = api_key if api_key is not None else os.environ.get("CLOUDBOOKS_API_KEY")
        self.base_url = (
            base_url or os.environ.get("CLOUDBOOKS_BASE_URL") or DEFAULT_BASE_URL
        ).rstrip("/")
        self.max_retries = max_retries
        self.backoff_factor = backoff_factor
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._session: _Session | None = None
        self._session_lock = threading.Lock()
        self._rate_limit: RateLimit | None = None
        # Who logged in, for clients made by Client.login.
        self.user: User | None = None
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        )
        # Imported here: the resources module imports this one for type hints.
        from cloudbooks_sdk import resources

        self.users = resources.Users(self)
        self.organizations = resources.Organizations(self)
        self.projects = resources.Projects(self)

    # --- Credentials --------------------------------------------------------------------

    @classmethod
    def login(cls, email: str, password: str, **options: Any) -> Client:
        """A client signed in with email and password (`options` as for `Client(...)`).

        It keeps the refresh token and renews the access token shortly before it expires,
        and once more if the server answers 401 (e.g. a token revoked elsewhere).
        """
        client = cls(api_key=None, **options)
        client.api_key = None  # a login never falls back to CLOUDBOOKS_API_KEY
        try:
            body = client._send_json("POST", "auth/login", {"email": email, "password": password})
        except BaseException:
            client.close()
            raise
        client._session = _Session.from_response(body)
        client.user = User.from_dict(body["user"]) if body.get("user") else None
        return client

    @property
    def access_token(self) -> str | None:
        """The bearer credential sent now: the current access token, or the API key."""
        return self._session.access if self._session else self.api_key

    def refresh(self) -> None:
        """Renew the access token now (it happens on its own; this is for the impatient)."""
        with self._session_lock:
            self._refresh_locked()

    def logout(self) -> None:
        """Revoke the access and refresh tokens on the server and forget them."""
        session = self._session
        if session is None:
            raise APIError("logout() ends a login; this client uses an API key", code="no_login")
        self._request("POST", "auth/logout", json={"refresh": session.refresh})
        self._session = None

    def _refresh_locked(self) -> None:
        session = self._session
        if session is None:
            return
        body = self._send_json("POST", "auth/refresh", {"refresh": session.refresh})
        self._session = _Session.from_response(body)

    def _bearer(self) -> str | None:
        """The credential for the next request, renewing a login's token if it is due."""
        session = self._session
        if session is not None and time.time() >= session.refresh_at:
            with self._session_lock:
                # Another thread may have renewed it while we waited for the lock.
                if self._session is session:
                    self._refresh_locked()
        return self.access_token

    # --- Rate limits --------------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        """The budget as of the last authenticated response; None on unlimited plans."""
        return self._rate_limit

    # --- Requests -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Call any endpoint (`path` relative to the base URL); the decoded JSON, or None."""
        response = self._request(method, path, json=json, params=params)
        return response.json() if response.content else None

    def _send_json(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """An unauthenticated call (login, refresh): no bearer, no renewal."""
        return self._request(method, path, json=body, authenticated=False).json()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        method = method.upper()
        path = path.lstrip("/")
        retryable = method in IDEMPOTENT_METHODS
        attempt = 0
        renewed = False
        while True:
            headers: dict[str, str] = {}
            bearer = self._bearer() if authenticated else None
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
            try:
                response = self._http.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                error = _connection_error(exc)
                if retryable and attempt < self.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise error from exc

            if authenticated:
                self._rate_limit = RateLimit.from_headers(response.headers)
            if (
                response.status_code == 401
                and authenticated
                and not renewed
                and self._session is not None
            ):
                # Expired or revoked on the server before our bookkeeping said so: renew once.
                renewed = True
                with self._session_lock:
                    if self._session is not None and self._session.access == bearer:
                        self._refresh_locked()
                continue
            if response.status_code in RETRY_STATUSES and retryable and attempt < self.max_retries:
                delay = self._retry_delay(attempt, response)
                if delay is not None:
                    self._sleep(delay)
                    attempt += 1
                    continue
            if response.is_error:
                raise error_from_response(response)
            return response

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.max_backoff, self.backoff_factor * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not cryptographic

    def _retry_delay(self, attempt: int, response: httpx.Response) -> float | None:
        """How long to wait before retrying, or None to give up now."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None  # e.g. an hourly budget spent: waiting is the caller's decision
        return retry_after

    # --- Lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "login" if self._session else ("api key" if self.api_key else "anonymous")
        return f"<cloudbooks_sdk.Client {self.base_url} ({kind})>"


def _connection_error(exc: httpx.TransportError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The CloudBooks API did not answer in time: {exc}")
    return APIConnectionError(f"Could not connect to the CloudBooks API: {exc}")
