"""The accounts of the SDK test server (`python3 dev.py sdk-server`), printed as one JSON object.

Two users with passwords made anew on every run: one on the `free` plan with a read_write and
a read_only API key, one on the `pro` plan. Meant for the throwaway database the SDK test
server makes at each start: it migrates that database first (in this process, which saves
the server a second start of Django) and refuses to run where those accounts already exist.
"""

from __future__ import annotations

import json
import secrets

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import ApiKeyScope, Plan, User

EMAIL = "sdk@cloudbooks.test"
PRO_EMAIL = "sdk-pro@cloudbooks.test"


class Command(BaseCommand):
    help = (
        "Migrate, create the SDK test server's accounts (free with two keys, pro) and print "
        "their credentials as one JSON line (and nothing else on standard output)."
    )

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stderr)
        self._seed()

    @transaction.atomic
    def _seed(self) -> None:
        if User.objects.filter(email__in=[EMAIL, PRO_EMAIL]).exists():
            raise CommandError("The SDK test accounts exist already: seed a fresh database.")
        password = secrets.token_urlsafe(16)
        pro_password = secrets.token_urlsafe(16)
        user = User.objects.create_user(EMAIL, password, name="SDK Tester")
        User.objects.create_user(
            PRO_EMAIL, pro_password, name="SDK Pro Tester", plan=Plan.objects.get(slug="pro")
        )
        _, api_key = services.api_key_create(owner=user, name="sdk tests")
        _, read_only_key = services.api_key_create(
            owner=user, name="sdk tests (read only)", scope=ApiKeyScope.READ_ONLY
        )
        credentials = {
            "email": EMAIL,
            "password": password,
            "api_key": api_key,
            "read_only_key": read_only_key,
            "pro_email": PRO_EMAIL,
            "pro_password": pro_password,
        }
        self.stdout.write(json.dumps(credentials))
