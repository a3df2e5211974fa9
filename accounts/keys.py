"""The format of API keys: `sk_live_` + 32 random base62 characters + a 6-character checksum.

The checksum (CRC-32 of the random part, in base62) lets us refuse a mistyped or made-up key
without touching the database, and lets secret scanners recognise our keys.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib

KEY_PREFIX = "sk_live_"
ALPHABET = string.digits + string.ascii_letters  # base62
RANDOM_LENGTH = 32  # 32 × log2(62) ≈ 190.5 bits
CHECKSUM_LENGTH = 6  # 62**6 > 2**32: room for every CRC-32
KEY_LENGTH = len(KEY_PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 6


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def generate_key() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{KEY_PREFIX}{body}{_checksum(body)}"


def is_well_formed(key: str) -> bool:
    """True when `key` has our shape and its checksum matches: no database needed."""
    if len(key) != KEY_LENGTH or not key.startswith(KEY_PREFIX):
        return False
    rest = key[len(KEY_PREFIX) :]
    if any(char not in ALPHABET for char in rest):
        return False
    body, checksum = rest[:RANDOM_LENGTH], rest[RANDOM_LENGTH:]
    return secrets.compare_digest(_checksum(body), checksum)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
