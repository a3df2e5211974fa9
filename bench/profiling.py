"""Profiling (`--profile`): py-spy samples the workers under load; where the time goes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.config import PROFILE_SECONDS, Scale
from bench.runner import Bench, Server
from bench.seed import Seeded


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
