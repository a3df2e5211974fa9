"""A password hasher that counts its work, to show every failed login costs the same."""

from __future__ import annotations

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher (fast, tests only) counting each hash it computes."""

    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)
