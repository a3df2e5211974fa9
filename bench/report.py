"""The results: paired ratios against their targets, the machine, and bench/RESULTS.md."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
from pathlib import Path

from bench.cases import (
    AT_REST,
    DURING,
    FIRST_PAGE,
    FLOOR,
    ME_JWT,
    ME_KEY,
    METERED_AFTER,
    METERED_START,
    POST,
    deep_page_case,
)
from bench.config import LOGIN_FAILURES_PER_EMAIL, LOGIN_RATE_PER_IP, PAGE_SIZE, ROOT, Scale
from bench.runner import Bench, Run

RESULTS_MD = ROOT / "bench" / "RESULTS.md"
BEGIN_MARK = "<!-- bench:run:begin (written by bench/run.py; edit outside these marks) -->"
END_MARK = "<!-- bench:run:end -->"


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
