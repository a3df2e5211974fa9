"""Access and refresh tokens (SimpleJWT underneath), with rotation, theft detection and logout.

- Login starts a `TokenFamily`; its id travels in every refresh token as the `fam` claim.
- Refresh rotates: the presented token is blacklisted and a new one issued in the same family.
  Presenting an already-rotated token again means two parties hold it: the whole family is
  revoked, so neither the thief nor the victim can refresh from it any more.
- Logout records the access token's `jti` in `RevokedAccessToken` (durable) and in the cache
  (fast). The cache remembers "revoked" and "not revoked" alike, so a warm request costs one
  cache read and no query; a flushed cache falls back to the table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import RevokedAccessToken, TokenFamily, User

logger = logging.getLogger(__name__)

FAMILY_CLAIM = "fam"


class InvalidToken(Exception):
    """The token cannot be used; the message is safe to show the client."""


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str

    @property
    def expires_in(self) -> int:
        return int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds())

    def as_response(self) -> dict:
        return {
            "token": self.access,
            "refresh": self.refresh,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def _new_refresh(user: User, family: TokenFamily) -> RefreshToken:
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(user.pk)
    refresh[FAMILY_CLAIM] = str(family.pk)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return refresh


def _pair(refresh: RefreshToken) -> TokenPair:
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


@transaction.atomic
def tokens_for_login(user: User) -> TokenPair:
    family = TokenFamily.objects.create(user=user)
    return _pair(_new_refresh(user, family))


def _decode_refresh(raw: str) -> dict:
    """Signature, expiry and type: everything that needs no database."""
    try:
        # The backend checks signature and expiry; the blacklist is checked under a lock later.
        payload = RefreshToken.get_token_backend().decode(raw, verify=True)
    except Exception:
        raise InvalidToken("Refresh token is invalid or expired") from None
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or FAMILY_CLAIM not in payload:
        raise InvalidToken("Refresh token is invalid or expired")
    return payload


@transaction.atomic
def tokens_for_refresh(raw: str) -> TokenPair:
    """Rotate `raw`. At most one of two concurrent refreshes with the same token succeeds."""
    payload = _decode_refresh(raw)
    jti = payload[jwt_settings.JTI_CLAIM]
    # The family row is the lock: concurrent refreshes of one login queue here.
    family = (
        TokenFamily.objects.select_for_update()
        .filter(pk=payload[FAMILY_CLAIM], user_id=payload.get(jwt_settings.USER_ID_CLAIM))
        .first()
    )
    if family is None or family.revoked_at is not None:
        raise InvalidToken("Refresh token has been revoked")
    if BlacklistedToken.objects.filter(token__jti=jti).exists():
        # A rotated token came back: someone else holds a copy. Revoke the whole chain.
        family.revoked_at = timezone.now()
        family.save(update_fields=["revoked_at"])
        logger.warning("Refresh token reuse detected; revoked token family %s", family.pk)
        raise InvalidToken(
            "Refresh token has already been used; all tokens of that login are revoked"
        )
    user = User.objects.filter(pk=family.user_id, is_active=True).first()
    if user is None:
        raise InvalidToken("Refresh token is invalid or expired")
    _blacklist(jti, payload, user)
    return _pair(_new_refresh(user, family))


def _blacklist(jti: str, payload: dict, user: User | None) -> None:
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "token": "",
            "created_at": timezone.now(),
            "expires_at": datetime_from_epoch(payload["exp"]),
        },
    )
    BlacklistedToken.objects.get_or_create(token=outstanding)


# --- Access tokens --------------------------------------------------------------------------


def _revoked_key(jti: str) -> str:
    return f"jwt-revoked:{jti}"


def _seconds_left(expires_at: datetime) -> int:
    return max(1, int((expires_at - timezone.now()).total_seconds()))


def decode_access(raw: str) -> AccessToken:
    """Signature (HS256 only: `alg: none` is refused), expiry and type `access`."""
    try:
        return AccessToken(raw)
    except TokenError:
        raise InvalidToken("Access token is invalid or expired") from None


def is_access_revoked(token: AccessToken) -> bool:
    jti = token[jwt_settings.JTI_CLAIM]
    key = _revoked_key(jti)
    try:
        state = cache.get(key)
    except Exception:
        logger.warning("Cache unavailable; checking token revocation in the database")
        return RevokedAccessToken.objects.filter(jti=jti).exists()
    if state is not None:
        return state == "1"
    revoked = RevokedAccessToken.objects.filter(jti=jti).exists()
    expires_at = datetime_from_epoch(token["exp"])
    try:
        # add, not set: a logout racing this lookup wins, never an older "0".
        cache.add(key, "1" if revoked else "0", timeout=_seconds_left(expires_at))
    except Exception:
        logger.warning("Cache unavailable; revocation state not cached")
    return revoked


@transaction.atomic
def logout(*, user: User, access: AccessToken, raw_refresh: str | None) -> None:
    """Revoke the access token at once, everywhere, durably; blacklist the refresh token."""
    refresh_payload = None
    if raw_refresh:
        refresh_payload = _decode_refresh(raw_refresh)
        if str(refresh_payload.get(jwt_settings.USER_ID_CLAIM)) != str(user.pk):
            raise InvalidToken("Refresh token does not belong to this user")
    jti = access[jwt_settings.JTI_CLAIM]
    expires_at = datetime_from_epoch(access["exp"])
    RevokedAccessToken.objects.get_or_create(
        jti=jti, defaults={"user": user, "expires_at": expires_at}
    )
    if refresh_payload is not None:
        _blacklist(refresh_payload[jwt_settings.JTI_CLAIM], refresh_payload, user)
    # The table is the truth; the cache entry is written once the row is committed.
    transaction.on_commit(lambda: _cache_revoked(jti, expires_at), robust=True)


def _cache_revoked(jti: str, expires_at: datetime) -> None:
    try:
        cache.set(_revoked_key(jti), "1", timeout=_seconds_left(expires_at))
    except Exception:
        # Still refused: a reader that finds no cache entry reads the table.
        logger.warning("Cache unavailable; revocation of %s recorded in the database only", jti)


def purge_expired(now: datetime | None = None) -> int:
    """Delete revocations of tokens that have expired anyway (run from a scheduled job)."""
    deleted, _ = RevokedAccessToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
