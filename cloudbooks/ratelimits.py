"""Brute-force limits for credentials (login, sign-up), counted with django-ratelimit.

These protect passwords, so they fail closed: if the cache cannot count, the attempt is
refused (`Unavailable`, a 503), never let through uncounted; the plan budget
(`cloudbooks/api/throttling.py`) fails open instead. Framework-neutral like the services
that call it: a refusal is a domain error (`RateLimited`, `Unavailable`), which the API and
the pages each map once. Only `client_ip`/`client_network` read a request, for the views.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django_ratelimit import core as ratelimit_core
from django_ratelimit.core import get_usage

from cloudbooks.errors import RateLimited, Unavailable

logger = logging.getLogger(__name__)

SIGN_IN_UNAVAILABLE = "Sign-in is temporarily unavailable. Please retry shortly."


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


def network_of(address: str) -> str:
    """The key a client's address is limited under: an IPv4 address, or an IPv6 /64.

    One IPv6 subscriber is routinely given a whole /64 (2^64 addresses), so limiting each
    IPv6 address separately would give one client unlimited fresh buckets. An IPv4-mapped
    IPv6 address (::ffff:a.b.c.d) is that IPv4 address. Anything unparsable is used as is.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_network(request) -> str:
    """`client_ip` grouped as the limits count it (`network_of`): the key of per-IP limits."""
    return network_of(client_ip(request))


@dataclass
class Reservation:
    """Attempts counted ahead of the work they guard; `release` gives them back (a success)."""

    _keys: list[str] = field(default_factory=list)

    def release(self) -> None:
        cache = caches[settings.RATELIMIT_USE_CACHE]
        for cache_key in self._keys:
            # Expired meanwhile, or the cache is down: not giving a success back only makes
            # the limit stricter (fail closed).
            with contextlib.suppress(Exception):
                cache.decr(cache_key)
        self._keys.clear()


@dataclass(frozen=True)
class Limit:
    """A django-ratelimit rule: `rate` like "10/15m", counted per `group` and key."""

    group: str
    rate: str

    def usage(self, key: str, *, increment: bool) -> dict:
        try:
            usage = get_usage(
                None,  # the key is given, so django-ratelimit needs no request
                group=self.group,
                key=lambda _group, _request: key,
                rate=self.rate,
                increment=increment,
            )
        except Exception:
            logger.error("Rate-limit cache unavailable for %s; refusing (fail closed)", self.group)
            raise Unavailable(SIGN_IN_UNAVAILABLE) from None
        if usage is not None and usage["limit"] == 0 and usage["time_left"] < 0:
            # django-ratelimit's own "the cache failed" answer. A time_left of -1 alone is not
            # one: a request counted as its window ends gets it too (the window's last second
            # ticks over while it is being counted), and must not be refused for it.
            raise Unavailable(SIGN_IN_UNAVAILABLE)
        return usage or {"count": 0, "limit": 0, "should_limit": False, "time_left": 0}

    def hit(self, key: str) -> None:
        """Count one attempt; RateLimited if that takes it over the limit."""
        usage = self.usage(key, increment=True)
        if usage["should_limit"]:
            self._refuse(usage)

    def reserve(self, key: str, reservation: Reservation) -> None:
        """Count one attempt before doing its work; 429 if that takes it over the limit.

        Checking first and counting after the work lets parallel requests all pass the
        check before any is counted. Here the count and the check are one atomic cache
        increment, so at most `limit` attempts ever reach the work. A success is given
        back with `reservation.release()`, so only failures use the limit up.
        """
        _, period = ratelimit_core._split_rate(self.rate)
        # The key django-ratelimit counts in (same window and hash), to give the attempt back.
        # These helpers are its internals: the version is pinned in pyproject.toml, and
        # test_password_guess_limits shows a success giving its count back.
        cache_key = ratelimit_core._make_cache_key(
            self.group,
            ratelimit_core._get_window(key, period),
            self.rate,
            key,
            ratelimit_core.ALL,
        )
        usage = self.usage(key, increment=True)
        if usage["should_limit"]:
            self._refuse(usage)
        reservation._keys.append(cache_key)

    @staticmethod
    def _refuse(usage: dict) -> None:
        # django-ratelimit's window still holds during its last whole second (`time_left` 0),
        # so the first moment a retry is counted afresh is one second after it.
        wait = usage["time_left"] + 1
        # The API adds "Try again in N seconds."; the pages say it in minutes.
        raise RateLimited("Too many attempts.", wait=wait, details={"retry_after": wait})


@dataclass(frozen=True)
class LoginLimits:
    """The limits on password guesses; the README's "Security" section explains the design.

    - `per_ip`: every attempt from a client network, whatever the account;
    - `per_account_ip`: failed passwords for one account from one client network; it trips
      first, so one attacker's address cannot lock the owner out elsewhere;
    - `per_account`: failed passwords for one account from anywhere, the hourly cap on
      guesses. Networks the account recently signed in from are not refused by it (their
      own `per_account_ip` still is), so the owner can sign in while it is spent.
    """

    per_ip: Limit
    per_account_ip: Limit
    per_account: Limit


def login_limits() -> LoginLimits:
    """The login limits, with their rates from settings."""
    return LoginLimits(
        per_ip=Limit(group="login-ip", rate=settings.LOGIN_RATE_PER_IP),
        per_account_ip=Limit(group="login-account-ip", rate=settings.LOGIN_FAILURES_PER_ACCOUNT_IP),
        per_account=Limit(group="login-account", rate=settings.LOGIN_FAILURES_PER_EMAIL),
    )


def _known_key(account_key: str, network: str) -> str:
    digest = hashlib.sha256(f"{account_key}|{network}".encode()).hexdigest()
    return f"login-known:{digest}"


def remember_network(account_key: str, network: str | None) -> None:
    """Note that `account_key` signed in with its password from `network` (for a while)."""
    if network is None:
        return
    timeout = settings.LOGIN_KNOWN_NETWORK_DAYS * 86400
    try:
        caches[settings.RATELIMIT_USE_CACHE].set(_known_key(account_key, network), 1, timeout)
    except Exception:  # the sign-in itself succeeded; only the note is lost
        logger.error("Rate-limit cache unavailable; known sign-in network not recorded")


def is_known_network(account_key: str, network: str) -> bool:
    """Whether `account_key` recently signed in from `network`. If unsure, it is not."""
    try:
        return bool(caches[settings.RATELIMIT_USE_CACHE].get(_known_key(account_key, network)))
    except Exception:  # fail closed: the account-wide limit then applies
        return False


def signup_limits() -> tuple[Limit, Limit]:
    """(per client IP, per email): every sign-up attempt counts, rates from settings."""
    return (
        Limit(group="signup-ip", rate=settings.SIGNUP_RATE_PER_IP),
        Limit(group="signup-email", rate=settings.SIGNUP_RATE_PER_EMAIL),
    )
