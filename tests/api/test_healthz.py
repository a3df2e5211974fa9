"""`/healthz`: 200 when the database and the cache answer, 503 in the envelope otherwise."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from tests.api.envelope import assert_envelope


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
