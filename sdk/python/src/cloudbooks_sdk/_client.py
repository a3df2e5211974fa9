"""The clients: credentials, retries, idempotency keys and rate-limit bookkeeping, written once.

Everything a call does except I/O lives in `_BaseClient._request_flow`, a generator that
yields what it needs done — send this `httpx.Request`, sleep this long, run this token
renewal under the client's lock — and receives the outcome. `Client` drives it with
`httpx.Client` and `time.sleep`, `AsyncClient` with `httpx.AsyncClient` and `asyncio.sleep`;
the drivers are the only code the two do not share.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import platform
import random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from cloudbooks_sdk import resources
from cloudbooks_sdk._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    error_from_response,
)
from cloudbooks_sdk._operations import Call, ListCall
from cloudbooks_sdk._pagination import AsyncPage, Page
from cloudbooks_sdk._ratelimit import RateLimit, parse_retry_after
from cloudbooks_sdk._response import APIResponse
from cloudbooks_sdk._version import __version__
from cloudbooks_sdk.models import User

if TYPE_CHECKING:
    from typing_extensions import Self  # noqa: UP035 - the SDK supports Python 3.10

logger = logging.getLogger("cloudbooks_sdk")

T = TypeVar("T")
_TransportT = TypeVar("_TransportT")
_SleepT = TypeVar("_SleepT")

DEFAULT_BASE_URL = "https://api.cloudbooks.com/v1"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"cloudbooks-sdk/{__version__} python/{platform.python_version()}"

# Repeating these cannot apply a change twice (RFC 9110 §9.2.2; our PATCH sets fields to
# values). A POST is retried because it carries an Idempotency-Key: the server answers a
# repeat from its record instead of creating a second object.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# Renew the access token this long before it expires, so a request never races expiry.
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


@dataclass(frozen=True)
class _Sleep:
    seconds: float


@dataclass(frozen=True)
class _Exclusive:
    """Run `flow` holding the client's lock (token renewal: one at a time)."""

    flow: Generator[Any, Any, Any]


