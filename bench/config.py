"""What the benchmark runs with: paths, defaults, the two scales, and the log line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_DIR = ROOT / "bench" / "wrk"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cloudbooks_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"

# The login limits the flood meets: production's defaults (cloudbooks/settings.py), set
# explicitly so an operator's environment cannot change what the bench measures.
LOGIN_RATE_PER_IP = "60/m"
LOGIN_FAILURES_PER_EMAIL = "10/15m"

USAGE_PRESET = 100_000
METERED_LIMIT = 1_000_000_000


@dataclass(frozen=True)
class Scale:
    """How big and how long: the full run, or the smoke run of the test suite."""

    name: str
    projects: int
    deep_page: int  # the 1-based page number of the deep /v1/projects page (20 per page)
    rounds: int  # alternating rounds for each side-by-side comparison
    seconds: int  # one measured wrk run
    warmup_seconds: int
    connections: int  # throughput cases
    post_seconds: int
    post_connections: int
    flood_seconds: int  # each probe window of the flood case
    workers: int | None  # None: gunicorn.conf.py's default (2 × cores + 1)
    # Cost as the work grows (the growth table of RESULTS.md):
    org_counts: tuple[int, ...]  # GET /v1/projects for a user in this many organizations
    projects_per_org: int
    members: int  # GET /v1/organizations/{id}/members of an organization this big
    members_deep_page: int  # ... its first page against this 1-based page
    logouts: int  # revoked access tokens in the table before purge_revoked_tokens runs


FULL = Scale(
    name="full",
    projects=100_000,
    deep_page=2_000,
    rounds=7,
    seconds=4,
    warmup_seconds=4,
    connections=8,
    post_seconds=10,
    post_connections=32,
    flood_seconds=6,
    workers=None,
    org_counts=(1, 10, 100, 1_000),
    projects_per_org=100,
    members=10_000,
    members_deep_page=400,
    logouts=1_000_000,
)
SMOKE = Scale(
    name="smoke",
    projects=120,
    deep_page=3,
    rounds=1,
    seconds=1,
    warmup_seconds=1,
    connections=4,
    post_seconds=1,
    post_connections=32,
    flood_seconds=1,
    workers=2,
    org_counts=(1, 2, 3),
    projects_per_org=3,
    members=60,
    members_deep_page=3,
    logouts=1_000,
)
PAGE_SIZE = 20

# The flood case: a steady probe of GET /v1/users/me and wrong-password logins beside it.
PROBE_CONNECTIONS = 4
PROBE_DELAY_MS = 10
FLOOD_CONNECTIONS = 2
FLOOD_DELAY_MS = 20

PROFILE_SECONDS = 10

# The naive build's DRF UserRateThrottle: high enough never to refuse during a run.
NAIVE_THROTTLE_RATE = "1000000/hour"
# Revocations seeded for the purge: this share has already expired (what the purge deletes).
EXPIRED_SHARE = 0.9
# Redis memory is projected to this many active users.
PROJECTED_USERS = 1_000_000


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)
