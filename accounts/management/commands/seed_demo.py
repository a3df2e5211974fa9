"""Demo data for `python3 dev.py serve`: a user whose password and key are made anew and printed."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import User

DEMO_EMAIL = "demo@cloudbooks.test"


class Command(BaseCommand):
    help = "Create (or refresh) the demo user with a new password and API key, and print them."

    def handle(self, *args, **options) -> None:
        password = secrets.token_urlsafe(12)
        user = User.objects.filter(email__iexact=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, password, name="Demo User")
        else:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active", "updated_at"])
        self.stdout.write(self.style.SUCCESS("Demo login (generated for this run):"))
        self.stdout.write(f"  email:    {DEMO_EMAIL}")
        self.stdout.write(f"  password: {password}")
        # A fresh key each run; the previous demo keys are revoked.
        for old in user.api_keys.filter(name="demo", revoked_at__isnull=True):
            services.api_key_revoke(api_key=old)
        _, raw_key = services.api_key_create(owner=user, name="demo")
        self.stdout.write(f"  API key:  {raw_key}")
