"""Account rules, called alike by the API, the admin, the dashboard and management commands."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts import keys
from accounts.models import ApiKey, ApiKeyScope, User
from cloudbooks.api.ratelimits import login_limits

# An API key's `last_used_at` is written at most this often: a write per request would cost
# more than the lookup itself.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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


def email_taken(email: str, *, exclude: User | None = None) -> bool:
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
    email = User.objects.normalize_email(email)
    errors = {}  # every problem at once, so the form can show each next to its field
    if email_taken(email):
        errors["email"] = ["A user with this email already exists"]
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, name=name)
    except IntegrityError:
        # Two sign-ups took the same address at once; the unique index decided.
        raise ValidationError({"email": ["A user with this email already exists"]}) from None


def user_authenticate(request, *, email: str, password: str) -> User | None:
    """Check a sign-in attempt against the failed-attempts limit per email (SPEC §3).

    Answers the user, or None for a wrong email or password and an inactive user alike (no
    account enumeration); raises RateLimitExceeded once the email's failures are used up.
    The per-IP limit is the caller's, counted before the request is even read.
    """
    _, per_email = login_limits()
    email = email.lower()
    per_email.refuse_if_exhausted(request, email)
    # Unknown email, wrong password and inactive user take the same path through the
    # password hasher (Django's ModelBackend) and give the same answer.
    user = authenticate(request, email=email, password=password)
    if user is None:
        per_email.hit(request, email)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    current_password: str | None = None,
) -> User:
    """Change a user's profile. A new password needs the current one and passes the validators."""
    fields = ["updated_at"]
    if name is not None:
        user.name = name
        fields.append("name")
    if email is not None and email != user.email:
        email = User.objects.normalize_email(email)
        if email_taken(email, exclude=user):
            raise ValidationError({"email": ["A user with this email already exists"]})
        user.email = email
        fields.append("email")
    if password is not None:
        if not current_password or not user.check_password(current_password):
            raise ValidationError(
                {"current_password": ["Must be your current password to set a new one"]}
            )
        try:
            password_validation.validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationError({"password": list(exc.messages)}) from None
        user.set_password(password)
        fields.append("password")
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        # Two requests took the same address at once; the unique index decided.
        raise ValidationError({"email": ["A user with this email already exists"]}) from None
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
