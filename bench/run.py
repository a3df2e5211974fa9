#!/usr/bin/env python3
"""The benchmark: the real stack under wrk, and bench/RESULTS.md (`make bench`).

    python3 bench/run.py             # the full run (about 6 minutes), writes bench/RESULTS.md
    python3 bench/run.py --smoke     # the same code path on tiny data, ~1 s per case
    python3 bench/run.py --profile   # also samples the workers with py-spy under load

It starts what production runs — gunicorn with `gunicorn.conf.py`, DEBUG off, PostgreSQL and
Redis — on a database and a Redis database of its own, seeds them, and drives load with wrk
from this machine. Every ratio is measured side by side in the same run, in alternating
rounds, so a neighbour's load on the machine weighs on both sides of a ratio alike.

Nothing here is part of the application: bench.settings (the production settings plus a
floor view) exists only for this.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_DIR = ROOT / "bench" / "wrk"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
BEGIN_MARK = "<!-- bench:run:begin (written by bench/run.py; edit outside these marks) -->"
END_MARK = "<!-- bench:run:end -->"

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


# --- The environment ------------------------------------------------------------------------


def ensure_venv() -> None:
    """Re-run under the project's .venv (created by dev.py) when started with another Python."""
    venv = ROOT / ".venv"
    if Path(sys.prefix).resolve() == venv.resolve():
        return
    sys.path.insert(0, str(ROOT))
    import dev

    dev.ensure_venv()
    os.execv(str(dev.PYTHON), [str(dev.PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])


def ensure_wrk() -> str:
    """wrk from Debian's package, installed if missing (this machine kind runs as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise SystemExit("wrk is not installed and cannot be installed here: apt-get install wrk")
    log("Installing wrk (apt-get)")
    install = ["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "wrk"]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(install, check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def _is_local(url: str) -> bool:
    return urllib.parse.urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def ensure_services(database_url: str, redis_url: str) -> None:
    """Start the local PostgreSQL and Redis if they are not running: the commands of .ci/run."""

    def pg_ready() -> bool:
        parts = urllib.parse.urlsplit(database_url)
        command = ["pg_isready", "-q", "-h", parts.hostname or "127.0.0.1"]
        command += ["-p", str(parts.port or 5432)]
        return subprocess.run(command).returncode == 0

    def redis_ready() -> bool:
        parts = urllib.parse.urlsplit(redis_url)
        command = ["redis-cli", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 6379)]
        return subprocess.run([*command, "ping"], capture_output=True).returncode == 0

    if _is_local(database_url) and not pg_ready():
        log("Starting PostgreSQL")
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
        )
    if _is_local(redis_url) and not redis_ready():
        log("Starting Redis")
        for folder in ("/var/lib/redis", "/var/log/redis"):
            os.makedirs(folder, exist_ok=True)
        subprocess.run(
            [
                "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
                "--port", "6379", "--save", "", "--appendonly", "no",
                "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
            ],
            check=True,
        )  # fmt: skip
    for _ in range(30):
        if pg_ready() and redis_ready():
            return
        time.sleep(1)
    raise SystemExit(f"PostgreSQL ({database_url}) or Redis ({redis_url}) is not answering")


def recreate_database(database_url: str) -> None:
    """A fresh, empty database of the bench's own (dropped first if a previous run left it)."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(args, workdir: Path) -> dict[str, str]:
    """What gunicorn (and this process, for seeding) run with: production, on bench storage."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # Plain HTTP on the loopback: no TLS terminator in front of it here.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # Tokens are minted once at seeding; they must outlive the run.
        "JWT_ACCESS_MINUTES": "120",
        "LOGIN_RATE_PER_IP": LOGIN_RATE_PER_IP,
        "LOGIN_FAILURES_PER_EMAIL": LOGIN_FAILURES_PER_EMAIL,
        "TRUSTED_PROXY_COUNT": "0",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
    if args.scale.workers:
        environment["WEB_CONCURRENCY"] = str(args.scale.workers)
    else:
        environment.pop("WEB_CONCURRENCY", None)
        os.environ.pop("WEB_CONCURRENCY", None)
    return environment


# --- Seeding (in this process, through the application's own code) -------------------------


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


# --- The server -----------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(environment: dict[str, str], workdir: Path) -> Server:
    """The Procfile's `web` command, bound to the loopback on a free port."""
    port = free_port()
    log_path = workdir / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "cloudbooks.wsgi", "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}"]
    with open(log_path, "ab") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log_path}")
        with contextlib.suppress(OSError):
            status, _ = http_get(server.base_url + "/healthz")
            if status == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"gunicorn did not become healthy; see {log_path}")


