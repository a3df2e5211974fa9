#!/usr/bin/env python3
"""The benchmark: the real stack under wrk, and bench/RESULTS.md (`make bench`).

    python3 bench/run.py             # the full run (about 12 minutes), writes bench/RESULTS.md
    python3 bench/run.py --smoke     # the same code path on tiny data, ~1 s per case
    python3 bench/run.py --profile   # also samples the workers with py-spy under load

It starts what production runs — gunicorn with `gunicorn.conf.py`, DEBUG off, PostgreSQL and
Redis — on a database and a Redis database of its own, seeds them, and drives load with wrk
from this machine. Every ratio is measured side by side in the same run, in alternating
rounds, so a neighbour's load on the machine weighs on both sides of a ratio alike.

Beside the application it serves two references with the same gunicorn.conf.py, each its
own gunicorn on its own port: the bare floor (bench.settings_floor: the floor view behind
Django's SecurityMiddleware and CommonMiddleware only) and the naive build
(bench.naive.settings: stock DRF, SimpleJWT and UserRateThrottle). Nothing here is part of
the application: bench.settings (the production settings plus the floor view), and those
two, exist only for this.

This file is the entry point (arguments and the order of things); the parts are
bench/config.py (scales and constants), bench/runner.py (services, gunicorn, wrk),
bench/seed.py, bench/cases.py, bench/report.py (ratios, RESULTS.md) and bench/profiling.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

# Run as a script (`python3 bench/run.py`, from any folder), Python puts bench/ first on the
# path, not the checkout: the checkout goes first so that `bench.*` is this package.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Only the standard library at import time below: this file first runs under any python3,
# then re-executes itself inside .venv (ensure_venv) before anything else is imported.
from bench.cases import GROUPS, run_cases  # noqa: E402
from bench.config import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, FULL, SMOKE, log  # noqa: E402
from bench.profiling import profile  # noqa: E402
from bench.report import (  # noqa: E402
    RESULTS_MD,
    machine,
    render,
    summarize,
    versions,
    write_results_md,
)
from bench.runner import (  # noqa: E402
    Bench,
    Server,
    ServerCpu,
    _is_local,
    ensure_services,
    ensure_wrk,
    free_port,
    recreate_database,
    server_environment,
    start_gunicorn,
    worker_pids,
)
from bench.seed import seed  # noqa: E402

# The fault tests (tests/hardening/faults) start gunicorn the way the bench does, from here.
__all__ = ["Server", "free_port", "main", "server_environment", "start_gunicorn", "worker_pids"]


def ensure_venv() -> None:
    """Re-run under the project's .venv (created by dev.py) when started with another Python."""
    venv = ROOT / ".venv"
    if Path(sys.prefix).resolve() == venv.resolve():
        return
    sys.path.insert(0, str(ROOT))
    import dev

    dev.ensure_venv()
    os.execv(str(dev.PYTHON), [str(dev.PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, ~1 s per case")
    parser.add_argument("--profile", action="store_true", help="sample the workers with py-spy")
    parser.add_argument("--profile-only", action="store_true", help="profile, then stop")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"))
    parser.add_argument(
        "--only", nargs="+", choices=GROUPS, default=GROUPS, help="run only these cases"
    )
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--no-results-md", action="store_true", help="leave RESULTS.md alone")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    args.scale = SMOKE if args.smoke else FULL
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    args.redis_url = args.redis_url or DEFAULT_REDIS_URL

    ensure_venv()
    started = time.monotonic()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    args.wrk = ensure_wrk()
    ensure_services(args.database_url, args.redis_url)
    workdir = Path(tempfile.mkdtemp(prefix=f"cloudbooks-bench-{args.scale.name}-"))
    environment = server_environment(args, workdir)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    log(f"Database {urllib.parse.urlsplit(args.database_url).path[1:]}, Redis {args.redis_url}")
    recreate_database(args.database_url)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    log("migrate, collectstatic")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    seeded = seed(args.scale)
    connections.close_all()

    log("Starting gunicorn: CloudBooks, the bare floor, the naive build")
    server = start_gunicorn(environment, workdir)
    references = []
    try:
        references.append(
            start_gunicorn(
                environment,
                workdir,
                settings="bench.settings_floor",
                name="gunicorn-floor",
                health_path=f"/bench/floor/{seeded.user_id}",
            )
        )
        references.append(
            start_gunicorn(
                environment,
                workdir,
                settings="bench.naive.settings",
                name="gunicorn-naive",
                health_path="/v1/users/me",
                health_token=seeded.naive_access_token,
            )
        )
    except BaseException:
        for running in (server, *references):
            running.stop()
        raise
    floor_server, naive_server = references
    parts = urllib.parse.urlsplit(args.database_url)
    redis_pid = None
    if _is_local(args.redis_url):
        redis_pid = int(redis.Redis.from_url(args.redis_url).info("server")["process_id"])
    cpu = ServerCpu(
        master_pids=[s.process.pid for s in (server, floor_server, naive_server)],
        database=parts.path.lstrip("/"),
        admin_url=urllib.parse.urlunsplit(parts._replace(path="/postgres")),
        redis_pid=redis_pid,
    )
    bench = Bench(
        wrk=args.wrk,
        base_url=server.base_url,
        floor_user_id=seeded.user_id,
        cpu=cpu,
        floor_url=floor_server.base_url,
        naive_url=naive_server.base_url,
    )
    ok = False
    workers = 0
    try:
        if args.profile or args.profile_only:
            profile(bench, server, seeded, args.scale, workdir)
        if args.profile_only:
            ok = True
            return 0
        notes = run_cases(bench, seeded, args.scale, groups=args.only, redis_url=args.redis_url)
        workers = len(worker_pids(server))
        ok = True
    finally:
        for running in (server, floor_server, naive_server):
            running.stop()
        if not ok:
            log(f"Failed; gunicorn's logs are in {workdir}")

    problems = [
        line
        for running in (server, floor_server, naive_server)
        for line in running.log_path.read_text().splitlines()
        if "Traceback" in line
    ]
    summary = summarize(bench, args.scale, notes)
    context = {
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(args),
        "workers": workers,
        "load_before": load_before,
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "elapsed": time.monotonic() - started,
        "notes": notes,
    }
    connections.close_all()
    section = render(bench, args.scale, summary, context)
    print(section)
    if not args.no_results_md:
        write_results_md(section)
        log(f"Wrote {RESULTS_MD.relative_to(ROOT)}")
    if args.json:
        payload = {
            "scale": args.scale.name,
            "ratios": summary["ratios"],
            "cpu_ratios": summary["cpu_ratios"],
            "runs": {case: [vars(run) for run in runs] for case, runs in bench.results.items()},
            "server_errors": problems,
            "growth": summary["growth"],
            **context,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
    if problems:
        log(f"gunicorn logged {len(problems)} tracebacks; see the logs in {workdir}")
        return 1
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
