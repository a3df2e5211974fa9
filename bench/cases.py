"""The cases: what is measured side by side, in which groups and in which order."""

from __future__ import annotations

import io
import secrets
import time
import urllib.parse

from bench.config import (
    FLOOD_CONNECTIONS,
    FLOOD_DELAY_MS,
    PROBE_CONNECTIONS,
    PROBE_DELAY_MS,
    PROJECTED_USERS,
    Scale,
    log,
)
from bench.runner import Bench, http_get
from bench.seed import Seeded, seed_revocations, set_usage

# Case names, shared by the runs and the summary.
FLOOR = "bare floor"  # bench.settings_floor: its own gunicorn, two middlewares
FLOOR_BEHIND = "floor view behind our middleware"  # the old floor, bench.settings
NAIVE = "naive build users/me"  # bench.naive: stock DRF + SimpleJWT + UserRateThrottle
ME_JWT = "users/me (access token)"
ME_KEY = "users/me (API key)"
METERED_START = "metered, window start"
METERED_AFTER = "metered, after 100,000"
FIRST_PAGE = "projects, first page"
POST = "POST /v1/projects"
AT_REST = "users/me at rest"
ONSET = "users/me, flood onset"
DURING = "users/me during the flood"
FLOOD = "login flood"
MEMBERS_FIRST = "members, first page"
ME_REVOKED = "users/me (access token), revocations seeded"


def deep_page_case(scale: Scale) -> str:
    return f"projects, page {scale.deep_page:,}"


def growth_case(count: int) -> str:
    return f"projects, user in {count:,} organization{'s' if count > 1 else ''}"


def members_deep_case(scale: Scale) -> str:
    return f"members, page {scale.members_deep_page:,}"


def alternate(round_number: int, cases: list) -> list:
    """ABBA order: a drift in the machine's load during a comparison weighs on both sides."""
    return cases if round_number % 2 == 0 else list(reversed(cases))


GROUPS = ("users-me", "throttle", "projects", "growth", "post", "flood", "revocations")


def run_cases(bench: Bench, seeded: Seeded, scale: Scale, groups=GROUPS, *, redis_url: str) -> dict:
    me = "/v1/users/me"
    floor = f"/bench/floor/{seeded.user_id}"
    naive = {"BENCH_AUTH": f"Bearer {seeded.naive_access_token}"}
    jwt = {"BENCH_AUTH": f"Bearer {seeded.access_token}"}
    key = {"BENCH_AUTH": f"Bearer {seeded.api_key}"}
    metered = {"BENCH_AUTH": f"Bearer {seeded.metered_access_token}"}
    load = {"script": "get.lua", "connections": scale.connections, "seconds": scale.seconds}
    notes: dict = {}

    # Every endpoint answers before anything is measured, and the workers are warm.
    user, metered_user = seeded.user_id, seeded.metered_user_id
    checks = [
        (bench.base_url, floor, None, user),
        (bench.base_url, me, seeded.access_token, user),
        (bench.base_url, me, seeded.api_key, user),
        (bench.base_url, me, seeded.metered_access_token, metered_user),
        (bench.floor_url, floor, None, user),
        (bench.naive_url, me, seeded.naive_access_token, user),
    ]
    for base, path, token, expected in checks:
        status, body = http_get(base + path, token)
        if status != 200 or body.get("id") != expected:
            raise SystemExit(f"GET {base}{path} answered {status} before the run")
    # The docs page renders {% static %} through collectstatic's manifest (debug is off).
    status, _ = http_get(bench.base_url + "/docs")
    if status != 200:
        raise SystemExit(f"GET /docs answered {status}: are the static files collected?")
    log("Warm-up")
    bench.run("warm-up", me, script="get.lua", env=jwt, connections=scale.connections,
              seconds=scale.warmup_seconds)  # fmt: skip
    bench.results.pop("warm-up")

    if "users-me" in groups:
        _users_me(bench, scale, seeded.user_id, floor, me, jwt, key, naive, load)
        notes["redis_memory"] = _redis_memory(redis_url, seeded.user_id)
    if "throttle" in groups:
        notes["throttle_windows"] = _throttle(bench, seeded, scale, me, metered, load)
    if "projects" in groups:
        _projects(bench, seeded, scale, jwt)
    if "growth" in groups:
        _growth(bench, seeded, scale)
        _members(bench, seeded, scale, jwt)
    if "post" in groups:
        _post(bench, seeded, scale, jwt)
    if "flood" in groups:
        _flood(bench, seeded, scale, me, jwt)
    # Last: the purge deletes most of a large table, and the vacuum that follows it must not
    # weigh on another case.
    if "revocations" in groups:
        notes["revocations"] = _revocations(bench, seeded, scale, me, jwt, load)
    return notes