def http_get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url)  # noqa: S310 - our own server on the loopback
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            body = response.read()
            is_json = response.headers.get_content_type() == "application/json"
            return response.status, {
                "headers": dict(response.headers),
                **(json.loads(body) if is_json else {}),
            }
    except urllib.error.HTTPError as error:
        return error.code, {"headers": dict(error.headers)}


def worker_pids(server: Server) -> list[int]:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Run:
    case: str
    command: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    status_errors: int  # answers >= 400 (wrk's own count)
    non2xx: int | None  # counted by the scripts that look at every answer
    s401: int = 0
    s429: int = 0
    cpu_ms: float | None = None  # server-side CPU per request (ServerCpu)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int, *, children: bool = False) -> float:
    """utime + stime of `pid` (and of its reaped children), from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # fields[0] is the state (field 3 of stat(5)): utime, stime, cutime, cstime are 14-17.
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICKS


@dataclass
class ServerCpu:
    """CPU time spent serving: gunicorn (master, workers, workers already recycled), the
    PostgreSQL backends of the bench database, and Redis. Unlike rps, CPU per request does
    not move with what other processes on the machine do, so it cross-checks the ratios.
    (Redis is shared with whatever else uses it on this machine.)"""

    master_pid: int
    database: str
    admin_url: str
    redis_pid: int | None

    def _backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
            ).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict:
        workers = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        gunicorn = _cpu_seconds(self.master_pid, children=True) + sum(
            _cpu_seconds(int(pid)) for pid in workers.read_text().split()
        )
        others = {pid: _cpu_seconds(pid) for pid in self._backends()}
        if self.redis_pid:
            others[self.redis_pid] = _cpu_seconds(self.redis_pid)
        return {"gunicorn": gunicorn, "others": others}

    @staticmethod
    def spent(before: dict, after: dict) -> float:
        # gunicorn as totals: a recycled worker's time moves into the master's cutime.
        # Backends per process: one that ended took its time with it (none do, normally).
        return (after["gunicorn"] - before["gunicorn"]) + sum(
            seconds - before["others"].get(pid, 0.0) for pid, seconds in after["others"].items()
        )


@dataclass
class Bench:
    wrk: str
    base_url: str
    floor_user_id: str = ""
    cpu: ServerCpu | None = None
    results: dict[str, list[Run]] = field(default_factory=dict)

    def command(
        self,
        path: str,
        *,
        script: str,
        connections: int,
        seconds: int,
        env: dict[str, str],
    ) -> tuple[list[str], dict[str, str], str]:
        threads = min(2, connections)
        command = [self.wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
        command += ["--timeout", "10s", "--latency", "-s", str(WRK_DIR / script)]
        command.append(self.base_url + path)
        environment = {**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **env}
        shown = " ".join(
            f"{name}={_redact(name, value)}" for name, value in env.items() if name != "BENCH_TAG"
        )
        shown_path = path.replace(self.floor_user_id, "<user id>") if self.floor_user_id else path
        arguments = [arg.replace(f"{ROOT}/", "") for arg in command[1:-1]]
        printable = " ".join(
            [*([shown] if shown else []), "wrk", *arguments, "http://127.0.0.1:PORT" + shown_path]
        )
        return command, environment, printable

    def start(self, case: str, path: str, **options) -> tuple[subprocess.Popen, str]:
        command, environment, printable = self.command(path, **options)
        process = subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return process, printable

    def finish(self, case: str, process: subprocess.Popen, printable: str) -> Run:
        stdout, stderr = process.communicate(timeout=600)
        line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None)
        if process.returncode != 0 or line is None:
            raise SystemExit(f"wrk failed for {case}:\n{stdout}\n{stderr}")
        data = json.loads(line.removeprefix("BENCH_RESULT "))
        errors = data["errors"]
        latency = data["latency_us"]
        run = Run(
            case=case,
            command=printable,
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p99_ms=latency["p99"] / 1000,
            max_ms=latency["max"] / 1000,
            socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
            status_errors=errors["status"],
            non2xx=data["non2xx"] if data["counted"] else None,
            s401=data["s401"],
            s429=data["s429"],
        )
        self.results.setdefault(case, []).append(run)
        log(
            f"  {case:<28} {run.rps:9.1f} rps  p50 {run.p50_ms:7.2f} ms  "
            f"p99 {run.p99_ms:7.2f} ms  errors {run.socket_errors}/{run.status_errors}"
            + (f"  non-2xx {run.non2xx}" if run.non2xx is not None else "")
        )
        return run

    def run(self, case: str, path: str, **options) -> Run:
        before = self.cpu.snapshot() if self.cpu else None
        process, printable = self.start(case, path, **options)
        run = self.finish(case, process, printable)
        if before is not None:
            time.sleep(0.3)  # the requests wrk left in flight finish and are counted
            run.cpu_ms = 1000 * ServerCpu.spent(before, self.cpu.snapshot()) / max(run.requests, 1)
        return run


def _redact(name: str, value: str) -> str:
    if name == "BENCH_AUTH":
        kind = "<API key>" if "sk_live_" in value else "<access token>"
        return f'"Bearer {kind}"'
    if name == "BENCH_ORGANIZATION":
        return "<organization id>"
    return value


# --- The cases ------------------------------------------------------------------------------


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


# --- Results --------------------------------------------------------------------------------


def paired_ratio(runs_a: list[Run], runs_b: list[Run], metric: str) -> float:
    """The median over rounds of metric(a) ÷ metric(b), each pair measured back to back."""
    ratios = [
        getattr(a, metric) / getattr(b, metric)
        for a, b in zip(runs_a, runs_b, strict=False)
        if getattr(b, metric)
    ]
    return statistics.median(ratios) if ratios else float("nan")


def summarize(bench: Bench, scale: Scale) -> dict:
    r = bench.results
    rows = []
    if ME_JWT in r:
        rows += [
            (f"{ME_JWT} ÷ {FLOOR}, rps", paired_ratio(r[ME_JWT], r[FLOOR], "rps"), "≥ 0.75"),
            (f"{ME_KEY} ÷ {ME_JWT}, rps", paired_ratio(r[ME_KEY], r[ME_JWT], "rps"), "≥ 0.95"),
        ]
    if METERED_START in r:
        after = paired_ratio(r[METERED_AFTER], r[METERED_START], "rps")
        rows.append((f"{METERED_AFTER} ÷ {METERED_START}, rps", after, "≥ 0.95"))
    if FIRST_PAGE in r:
        deep = paired_ratio(r[deep_page_case(scale)], r[FIRST_PAGE], "p50_ms")
        rows.append((f"{deep_page_case(scale)} ÷ {FIRST_PAGE}, p50", deep, "≤ 1.2"))
    if POST in r:
        post = r[POST][0]
        bad = (post.non2xx or 0) + post.socket_errors + (post.requests == 0)
        rows.append((f"{POST} × {scale.post_connections} connections: non-2xx", bad, "0"))
    if DURING in r:
        # Each flood window is compared with the mean of the rest windows around it.
        during, rests = r[DURING], r[AT_REST]
        windows = [
            run.p99_ms / statistics.fmean([rests[i].p99_ms, rests[i + 1].p99_ms])
            for i, run in enumerate(during)
            if i + 1 < len(rests)
        ]
        flood = statistics.median(windows) if windows else float("nan")
        rows.append((f"{DURING} ÷ {AT_REST} (mean of the windows around it), p99", flood, "≤ 1.5"))
    cross = []
    if ME_JWT in r and r[ME_JWT][0].cpu_ms is not None:
        cross = [
            (f"{FLOOR} ÷ {ME_JWT}", paired_ratio(r[FLOOR], r[ME_JWT], "cpu_ms"), "≥ 0.75"),
            (f"{ME_JWT} ÷ {ME_KEY}", paired_ratio(r[ME_JWT], r[ME_KEY], "cpu_ms"), "≥ 0.95"),
        ]
        if METERED_START in r:
            start_after = paired_ratio(r[METERED_START], r[METERED_AFTER], "cpu_ms")
            cross.append((f"{METERED_START} ÷ {METERED_AFTER}", start_after, "≥ 0.95"))
    ratios = []
    for name, value, target in rows:
        bound = float(target.split()[-1])
        if target.startswith("≥"):
            met = value >= bound
        elif target.startswith("≤"):
            met = value <= bound
        else:
            met = value == bound
        ratios.append({"name": name, "value": value, "target": target, "met": met})
    cpu = [
        {"name": name, "value": value, "target": target, "met": value >= float(target.split()[-1])}
        for name, value, target in cross
    ]
    return {"ratios": ratios, "cpu_ratios": cpu}


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def versions(args) -> dict:
    import django
    import psycopg
    import redis
    from django.db import connection

    wrk_version = subprocess.run([args.wrk, "-v"], capture_output=True, text=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(args.redis_url).info("server")["redis_version"]
    return {
        "django": django.get_version(),
        "postgresql": postgres,
        "redis": redis_version,
        "psycopg": psycopg.__version__,
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0].strip(),
    }


def render(bench: Bench, scale: Scale, summary: dict, context: dict) -> str:
    m = context["machine"]
    v = context["versions"]
    lines = [
        BEGIN_MARK,
        f"## Run of {context['finished']} ({scale.name})",
        "",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, {m['os']}, "
        f"Python {m['python']}.",
        f"- Load average (1/5/15 min) before: {context['load_before']}; "
        f"after: {context['load_after']}. The machine is shared: other processes ran too.",
        f"- Stack: gunicorn ({context['workers']} sync workers, `gunicorn.conf.py`), "
        f"Django {v['django']}, PostgreSQL {v['postgresql']}, Redis {v['redis']}, "
        f"{v['wrk']}; wrk on the same machine.",
        f"- Data: {scale.projects:,} projects in one organization; page size {PAGE_SIZE}.",
        f"- Login limits during the run: {LOGIN_RATE_PER_IP} per IP, "
        f"{LOGIN_FAILURES_PER_EMAIL} failures per email (production's defaults).",
        f"- Each comparison: {scale.rounds} rounds of {scale.seconds} s per side, back to back "
        "in ABBA order; a ratio is the median of the rounds' ratios. Every run is listed.",
        f"- Took {context['elapsed']:.0f} s from start to end.",
        *(
            ["- The clock hour changed during the throttle case: its rounds span two windows."]
            if context["notes"].get("throttle_windows", 1) > 1
            else []
        ),
        "",
        "### Ratios",
        "",
        "| ratio | measured | target | |",
        "|---|---|---|---|",
    ]
    for item in summary["ratios"]:
        value = item["value"]
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        lines.append(
            f"| {item['name']} | {shown} | {item['target']} | "
            f"{'met' if item['met'] else '**missed**'} |"
        )
    if summary.get("cpu_ratios"):
        lines += [
            "",
            "Cross-check, the same comparisons in server CPU per request (gunicorn, the bench "
            "database's PostgreSQL backends and Redis; lower cost = higher throughput, so each "
            "is cheaper side ÷ dearer side and reads like the rps ratio). It does not move with "
            "the neighbours' load as rps does:",
            "",
            "| CPU per request | measured | target of the rps ratio | |",
            "|---|---|---|---|",
        ]
        for item in summary["cpu_ratios"]:
            lines.append(
                f"| {item['name']} | {item['value']:.3f} | {item['target']} | "
                f"{'met' if item['met'] else 'below'} |"
            )
    lines += [
        "",
        "### Every run",
        "",
        "| case | requests | rps | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/req | "
        "errors (socket/≥400) | non-2xx |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, runs in bench.results.items():
        for run in runs:
            non2xx = "—" if run.non2xx is None else str(run.non2xx)
            if case == "login flood":
                non2xx = f"{run.non2xx} (401: {run.s401}, 429: {run.s429})"
            cpu = "—" if run.cpu_ms is None else f"{run.cpu_ms:.2f}"
            lines.append(
                f"| {case} | {run.requests:,} | {run.rps:,.1f} | {run.p50_ms:.2f} | "
                f"{run.p90_ms:.2f} | {run.p99_ms:.2f} | {run.max_ms:.2f} | {cpu} | "
                f"{run.socket_errors}/{run.status_errors} | {non2xx} |"
            )
    lines += ["", "### Commands", "", "```sh", "python3 bench/run.py   # or: make bench"]
    seen = set()
    for runs in bench.results.values():
        for run in runs:
            if run.command not in seen:
                seen.add(run.command)
                lines.append(run.command)
    lines += ["```", "", END_MARK]
    return "\n".join(lines) + "\n"


def write_results_md(section: str) -> None:
    """Replace the generated section of RESULTS.md; the hand-written text around it stays."""
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        if BEGIN_MARK in text and END_MARK in text:
            head, rest = text.split(BEGIN_MARK, 1)
            _, tail = rest.split(END_MARK, 1)
            RESULTS_MD.write_text(head + section.rstrip("\n") + tail)
            return
        RESULTS_MD.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    RESULTS_MD.write_text("# Benchmark results\n\n" + section)


# --- Profiling ------------------------------------------------------------------------------


def profile(bench: Bench, server: Server, seeded: Seeded, scale: Scale, workdir: Path) -> None:
    """Sample every worker with py-spy while users/me is under load; print where time goes."""
    py_spy = Path(sys.executable).with_name("py-spy")
    if not py_spy.exists():
        raise SystemExit("py-spy is not installed: pip install -e '.[dev]'")
    seconds = PROFILE_SECONDS
    for label, path, token in (
        ("users-me-jwt", "/v1/users/me", seeded.access_token),
        ("users-me-api-key", "/v1/users/me", seeded.api_key),
        ("floor", f"/bench/floor/{seeded.user_id}", None),
    ):
        output = workdir / f"profile-{label}.txt"
        sampler = subprocess.Popen(
            [str(py_spy), "record", "--pid", str(server.process.pid), "--subprocesses",
             "--duration", str(seconds + 2), "--rate", "200", "--format", "raw",
             "--output", str(output), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1)
        env = {"BENCH_AUTH": f"Bearer {token}"} if token else {}
        bench.run(f"profile {label}", path, script="get.lua", env=env,
                  connections=scale.connections, seconds=seconds)  # fmt: skip
        sampler.wait(timeout=120)
        bench.results.pop(f"profile {label}", None)
        summary = summarize_profile(output, label)
        (workdir / f"profile-{label}.summary").write_text(summary)
        print(summary, flush=True)


def _frame(frame: str) -> str:
    """`get (django/views.py)` from py-spy's `get (/…/site-packages/django/views.py:500)`."""
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(Path(path).parts[-2:])})"


