"""Account rules, called alike by the API, the admin, the dashboard and management commands."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import keys, tokens
from accounts.emails import UnsafeEmail, normalize_email
from accounts.models import ApiKey, ApiKeyScope, User
from cloudbooks.errors import Invalid
from cloudbooks.ratelimits import (
    Reservation,
    is_known_network,
    login_limits,
    remember_network,
)

# An API key's `last_used_at` is written at most this often: a write per request would cost
# more than the lookup itself.
LAST_USED_RESOLUTION = timedelta(minutes=1)

EMAIL_TAKEN = "A user with this email already exists"
UNKNOWN_USER = "No CloudBooks user has this email"


class KeyRefused(Exception):
    """The API key cannot be used; the message is safe to show the client."""


# --- API keys -------------------------------------------------------------------------------


def api_key_create(
    *,
    owner: User,
    name: str,
    scope: str = ApiKeyScope.READ_WRITE,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with the full secret, which is never stored or shown again."""
    raw = keys.generate_key()
    api_key = ApiKey.objects.create(
        owner=owner,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=keys.display_prefix(raw),
        digest=keys.digest(raw),
    )
    return api_key, raw


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key: refused from the next request on, on every server. Idempotent."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(raw: str) -> ApiKey:
    """The active key for `raw`, with its owner and plan loaded: one indexed query.

    A malformed key (wrong shape or checksum) is refused without any query.
    """
    if not keys.is_well_formed(raw):
        raise KeyRefused("Invalid API key")
    digest = keys.digest(raw)
    # A slice, not .first(): the digest is unique, and ordering by it is ORM work for nothing.
    found = list(ApiKey.objects.select_related("owner__plan").filter(digest=digest)[:1])
    api_key = found[0] if found else None
    if api_key is None or not secrets.compare_digest(api_key.digest, digest):
        raise KeyRefused("Invalid API key")
    if api_key.is_revoked:
        raise KeyRefused("This API key has been revoked")
    if api_key.is_expired:
        raise KeyRefused("This API key has expired")
    if not api_key.owner.is_active:
        raise KeyRefused("The owner of this API key is inactive")
    _touch(api_key)
    return api_key


