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
)
PAGE_SIZE = 20

# The flood case: a steady probe of GET /v1/users/me and wrong-password logins beside it.
PROBE_CONNECTIONS = 4
PROBE_DELAY_MS = 10
FLOOD_CONNECTIONS = 2
FLOOD_DELAY_MS = 20

PROFILE_SECONDS = 10


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)