def summarize_profile(collapsed: Path, label: str, top: int = 30) -> str:
    """The share of samples in each function (inclusive) and at the top of the stack (self)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        samples = int(count)
        total += samples
        for name in set(frames):
            inclusive[name] = inclusive.get(name, 0) + samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
    rows = [f"profile {label}: {total} samples", "  inclusive:"]
    for name, n in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        rows.append(f"  {100 * n / max(total, 1):5.1f}%  {name}")
    rows.append("  self:")
    for name, n in sorted(own.items(), key=lambda item: -item[1])[:top]:
        rows.append(f"  {100 * n / max(total, 1):5.1f}%  {name}")
    return "\n".join(rows)


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

    log("Starting gunicorn")
    server = start_gunicorn(environment, workdir)
    parts = urllib.parse.urlsplit(args.database_url)
    redis_pid = None
    if _is_local(args.redis_url):
        redis_pid = int(redis.Redis.from_url(args.redis_url).info("server")["process_id"])
    cpu = ServerCpu(
        master_pid=server.process.pid,
        database=parts.path.lstrip("/"),
        admin_url=urllib.parse.urlunsplit(parts._replace(path="/postgres")),
        redis_pid=redis_pid,
    )
    bench = Bench(wrk=args.wrk, base_url=server.base_url, floor_user_id=seeded.user_id, cpu=cpu)
    ok = False
    workers = 0
    try:
        if args.profile or args.profile_only:
            profile(bench, server, seeded, args.scale, workdir)
        if args.profile_only:
            ok = True
            return 0
        notes = run_cases(bench, seeded, args.scale, groups=args.only)
        workers = len(worker_pids(server))
        ok = True
    finally:
        server.stop()
        if not ok:
            log(f"Failed; gunicorn's log is in {server.log_path}")

    problems = [ln for ln in server.log_path.read_text().splitlines() if "Traceback" in ln]
    summary = summarize(bench, args.scale)
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
            **context,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
    if problems:
        log(f"gunicorn logged {len(problems)} tracebacks; see {server.log_path}")
        return 1
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