def _touch(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


# --- Users ----------------------------------------------------------------------------------


def _normalized(email: str) -> str:
    """The address's one normal form (accounts.emails), or a 400 on `email`."""
    try:
        return normalize_email(email)
    except UnsafeEmail as exc:
        raise Invalid("email", str(exc)) from None


def user_by_email(email: str) -> User:
    """The active user with this address (in its normal form); Invalid on `email` if none."""
    user = User.objects.filter(email=_normalized(email), is_active=True).first()
    if user is None:
        raise Invalid("email", UNKNOWN_USER)
    return user


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    # `iexact` here on purpose: it is the stricter test, and rows stored before addresses
    # were normalised may still differ in case.
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


@transaction.atomic
def user_signup(*, email: str, password: str, name: str = "") -> User:
    """Create an account (on the free plan) for someone signing themselves up.

    The address must be free (case-insensitively) and the password pass the validators; the
    rate limits on sign-up are the caller's (they need the request).
    """
    email = _normalized(email)
    errors = {}  # every problem at once, so the form can show each next to its field
    if email_taken(email):
        errors["email"] = [EMAIL_TAKEN]
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise Invalid(errors=errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, name=name)
    except IntegrityError:
        # Two sign-ups took the same address at once; the unique index decided.
        raise Invalid("email", EMAIL_TAKEN) from None


def _reserve_password_guess(*, account_key: str, client_network: str | None) -> Reservation:
    """Count a password guess against `account_key` before it is checked (README "Security").

    Counted first, atomically, so parallel guesses cannot all slip past the limit; refused
    (429) if over. The caller releases the reservation when the password was right, so only
    wrong ones use the limits up. From a network the account recently signed in from, the
    account-wide limit does not refuse: an attacker who spent it cannot lock the owner out.
    """
    limits = login_limits()
    reservation = Reservation()
    try:
        if client_network is not None:
            limits.per_account_ip.reserve(f"{account_key}|{client_network}", reservation)
        if client_network is None or not is_known_network(account_key, client_network):
            limits.per_account.reserve(account_key, reservation)
    except Exception:
        reservation.release()  # refused before any password was checked: not a guess
        raise
    return reservation


def user_authenticate(*, email: str, password: str, client_network: str) -> User | None:
    """Check a sign-in attempt against the password-guess limits (README "Security").

    Answers the user, or None for a wrong email or password and an inactive user alike (no
    account enumeration); raises RateLimited once a limit is used up, Invalid
    for an address with no safe normal form. `client_network` is the client's address as
    the limits group it (`cloudbooks.ratelimits.client_network`). The per-IP limit on
    every attempt is the caller's, counted before the request is even read.
    """
    email = _normalized(email)
    # The limits are keyed on the account the lookup resolves to, so no spelling of an
    # address has a bucket of its own; an unknown address is limited by its normal form.
    account_id = User.objects.filter(email=email).values_list("pk", flat=True)[:1]
    account_key = f"user:{account_id[0]}" if account_id else f"email:{email}"
    reservation = _reserve_password_guess(account_key=account_key, client_network=client_network)
    # Unknown email, wrong password and inactive user take the same path through the
    # password hasher (Django's ModelBackend) and give the same answer.
    user = authenticate(None, email=email, password=password)
    if user is not None:
        reservation.release()
        remember_network(account_key, client_network)
    return user


def user_second_factor_guess(*, user: User, client_network: str | None) -> Reservation:
    """Count a second-factor code for `user` like a password guess, under the same limits.

    Raises RateLimited once they are used up; release the reservation when the code was
    right, so only wrong codes use them up.
    """
    return _reserve_password_guess(account_key=f"user:{user.pk}", client_network=client_network)


def user_check_password(*, user: User, password: str, client_network: str | None) -> bool:
    """Whether `password` is `user`'s: a guess like a sign-in, under the same limits (429).

    For pages and endpoints that confirm a signed-in user's password (a password change,
    deleting the account): a stolen session must not make them an unlimited oracle.
    """
    guess = _reserve_password_guess(account_key=f"user:{user.pk}", client_network=client_network)
    if not user.check_password(password):
        return False
    guess.release()
    return True


@transaction.atomic
def user_update(
    *,
    user: User,
    name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    current_password: str | None = None,
    client_network: str | None = None,
    keep_login: uuid.UUID | None = None,
) -> User:
    """Change a user's profile. A new password needs the current one and passes the validators.

    A wrong `current_password` counts against the same limits as a wrong password at login
    (`client_network` says where from). A new password ends every other login of the user
    (token family) except `keep_login`, the caller's own; dashboard sessions end through
    Django's session auth hash, which the password is part of. API keys stay.
    """
    fields = ["updated_at"]
    if name is not None:
        user.name = name
        fields.append("name")
    if email is not None:
        email = _normalized(email)
    if email is not None and email != user.email:
        if email_taken(email, exclude=user):
            raise Invalid("email", EMAIL_TAKEN)
        user.email = email
        fields.append("email")
    if password is not None:
        wrong = Invalid("current_password", "Must be your current password to set a new one")
        if not current_password or not user_check_password(
            user=user, password=current_password, client_network=client_network
        ):
            raise wrong
        try:
            password_validation.validate_password(password, user)
        except DjangoValidationError as exc:
            raise Invalid(errors={"password": exc.messages}) from None
        user.set_password(password)
        fields.append("password")
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        # Two requests took the same address at once; the unique index decided.
        raise Invalid("email", EMAIL_TAKEN) from None
    if "password" in fields:
        tokens.logins_end_others(user=user, keep=keep_login)
    return user


# --- What the apps above `accounts` add to its rules -------------------------------------------
#
# `accounts` knows nothing of organizations. The apps that build on it register hooks here from
# their AppConfig.ready() (orgs/apps.py), so the dependency keeps pointing one way
# (docs/architecture.md, "Pointing one way").

# Called inside user_delete's transaction, before the row goes: may refuse (raise), or clean up.
_before_user_delete: list[Callable[[User], None]] = []
# Each returns the ids of other users that `user` may look up (a queryset or a list).
_visible_user_ids: list[Callable[[User], Iterable]] = []


def register_before_user_delete(hook: Callable[[User], None]) -> None:
    _before_user_delete.append(hook)


def register_visible_users(provider: Callable[[User], Iterable]) -> None:
    _visible_user_ids.append(provider)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account: its keys and tokens stop working at once (their rows go with it).

    The registered hooks run first and may refuse: `orgs` refuses (409) while the user is the
    only owner of an organization that has other members, and deletes the organizations where
    the user is the only member.
    """
    for hook in _before_user_delete:
        hook(user)
    user.delete()


def users_visible_to(user: User):
    """The users `user` may look up: themselves, and whoever the registered providers name."""
    visible = Q(pk=user.pk)
    for provider in _visible_user_ids:
        visible |= Q(pk__in=provider(user))
    return User.objects.filter(visible)
