"""System checks for how CloudBooks is deployed."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Rate-limit counters must be shared by every process; a local cache gives each its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Warning(
            "The default cache is process-local: every gunicorn process would keep its own "
            "rate-limit counters and login limits, multiplying each plan's budget.",
            hint="Set REDIS_URL.",
            id="cloudbooks.W001",
        )
    ]
