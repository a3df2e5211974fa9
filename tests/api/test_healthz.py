"""`/healthz`: 200 when the database and the cache answer, 503 in the envelope otherwise."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.api.envelope import assert_envelope

# Enough overlap for two probes to interleave many times: a load balancer's view of a fleet.
THREADS = 8
PROBES_PER_THREAD = 50


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthy_service_answers_200(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert response["X-Request-Id"]


@pytest.mark.django_db
def test_unreachable_cache_is_503_in_the_envelope(client, unreachable_cache, caplog):
    caplog.set_level(logging.ERROR)
    response = client.get("/healthz")
    error = assert_envelope(response, 503, "service_unavailable")
    assert error["details"] == {"checks": {"database": "ok", "cache": "unavailable"}}
    assert "Connection refused" not in response.content.decode()
    assert "healthz: cache unreachable" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_unreachable_database_is_503_in_the_envelope(client, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("an in-memory SQLite test database cannot be disconnected")
    caplog.set_level(logging.ERROR)
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(original)
    error = assert_envelope(response, 503, "service_unavailable")
    assert error["details"] == {"checks": {"database": "unavailable", "cache": "ok"}}
    assert "healthz: database unreachable" in caplog.text
    # And the service heals as soon as the database is back.
    assert client.get("/healthz").status_code == 200


def _probe_together(url: str, probes_per_thread: int = PROBES_PER_THREAD) -> Counter:
    """THREADS clients probing `url` at once, `probes_per_thread` times each: the statuses."""
    start = threading.Barrier(THREADS)

    def probe() -> list[int]:
        with requests.Session() as session:
            start.wait()
            return [session.get(url, timeout=30).status_code for _ in range(probes_per_thread)]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(probe) for _ in range(THREADS)]
        return Counter(status for future in futures for status in future.result())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_load_balancer_probing_a_healthy_service_concurrently_always_gets_200(live_server):
    # Every probe of a healthy service says so, however many arrive together: a probe that
    # shares state with the others (one cache key for all) answered false 503s here.
    statuses = _probe_together(f"{live_server.url}/healthz")
    assert statuses == Counter({200: THREADS * PROBES_PER_THREAD})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_probes_still_name_an_unreachable_cache(live_server, unreachable_cache):
    url = f"{live_server.url}/healthz"
    assert _probe_together(url, probes_per_thread=5) == Counter({503: THREADS * 5})
    response = requests.get(url, timeout=30)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"] == {"checks": {"database": "ok", "cache": "unavailable"}}
