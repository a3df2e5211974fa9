#!/usr/bin/env python3
"""The project's two commands, on a fresh clone with only Python 3.11+:

    python3 dev.py serve   # set up, migrate SQLite, seed demo data, serve on :8000
    python3 dev.py test    # set up, run the whole test suite

Both create `.venv` and install the project with its dev tools into it when needed.
Nothing here is configuration: the server reads the environment (README, SPEC §7).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
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


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [args...]")
    os.chdir(ROOT)
    ensure_venv()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
