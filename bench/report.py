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
    FLOOR_BEHIND,
    ME_JWT,
    ME_KEY,
    ME_REVOKED,
    MEMBERS_FIRST,
    METERED_AFTER,
    METERED_START,
    NAIVE,
    POST,
    deep_page_case,
    growth_case,
    members_deep_case,
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


def summarize(bench: Bench, scale: Scale, notes: dict | None = None) -> dict:
    """The ratios of issue #20's table (the first seven, in its order), the older targets
    kept, and one row without a target (users/me against the old floor behind our
    middleware); the growth table's numbers."""
    r = bench.results
    rows = []
    if ME_JWT in r:
        rows += [
            (f"{ME_JWT} ÷ {FLOOR}, rps", paired_ratio(r[ME_JWT], r[FLOOR], "rps"), "≥ 0.60"),
            (f"{ME_KEY} ÷ {ME_JWT}, rps", paired_ratio(r[ME_KEY], r[ME_JWT], "rps"), "≥ 0.95"),
            (f"{ME_JWT} ÷ {NAIVE}, rps", paired_ratio(r[ME_JWT], r[NAIVE], "rps"), "≥ 1.5"),
        ]
    if METERED_START in r:
        after = paired_ratio(r[METERED_AFTER], r[METERED_START], "rps")
        rows.append((f"{METERED_AFTER} ÷ {METERED_START}, rps", after, "≥ 0.95"))
    counts = scale.org_counts
    if growth_case(counts[0]) in r:
        most, fewest = growth_case(counts[-1]), growth_case(counts[0])
        grew = paired_ratio(r[most], r[fewest], "p50_ms")
        rows.append((f"{most} ÷ {fewest}, p50", grew, "≤ 2.0"))
    if MEMBERS_FIRST in r:
        deep = paired_ratio(r[members_deep_case(scale)], r[MEMBERS_FIRST], "p50_ms")
        rows.append((f"{members_deep_case(scale)} ÷ {MEMBERS_FIRST}, p50", deep, "≤ 1.2"))
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
    # Kept from before the issue: a deep page of one organization's projects, and writes.
    if FIRST_PAGE in r:
        deep = paired_ratio(r[deep_page_case(scale)], r[FIRST_PAGE], "p50_ms")
        rows.append((f"{deep_page_case(scale)} ÷ {FIRST_PAGE}, p50", deep, "≤ 1.2"))
    if POST in r:
        post = r[POST][0]
        bad = (post.non2xx or 0) + post.socket_errors + (post.requests == 0)
        rows.append((f"{POST} × {scale.post_connections} connections: non-2xx", bad, "0"))
    if ME_JWT in r:
        # No target: the old floor, which sits behind every middleware of ours.
        behind = paired_ratio(r[ME_JWT], r[FLOOR_BEHIND], "rps")
        rows.append((f"{ME_JWT} ÷ {FLOOR_BEHIND}, rps", behind, "—"))
    cross = []
    if ME_JWT in r and r[ME_JWT][0].cpu_ms is not None:
        cross = [
            (f"{FLOOR} ÷ {ME_JWT}", paired_ratio(r[FLOOR], r[ME_JWT], "cpu_ms"), "≥ 0.60"),
            (f"{ME_JWT} ÷ {ME_KEY}", paired_ratio(r[ME_JWT], r[ME_KEY], "cpu_ms"), "≥ 0.95"),
            (f"{NAIVE} ÷ {ME_JWT}", paired_ratio(r[NAIVE], r[ME_JWT], "cpu_ms"), "≥ 1.5"),
        ]
        if METERED_START in r:
            start_after = paired_ratio(r[METERED_START], r[METERED_AFTER], "cpu_ms")
            cross.append((f"{METERED_START} ÷ {METERED_AFTER}", start_after, "≥ 0.95"))
    ratios = []
    for name, value, target in rows:
        if target == "—":
            ratios.append({"name": name, "value": value, "target": target, "met": None})
            continue
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
    return {"ratios": ratios, "cpu_ratios": cpu, "growth": _growth(bench, scale, notes or {})}


def _median(runs: list[Run], metric: str) -> float:
    return statistics.median(getattr(run, metric) for run in runs) if runs else float("nan")


