#!/usr/bin/env python3
"""The project's two commands, on a fresh clone with only Python 3.11+:

    python3 dev.py serve   # set up, migrate SQLite, seed demo data, serve on :8000
    python3 dev.py test    # set up, run the whole test suite

Both create `.venv` and install the project with its dev tools into it when needed.
Nothing here is configuration: the server reads the environment (README, "Configuration").

One more, for the SDKs' test suites rather than for everyday use (README, "The SDKs"):

    python3 dev.py sdk-server [--port N]   # a throwaway server; prints one JSON line
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".cloudbooks-installed"


def run(*args: str | Path, env: dict | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    """Create .venv and install the project; again only when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("CloudBooks needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing dependencies into .venv ...", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(digest)


def serve(argv: list[str]) -> None:
    env = {**os.environ}
    env.setdefault("DJANGO_DEBUG", "1")
    manage = (PYTHON, "manage.py")
    run(*manage, "migrate", "--noinput", env=env)
    run(*manage, "seed_demo", env=env)
    address = argv[0] if argv else "127.0.0.1:8000"
    os.execve(PYTHON, [str(PYTHON), "manage.py", "runserver", address], env)


def test(argv: list[str]) -> None:
    env = {**os.environ}
    # The suite runs with production settings (DEBUG off); a throwaway key for this run only.
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    env.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.execve(PYTHON, [str(PYTHON), "-m", "pytest", *argv], env)


# --- The SDK test server ------------------------------------------------------------------

SDK_SERVER_THREADS = 4
SDK_SERVER_READY_SECONDS = 120


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our loopback
            return response.status == 200
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child, before gunicorn starts: SIGTERM it if this process dies, even by SIGKILL.

    Linux only (prctl PR_SET_PDEATHSIG); elsewhere a killed sdk-server leaves gunicorn running.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Stop(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stop(signum, frame) -> None:
    raise _Stop


def sdk_server(argv: list[str], announce) -> None:
    """A throwaway production-like server for the SDKs' tests; one JSON line when it is ready.

    A fresh SQLite database in a temporary folder, migrated and seeded with new accounts;
    gunicorn with gunicorn.conf.py but one worker with threads (its local-memory cache, which
    holds rate-limit and fault counters, is then shared by every request) and no recycling;
    debug off with a key made for this run; the test controls on (cloudbooks/api/testcontrols.py).
    SIGTERM or SIGINT stops gunicorn, removes the folder and exits 0.
    """
    parser = argparse.ArgumentParser(prog="python3 dev.py sdk-server")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args(argv)
    port = args.port or _free_port()
    if not _port_is_free(port):
        # Another server there would answer /healthz for us, and the line would lie.
        sys.exit(f"sdk-server: port {port} is in use; pick another or leave out --port")
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    folder = Path(tempfile.mkdtemp(prefix="cloudbooks-sdk-server-"))
    print(f"sdk-server: a fresh database in {folder} (removed on exit)", flush=True)
    gunicorn = None
    try:
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cloudbooks.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
                "CLOUDBOOKS_SDK_TEST_SERVER": "1",
                "WEB_CONCURRENCY": "1",
            }
        )
        # SDK suites log in from one address far more often than a person would.
        env.setdefault("LOGIN_RATE_PER_IP", "1000/m")
        # gunicorn loads the application while the database is migrated and seeded: nothing
        # reaches the database before the first request, and none comes before the JSON line.
        gunicorn = subprocess.Popen(
            [str(VENV / "bin" / "gunicorn"), "cloudbooks.wsgi", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread",
             "--threads", str(SDK_SERVER_THREADS), "--max-requests", "0"],
            cwd=ROOT,
            env=env,
            start_new_session=True,  # our signal handler stops it, not the terminal's Ctrl-C
            preexec_fn=_die_with_parent,  # safe: this process runs no other thread
        )  # fmt: skip
        # Migrates the fresh database, then seeds it (one start of Django for both).
        seeded = subprocess.run(
            [str(PYTHON), "manage.py", "seed_sdk_server"], cwd=ROOT, env=env, stdout=subprocess.PIPE
        )
        if seeded.returncode:
            sys.exit(f"sdk-server: seeding the database failed ({seeded.returncode})")
        credentials = json.loads(seeded.stdout)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SDK_SERVER_READY_SECONDS
        while not _healthy(f"{base}/healthz"):
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"sdk-server: gunicorn did not come up on port {port}")
            time.sleep(0.1)
        announce(json.dumps({"base_url": f"{base}/v1", **credentials}))
        code = gunicorn.wait()
        sys.exit(f"sdk-server: gunicorn exited on its own ({code})")
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    commands = {"serve": serve, "test": test, "sdk-server": sdk_server}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [args...]")
    os.chdir(ROOT)
    if sys.argv[1] == "sdk-server":
        # Its standard output carries one JSON line and nothing else: everything else that
        # is printed (set-up, migrations, gunicorn) goes to standard error.
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "w")
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        ensure_venv()

        def announce(line: str) -> None:
            stdout.write(line + "\n")
            stdout.flush()

        sdk_server(sys.argv[2:], announce)
        return
    ensure_venv()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