def _users_me(bench, scale, user_id, floor, me, jwt, key, naive, load) -> None:
    log("users/me: the bare floor, an access token, an API key, the naive build, the old floor")
    cases = [
        (FLOOR, floor, {}, bench.floor_url),
        (ME_JWT, me, jwt, None),
        (ME_KEY, me, key, None),
        (NAIVE, me, naive, bench.naive_url),
        (FLOOR_BEHIND, floor, {}, None),
    ]
    for number in range(scale.rounds):
        for case, path, env, base in alternate(number, cases):
            if case == NAIVE:
                # DRF's UserRateThrottle keeps every request's timestamp of the window in one
                # cache entry, read and written whole on each request: each round starts
                # from an empty history, so the rounds compare alike.
                from django.core.cache import cache

                cache.delete(f"throttle_user_{user_id}")
            bench.run(case, path, env=env, base=base, **load)


def _redis_memory(redis_url: str, user_id: str) -> dict:
    """MEMORY USAGE of the plan counter's real keys (they are also the usage history) of the
    user the users/me runs served, and what that makes for PROJECTED_USERS active users."""
    import redis

    from cloudbooks.api.throttling import HISTORY_HOURS

    client = redis.Redis.from_url(redis_url)
    keys = sorted(client.scan_iter(match=f"*usage:{user_id}:*", count=1_000))
    sizes = [client.memory_usage(key, samples=0) or 0 for key in keys]
    counted = sum(int(client.get(key) or 0) for key in keys)
    per_key = max(sizes) if sizes else 0
    hours = HISTORY_HOURS + 1  # the current hour's counter and a day of history
    return {
        "keys": [key.decode() for key in keys],
        "requests": counted,
        "bytes_per_key": per_key,
        "users": PROJECTED_USERS,
        "projected_one_hour": per_key * PROJECTED_USERS,
        "history_hours": hours,
        "projected_full_history": per_key * hours * PROJECTED_USERS,
    }


def _throttle(bench, seeded, scale, me, metered, load) -> int:
    log("Throttle cost: a metered user at the start of the window and after 100,000 requests")
    windows = set()
    for number in range(scale.rounds):
        for case, preset in alternate(number, [(METERED_START, None), (METERED_AFTER, 100_000)]):
            time.sleep(0.5)  # wrk stops with requests in flight: let the server finish them
            windows.add(set_usage(seeded.metered_user_id, preset))
            if preset is not None:
                status, body = http_get(bench.base_url + me, seeded.metered_access_token)
                remaining = int(body["headers"].get("X-RateLimit-Remaining", -1))
                used = seeded.metered_limit - remaining
                if status != 200 or used != preset + 1:
                    raise SystemExit(f"The preset counter was not the one served ({used})")
            bench.run(case, me, env=metered, **load)
    return len(windows)


def _projects(bench, seeded, scale, jwt) -> None:
    log(f"Projects: the first page and page {scale.deep_page:,} of {scale.projects:,}")
    first = "/v1/projects"
    deep = f"/v1/projects?cursor={urllib.parse.quote(seeded.deep_cursor)}"
    status, body = http_get(bench.base_url + first, seeded.access_token)
    if status != 200 or body["results"][0]["id"] != seeded.first_page_first_id:
        raise SystemExit(f"GET /v1/projects did not start with the newest project ({status})")
    status, body = http_get(bench.base_url + deep, seeded.access_token)
    if status != 200 or body["results"][0]["id"] != seeded.deep_first_id:
        raise SystemExit(f"The deep cursor did not land on page {scale.deep_page} ({status})")
    # Latency at a light load (2 connections): the question is what one page costs.
    light = {"script": "get.lua", "env": jwt, "connections": 2, "seconds": scale.seconds}
    pages = [(FIRST_PAGE, first), (deep_page_case(scale), deep)]
    for number in range(scale.rounds):
        for case, path in alternate(number, pages):
            bench.run(case, path, **light)
    # Not a target: the same two pages with ?organization=, which lets PostgreSQL walk the
    # (organization, created_at) index instead of sorting every project of the caller.
    only = f"organization={seeded.organization_id}"
    bench.run(f"{FIRST_PAGE} (?organization=)", f"{first}?{only}", **light)
    bench.run(f"{deep_page_case(scale)} (?organization=)", f"{deep}&{only}", **light)


