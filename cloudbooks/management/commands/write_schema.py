"""`python manage.py write_schema`: docs/openapi.json, the schema /v1/openapi.json serves."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = "DJANGO_DEBUG=1 .venv/bin/python manage.py write_schema"


def render_schema() -> str:
    """The schema as JSON text: validated, no generator warnings, keys sorted, one trailing
    newline, so that writing it twice gives the same bytes and a diff shows only changes."""
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "openapi.json"
        call_command(
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
            "--file",
            str(target),
        )
        schema = json.loads(target.read_text(encoding="utf-8"))
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write docs/openapi.json (or, with --check, fail if it is not up to date)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error if docs/openapi.json differs.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        text = render_schema()
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{SCHEMA_FILE} is out of date; run: {REGENERATE}")
            self.stdout.write(f"{SCHEMA_FILE} is up to date.")
            return
        SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_FILE}.")
