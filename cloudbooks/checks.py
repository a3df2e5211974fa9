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


@checks.register(checks.Tags.security)
def check_sdk_test_controls(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The SDK test server's error injection must never be on anywhere else."""
    if not getattr(settings, "SDK_TEST_SERVER", False):
        return []
    return [
        checks.Warning(
            "CLOUDBOOKS_SDK_TEST_SERVER is on: any client can make this server answer errors "
            "and refuse valid access tokens with the CloudBooks-Test-Fault header.",
            hint="Only `python3 dev.py sdk-server` sets it. Unset it everywhere else.",
            id="cloudbooks.W002",
        )
    ]
