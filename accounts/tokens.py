"""Access and refresh tokens (SimpleJWT underneath), with rotation, theft detection and logout.

- Login starts a `TokenFamily`; its id travels in every refresh token as the `fam` claim.
- Refresh rotates: the presented token is blacklisted and a new one issued in the same family.
  Presenting an already-rotated token again means two parties hold it: the whole family is
  revoked, so neither the thief nor the victim can refresh from it any more, and the access
  tokens issued to that login (they carry `fam` too) are refused from then on.
- Logout ends the whole login: its family is revoked (refresh and access tokens alike), and
  the access token's `jti` is recorded in `RevokedAccessToken` (durable, shared by every
  server). A password change ends every other login of the user the same way. Every
  request with an access token reads the user anyway; the revocation is checked in that
  same query (`user_for_access`), so it costs no round trip of its own and no cache can
  disagree with the table.
- Only a refresh token's `jti` is stored (SimpleJWT's `OutstandingToken` has room for the
  whole token; it is left empty): a database reader cannot take over a login.
"""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import aware_utcnow, datetime_from_epoch

from accounts.models import RevokedAccessToken, TokenFamily, TokenFamilyEnd, User

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
        # Revocation needs the jti only; the token itself would let a reader log in.
        token="",
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
        # (SimpleJWT's own backend; `Token.get_token_backend` is an instance method.)
        payload = token_backend.decode(raw, verify=True)
    except TokenBackendError:
        raise InvalidToken("Refresh token is invalid or expired") from None
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or FAMILY_CLAIM not in payload:
        raise InvalidToken("Refresh token is invalid or expired")
    return payload


def tokens_for_refresh(raw: str) -> TokenPair:
    """Rotate `raw`. At most one of two concurrent refreshes with the same token succeeds.

    A refusal is raised only once the transaction is over: the revocation of a family on
    reuse must be committed, not rolled back with the request that failed.
    """
    payload = _decode_refresh(raw)
    with transaction.atomic():
        outcome = _rotate(payload)
    if isinstance(outcome, InvalidToken):
        raise outcome
    return outcome


# What a refresh of an ended login is told, by why it ended.
ENDED = {
    TokenFamilyEnd.REUSE: (
        "Refresh token has already been used; all tokens of that login are revoked"
    ),
    TokenFamilyEnd.LOGOUT: "This login was ended by logging out; sign in again",
    TokenFamilyEnd.PASSWORD_CHANGE: "This login was ended by a password change; sign in again",
}


def _rotate(payload: dict) -> TokenPair | InvalidToken:
    jti = payload[jwt_settings.JTI_CLAIM]
    # The family row is the lock: concurrent refreshes of one login queue here.
    family = (
        TokenFamily.objects.select_for_update()
        .filter(pk=payload[FAMILY_CLAIM], user_id=payload.get(jwt_settings.USER_ID_CLAIM))
        .first()
    )
    if family is None:
        return InvalidToken("Refresh token has been revoked")
    if family.revoked_at is not None:
        return InvalidToken(ENDED.get(family.revoked_because, "Refresh token has been revoked"))
    if BlacklistedToken.objects.filter(token__jti=jti).exists():
        # A rotated token came back: someone else holds a copy. Revoke the whole chain.
        family.revoked_at = timezone.now()
        family.revoked_because = TokenFamilyEnd.REUSE
        family.save(update_fields=["revoked_at", "revoked_because"])
        logger.warning("Refresh token reuse detected; revoked token family %s", family.pk)
        return InvalidToken(
            "Refresh token has already been used; all tokens of that login are revoked"
        )
    user = User.objects.filter(pk=family.user_id, is_active=True).first()
    if user is None:
        return InvalidToken("Refresh token is invalid or expired")
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

# Only quoted names from the models are formatted in; the ids are query parameters.
_NOT_REVOKED = "NOT EXISTS (SELECT 1 FROM {table} WHERE {jti} = %s)".format(  # noqa: S608
    table=connection.ops.quote_name(RevokedAccessToken._meta.db_table),
    jti=connection.ops.quote_name(RevokedAccessToken._meta.get_field("jti").column),
)
_FAMILY_NOT_REVOKED = (
    "NOT EXISTS (SELECT 1 FROM {table} WHERE {id} = %s AND {revoked} IS NOT NULL)".format(  # noqa: S608
        table=connection.ops.quote_name(TokenFamily._meta.db_table),
        id=connection.ops.quote_name(TokenFamily._meta.pk.column),
        revoked=connection.ops.quote_name(TokenFamily._meta.get_field("revoked_at").column),
    )
)


