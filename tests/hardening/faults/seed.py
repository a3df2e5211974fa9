"""Rows for the fault tests, made through the application's own services, in a subprocess.

The fault tests talk to a private PostgreSQL that the suite's own Django is not connected
to; this runs with the servers' environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, ...):

    python -m tests.hardening.faults.seed user [--plan SLUG]   # prints credentials as JSON
    python -m tests.hardening.faults.seed plan SLUG LIMIT      # a plan of LIMIT requests/hour
    python -m tests.hardening.faults.seed revoke-key KEY       # accounts.services.api_key_revoke
"""

from __future__ import annotations

import json
import secrets
import sys


def main(argv: list[str]) -> dict:
    import django

    django.setup()
    from accounts import services, tokens
    from accounts.keys import digest
    from accounts.models import ApiKey, Plan, User
    from orgs.services import organization_create

    command, *args = argv
    if command == "plan":
        slug, limit = args
        Plan.objects.update_or_create(
            slug=slug, defaults={"name": slug.title(), "requests_per_hour": int(limit)}
        )
        return {"slug": slug}
    if command == "revoke-key":
        services.api_key_revoke(api_key=ApiKey.objects.get(digest=digest(args[0])))
        return {"revoked": True}
    if command == "user":
        plan = args[args.index("--plan") + 1] if "--plan" in args else "enterprise"
        password = secrets.token_urlsafe(16)
        email = f"fault-{secrets.token_hex(6)}@example.com"
        user = User.objects.create_user(email, password, plan_id=plan)
        organization = organization_create(owner=user, name=f"Faults {email}")
        pair = tokens.tokens_for_login(user)
        _, key = services.api_key_create(owner=user, name="faults")
        return {
            "id": str(user.pk),
            "email": email,
            "password": password,
            "access": pair.access,
            "refresh": pair.refresh,
            "api_key": key,
            "organization": str(organization.pk),
        }
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
