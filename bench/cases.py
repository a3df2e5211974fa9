"""The cases: what is measured side by side, in which groups and in which order."""

from __future__ import annotations

import secrets
import time
import urllib.parse

from bench.config import (
    FLOOD_CONNECTIONS,
    FLOOD_DELAY_MS,
    PROBE_CONNECTIONS,
    PROBE_DELAY_MS,
    Scale,
    log,
)
from bench.runner import Bench, http_get
from bench.seed import Seeded, set_usage

# Case names, shared by the runs and the summary.
FLOOR = "floor view"
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


def deep_page_case(scale: Scale) -> str:
    return f"projects, page {scale.deep_page:,}"


def alternate(round_number: int, cases: list) -> list:
    """ABBA order: a drift in the machine's load during a comparison weighs on both sides."""
    return cases if round_number % 2 == 0 else list(reversed(cases))


GROUPS = ("users-me", "throttle", "projects", "post", "flood")


def run_cases(bench: Bench, seeded: Seeded, scale: Scale, groups=GROUPS) -> dict:
    me = "/v1/users/me"
    floor = f"/bench/floor/{seeded.user_id}"
    jwt = {"BENCH_AUTH": f"Bearer {seeded.access_token}"}
    key = {"BENCH_AUTH": f"Bearer {seeded.api_key}"}
    metered = {"BENCH_AUTH": f"Bearer {seeded.metered_access_token}"}
    load = {"script": "get.lua", "connections": scale.connections, "seconds": scale.seconds}
    notes: dict = {}

    # Every endpoint answers before anything is measured, and the workers are warm.
    tokens = (seeded.access_token, seeded.api_key, seeded.metered_access_token)
    for path, token in ((floor, None), *((me, token) for token in tokens)):
        status, _ = http_get(bench.base_url + path, token)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status} before the run")
    # The docs page renders {% static %} through collectstatic's manifest (debug is off).
    status, _ = http_get(bench.base_url + "/docs")
    if status != 200:
        raise SystemExit(f"GET /docs answered {status}: are the static files collected?")
    log("Warm-up")
    bench.run("warm-up", me, script="get.lua", env=jwt, connections=scale.connections,
              seconds=scale.warmup_seconds)  # fmt: skip
    bench.results.pop("warm-up")

    if "users-me" in groups:
        _users_me(bench, scale, floor, me, jwt, key, load)
    if "throttle" in groups:
        notes["throttle_windows"] = _throttle(bench, seeded, scale, me, metered, load)
    if "projects" in groups:
        _projects(bench, seeded, scale, jwt)
    if "post" in groups:
        _post(bench, seeded, scale, jwt)
    if "flood" in groups:
        _flood(bench, seeded, scale, me, jwt)
    return notes


def _users_me(bench, scale, floor, me, jwt, key, load) -> None:
    log("users/me: the floor view, with an access token, with an API key")
    triad = [(FLOOR, floor, {}), (ME_JWT, me, jwt), (ME_KEY, me, key)]
    for number in range(scale.rounds):
        for case, path, env in alternate(number, triad):
            bench.run(case, path, env=env, **load)


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
