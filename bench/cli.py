"""`python -m bench` (`make bench`): measure every budget, print one table.

1. Two databases of the bench's own (SQLite files in a temporary directory, or
   `cvm_align_bench_*` databases when DATABASE_URL is PostgreSQL), one seeded with
   `seed_demo --scale 1`, the other with `--scale 10`.
2. For each, a process of its own (`bench.phase`) counts queries per page, times
   the pages and the live-sync poll against a bare view, and (at scale 1) the
   report PDF against WeasyPrint alone and the last signature (the request that
   asks for the report) against the bare view. On PostgreSQL, one more process
   times the last signature on SQLite too: its budget holds on both databases.
3. With `--load` (or BENCH_LOAD=1) and PostgreSQL and Redis: the live workshop
   on push, uvicorn under a crowd of 1,000 open pages and more (`bench.load`).
4. In a process of its own, with no database, the brainstorm grouping's quality
   on a labelled set of answers, its time and its footprint (`bench.grouping`).
5. One table, `bench/results.json`, and a last line saying which budgets are met.
   The exit code is 0 whatever the budgets say: this is a measurement. It is 1
   only when the bench itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import cache, grouping, verdict
from bench.databases import BenchDatabases
from bench.load import run_load

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results.json"
SCALES = (1, 10)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the non-functional budgets of DESIGN.md."
    )
    parser.add_argument(
        "--load",
        action="store_true",
        default=os.environ.get("BENCH_LOAD", "").lower() in ("1", "true", "yes"),
        help="also run the load test (needs DATABASE_URL=postgres://... and REDIS_URL); "
        "BENCH_LOAD=1 does the same",
    )
    parser.add_argument("--rounds", type=int, default=50, help="requests per timed page")
    parser.add_argument(
        "--rendered-rounds", type=int, default=5, help="requests per page rendered afresh"
    )
    parser.add_argument("--poll-rounds", type=int, default=500, help="timed polls")
    parser.add_argument("--pdf-runs", type=int, default=5, help="report renders, each way")
    parser.add_argument("--sign-runs", type=int, default=5, help="last signatures timed")
    parser.add_argument(
        "--hold-a", type=float, default=60.0, help="load: seconds of edits in the 20 rooms (A)"
    )
    parser.add_argument(
        "--hold-b", type=float, default=30.0, help="load: seconds of edits in the room of 300 (B)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench databases and files, for a look"
    )
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run_phase(
    scale: int,
    database_url: str,
    directory: Path,
    args: argparse.Namespace,
    *,
    sign_only: bool = False,
) -> dict[str, Any]:
    out = directory / f"phase-{scale}{'-sign' if sign_only else ''}.json"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # The embedded defaults need DEBUG on; an explicit DEBUG in the environment wins.
        "DEBUG": os.environ.get("DEBUG", "true"),
        "MEDIA_ROOT": str(directory / "media"),
    }
    command = [
        sys.executable,
        "-m",
        "bench.phase",
        "--scale",
        str(scale),
        "--out",
        str(out),
        "--rounds",
        str(args.rounds),
        "--rendered-rounds",
        str(args.rendered_rounds),
        "--poll-rounds",
        str(args.poll_rounds),
        "--pdf-runs",
        str(args.pdf_runs),
        "--sign-runs",
        str(args.sign_runs),
    ]
    if sign_only:
        command.append("--sign-only")
    elif scale == 1:
        command.append("--report")
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True)
    return json.loads(out.read_text())


def load_test(
    databases: BenchDatabases, directory: Path, args: argparse.Namespace
) -> dict[str, Any]:
    redis_url = os.environ.get("REDIS_URL", "")
    if not databases.is_postgres or not redis_url:
        return {
            "skipped": "not run: --load needs DATABASE_URL=postgres://... and REDIS_URL=redis://..."
        }
    return run_load(
        database_url=databases.create("load"),
        redis_url=redis_url,
        broker_url=os.environ.get("CELERY_BROKER_URL") or redis_url,
        directory=directory,
        hold_a=args.hold_a,
        hold_b=args.hold_b,
        say=say,
    )


def environment(databases: BenchDatabases, load_average: float) -> dict[str, Any]:
    import django

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": databases.vendor,
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
        "debug": os.environ.get("DEBUG", "true"),
        # Other processes on the machine weigh on every absolute time.
        "load_average_at_start": load_average,
    }


def keep_sql_of_misses(phases: dict[int, dict[str, Any]]) -> None:
    """Keep the SQL of a page only where its query count differs between scales."""
    small, large = phases[SCALES[0]]["queries"], phases[SCALES[-1]]["queries"]
    for combo, pages in small.items():
        for name, page in pages.items():
            other = large.get(combo, {}).get(name)
            if other is not None and other["queries"] == page["queries"]:
                page.pop("sql", None)
                other.pop("sql", None)


def write_results(
    path: Path,
    *,
    budgets: list[verdict.Budget],
    phases: dict[int, dict[str, Any]],
    signatures: list[dict[str, Any]],
    load: dict[str, Any] | None,
    grouping: dict[str, Any],
    environment: dict[str, Any],
    duration_s: float,
    summary: str,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "duration_s": round(duration_s, 1),
        "environment": environment,
        "summary": summary,
        "budgets": [
            {"key": b.key, "title": b.title, "met": b.met, "summary": b.summary} for b in budgets
        ],
        "table": [asdict(row) for budget in budgets for row in budget.rows],
        "measurements": {f"scale_{scale}": phase for scale, phase in phases.items()}
        | {"last_signature": signatures, "load": load, "grouping": grouping},
    }
    path.write_text(json.dumps(results, indent=2, default=str))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    load_average = os.getloadavg()[0]
    directory = Path(tempfile.mkdtemp(prefix="cvm-align-bench-"))
    databases = BenchDatabases(os.environ.get("DATABASE_URL", ""), directory, keep=args.keep)
    say(f"databases: {databases.describe()}")
    # Every process of the run inherits the cache key prefix (see bench.cache).
    os.environ[cache.PREFIX_VARIABLE] = cache_prefix = cache.new_prefix()
    try:
        phases = {
            scale: run_phase(scale, databases.create(f"s{scale}"), directory, args)
            for scale in SCALES
        }
        signatures = [phases[1]["report_request"]]
        if databases.is_postgres:
            # The last signature's budget holds on both databases: SQLite too.
            sqlite = databases.sqlite("sign")
            signatures.append(
                run_phase(1, sqlite, directory, args, sign_only=True)["report_request"]
            )
        say("brainstorm grouping")
        grouped = grouping.measure()
        load = None
        if args.load:
            try:
                load = load_test(databases, directory, args)
            except (RuntimeError, OSError, subprocess.CalledProcessError) as failure:
                say(f"the load test could not run: {failure}")
                load = {"failed": f"could not run: {failure}"}
    except subprocess.CalledProcessError as failure:
        say(f"a step failed ({' '.join(map(str, failure.cmd[1:4]))}); see the output above")
        return 1
    finally:
        databases.drop_all()
        if os.environ.get("REDIS_URL"):
            cache.drop_keys(os.environ["REDIS_URL"], cache_prefix)
        if args.keep:
            say(f"kept the bench's files in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)

    budgets = verdict.judge(phases, signatures, load, grouped)
    keep_sql_of_misses(phases)
    colour = sys.stdout.isatty()
    lines = verdict.summary_lines(budgets, colour=colour)
    write_results(
        args.out,
        budgets=budgets,
        phases=phases,
        signatures=signatures,
        load=load,
        grouping=grouped,
        environment=environment(databases, load_average),
        duration_s=time.monotonic() - started,
        summary=lines[-1],
    )
    shown = args.out.relative_to(BASE_DIR) if args.out.is_relative_to(BASE_DIR) else args.out
    print()
    print(verdict.table(budgets, colour=colour))
    print()
    print("\n".join(lines[:-1]))
    print(f"(details in {shown}; the run took {time.monotonic() - started:.0f} s)")
    print(lines[-1])
    return 0
