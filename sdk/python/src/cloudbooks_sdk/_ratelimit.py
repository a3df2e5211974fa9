"""The X-RateLimit headers (docs/api.md, "Rate limits") and Retry-After."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """The caller's hourly budget as of the last response of a metered plan."""

    limit: int
    remaining: int
    reset: int  # Unix seconds when the window resets

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit | None:
        """The state the headers describe; None when they are absent (unlimited plans)."""
        try:
            return cls(
                limit=int(headers["X-RateLimit-Limit"]),
                remaining=int(headers["X-RateLimit-Remaining"]),
                reset=int(headers["X-RateLimit-Reset"]),
            )
        except (KeyError, ValueError):
            return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait: Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)