def _growth(bench: Bench, scale: Scale, notes: dict) -> dict:
    r = bench.results
    growth: dict = {}
    if growth_case(scale.org_counts[0]) in r:
        growth["projects"] = [
            {
                "organizations": count,
                "projects": count * scale.projects_per_org,
                "p50_ms": _median(r[growth_case(count)], "p50_ms"),
                "p99_ms": _median(r[growth_case(count)], "p99_ms"),
            }
            for count in scale.org_counts
        ]
    if MEMBERS_FIRST in r:
        pages = ((1, MEMBERS_FIRST), (scale.members_deep_page, members_deep_case(scale)))
        growth["members"] = [
            {
                "page": page,
                "p50_ms": _median(r[case], "p50_ms"),
                "p99_ms": _median(r[case], "p99_ms"),
            }
            for page, case in pages
        ]
    if "redis_memory" in notes:
        growth["redis_memory"] = notes["redis_memory"]
    if "revocations" in notes:
        revocations = dict(notes["revocations"])
        if ME_REVOKED in r and ME_JWT in r:
            revocations["users_me_rps"] = r[ME_REVOKED][0].rps
            revocations["users_me_rps_before"] = _median(r[ME_JWT], "rps")
        growth["revocations"] = revocations
    return growth


def _size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"


def render_growth(scale: Scale, growth: dict) -> list[str]:
    lines: list[str] = []
    if not growth:
        return lines
    lines += ["", "### Cost as the work grows", ""]
    if "projects" in growth:
        lines += [
            f"`GET /v1/projects`, first page, for a user in n organizations of "
            f"{scale.projects_per_org:,} projects each (2 connections; median of the rounds):",
            "",
            "| organizations | projects visible | p50 ms | p99 ms |",
            "|---|---|---|---|",
        ]
        for row in growth["projects"]:
            lines.append(
                f"| {row['organizations']:,} | {row['projects']:,} | {row['p50_ms']:.2f} | "
                f"{row['p99_ms']:.2f} |"
            )
        lines.append("")
    if "members" in growth:
        lines += [
            f"`GET /v1/organizations/{{id}}/members`, an organization of {scale.members:,} "
            f"members (and its owner), {PAGE_SIZE} per page:",
            "",
            "| page | p50 ms | p99 ms |",
            "|---|---|---|",
        ]
        for row in growth["members"]:
            lines.append(f"| {row['page']:,} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |")
        lines.append("")
    if "redis_memory" in growth:
        memory = growth["redis_memory"]
        lines += [
            "Redis memory for the plan counter, which is also the usage history (one key per "
            f"user and clock hour, kept {memory['history_hours']} hours): `MEMORY USAGE` of "
            f"the real keys of the `users/me` user after {memory['requests']:,} counted "
            f"requests ({len(memory['keys'])} key(s)):",
            "",
            "| | per active user | × " + f"{memory['users']:,} users |",
            "|---|---|---|",
            f"| users active in one hour (one key each) | {_size(memory['bytes_per_key'])} | "
            f"{_size(memory['projected_one_hour'])} |",
            f"| users active every hour of the history ({memory['history_hours']} keys each) | "
            f"{_size(memory['bytes_per_key'] * memory['history_hours'])} | "
            f"{_size(memory['projected_full_history'])} |",
            "",
            "(`MEMORY USAGE` counts the key, its value and the hash-table entry; the expiry "
            "table's entry and allocator overhead come on top.)",
            "",
        ]
    if "revocations" in growth:
        rev = growth["revocations"]
        lines += [
            f"The revoked-token table after {rev['rows']:,} logouts ({rev['expired']:,} of "
            f"them already expired), seeded in bulk: {_size(rev['bytes'])} with its index. "
            f"`purge_revoked_tokens` took {rev['purge_seconds']:.2f} s and left "
            f"{rev['left']:,} rows ({_size(rev['bytes_after'])} until VACUUM returns space).",
        ]
        if "users_me_rps" in rev:
            lines.append(
                "`users/me` with an access token beside the full table: "
                f"{rev['users_me_rps']:,.1f} rps (one run), against "
                f"{rev['users_me_rps_before']:,.1f} rps (median) before it."
            )
        lines.append("")
    return lines


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
        f"- Data: {scale.projects:,} projects in one organization; page size {PAGE_SIZE}. "
        f"Growth: {max(scale.org_counts):,} organizations of {scale.projects_per_org:,} "
        f"projects, an organization of {scale.members:,} members, "
        f"{scale.logouts:,} revoked tokens.",
        "- References, each its own gunicorn with the same `gunicorn.conf.py` and workers: "
        "the bare floor (`bench.settings_floor`: the floor view behind `SecurityMiddleware` "
        "and `CommonMiddleware` only) and the naive build (`bench.naive`: stock DRF, "
        "SimpleJWT's `JWTAuthentication`, DRF's `UserRateThrottle` on the same Redis, a "
        "`ModelSerializer`).",
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
        verdict = "—" if item["met"] is None else "met" if item["met"] else "**missed**"
        lines.append(f"| {item['name']} | {shown} | {item['target']} | {verdict} |")
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
    lines += render_growth(scale, summary.get("growth", {}))
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
