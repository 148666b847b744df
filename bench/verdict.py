"""Budgets: judge the measurements against DESIGN.md, and print them as one table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# The budgets of DESIGN.md ("Non-functional budgets") and issue 8.
PAGE_RATIO = {1: 10.0, 10: 15.0}
POLL_RATIO = 1.5
PDF_RATIO = 1.3
PDF_SECONDS = 3.0
REQUEST_MS = 100.0
LOAD_P99_MS = 300.0
LOAD_SKIPPED = "skipped (run make bench BENCH_ARGS=--load)"
# Every page of this combination gets a row; the other combinations a summary row
# (and a row for each page that misses).
MAIN_COMBO = "lead · 2026-Q4"
# Answers that mean "this role cannot reach this page": not compared.
REFUSED = (401, 403, 404, 405)


@dataclass
class Row:
    measure: str
    value: str
    baseline: str
    budget: str
    met: bool | None  # None: information only, or skipped


@dataclass
class Budget:
    key: str
    title: str
    met: bool | None  # None: skipped, not counted
    summary: str
    rows: list[Row] = field(default_factory=list)
    legend: str = ""  # what the value and baseline columns hold, for the table


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def times(value: float) -> str:
    return f"{value:.1f}x" if math.isfinite(value) else "inf"


def listing(names: list[str], limit: int = 4) -> str:
    return ", ".join(names[:limit]) + (
        f" and {len(names) - limit} more" if len(names) > limit else ""
    )


# 1. Queries per page ---------------------------------------------------------------------


def queries_budget(phases: dict[int, dict[str, Any]]) -> Budget:
    small, large = phases[1]["queries"], phases[10]["queries"]
    rows: list[Row] = []
    misses: list[str] = []
    compared = 0
    for combo, pages in small.items():
        reachable = 0
        missed_here: list[Row] = []
        for name, at1 in pages.items():
            at10 = large.get(combo, {}).get(name)
            if at1["status"] in REFUSED and at10 is not None and at10["status"] == at1["status"]:
                continue
            reachable += 1
            ok = (
                at10 is not None
                and at10["status"] == at1["status"]
                and at1["status"] < 500
                and at10["queries"] == at1["queries"]
            )
            other_status = at10 is not None and at10["status"] != at1["status"]
            row = Row(
                f"queries · {name}",
                _queries(at10, with_status=other_status),
                _queries(at1, with_status=other_status),
                "equal",
                ok,
            )
            if combo == MAIN_COMBO:
                rows.append(row)
            elif not ok:
                row.measure += f" ({combo})"
                missed_here.append(row)
            if not ok:
                misses.append(f"{name} ({combo})")
        compared += reachable
        if combo != MAIN_COMBO:
            rows.append(
                Row(
                    f"queries · {reachable} pages as {combo}",
                    f"{len(missed_here)} differ" if missed_here else "all equal",
                    "scale 1",
                    "equal",
                    not missed_here,
                )
            )
            rows += missed_here
    summary = (
        f"all {compared} pages make as many queries at scale 10 as at scale 1"
        if not misses
        else f"{len(misses)} of {compared} pages differ: {listing(misses)}"
    )
    return Budget(
        "queries",
        "queries per page, equal at scale 10",
        not misses,
        summary,
        rows,
        legend="value: queries at scale 10; baseline: at scale 1; as the lead in Q4 (live), "
        "then the other roles and Q3 (signed)",
    )


def _queries(measured: dict[str, Any] | None, *, with_status: bool = False) -> str:
    if measured is None:
        return "not measured"
    if with_status or measured["status"] >= 400:
        return f"{measured['queries']} (HTTP {measured['status']})"
    return str(measured["queries"])


# 2. Server time per page ----------------------------------------------------------------


def server_time_budget(phases: dict[int, dict[str, Any]]) -> Budget:
    rows: list[Row] = []
    misses: list[str] = []
    judged = 0
    worst: tuple[float, str] = (0.0, "")
    for scale, limit in PAGE_RATIO.items():
        measured = phases[scale]["server_time"]
        baseline = measured["baseline_ms"]
        for name, page in measured["pages"].items():
            judged += 1
            ok = page["ratio"] <= limit
            samples = "" if page["samples"] == measured["rounds"] else f", n={page['samples']}"
            rows.append(
                Row(
                    f"server time · {name} · scale {scale}",
                    f"{ms(page['median_ms'])} = {times(page['ratio'])}{samples}",
                    f"bare view {ms(baseline)}",
                    f"<= {limit:g}x",
                    ok,
                )
            )
            if not ok:
                misses.append(f"{name} at scale {scale} ({times(page['ratio'])})")
            if page["ratio"] / limit > worst[0]:
                worst = (
                    page["ratio"] / limit,
                    f"{name} at scale {scale}: {ms(page['median_ms'])} = "
                    f"{times(page['ratio'])} (budget {limit:g}x)",
                )
        rendered = measured.get("rendered")
        if rendered:
            slowest, page = max(rendered["pages"].items(), key=lambda item: item[1]["median_ms"])
            rows.append(
                Row(
                    f"(info) rendered afresh after a change · scale {scale}",
                    f"slowest {slowest}: {ms(page['median_ms'])} = "
                    f"{times(page['median_ms'] / baseline)}",
                    f"bare view {ms(baseline)}",
                    "-",
                    None,
                )
            )
        simplest = measured.get("simplest_page")
        if simplest:
            rows.append(
                Row(
                    f"(info) simplest full page ({simplest['name']}) · scale {scale}",
                    f"{ms(simplest['median_ms'])} = {times(simplest['ratio'])}",
                    f"bare view {ms(baseline)}",
                    "-",
                    None,
                )
            )
    summary = f"worst: {worst[1]}" + (f"; {len(misses)} of {judged} over budget" if misses else "")
    return Budget(
        "server_time",
        "server time per step page, review, overview (median), <= 10x / 15x a bare view",
        not misses,
        summary,
        rows,
        legend="median through the test Client as the lead, Q4; the bare view interleaved",
    )


# 3. The live-sync poll ------------------------------------------------------------------


def poll_budget(phases: dict[int, dict[str, Any]]) -> Budget:
    rows: list[Row] = []
    for scale, phase in phases.items():
        poll = phase["poll"]
        note = f", {poll['not_304']} not 304" if poll["not_304"] else ""
        rows.append(
            Row(
                f"live-sync poll, nothing new · scale {scale}",
                f"{ms(poll['median_ms'])} = {times(poll['ratio'])}{note}",
                f"bare view {ms(poll['baseline_ms'])}",
                f"<= {POLL_RATIO:g}x",
                poll["ratio"] <= POLL_RATIO and poll["samples"] > 0,
            )
        )
    met = all(row.met for row in rows)
    summary = "; ".join(f"{row.value} at {row.measure.rsplit('· ', 1)[1]}" for row in rows)
    for scale, phase in phases.items():
        behind = phase["poll"].get("behind")
        if behind:
            rows.append(
                Row(
                    f"(info) poll, one change behind · scale {scale}",
                    f"{ms(behind['median_ms'])} = {times(behind['ratio'])}",
                    f"bare view {ms(behind['baseline_ms'])}",
                    "-",
                    None,
                )
            )
    return Budget(
        "poll",
        "live-sync poll with nothing new, <= 1.5x",
        met,
        summary,
        rows,
        legend="GET /w/<id>/poll?v=<token>&step=persona answered 304; the bare view interleaved",
    )


# 4. The report PDF ------------------------------------------------------------------------


def pdf_budget(phases: dict[int, dict[str, Any]]) -> Budget:
    pdf = phases[1]["report_pdf"]
    met = pdf["ratio"] <= PDF_RATIO and pdf["median_s"] < PDF_SECONDS
    row = Row(
        "report PDF, Q3 at scale 1",
        f"{pdf['median_s']:.2f} s = {times(pdf['ratio'])}",
        f"WeasyPrint alone {pdf['baseline_s']:.2f} s",
        f"<= {PDF_RATIO:g}x, < {PDF_SECONDS:g} s",
        met,
    )
    return Budget(
        "report_pdf",
        "report PDF, <= 1.3x WeasyPrint and < 3 s",
        met,
        row.value,
        [row],
        legend="render_report_pdf() of the signed Q3 snapshot vs render_with() of its HTML",
    )


# 5. The request that asks for the report ------------------------------------------------


def request_budget(phases: dict[int, dict[str, Any]]) -> Budget:
    request = phases[1]["report_request"]
    met = request["median_ms"] < REQUEST_MS
    row = Row(
        "last signature (asks for the report)",
        f"{ms(request['median_ms'])} (max {ms(request['max_ms'])}, {request['queries']} queries)",
        "-",
        f"< {REQUEST_MS:g} ms",
        met,
    )
    return Budget(
        "report_request",
        "request that asks for a report, < 100 ms",
        met,
        row.value,
        [row],
        legend="POST /w/<id>/sign by the last leader: freezes, queues the render (not eager)",
    )


# 6. Load --------------------------------------------------------------------------------


def load_budget(load: dict[str, Any] | None) -> Budget:
    title = "load: 0 errors, p99 < 300 ms"
    if load is None or "skipped" in load:
        reason = LOAD_SKIPPED if load is None else load["skipped"]
        return Budget("load", title, None, reason, [Row("load", reason, "-", "-", None)])
    if "failed" in load:
        return Budget(
            "load", title, False, load["failed"], [Row("load", load["failed"], "-", "-", False)]
        )
    met = load["errors"] == 0 and load["p99_ms"] < LOAD_P99_MS
    who = (
        f"{load['participants']} polling, {load['editors']} editing, "
        f"{load['hold_s']:g} s held, {load['hold_rps']:.0f} req/s"
    )
    rows = [
        Row(
            "load · errors (whole run)",
            f"{load['errors']} of {load['requests']}",
            "-",
            "0",
            load["errors"] == 0,
        ),
        Row(
            "load · p99 latency (hold)",
            f"{ms(load['p99_ms'])} (p50 {ms(load['p50_ms'])})",
            who,
            f"< {LOAD_P99_MS:g} ms",
            load["p99_ms"] < LOAD_P99_MS,
        ),
    ]
    for kind, stats in load["by_kind"].items():
        answered = f", {load['polls_304_share']:.0%} were 304" if kind == "poll" else ""
        rows.append(
            Row(
                f"load · {kind} ({stats['count']} in hold{answered})",
                f"p99 {ms(stats['p99_ms'])}",
                f"p50 {ms(stats['p50_ms'])}",
                "-",
                None,
            )
        )
    rows.append(
        Row(
            "load · (info) the machine",
            f"load average {load['machine_load_before']:.1f} before, "
            f"{load['machine_load_after']:.1f} after",
            f"generator used {load['generator_cpu_share']:.0%} of a CPU",
            "-",
            None,
        )
    )
    if load.get("static_storage_note"):
        note = load["static_storage_note"].split(":")[0]
        rows.append(Row("load · WARNING static files", note, "see results.json", "-", None))
    summary = f"{load['errors']} errors, p99 {ms(load['p99_ms'])} ({who})"
    return Budget(
        "load",
        title,
        met,
        summary,
        rows,
        legend="gunicorn, 2 workers, DEBUG off, PostgreSQL and Redis, over loopback",
    )


def judge(phases: dict[int, dict[str, Any]], load: dict[str, Any] | None) -> list[Budget]:
    return [
        queries_budget(phases),
        server_time_budget(phases),
        poll_budget(phases),
        pdf_budget(phases),
        request_budget(phases),
        load_budget(load),
    ]


# The table ----------------------------------------------------------------------------------

HEADINGS = ("measure", "value", "baseline (same run)", "budget", "met?")


def verdict_word(met: bool | None) -> str:
    return {True: "ok", False: "MISSED", None: "-"}[met]


def table(budgets: list[Budget], *, colour: bool = False) -> str:
    rows = [row for budget in budgets for row in budget.rows]
    cells = [
        HEADINGS,
        *((r.measure, r.value, r.baseline, r.budget, verdict_word(r.met)) for r in rows),
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADINGS))]
    rule = "   " + "-+-".join("-" * width for width in widths)

    def line(values: tuple[str, ...], met: bool | None = None) -> str:
        text = " | ".join(value.ljust(width) for value, width in zip(values, widths, strict=True))
        if met is False:
            return f"\033[1;31m!! {text}\033[0m" if colour else f"!! {text}"
        return f"   {text}".rstrip()

    out = [line(HEADINGS), rule]
    for number, budget in enumerate(budgets, start=1):
        out.append(
            f"   {number}. {budget.title}" + (f" ({budget.legend})" if budget.legend else "")
        )
        for row in budget.rows:
            out.append(
                line(
                    (row.measure, row.value, row.baseline, row.budget, verdict_word(row.met)),
                    row.met,
                )
            )
        out.append(rule)
    return "\n".join(out)


def summary_lines(budgets: list[Budget], *, colour: bool = False) -> list[str]:
    lines = []
    for number, budget in enumerate(budgets, start=1):
        word = {True: "met   ", False: "MISSED", None: "skip  "}[budget.met]
        text = f"  {number}. {word} {budget.title}: {budget.summary}"
        if colour and budget.met is False:
            text = f"\033[1;31m{text}\033[0m"
        lines.append(text)
    counted = [b for b in budgets if b.met is not None]
    met = sum(1 for b in counted if b.met)
    skipped = [b for b in budgets if b.met is None]
    last = f"bench: {met}/{len(counted)} budgets met"
    if skipped:
        last += " (" + ", ".join(f"{b.key} skipped" for b in skipped) + ")"
    missed = [b.key for b in counted if not b.met]
    if missed:
        last += f"; MISSED: {', '.join(missed)}"
    lines.append(last)
    return lines
