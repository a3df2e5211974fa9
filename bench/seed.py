"""Seeding: users, keys, tokens and projects, in this process through the application's own code."""

from __future__ import annotations

import base64
import contextlib
import secrets
import time
import urllib.parse
from dataclasses import dataclass

from bench.config import EXPIRED_SHARE, METERED_LIMIT, PAGE_SIZE, Scale, log


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
    naive_access_token: str  # SimpleJWT's own AccessToken.for_user, for the naive build
    # Growth: {organization count: access token of a user who belongs to that many}.
    growth_tokens: dict[int, str]
    growth_first_id: str  # the newest project of every growth user's first page
    members_organization_id: str
    members_deep_cursor: str
    members_first_user_id: str
    members_deep_user_id: str


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
    growth_tokens, growth_first_id = _seed_growth(scale, enterprise, password, now)
    members = _seed_members(scale, user, enterprise, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from rest_framework_simplejwt.tokens import AccessToken

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
        naive_access_token=str(AccessToken.for_user(user)),
        growth_tokens=growth_tokens,
        growth_first_id=growth_first_id,
        **members,
    )


def _seed_growth(scale: Scale, plan, password: str, now) -> tuple[dict[int, str], str]:
    """max(org_counts) organizations of `projects_per_org` projects each, and one user per
    count who belongs to the first `count` of them (the organizations are shared)."""
    from datetime import timedelta

    from django.db import transaction

    from accounts import tokens
    from accounts.models import User
    from orgs.models import Membership, Organization, Role
    from projects.models import Project

    most = max(scale.org_counts)
    log(f"Seeding {most:,} organizations × {scale.projects_per_org:,} projects (growth)")
    creator = User.objects.create_user(
        "bench-growth-owner@cloudbooks.test", password, name="Growth Owner", plan=plan
    )
    users = {
        count: User.objects.create_user(
            f"bench-growth-{count}@cloudbooks.test", password, name=f"In {count}", plan=plan
        )
        for count in scale.org_counts
    }
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            [
                Organization(name=f"Growth {number}", slug=f"bench-growth-{number}")
                for number in range(most)
            ],
            batch_size=5_000,
        )
        memberships = [
            Membership(organization=organization, user=users[count], role=Role.MEMBER)
            for count in scale.org_counts
            for organization in organizations[:count]
        ]
        Membership.objects.bulk_create(memberships, batch_size=5_000)
        # Organization 0 holds the newest projects: every growth user's first page starts there.
        batch: list = []
        with _explicit_timestamps(Project):
            for index, organization in enumerate(organizations):
                for number in range(scale.projects_per_org):
                    age = index * scale.projects_per_org + number + 1
                    batch.append(
                        Project(
                            organization=organization,
                            created_by=creator,
                            name=f"Growth {index}.{number}",
                            created_at=now - timedelta(seconds=age),
                        )
                    )
                if len(batch) >= 5_000:
                    Project.objects.bulk_create(batch)
                    batch = []
            Project.objects.bulk_create(batch)
    newest = Project.objects.filter(organization=organizations[0]).order_by("-created_at")
    return (
        {count: tokens.tokens_for_login(user).access for count, user in users.items()},
        str(newest.values_list("id", flat=True)[0]),
    )


def _seed_members(scale: Scale, owner, plan, now) -> dict:
    """An organization of `scale.members` members (plus its owner), one second apart."""
    from datetime import timedelta

    from django.db import transaction

    from accounts.models import User
    from orgs.models import Membership, Role
    from orgs.services import organization_create

    log(f"Seeding an organization of {scale.members:,} members")
    organization = organization_create(owner=owner, name="Bench Members")
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-member-{number}@cloudbooks.test",
                    name=f"Member {number}",
                    password="!",
                    plan=plan,
                )
                for number in range(scale.members)
            ],
            batch_size=5_000,
        )
        with _explicit_timestamps(Membership):
            Membership.objects.bulk_create(
                [
                    Membership(
                        organization=organization,
                        user=user,
                        role=Role.MEMBER,
                        created_at=now - timedelta(seconds=number + 1),
                    )
                    for number, user in enumerate(users)
                ],
                batch_size=5_000,
            )
    newest_first = Membership.objects.filter(organization=organization).order_by("-created_at")
    skip = (scale.members_deep_page - 1) * PAGE_SIZE
    previous_last = newest_first.values_list("created_at", flat=True)[skip - 1]
    return {
        "members_organization_id": str(organization.pk),
        "members_deep_cursor": cursor_for(str(previous_last)),
        "members_first_user_id": str(newest_first.values_list("user_id", flat=True)[0]),
        "members_deep_user_id": str(newest_first.values_list("user_id", flat=True)[skip]),
    }


def seed_revocations(user_id: str, count: int) -> dict:
    """`count` logouts' revocations in one INSERT … SELECT (most already expired), and the
    table's size; what purge_revoked_tokens then meets after that many logouts."""
    from django.db import connection

    from accounts.models import RevokedAccessToken

    table = connection.ops.quote_name(RevokedAccessToken._meta.db_table)
    expired = int(count * EXPIRED_SHARE)
    with connection.cursor() as cursor:
        # jti: a uuid4 hex like SimpleJWT's; expired ones up to a day ago, the rest within
        # the access-token lifetime still to come.
        cursor.execute(
            f"INSERT INTO {table} (jti, user_id, revoked_at, expires_at) "  # noqa: S608
            "SELECT md5(random()::text || n::text), %s, now() - interval '1 day', "
            "CASE WHEN n <= %s THEN now() - mod(n, 86400) * interval '1 second' "
            "ELSE now() + interval '10 minutes' END "
            "FROM generate_series(1, %s) AS n",
            [user_id, expired, count],
        )
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT pg_total_relation_size(%s)", [RevokedAccessToken._meta.db_table])
        size = cursor.fetchone()[0]
    return {"rows": count, "expired": expired, "bytes": size}


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
