"""Parallel wrong passwords cannot get past the limit: counting and checking are one step.

Run it on PostgreSQL and Redis (DATABASE_URL, REDIS_URL) to see it against the production
cache; on the local-memory cache the increment is atomic within the process too.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
import time_machine
from django.db import connection

from tests.accounts.hashers import CountingHasher
from tests.accounts.markers import transactional
from tests.factories import make_user

LOGIN = "/v1/auth/login"
PARALLEL = 24
LIMIT = 10


@transactional
@pytest.mark.parametrize("binding", ["LOGIN_FAILURES_PER_ACCOUNT_IP", "LOGIN_FAILURES_PER_EMAIL"])
def test_parallel_wrong_passwords_hash_at_most_the_limit(live_server, settings, binding):
    """Whichever of the two failure limits is the lower one, exactly its 10 get hashed."""
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    settings.LOGIN_RATE_PER_IP = "1000/m"
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "1000/h"
    settings.LOGIN_FAILURES_PER_EMAIL = "1000/h"
    setattr(settings, binding, f"{LIMIT}/h")
    owner = make_user(email="owner@example.com")
    CountingHasher.computed = 0
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(PARALLEL)

    def guess(n: int) -> None:
        start.wait()
        response = requests.post(
            f"{live_server.url}{LOGIN}",
            json={"email": owner.email, "password": f"wrong guess {n}"},
            timeout=60,
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(PARALLEL)]
    # All guesses in one window of the limit, wherever the wall clock is.
    with time_machine.travel(time.time(), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [401] * LIMIT + [429] * (PARALLEL - LIMIT)
    assert CountingHasher.computed == LIMIT
    connection.close()
