"""Accounts: users (email login), their plans, and their API keys."""

from __future__ import annotations

import uuid
from datetime import UTC, time, timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.emails import UnsafeEmail, normalize_email

DEFAULT_PLAN_SLUG = "free"


class Plan(models.Model):
    # The slug is the key: users point at "free" without a query, and it never changes.
    slug = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=100)
    requests_per_hour = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Requests a user of this plan may make per clock hour. Empty means unlimited.",
    )

    class Meta:
        ordering = ["requests_per_hour", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unlimited(self) -> bool:
        return self.requests_per_hour is None


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The address as stored (accounts.emails); a ValidationError on `email` if it has none."""
        try:
            return normalize_email(email or "")
        except UnsafeEmail as exc:
            raise ValidationError({"email": str(exc)}) from None

    def _create_user(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("Users must have an email address")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        # Field validation (a real email address); uniqueness is the database's to enforce.
        user.full_clean(
            exclude=["password", "plan"], validate_unique=False, validate_constraints=False
        )
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        if fields["is_staff"] is not True or fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True")
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> User:
        # Addresses are stored normalised, so an exact match on the normal form is the lookup
        # (never `iexact`: the database's UPPER() folds look-alikes such as `ı` into `I`).
        try:
            email = normalize_email(email)
        except UnsafeEmail:
            raise self.model.DoesNotExist from None
        return self.get(email=email)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(
        max_length=254, unique=True, help_text="The login; unique, case-insensitively."
    )
    name = models.CharField(max_length=150, blank=True)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="users",
        default=DEFAULT_PLAN_SLUG,
        help_text="Sets the user's hourly request budget.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive users cannot sign in; their keys and tokens are refused."
    )
    is_staff = models.BooleanField(default=False, help_text="May sign in to the admin.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["-created_at"], name="accounts_user_created_idx")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        # Every form that saves a user (the admin's too) stores the one normal form.
        super().clean()
        try:
            self.email = normalize_email(self.email or "")
        except UnsafeEmail as exc:
            raise ValidationError({"email": str(exc)}) from None


class ApiKeyScope(models.TextChoices):
    READ_WRITE = "read_write", "Read and write"
    READ_ONLY = "read_only", "Read only"


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ApiKey(models.Model):
    """A long-lived credential `sk_live_…` that acts as its owner (docs/api.md, "API keys").

    Only a SHA-256 digest of the key is stored; the key itself exists in the one response
    that created it. Keys carry 190 bits of randomness, so a fast digest is as safe as a
    slow password hash here, and verifying one is a single indexed lookup.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What the key is for, to tell keys apart.")
    prefix = models.CharField(
        max_length=16, editable=False, help_text="The key's first characters, for display."
    )
    digest = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the key, in hex."
    )
    scope = models.CharField(
        max_length=20,
        choices=ApiKeyScope.choices,
        default=ApiKeyScope.READ_WRITE,
        help_text="A read-only key is refused (403) on every unsafe method.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Updated at most once a minute."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from this moment on. Empty: never expires."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Refused from this moment on."
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        indexes = [models.Index(fields=["owner", "-created_at"], name="accounts_apikey_owner_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def last_day(self):
        """The last day (UTC) the key works, when it expires at a midnight UTC, else None.

        The dashboard stores a picked day as the first moment after it (the next midnight):
        shown as such it would read as the day after the one the user picked.
        """
        if self.expires_at is None:
            return None
        at = self.expires_at.astimezone(UTC)
        if at.time() != time.min:
            return None
        return (at - timedelta(days=1)).date()

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "active"


class TokenFamilyEnd(models.TextChoices):
    REUSE = "reuse", "A rotated refresh token was used again"
    LOGOUT = "logout", "Logged out"
    PASSWORD_CHANGE = "password_change", "The password was changed"


class TokenFamily(models.Model):
    """Every refresh token descended from one login. Reusing a rotated one revokes them all."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(
        max_length=20,
        choices=TokenFamilyEnd.choices,
        blank=True,
        help_text="Why the login was ended, to tell a refreshing client.",
    )

    class Meta:
        verbose_name_plural = "token families"

    def __str__(self) -> str:
        return f"Login of {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class RevokedAccessToken(models.Model):
    """An access token refused before it expires (logout). Durable: a cache only sits in front."""

    jti = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="After this the token is refused anyway.")

    def __str__(self) -> str:
        return self.jti
