"""Run requests at the same moment from real threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def at_once(*requests: Callable[[], int]) -> list[int]:
    """Start every request together (a barrier) and answer their status codes, in order."""
    barrier = threading.Barrier(len(requests))

    def run(request: Callable[[], int]) -> int:
        try:
            barrier.wait(timeout=10)
            return request()
        finally:
            # This thread's connection would otherwise outlive the test and block the flush.
            connection.close()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))
