"""The core layer's own tables. It imports no domain app: the user is `settings.AUTH_USER_MODEL`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one user: the request it was first sent with, and its answer.

    The behaviour lives in `cloudbooks.api.idempotency`; this is only its store, in
    PostgreSQL so that every web process sees the same keys. The unique constraint on
    (user, key) is what decides a race between two requests with the same key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, help_text="The client's Idempotency-Key, as sent.")
    fingerprint = models.CharField(
        max_length=64,
        help_text="sha256 (hex) of the method, path and query, content type and body.",
    )
    state = models.CharField(
        max_length=11, choices=IdempotencyState.choices, default=IdempotencyState.IN_PROGRESS
    )
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The saved answer's status (once done)."
    )
    response_body = models.TextField(
        blank=True,
        default="",
        help_text="The saved answer's JSON body exactly as rendered (empty for 204).",
    )
    created_at = models.DateTimeField(
        help_text=(
            "When the request that holds the key started (Python's clock, which also judges "
            "the 24-hour lifetime and the take-over of an abandoned request)."
        )
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_one_key_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_at")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
