"""python manage.py create_api_key EMAIL --name NAME [--scope read_only] [--expires-in-days N]"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import services
from accounts.models import ApiKeyScope, User


class Command(BaseCommand):
    help = "Create an API key for a user; the key is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scope", choices=ApiKeyScope.values, default=ApiKeyScope.READ_WRITE)
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, email: str, name: str, scope: str, expires_in_days, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with email {email}")
        if expires_in_days is not None and expires_in_days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        api_key, raw = services.api_key_create(
            owner=user, name=name, scope=scope, expires_at=expires_at
        )
        self.stdout.write(
            f"Created API key {api_key.prefix}… ({api_key.scope}) for {user.email}"
            + (f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "")
        )
        self.stdout.write(raw)