# What a flow yields, and what it is sent back: an httpx.Response or the TransportError a
# request raised; None after a sleep; the sub-flow's result after an _Exclusive.
_Action = httpx.Request | _Sleep | _Exclusive
_Flow = Generator[_Action, Any, T]


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class _BaseClient(Generic[_TransportT, _SleepT]):
    """Configuration, credentials and the request flow shared by `Client` and `AsyncClient`."""

    _http: httpx.Client | httpx.AsyncClient
    _lock: threading.Lock | asyncio.Lock  # held while renewing the access token

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
        headers: Mapping[str, str] | None = None,
        transport: _TransportT | None = None,
        sleep: _SleepT | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = api_key if api_key is not None else os.environ.get("CLOUDBOOKS_API_KEY")
        self.base_url = (
            base_url or os.environ.get("CLOUDBOOKS_BASE_URL") or DEFAULT_BASE_URL
        ).rstrip("/")
        self._base = httpx.URL(self.base_url + "/")
        self.max_retries = max_retries
        self.backoff_factor = backoff_factor
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep: _SleepT = sleep if sleep is not None else self._default_sleep()
        self._lock = self._make_lock()
        self._session: _Session | None = None
        self._rate_limit: RateLimit | None = None
        # Per thread and per asyncio task: concurrent callers each see their own answer.
        self._last_response: contextvars.ContextVar[APIResponse | None] = contextvars.ContextVar(
            f"cloudbooks_last_response_{id(self)}", default=None
        )
        # Who logged in, for clients signed in with login().
        self.user: User | None = None
        self._http = self._make_http(
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        )
        # Typed by the concrete client, so `client.users.me()` is a User on a Client and a
        # coroutine of one on an AsyncClient.
        me = cast("Self", self)
        self.auth: resources.Auth[Self] = resources.Auth(me)
        self.users: resources.Users[Self] = resources.Users(me)
        self.organizations: resources.Organizations[Self] = resources.Organizations(me)
        self.projects: resources.Projects[Self] = resources.Projects(me)

    def _make_http(self, **options: Any) -> httpx.Client | httpx.AsyncClient:
        """The httpx client (sync or async) given `timeout`, `transport` and `headers`."""
        raise NotImplementedError

    def _default_sleep(self) -> _SleepT:
        raise NotImplementedError

    def _make_lock(self) -> threading.Lock | asyncio.Lock:
        raise NotImplementedError

    # --- State ----------------------------------------------------------------------------

    @property
    def access_token(self) -> str | None:
        """The bearer credential sent now: the current access token, or the API key."""
        return self._session.access if self._session else self.api_key

    @property
    def rate_limit(self) -> RateLimit | None:
        """The budget as of the last authenticated response; None on unlimited plans."""
        return self._rate_limit

    @property
    def last_response(self) -> APIResponse | None:
        """The final answer to this thread's (or asyncio task's) last call: its `request_id`,
        `rate_limit`, `status_code`, `headers` and `http_response`. Set for errors too."""
        return self._last_response.get()

    def __repr__(self) -> str:
        kind = "login" if self._session else ("api key" if self.api_key else "anonymous")
        return f"<cloudbooks_sdk.{type(self).__name__} {self.base_url} ({kind})>"

    # --- Flows: everything but the I/O ------------------------------------------------------

    def _call_flow(self, call: Call[T]) -> _Flow[T]:
        response = yield from self._request_flow(
            call.method,
            call.path,
            json=call.json,
            params=call.params,
            idempotency_key=call.idempotency_key,
        )
        return call.parse(response.json() if response.content else None)

    def _login_flow(self, email: str, password: str) -> _Flow[User]:
        body = {"email": email, "password": password}
        response = yield from self._request_flow("POST", "auth/login", json=body, anonymous=True)
        data = response.json()
        self._session = _Session.from_response(data)
        self.api_key = None  # a login replaces the key (and never falls back to the environment)
        self.user = User.from_dict(data["user"])
        return self.user

    def _logout_flow(self) -> _Flow[None]:
        session = self._session
        if session is None:
            raise APIError("logout() ends a login; this client uses an API key", code="no_login")
        yield from self._request_flow("POST", "auth/logout", json={"refresh": session.refresh})
        self._session = None

    def _renew_flow(self, stale: str | None) -> _Flow[None]:
        """Renew the access token, unless another caller already replaced `stale`."""
        session = self._session
        if session is None or (stale is not None and session.access != stale):
            return
        body = {"refresh": session.refresh}
        response = yield from self._request_flow("POST", "auth/refresh", json=body, anonymous=True)
        self._session = _Session.from_response(response.json())

    def _bearer_flow(self) -> _Flow[str | None]:
        """The credential for the next request, renewing a login's token if it is due."""
        session = self._session
        if session is not None and time.time() >= session.refresh_at:
            yield _Exclusive(self._renew_flow(session.access))
        return self.access_token

    def _request_flow(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        anonymous: bool = False,
    ) -> _Flow[httpx.Response]:
        method = method.upper()
        url = self._base.join(path.lstrip("/"))
        headers: dict[str, str] = {}
        if method == "POST" or idempotency_key is not None:
            # One key per logical call, the same on each retry of it.
            headers["Idempotency-Key"] = idempotency_key or f"cb-{uuid.uuid4()}"
        retryable = method in IDEMPOTENT_METHODS or "Idempotency-Key" in headers
        attempt = redirects = 0
        renewed = False
        while True:
            if _origin(url) != _origin(self._base):
                # The bearer (and a login's password) go to the base URL's host only, whatever
                # `path` or a redirect says.
                raise APIError(
                    f"Refusing to send a request to {url.host}, not the API's host "
                    f"{self._base.host}: it would carry your credentials elsewhere",
                    code="foreign_host",
                )
            bearer = None if anonymous else (yield from self._bearer_flow())
            auth = {"Authorization": f"Bearer {bearer}"} if bearer else {}
            request = self._http.build_request(
                method, url, json=json, params=params, headers={**headers, **auth}
            )
            outcome = yield request
            if isinstance(outcome, httpx.TransportError):
                if retryable and attempt < self.max_retries:
                    delay = self._backoff(attempt)
                    self._log_retry(request, attempt, delay, type(outcome).__name__, None)
                    yield _Sleep(delay)
                    attempt += 1
                    continue
                raise _connection_error(outcome) from outcome

            response = cast(httpx.Response, outcome)
            request_id = response.headers.get("X-Request-Id")
            logger.debug(
                "%s %s -> %s (request id %s)",
                method,
                request.url.path,
                response.status_code,
                request_id,
            )
            if not anonymous:
                self._rate_limit = RateLimit.from_headers(response.headers)
            if response.status_code in REDIRECT_STATUSES and "Location" in response.headers:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise APIError("Too many redirects", code="too_many_redirects")
                url = url.join(response.headers["Location"])
                if response.status_code in (301, 302, 303) and method != "HEAD":
                    method, json = "GET", None
                continue  # a redirect to another host is refused at the top of the loop
            if response.status_code == 401 and not (anonymous or renewed) and self._session:
                # Expired or revoked on the server before our bookkeeping said so: renew once.
                renewed = True
                yield _Exclusive(self._renew_flow(bearer))
                continue
            if response.status_code in RETRY_STATUSES and retryable and attempt < self.max_retries:
                wait = self._retry_delay(attempt, response)
                if wait is not None:
                    reason = f"status {response.status_code}"
                    self._log_retry(request, attempt, wait, reason, request_id)
                    yield _Sleep(wait)
                    attempt += 1
                    continue
            self._last_response.set(APIResponse.from_httpx(response))
            if response.is_error:
                raise error_from_response(response)
            return response

    def _log_retry(
        self,
        request: httpx.Request,
        attempt: int,
        delay: float,
        reason: str,
        request_id: str | None,
    ) -> None:
        # Method, path and request id only: never headers (the bearer) nor bodies (passwords).
        logger.info(
            "Retrying %s %s after %s (request id %s) in %.2f s: retry %d of %d",
            request.method,
            request.url.path,
            reason,
            request_id,
            delay,
            attempt + 1,
            self.max_retries,
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.max_backoff, self.backoff_factor * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not cryptographic

    def _retry_delay(self, attempt: int, response: httpx.Response) -> float | None:
        """How long to wait before retrying, or None to give up now."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None  # e.g. an hourly budget spent: waiting is the caller's decision
        return retry_after


class Client(_BaseClient[httpx.BaseTransport, Callable[[float], None]]):
    """A CloudBooks API client.

    >>> client = Client(api_key="sk_live_...")         # or CLOUDBOOKS_API_KEY
    >>> client.login("me@example.com", "password")     # or sign in; it renews its token itself
    >>> for project in client.projects.list(limit=50): ...

    Failed calls are retried up to `max_retries` times — after a connection error, a 500,
    502, 503 or 504, or a 429 whose `Retry-After` is at most `max_retry_after` seconds —
    with exponential backoff and jitter (`backoff_factor`, capped at `max_backoff`). GET,
    PUT, PATCH and DELETE are retried as they are; a POST carries an `Idempotency-Key`
    (made per call, or yours) and its retries repeat it. `sleep` is how the client waits
    between attempts (`time.sleep`; tests pass a recorder).
    """

    _http: httpx.Client
    _lock: threading.Lock

    def _make_http(self, **options: Any) -> httpx.Client:
        return httpx.Client(**options)

    def _default_sleep(self) -> Callable[[float], None]:
        return time.sleep

    def _make_lock(self) -> threading.Lock:
        return threading.Lock()

    def _drive(self, flow: _Flow[T]) -> T:
        sent: Any = None
        while True:
            try:
                action = flow.send(sent)
            except StopIteration as done:
                return cast(T, done.value)
            if isinstance(action, _Sleep):
                self._sleep(action.seconds)
                sent = None
            elif isinstance(action, _Exclusive):
                with self._lock:
                    sent = self._drive(action.flow)
            else:
                try:
                    sent = self._http.send(action)
                except httpx.TransportError as exc:
                    sent = exc

    def _run(self, call: Call[T]) -> T:
        return self._drive(self._call_flow(call))

    def _list(self, call: ListCall[T]) -> Page[T]:
        return Page(self, call, self._run(call.page()))

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Call any endpoint (`path` relative to the base URL); the decoded JSON, or None."""
        call = Call(method, path, _decoded, json, params or {}, idempotency_key)
        return self._run(call)

    def login(self, email: str, password: str) -> User:
        """Sign in with email and password; returns the user and keeps the tokens.

        The client keeps the refresh token and renews the access token shortly before it
        expires, and once more if the server answers 401 (e.g. a token revoked elsewhere).
        """
        return self._drive(self._login_flow(email, password))

    def refresh(self) -> None:
        """Renew the access token now (it happens on its own; this is for the impatient)."""
        with self._lock:
            self._drive(self._renew_flow(None))

    def logout(self) -> None:
        """Revoke the access and refresh tokens on the server and forget them."""
        self._drive(self._logout_flow())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_BaseClient[httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]]):
    """`Client` for asyncio: the same resources and options, each call awaited.

    >>> async with AsyncClient(api_key="sk_live_...") as client:
    ...     me = await client.users.me()
    ...     async for project in await client.projects.list(): ...
    """

    _http: httpx.AsyncClient
    _lock: asyncio.Lock

    def _make_http(self, **options: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(**options)

    def _default_sleep(self) -> Callable[[float], Awaitable[None]]:
        return asyncio.sleep

    def _make_lock(self) -> asyncio.Lock:
        return asyncio.Lock()

    async def _drive(self, flow: _Flow[T]) -> T:
        sent: Any = None
        while True:
            try:
                action = flow.send(sent)
            except StopIteration as done:
                return cast(T, done.value)
            if isinstance(action, _Sleep):
                await self._sleep(action.seconds)
                sent = None
            elif isinstance(action, _Exclusive):
                async with self._lock:
                    sent = await self._drive(action.flow)
            else:
                try:
                    sent = await self._http.send(action)
                except httpx.TransportError as exc:
                    sent = exc

    async def _run(self, call: Call[T]) -> T:
        return await self._drive(self._call_flow(call))

    async def _list(self, call: ListCall[T]) -> AsyncPage[T]:
        return AsyncPage(self, call, await self._run(call.page()))

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Call any endpoint (`path` relative to the base URL); the decoded JSON, or None."""
        return await self._run(Call(method, path, _decoded, json, params or {}, idempotency_key))

    async def login(self, email: str, password: str) -> User:
        """Sign in with email and password (see `Client.login`)."""
        return await self._drive(self._login_flow(email, password))

    async def refresh(self) -> None:
        async with self._lock:
            await self._drive(self._renew_flow(None))

    async def logout(self) -> None:
        await self._drive(self._logout_flow())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _decoded(body: Any) -> Any:
    return body


def _connection_error(exc: httpx.TransportError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The CloudBooks API did not answer in time: {exc}")
    return APIConnectionError(f"Could not connect to the CloudBooks API: {exc}")
