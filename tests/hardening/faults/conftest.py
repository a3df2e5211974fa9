"""A private PostgreSQL cluster, a private Redis and gunicorn with production settings.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379): the fault tests
stop, restart and kill their own. gunicorn is started the way the benchmark starts it
(bench/run.py: `server_environment` and `start_gunicorn`, i.e. the Procfile's command with
`gunicorn.conf.py`, DEBUG off). All traffic goes to 127.0.0.1. Every process is stopped in a
finalizer, by its own pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
import requests

from bench.run import Server, free_port, server_environment, start_gunicorn, worker_pids

ROOT = Path(__file__).resolve().parents[3]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "cloudbooks"
TIMEOUT = 10  # seconds, for any one HTTP request of these tests


def _missing() -> list[str]:
    missing = [tool for tool in ("runuser", "redis-server") if not shutil.which(tool)]
    if not (PG_BIN / "initdb").exists():
        missing.append(str(PG_BIN / "initdb"))
    if os.geteuid() != 0:
        missing.append("root (initdb runs as the postgres user through runuser)")
    return missing


def pytest_collection_modifyitems(config, items):
    missing = _missing()
    if not missing or os.environ.get("CLOUDBOOKS_REQUIRE_FAULTS"):
        return
    skip = pytest.mark.skip(reason=f"the fault tests need {', '.join(missing)} (CI has them)")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


def wait_until(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


# --- PostgreSQL -----------------------------------------------------------------------------


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data),
             "-l", str(self.folder / "postgres.log"), "-o", options, "-w", "-t", "30", *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def connect(self, database: str = DATABASE) -> psycopg.Connection:
        return psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/{database}", autocommit=True
        )

    def scalar(self, sql: str, *params):
        with self.connect() as connection:
            return connection.execute(sql, params).fetchone()[0]

    def terminate_app_connections(self) -> int:
        """pg_terminate_backend on every connection to the app's database but this one."""
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (DATABASE,),
            ).fetchall()
        return len(rows)


@pytest.fixture(scope="session")
def private_postgres():
    folder = Path(tempfile.mkdtemp(prefix="cloudbooks-faults-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    postgres = PrivatePostgres(folder=folder, port=free_port())
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(postgres.data),
         "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with open(postgres.data / "postgresql.conf", "a") as conf:
        conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
    postgres.start()
    try:
        with postgres.connect("postgres") as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        yield postgres
    finally:
        with contextlib.suppress(Exception):
            postgres._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


# --- Redis ----------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    folder: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.ping, seconds=10, what="the private Redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def ping(self) -> bool:
        import redis

        return redis.Redis(port=self.port, socket_timeout=1).ping()

    def flush(self) -> None:
        import redis

        redis.Redis(port=self.port, socket_timeout=1).flushall()


@pytest.fixture(scope="session")
def private_redis():
    folder = Path(tempfile.mkdtemp(prefix="cloudbooks-faults-redis-"))
    server = PrivateRedis(folder=folder, port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- The application ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_environment(private_postgres, private_redis, tmp_path_factory) -> dict[str, str]:
    """Production settings on the private services (bench/run.py's environment), migrated."""
    args = SimpleNamespace(
        database_url=private_postgres.url,
        redis_url=private_redis.url,
        scale=SimpleNamespace(workers=2),
    )
    environment = server_environment(args, tmp_path_factory.mktemp("app"))
    environment["LOG_LEVEL"] = "INFO"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env={**os.environ, **environment}, check=True, timeout=300,
    )  # fmt: skip
    return environment


def seed(environment: dict[str, str], *args: str) -> dict:
    """tests/hardening/faults/seed.py in a subprocess, on the private database."""
    finished = subprocess.run(
        [sys.executable, "-m", "tests.hardening.faults.seed", *args],
        cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.fixture
def start_server(app_environment, private_redis, tmp_path_factory):
    """Start gunicorn (2 workers unless told) on a free port; every one is stopped after."""
    private_redis.flush()
    servers: list[Server] = []

    def start(workers: int = 2) -> Server:
        environment = {**app_environment, "WEB_CONCURRENCY": str(workers)}
        server = start_gunicorn(environment, tmp_path_factory.mktemp("gunicorn"))
        servers.append(server)
        wait_until(lambda: len(worker_pids(server)) == workers, seconds=30, what="the workers")
        return server

    yield start
    for server in servers:
        server.stop()


def call(server: Server, method: str, path: str, token: str | None = None, **kwargs):
    """One request to `server`; a connection failure is answered as None, never raised."""
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        return requests.request(
            method, server.base_url + path, headers=headers, timeout=TIMEOUT, **kwargs
        )
    except requests.RequestException:
        return None


def tracebacks(server: Server) -> list[str]:
    return [line for line in server.log_path.read_text().splitlines() if "Traceback" in line]