@functools.lru_cache(maxsize=2048)
def _verified_access(raw: str) -> AccessToken:
    """`raw` checked in full once per process; an invalid token raises and is not kept."""
    return AccessToken(raw)


def decode_access(raw: str) -> AccessToken:
    """Signature (HS256 only: `alg: none` is refused), expiry and type `access`.

    A client sends the same token with every request of its session. Its signature and
    claims cannot change, so they are checked once per process and the result kept (an LRU
    of the last 2,048 tokens); only the expiry, which depends on the time, is checked again
    on every use. The token returned is shared: read it, never change it.
    """
    try:
        token = _verified_access(raw)
        token.check_exp(current_time=aware_utcnow())
    except TokenError:
        raise InvalidToken("Access token is invalid or expired") from None
    return token


def user_for_access(token: AccessToken) -> User:
    """The active user `token` was issued to, with the plan: one query, revocation included.

    Every request with an access token needs the user anyway; the revocation table is read
    in that same query (a NOT EXISTS on its primary key), so it costs no round trip of its
    own and no cache in front of the table can disagree with it. Only a refusal looks again,
    to say why. This runs on every request, so it is written for the ORM's least work
    (measured): a plain SQL condition through `extra()` rather than a compiled subquery, and
    a slice rather than `.first()` (a primary key needs no ORDER BY).
    """
    jti = token[jwt_settings.JTI_CLAIM]
    where, params = [_NOT_REVOKED], [jti]
    family = _family_id(token)
    if family is not None:
        # A login whose refresh chain was revoked (a rotated refresh token came back) loses
        # its access tokens too, not only its refresh tokens.
        where.append(_FAMILY_NOT_REVOKED)
        params.append(TokenFamily._meta.pk.get_db_prep_value(family, connection))
    found = list(
        User.objects.select_related("plan")
        .filter(pk=token.get(jwt_settings.USER_ID_CLAIM), is_active=True)
        .extra(where=where, params=params)[:1]  # noqa: S610
    )
    if found:
        return found[0]
    if RevokedAccessToken.objects.filter(jti=jti).exists() or (
        family is not None
        and TokenFamily.objects.filter(pk=family, revoked_at__isnull=False).exists()
    ):
        raise InvalidToken("Access token has been revoked")
    raise InvalidToken("Access token is invalid or expired")


def login_of(token: AccessToken) -> uuid.UUID | None:
    """The login (token family) an access token belongs to, if it was issued by one."""
    return _family_id(token)


def _family_id(token: AccessToken) -> uuid.UUID | None:
    """The login an access token belongs to (tokens minted outside a login have none)."""
    raw = token.get(FAMILY_CLAIM)
    if raw is None:
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise InvalidToken("Access token is invalid or expired") from None


@transaction.atomic
def logout(*, user: User, access: AccessToken, raw_refresh: str | None) -> None:
    """End the login of `access`: its family (every refresh and access token of it) is revoked.

    The access token's own `jti` is revoked too (a token minted outside a login has no
    family); a refresh token sent along is blacklisted and its login ended as well.
    """
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
    families = {_family_id(access)}
    if refresh_payload is not None:
        _blacklist(refresh_payload[jwt_settings.JTI_CLAIM], refresh_payload, user)
        families.add(refresh_payload[FAMILY_CLAIM])
    families.discard(None)
    if families:
        TokenFamily.objects.filter(user=user, pk__in=families, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_because=TokenFamilyEnd.LOGOUT
        )


def logins_end_others(*, user: User, keep: uuid.UUID | None = None) -> int:
    """After a password change: end every login of `user` except `keep` (the caller's own).

    Their refresh tokens are refused, and so are their access tokens (they carry the family).
    Answers how many logins were ended.
    """
    others = TokenFamily.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        others = others.exclude(pk=keep)
    return others.update(revoked_at=timezone.now(), revoked_because=TokenFamilyEnd.PASSWORD_CHANGE)


def purge_expired(now: datetime | None = None) -> int:
    """Delete revocations of tokens that have expired anyway (run from a scheduled job)."""
    deleted, _ = RevokedAccessToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
