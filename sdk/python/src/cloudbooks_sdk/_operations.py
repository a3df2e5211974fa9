"""Endpoints written once for both clients.

A resource method builds a `Call` (method, path, body, how to read the answer) and never
performs I/O. The `endpoint` and `paginated` decorators hand that call to the resource's
client when the method is called: `Client` runs it and returns the result, `AsyncClient`
returns a coroutine of it. Their overloads tell a type checker which, so `client.projects.get`
is typed `(project_id: str) -> Project` on a `Client` and `-> Coroutine[..., Project]` on an
`AsyncClient`, from one definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import Self  # noqa: UP035 - the SDK supports Python 3.10

    from cloudbooks_sdk._client import AsyncClient, Client, _BaseClient
    from cloudbooks_sdk._pagination import AsyncPage, Page

T = TypeVar("T")
P = ParamSpec("P")
C = TypeVar("C", bound="_BaseClient[Any, Any]")


def _nothing(body: object) -> None:
    return None


@dataclass(frozen=True)
class Call(Generic[T]):
    """One API call: what to send, and how to turn the decoded JSON answer into a `T`."""

    method: str
    path: str  # relative to the client's base URL
    parse: Callable[[Any], T]
    json: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None

    @classmethod
    def delete(cls, path: str) -> Call[None]:
        return Call("DELETE", path, _nothing)


@dataclass(frozen=True)
class ListCall(Generic[T]):
    """A cursor-paginated list: `parse` reads one item of `results`."""

    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, Any] = field(default_factory=dict)

    def page(self) -> Call[Any]:
        query = {name: value for name, value in self.params.items() if value is not None}
        return Call("GET", self.path, lambda body: body, params=query)

    def with_params(self, params: Mapping[str, Any]) -> ListCall[T]:
        return replace(self, params=params)


class Resource(Generic[C]):
    """A group of endpoints bound to one client (sync or async)."""

    def __init__(self, client: C) -> None:
        self._client = client


class _Method:
    """The runtime half of `endpoint` and `paginated`: bind the built call to the client."""

    _runner = "_run"  # the client method that performs the built call

    def __init__(self, build: Callable[..., Any]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        build, run = self._build, getattr(obj._client, self._runner)

        @functools.wraps(build)
        def call(*args: Any, **kwargs: Any) -> Any:
            return run(build(obj, *args, **kwargs))

        return call


class endpoint(_Method, Generic[P, T]):
    """Turns `def get(self, ...) -> Call[T]` into a method returning `T` (or its coroutine)."""

    if TYPE_CHECKING:

        def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None: ...
        @overload
        def __get__(self, obj: None, owner: type[Any]) -> Self: ...
        @overload
        def __get__(self, obj: Resource[Client], owner: type[Any]) -> Callable[P, T]: ...
        @overload
        def __get__(
            self, obj: Resource[AsyncClient], owner: type[Any]
        ) -> Callable[P, Coroutine[Any, Any, T]]: ...
        def __get__(self, obj: Any, owner: type[Any]) -> Any: ...


class paginated(_Method, Generic[P, T]):
    """Turns `def list(self, ...) -> ListCall[T]` into a method returning its first `Page`."""

    _runner = "_list"

    if TYPE_CHECKING:

        def __init__(self, build: Callable[Concatenate[Any, P], ListCall[T]]) -> None: ...
        @overload
        def __get__(self, obj: None, owner: type[Any]) -> Self: ...
        @overload
        def __get__(self, obj: Resource[Client], owner: type[Any]) -> Callable[P, Page[T]]: ...
        @overload
        def __get__(
            self, obj: Resource[AsyncClient], owner: type[Any]
        ) -> Callable[P, Coroutine[Any, Any, AsyncPage[T]]]: ...
        def __get__(self, obj: Any, owner: type[Any]) -> Any: ...
