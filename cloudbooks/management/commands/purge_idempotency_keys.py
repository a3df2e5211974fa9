"""python manage.py purge_idempotency_keys — run daily (e.g. a scheduled job on the platform)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cloudbooks.api import idempotency


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours (they are ignored anyway)."

    def handle(self, *args, **options) -> None:
        deleted = idempotency.purge_expired()
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
