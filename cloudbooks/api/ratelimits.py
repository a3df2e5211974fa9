"""Brute-force limits for credentials (login, sign-up), counted with django-ratelimit.

These protect passwords, so they fail closed: if the cache cannot count, the attempt is
refused (503), never let through uncounted. The plan budget (throttling.py) fails open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage

from cloudbooks.api.exceptions import RateLimitExceeded, ServiceUnavailable

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry our trusted proxies put in X-Forwarded-For.

    With N trusted proxies, the rightmost N entries were written by them; the one just
    before those (counting from the right) is the client as the outermost proxy saw it.
    Anything further left was written by the client and is not to be believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


@dataclass(frozen=True)
class Limit:
    """A django-ratelimit rule: `rate` like "10/15m", counted per `group` and key."""

    group: str
    rate: str

    def usage(self, request, key: str, *, increment: bool) -> dict:
        try:
            usage = get_usage(
                request,
                group=self.group,
                key=lambda _group, _request: key,
                rate=self.rate,
                increment=increment,
            )
        except Exception:
            logger.error("Rate-limit cache unavailable for %s; refusing (fail closed)", self.group)
            raise ServiceUnavailable(
                "Sign-in is temporarily unavailable. Please retry shortly."
            ) from None
        if usage is not None and usage["limit"] == 0 and usage["time_left"] < 0:
            # django-ratelimit's own "the cache failed" answer. A time_left of -1 alone is not
            # one: a request counted as its window ends gets it too (the window's last second
            # ticks over while it is being counted), and must not be refused for it.
            raise ServiceUnavailable("Sign-in is temporarily unavailable. Please retry shortly.")
        return usage or {"count": 0, "limit": 0, "should_limit": False, "time_left": 0}

    def hit(self, request, key: str) -> None:
        """Count one attempt; 429 if that takes it over the limit."""
        usage = self.usage(request, key, increment=True)
        if usage["should_limit"]:
            self._refuse(usage)

    def refuse_if_exhausted(self, request, key: str) -> None:
        """429 if the limit is already used up, without counting this request."""
        usage = self.usage(request, key, increment=False)
        if usage["limit"] and usage["count"] >= usage["limit"]:
            self._refuse(usage)

    @staticmethod
    def _refuse(usage: dict) -> None:
        # django-ratelimit's window still holds during its last whole second (`time_left` 0),
        # so the first moment a retry is counted afresh is one second after it.
        wait = usage["time_left"] + 1
        raise RateLimitExceeded(
            wait=wait,
            message="Too many attempts. Please wait before trying again.",
            details={"retry_after": wait},
        )


def login_limits() -> tuple[Limit, Limit]:
    """(per client IP: every attempt, per email: failed attempts), rates from settings."""
    return (
        Limit(group="login-ip", rate=settings.LOGIN_RATE_PER_IP),
        Limit(group="login-email", rate=settings.LOGIN_FAILURES_PER_EMAIL),
    )


def signup_limits() -> tuple[Limit, Limit]:
    """(per client IP, per email): every sign-up attempt counts, rates from settings."""
    return (
        Limit(group="signup-ip", rate=settings.SIGNUP_RATE_PER_IP),
        Limit(group="signup-email", rate=settings.SIGNUP_RATE_PER_EMAIL),
    )