def _growth(bench, seeded, scale) -> None:
    counts = scale.org_counts
    log(f"Projects' first page for users in {', '.join(f'{c:,}' for c in counts)} organizations")
    for count in counts:
        status, body = http_get(bench.base_url + "/v1/projects", seeded.growth_tokens[count])
        if status != 200 or body["results"][0]["id"] != seeded.growth_first_id:
            raise SystemExit(f"GET /v1/projects for the user in {count} answered {status}")
    light = {"script": "get.lua", "connections": 2, "seconds": scale.seconds}
    cases = [(growth_case(c), {"BENCH_AUTH": f"Bearer {seeded.growth_tokens[c]}"}) for c in counts]
    for number in range(scale.rounds):
        for case, env in alternate(number, cases):
            bench.run(case, "/v1/projects", env=env, **light)


def _members(bench, seeded, scale, jwt) -> None:
    log(f"Members: the first page and page {scale.members_deep_page:,} of {scale.members:,}")
    first = f"/v1/organizations/{seeded.members_organization_id}/members"
    deep = f"{first}?cursor={urllib.parse.quote(seeded.members_deep_cursor)}"
    for path, expected in ((first, seeded.members_first_user_id),
                           (deep, seeded.members_deep_user_id)):  # fmt: skip
        status, body = http_get(bench.base_url + path, seeded.access_token)
        if status != 200 or body["results"][0]["user"]["id"] != expected:
            raise SystemExit(f"GET {path} did not start with the member expected ({status})")
    light = {"script": "get.lua", "env": jwt, "connections": 2, "seconds": scale.seconds}
    pages = [(MEMBERS_FIRST, first), (members_deep_case(scale), deep)]
    for number in range(scale.rounds):
        for case, path in alternate(number, pages):
            bench.run(case, path, **light)


def _revocations(bench, seeded, scale, me, jwt, load) -> dict:
    """The revoked-token table after `scale.logouts` logouts, users/me beside it, and the
    purge command's time (in this process, on the bench database)."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import RevokedAccessToken

    log(f"Revocations: {scale.logouts:,} logouts, users/me beside them, then the purge")
    seeded_table = seed_revocations(seeded.user_id, scale.logouts)
    bench.run(ME_REVOKED, me, env=jwt, **load)
    started = time.monotonic()
    call_command("purge_revoked_tokens", stdout=io.StringIO())
    purge_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [RevokedAccessToken._meta.db_table])
        bytes_after = cursor.fetchone()[0]
    return {
        **seeded_table,
        "purge_seconds": purge_seconds,
        "left": RevokedAccessToken.objects.count(),
        "bytes_after": bytes_after,
    }


def _post(bench, seeded, scale, jwt) -> None:
    log(f"POST /v1/projects under {scale.post_connections} connections")
    bench.run(
        POST,
        "/v1/projects",
        script="post_project.lua",
        env={
            **jwt,
            "BENCH_ORGANIZATION": seeded.organization_id,
            "BENCH_TAG": secrets.token_hex(3),
        },
        connections=scale.post_connections,
        seconds=scale.post_seconds,
    )


def _flood(bench, seeded, scale, me, jwt) -> None:
    log("users/me at rest and during a flood of wrong-password logins")
    # A steady probe (paced, well below capacity), so that its p99 shows interference rather
    # than its own queueing. The flood runs beside it in windows; the first window (the
    # onset) is when its first attempts still reach the password hasher, until the
    # per-email limit is spent. From then on every attempt is refused before the hasher.
    probe = {
        "script": "get.lua",
        "env": {**jwt, "BENCH_DELAY_MS": str(PROBE_DELAY_MS)},
        "connections": PROBE_CONNECTIONS,
        "seconds": scale.flood_seconds,
    }
    flood = {
        "script": "login_flood.lua",
        "env": {"BENCH_EMAIL": seeded.victim_email, "BENCH_DELAY_MS": str(FLOOD_DELAY_MS)},
        "connections": FLOOD_CONNECTIONS,
        "seconds": scale.flood_seconds + 1,
    }
    bench.run(AT_REST, me, **probe)
    for case in [ONSET, *[DURING] * scale.rounds]:
        flooding, command = bench.start(FLOOD, "/v1/auth/login", **flood)
        time.sleep(0.5)
        bench.run(case, me, **probe)
        bench.finish(FLOOD, flooding, command)
        if case == DURING:
            bench.run(AT_REST, me, **probe)
