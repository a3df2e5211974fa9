"""The machinery: services, the bench database, gunicorn, and wrk with its runs and CPU."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import (
    LOGIN_FAILURES_PER_EMAIL,
    LOGIN_RATE_PER_IP,
    ROOT,
    WRK_DIR,
    log,
)

# --- The environment ------------------------------------------------------------------------


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


def start_gunicorn(
    environment: dict[str, str],
    workdir: Path,
    *,
    settings: str | None = None,
    name: str = "gunicorn",
    health_path: str = "/healthz",
    health_token: str | None = None,
) -> Server:
    """The Procfile's `web` command, bound to the loopback on a free port.

    `settings` serves another settings module with the same gunicorn.conf.py (the bench's
    references: the bare floor, the naive build); `health_path` is then a URL it serves.
    """
    port = free_port()
    log_path = workdir / f"{name}.log"
    if settings:
        environment = {**environment, "DJANGO_SETTINGS_MODULE": settings}
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
            status, _ = http_get(server.base_url + health_path, health_token)
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
    # The status of one more request like the case's, sent and answered after wrk stopped:
    # what the case answers, known however few requests wrk finished in its window.
    checked_status: int | None = None

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

    master_pids: list[int]  # every gunicorn of the run: the idle ones cost next to nothing
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
        gunicorn = 0.0
        for master in self.master_pids:
            workers = Path(f"/proc/{master}/task/{master}/children")
            gunicorn += _cpu_seconds(master, children=True) + sum(
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
    floor_url: str = ""  # the bare floor's gunicorn (bench.settings_floor)
    naive_url: str = ""  # the naive build's gunicorn (bench.naive.settings)
    results: dict[str, list[Run]] = field(default_factory=dict)

    def command(
        self,
        path: str,
        *,
        script: str,
        connections: int,
        seconds: int,
        env: dict[str, str],
        base: str | None = None,
    ) -> tuple[list[str], dict[str, str], str]:
        threads = min(2, connections)
        command = [self.wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
        command += ["--timeout", "10s", "--latency", "-s", str(WRK_DIR / script)]
        command.append((base or self.base_url) + path)
        environment = {**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **env}
        shown = " ".join(
            f"{name}={_redact(name, value)}" for name, value in env.items() if name != "BENCH_TAG"
        )
        shown_path = path.replace(self.floor_user_id, "<user id>") if self.floor_user_id else path
        arguments = [arg.replace(f"{ROOT}/", "") for arg in command[1:-1]]
        # A reference server (the bare floor, the naive build) listens on a port of its own.
        host = "http://127.0.0.1:" + ("PORT" if base is None else "REFERENCE_PORT")
        printable = " ".join([*([shown] if shown else []), "wrk", *arguments, host + shown_path])
        return command, environment, printable

    def start(self, case: str, path: str, **options) -> tuple[subprocess.Popen, str]:
        command, environment, printable = self.command(path, **options)
        process = subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        process.bench_request = (path, options)  # for the check in finish()
        return process, printable

    def answer_once(
        self, path: str, *, script: str, env: dict[str, str], base: str | None = None, **_
    ) -> int:
        """The status of one request like those the case's wrk script sends."""
        headers = {"Content-Type": "application/json"}
        if env.get("BENCH_AUTH"):
            headers["Authorization"] = env["BENCH_AUTH"]
        body = None
        if script == "login_flood.lua":
            body = {"email": env["BENCH_EMAIL"], "password": "wrong-guess-check"}
        elif script == "post_project.lua":
            name = f"bench check {secrets.token_hex(3)}"
            body = {"organization": env["BENCH_ORGANIZATION"], "name": name}
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own server on the loopback
            (base or self.base_url) + path, data=data, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

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
        path, options = process.bench_request
        run.checked_status = self.answer_once(path, **options)
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
