"""The plan budget (docs/api.md): requests per user per clock hour, shared by every process.

Counters live in the configured cache (Redis in production): one key per user and hour,
`usage:<user id>:<hour start>`, incremented atomically. The same keys are the usage history
the dashboard draws, so they are kept for a day rather than an hour.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from redis.commands.core import Script
from rest_framework.throttling import BaseThrottle

from cloudbooks.api.exceptions import RateLimitExceeded

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
# Counters outlive their window so the dashboard can chart the last 24 hours.
HISTORY_HOURS = 24
_KEEP_SECONDS = (HISTORY_HOURS + 1) * WINDOW_SECONDS

# Log a cache outage at most once a minute per process: fail-open must not flood the logs.
_LOG_EVERY_SECONDS = 60
_last_failure_logged = 0.0


def window_start(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


def usage_key(user_id, window: int) -> str:
    return f"usage:{user_id}:{window}"


def refused_key(user_id, window: int) -> str:
    """The requests of the hour refused for the budget (429): also in `usage_key`'s count,
    which counts every request before deciding; the dashboard tells the two apart."""
    return f"refused:{user_id}:{window}"


# INCR and EXPIRE as one atomic command: one round trip, one reply to parse. The lifetime is
# relative (seconds from now, computed by the caller's clock), never an absolute EXPIREAT:
# Redis would judge an absolute time by its own clock, so a web host whose clock is ahead of
# Redis's (or a test with a moved clock) would write counters that expire at once.
_INCREMENT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return count
"""
_increment_script: Script | None = None


def increment(key: str, *, expire_at: int, now: float | None = None) -> int:
    """Add one to a counter kept until `expire_at`, and return the new value, atomically.

    On Redis this is INCR + EXPIRE in one server-side script (EVALSHA; the script is loaded
    again by redis-py if the server lost it): no read-modify-write, so concurrent processes
    can never both see "one left", and one round trip with a single reply — it runs on every
    authenticated request. Django's `cache.incr` is not used on Redis because it does EXISTS
    then INCR (two trips, and a counter created by the INCR alone would never expire).
    """
    global _increment_script
    now = time.time() if now is None else now
    seconds = max(1, int(expire_at - now))
    default = caches["default"]  # looked up once: `cache` is a proxy that looks it up each time
    backend = getattr(default, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's RedisCache (and cloudbooks.cache's)
        # make_key, not make_and_validate_key: the memcached key checks do not apply here.
        full_key = default.make_key(key)
        client = backend.get_client(full_key, write=True)
        if _increment_script is None:
            _increment_script = Script(client, _INCREMENT_SCRIPT)
        return int(_increment_script(keys=[full_key], args=[seconds], client=client))
    # Process-local caches (development): their incr is atomic within the process.
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def usage_history(user_id, hours: int = HISTORY_HOURS, now: float | None = None) -> list:
    """[(hour start, requests)] for the last `hours` clock hours, oldest first: one cache read."""
    current = window_start(now)
    windows = [current - WINDOW_SECONDS * i for i in reversed(range(hours))]
    counts = cache.get_many([usage_key(user_id, w) for w in windows])
    return [(w, int(counts.get(usage_key(user_id, w), 0))) for w in windows]


def usage_and_refusals(user_id, hours: int = HISTORY_HOURS, now: float | None = None) -> list:
    """[(hour start, requests, refused)] for the last `hours` clock hours, oldest first: one
    cache read. `requests` counts every request, the refused ones included."""
    current = window_start(now)
    windows = [current - WINDOW_SECONDS * i for i in reversed(range(hours))]
    keys = [usage_key(user_id, w) for w in windows] + [refused_key(user_id, w) for w in windows]
    counts = cache.get_many(keys)
    return [
        (
            w,
            int(counts.get(usage_key(user_id, w), 0)),
            int(counts.get(refused_key(user_id, w), 0)),
        )
        for w in windows
    ]


@dataclass(frozen=True)
class RateLimitState:
    """What the headers say about the caller's budget after this request."""

    policy: str
    limit: int
    used: int
    reset: int  # Unix seconds when the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def seconds_to_reset(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return max(1, int(self.reset - now))

    def headers(self, now: float | None = None) -> dict[str, str]:
        to_reset = self.seconds_to_reset(now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            # IETF "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers).
            "RateLimit-Policy": f'"{self.policy}";q={self.limit};w={WINDOW_SECONDS}',
            "RateLimit": f'"{self.policy}";r={self.remaining};t={to_reset}',
        }


def _log_cache_failure(exc: Exception) -> None:
    global _last_failure_logged
    now = time.monotonic()
    if now - _last_failure_logged >= _LOG_EVERY_SECONDS:
        _last_failure_logged = now
        logger.error(
            "Rate-limit cache unavailable (%s); serving without plan limits (fail open)",
            exc.__class__.__name__,
        )


class PlanRateThrottle(BaseThrottle):
    """Each user's plan budget per clock hour, shared by their access tokens and API keys.

    Why not DRF's UserRateThrottle: it keeps a list of request timestamps per user in the
    cache and rewrites it on every request — a read-modify-write whose cost grows with the
    limit (10,000 entries on `pro`) and which two processes can interleave to overshoot the
    limit. Here a request is one atomic increment of a counter per user and hour, whatever
    the limit, and every process shares it.

    Requests of unlimited plans are counted too (the dashboard shows usage) but never refused.
    If the cache is unreachable the API stays up without limits (fail open, logged once a
    minute); credential brute-force limits fail closed instead (ratelimits.py).
    """

    def allow_request(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return True
        plan = user.plan
        now = time.time()
        window = window_start(now)
        reset = window + WINDOW_SECONDS
        try:
            used = increment(usage_key(user.pk, window), expire_at=window + _KEEP_SECONDS, now=now)
        except Exception as exc:
            _log_cache_failure(exc)
            return True
        if plan.requests_per_hour is None:
            return True
        state = RateLimitState(
            policy=plan.slug, limit=plan.requests_per_hour, used=used, reset=reset
        )
        # The base view puts these on the response, whatever it turns out to be.
        request._request.rate_limit = state
        # A view may declare that it is never refused for the budget (ApiViewMixin).
        if used > state.limit and not getattr(view, "plan_budget_exempt", False):
            # One more cache write, on the refused path only: the dashboard shows refused
            # requests apart from served ones. Its failure must not change the answer.
            try:
                increment(refused_key(user.pk, window), expire_at=window + _KEEP_SECONDS, now=now)
            except Exception as exc:
                _log_cache_failure(exc)
            raise RateLimitExceeded(
                wait=state.seconds_to_reset(now),
                message=(
                    f"Rate limit of {state.limit} requests per hour for the "
                    f"{plan.name} plan exceeded"
                ),
                details={"plan": plan.slug, "limit": state.limit, "reset": reset},
            )
        return True
