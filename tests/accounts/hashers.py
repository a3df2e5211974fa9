"""A password hasher that counts its work, to show every failed login costs the same."""

from __future__ import annotations

import threading

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher (fast, tests only) counting each hash it computes.

    The live server hashes in many threads at once: `+=` on a shared attribute is a read and
    a write that two threads can interleave and lose a count, most often on a busy machine.
    """

    computed = 0
    _lock = threading.Lock()

    def encode(self, password, salt):
        with CountingHasher._lock:
            CountingHasher.computed += 1
        return super().encode(password, salt)
