"""The SDK (sdk/python) against a live CloudBooks server: real HTTP on pytest-django's live_server.

The SDK is imported from its source tree, so the suite tests the code in this checkout
without installing it; test_packaging.py checks the built wheel separately.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SDK_SOURCE = Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"
if str(SDK_SOURCE) not in sys.path:
    sys.path.insert(0, str(SDK_SOURCE))

from cloudbooks_sdk import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from tests.factories import make_api_key, make_user  # noqa: E402
from tests.sdk.scripted import Reply, ScriptedServer  # noqa: E402

# The live server's thread needs committed rows; the seeded plans come back for each test.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def base_url(live_server) -> str:
    return f"{live_server.url}/v1"


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the SDK asked to wait, recorded instead of slept (pass `sleep=sleeps.append`)."""
    return []


@pytest.fixture
def connect(base_url) -> Iterator[Callable[..., Client]]:
    """connect(user) -> a Client with a new API key of `user`; connect() -> anonymous."""
    clients: list[Client] = []

    def connect(user: User | None = None, **options) -> Client:
        if user is not None:
            _, options["api_key"] = make_api_key(user, name="sdk tests")
        client = Client(base_url=options.pop("base_url", base_url), **options)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()


@pytest.fixture
def owner(transactional_db) -> User:
    return make_user(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def member(transactional_db) -> User:
    return make_user(email="member@example.com", name="Mia Member")


@pytest.fixture
def outsider(transactional_db) -> User:
    return make_user(email="outsider@example.com", name="Oscar Outsider")


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    """scripted(*replies) -> a local server answering with those replies and recording requests."""
    servers: list[ScriptedServer] = []

    def start(*replies: Reply, default: Reply | None = None) -> ScriptedServer:
        server = ScriptedServer(*replies, default=default)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
