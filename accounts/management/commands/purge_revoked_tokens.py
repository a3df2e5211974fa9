"""python manage.py purge_revoked_tokens — run daily (e.g. a scheduled job on the platform)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts import tokens


class Command(BaseCommand):
    help = "Delete logout revocations of access tokens that have expired anyway."

    def handle(self, *args, **options) -> None:
        deleted = tokens.purge_expired()
        self.stdout.write(f"Deleted {deleted} expired access-token revocation(s).")
