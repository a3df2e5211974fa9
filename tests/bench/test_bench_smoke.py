"""The benchmark's smoke run: `make bench`'s code path on tiny data, so that it cannot rot.

It starts gunicorn with `gunicorn.conf.py` and the production settings on PostgreSQL and
Redis, seeds, and drives every case with wrk for about a second (bench/run.py --smoke). It
checks that every case ran and answered as it should, not the ratios: those need the full
run on a quiet machine (bench/RESULTS.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
GET_CASES = [
    "bare floor",  # its own gunicorn: bench.settings_floor
    "floor view behind our middleware",
    "users/me (access token)",
    "users/me (API key)",
    "naive build users/me",  # its own gunicorn: bench.naive.settings
    "metered, window start",
    "metered, after 100,000",
    "projects, first page",
    "users/me at rest",
    "users/me, flood onset",
    "users/me during the flood",
    # Cost as the work grows (the smoke scale: 1, 2 and 3 organizations; 60 members).
    "projects, user in 1 organization",
    "projects, user in 2 organizations",
    "projects, user in 3 organizations",
    "members, first page",
    "members, page 3",
    "users/me (access token), revocations seeded",
]


def _bench_database_url() -> str:
    """A database of the smoke run's own, on the suite's PostgreSQL server if it has one."""
    configured = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(configured)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/") or "cloudbooks"
        return parts._replace(path=f"/{name}_bench_smoke").geturl()
    return "postgres://postgres@127.0.0.1:5432/cloudbooks_bench_smoke"


def _bench_redis_url() -> str:
    # The suite's own Redis database when it has one: every test starts by emptying it.
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


def _missing_tools() -> list[str]:
    missing = []
    if not shutil.which("wrk") and not (shutil.which("apt-get") and os.geteuid() == 0):
        missing.append("wrk")
    for tool in ("pg_isready", "redis-cli"):
        if not shutil.which(tool):
            missing.append(tool)
    return missing


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory) -> dict:
    missing = _missing_tools()
    if missing and not os.environ.get("CI"):
        pytest.skip(f"the benchmark needs {', '.join(missing)} (CI installs them)")
    output = tmp_path_factory.mktemp("bench") / "results.json"
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--smoke",
        "--no-results-md",
        "--json",
        str(output),
        "--database-url",
        _bench_database_url(),
        "--redis-url",
        _bench_redis_url(),
    ]
    finished = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    return json.loads(output.read_text())


def test_every_case_ran_against_a_healthy_server(smoke_run):
    # How many requests wrk finishes in a smoke window depends on the machine's speed (a
    # busy machine may finish none in a window beside the login flood): that is the full
    # run's business. What a case answers is known from the request checked after its
    # window, and no request of the window may have failed.
    assert smoke_run["scale"] == "smoke"
    assert smoke_run["server_errors"] == []
    for case in GET_CASES:
        assert smoke_run["runs"][case], case
        for run in smoke_run["runs"][case]:
            assert run["checked_status"] == 200, case
            assert run["socket_errors"] == 0, case
            assert run["status_errors"] == 0, case


def test_both_project_pages_answered(smoke_run):
    deep = [case for case in smoke_run["runs"] if case.startswith("projects, page ")]
    assert deep
    for case in deep:
        for run in smoke_run["runs"][case]:
            assert run["checked_status"] == 200, case
            assert run["status_errors"] == 0, case


def test_concurrent_project_creation_answers_only_2xx(smoke_run):
    [post] = smoke_run["runs"]["POST /v1/projects"]
    assert post["checked_status"] == 201
    assert post["non2xx"] == 0
    assert post["socket_errors"] == 0


def test_every_login_of_the_flood_is_refused(smoke_run):
    # Whether the flood reached the login limits depends on how many attempts fit in its
    # window: the limits themselves are tested with a counted number of attempts
    # (tests/accounts/test_login_limits.py).
    floods = smoke_run["runs"]["login flood"]
    assert floods
    for run in floods:
        assert run["checked_status"] in (401, 429)
        assert run["non2xx"] == run["requests"]
        assert run["non2xx"] == run["s401"] + run["s429"]


def test_every_ratio_is_measured(smoke_run):
    # The seven of issue #20, the two kept from before, and users/me against the old floor.
    assert len(smoke_run["ratios"]) == 10
    for ratio in smoke_run["ratios"]:
        assert ratio["value"] == ratio["value"], ratio  # not NaN


def test_the_growth_table_has_every_row(smoke_run):
    growth = smoke_run["growth"]
    assert [row["organizations"] for row in growth["projects"]] == [1, 2, 3]
    assert [row["page"] for row in growth["members"]] == [1, 3]
    for row in growth["projects"] + growth["members"]:
        assert row["p50_ms"] == row["p50_ms"], row  # not NaN


def test_redis_memory_is_read_from_the_real_counter_keys(smoke_run):
    memory = smoke_run["growth"]["redis_memory"]
    assert memory["keys"]
    assert all(":usage:" in key for key in memory["keys"])
    assert memory["bytes_per_key"] > 0
    assert memory["projected_one_hour"] == memory["bytes_per_key"] * 1_000_000


def test_the_purge_deletes_exactly_the_expired_revocations(smoke_run):
    revocations = smoke_run["growth"]["revocations"]
    assert revocations["rows"] == 1_000
    assert revocations["left"] == revocations["rows"] - revocations["expired"]
