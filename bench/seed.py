"""Seeding: users, keys, tokens and projects, in this process through the application's own code."""

from __future__ import annotations

import base64
import contextlib
import secrets
import time
import urllib.parse
from dataclasses import dataclass

from bench.config import METERED_LIMIT, PAGE_SIZE, Scale, log


@dataclass
class Seeded:
    user_id: str
    access_token: str
    api_key: str
    metered_user_id: str
    metered_access_token: str
    metered_limit: int
    victim_email: str
    organization_id: str
    deep_cursor: str
    deep_first_id: str
    first_page_first_id: str


@contextlib.contextmanager
def _explicit_timestamps(model):
    """Let bulk_create keep the `created_at` we give (auto_now_add would overwrite it)."""
    created_at = model._meta.get_field("created_at")
    saved = created_at.auto_now_add
    created_at.auto_now_add = False
    try:
        yield
    finally:
        created_at.auto_now_add = saved


def cursor_for(position: str) -> str:
    """DRF's cursor encoding (CursorPagination.encode_cursor) for "after `position`"."""
    query = urllib.parse.urlencode({"p": position})
    return base64.b64encode(query.encode("ascii")).decode("ascii")


def seed(scale: Scale) -> Seeded:
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from accounts import services, tokens
    from accounts.models import Plan, User
    from orgs.services import organization_create
    from projects.models import Project

    password = secrets.token_urlsafe(16)
    enterprise = Plan.objects.get(slug="enterprise")
    # A metered plan whose limit is never reached: every request is counted and checked.
    metered_plan, _ = Plan.objects.update_or_create(
        slug="bench-metered",
        defaults={"name": "Bench (metered)", "requests_per_hour": METERED_LIMIT},
    )
    user = User.objects.create_user(
        "bench@cloudbooks.test", password, name="Bench User", plan=enterprise
    )
    metered = User.objects.create_user(
        "bench-metered@cloudbooks.test", password, name="Bench Metered", plan=metered_plan
    )
    victim = User.objects.create_user("flood-victim@cloudbooks.test", password, name="Victim")
    _, api_key = services.api_key_create(owner=user, name="bench")
    access = tokens.tokens_for_login(user).access
    metered_access = tokens.tokens_for_login(metered).access
    organization = organization_create(owner=user, name="Bench Organization")

    log(f"Seeding {scale.projects:,} projects")
    now = timezone.now()
    with _explicit_timestamps(Project), transaction.atomic():
        batch = 5_000
        for start in range(0, scale.projects, batch):
            Project.objects.bulk_create(
                [
                    Project(
                        organization=organization,
                        created_by=user,
                        name=f"Project {number}",
                        description="Seeded by the benchmark.",
                        # One second apart, newest first: a history of about 28 hours.
                        created_at=now - timedelta(seconds=number + 1),
                    )
                    for number in range(start, min(start + batch, scale.projects))
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # The deep page: page `deep_page` of 20, i.e. after the first (deep_page - 1) × 20.
    newest_first = Project.objects.filter(organization=organization).order_by("-created_at")
    skip = (scale.deep_page - 1) * PAGE_SIZE
    previous_last = newest_first.values_list("created_at", flat=True)[skip - 1]
    deep_first = newest_first.values_list("id", flat=True)[skip]
    return Seeded(
        user_id=str(user.pk),
        access_token=access,
        api_key=api_key,
        metered_user_id=str(metered.pk),
        metered_access_token=metered_access,
        metered_limit=METERED_LIMIT,
        victim_email=victim.email,
        organization_id=str(organization.pk),
        deep_cursor=cursor_for(str(previous_last)),
        deep_first_id=str(deep_first),
        first_page_first_id=str(newest_first.values_list("id", flat=True)[0]),
    )


def set_usage(user_id: str, count: int | None) -> int:
    """Put the user's counter for the current window at `count` (None: no counter yet).

    Through the throttle's own key and cache, so the server finds exactly this value.
    Returns the window it was set in.
    """
    from django.core.cache import cache

    from cloudbooks.api.throttling import _KEEP_SECONDS, usage_key, window_start

    window = window_start()
    key = usage_key(user_id, window)
    if count is None:
        cache.delete(key)
    else:
        cache.set(key, count, timeout=window + _KEEP_SECONDS - int(time.time()))
    return window
