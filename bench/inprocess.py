"""The in-process measurements: query counts, server times, the poll, the report.

Requests go through Django's test Client, so through the project's whole
middleware stack, without a network or a server process in between. Every timing
is taken next to its baseline (the bare view of `bench.urls`), interleaved
request by request, so that drift on a shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from alignment import agenda
from alignment.models import Report, ReportStatus, Status, User, Workshop
from alignment.realtime import signals
from alignment.report import seal
from alignment.report.render import render_report_html, render_report_pdf, render_with
from alignment.services import quarters, signoff, workshops
from bench import pages, tasks
from bench.stats import median, percentile, ratio
from bench.urls import BARE_URL

ROLES = {"lead": "lead@demo.test", "leader": "ceo@demo.test", "observer": "viewer@demo.test"}
HTMX = {"HTTP_HX_REQUEST": "true"}
WARM_UP = 3  # untimed requests of each kind first
MIN_ROUNDS = 10
TIMING_SECONDS = 150.0
SQL_CHARS = 300
BARE_PER_SIGNATURE = 20


class Phase:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.scale: int = args.scale
        self.client = Client()
        self.workshops: list[Workshop] = []

    def say(self, message: str) -> None:
        print(f"bench [scale {self.scale}] {message}", file=sys.stderr, flush=True)

    # Setting up --------------------------------------------------------------------

    def prepare(self) -> dict[str, float]:
        """Migrate and seed. The queue is not eager, so the seed's Q3 report is only
        queued, not rendered (rendering is measured on its own below)."""
        tasks.hold_tasks()
        started = time.perf_counter()
        quiet = io.StringIO()
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        migrated = time.perf_counter()
        self.say(f"seeding --scale {self.scale}")
        call_command("seed_demo", scale=self.scale, verbosity=0, stdout=quiet)
        seeded = time.perf_counter()
        return {"migrate_s": migrated - started, "seed_s": seeded - migrated}

    def login(self, role: str) -> None:
        self.login_as(User.objects.get(email=ROLES[role]))

    def login_as(self, user: User) -> None:
        # Log the previous person out first, so that no session outlives the run
        # in a shared cache.
        self.client.logout()
        self.client.force_login(user)

    def get(self, url: str, headers: dict[str, str] | None = None):
        return self.client.get(url, **(headers or {}))

    def token(self, ws: Workshop) -> str:
        """The live-sync token the live step page hands out now."""
        response = self.get(pages.step_url(ws, pages.LIVE_STEP))
        return pages.live_token(response.content)

    # 1. Queries per page -------------------------------------------------------------

    def count_queries(self, page: pages.Page, *, after_change: bool = True) -> dict[str, Any]:
        """A page's queries, as the first request after a change in its workshop
        makes them (not one the page cache serves: that costs the session's user
        only); with `after_change=False`, as a request right after the same one."""
        self.get(page.url, page.headers)  # warm: caches filled as in steady use
        if after_change:
            for ws in self.workshops:
                signals.workshop_changed(ws.pk)
        with CaptureQueriesContext(connection) as captured:
            response = self.get(page.url, page.headers)
        return {
            "status": response.status_code,
            "queries": len(captured.captured_queries),
            # Kept in the results only where the two scales differ (see bench.cli).
            "sql": [query["sql"][:SQL_CHARS] for query in captured.captured_queries],
        }

    def queries(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{"lead · 2026-Q4": {page name: {status, queries}}, ...}"""
        self.say("counting queries per page")
        live, signed = pages.workshop(pages.LIVE_QUARTER), pages.workshop(pages.SIGNED_QUARTER)
        self.workshops = [live, signed]
        plan = [
            ("lead", live, True),
            ("lead", signed, False),
            ("leader", live, True),
            ("observer", live, True),
        ]
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for role, ws, with_organization in plan:
            self.login(role)
            todo = pages.workshop_pages(ws)
            if with_organization:
                todo = pages.organization_pages() + todo
            counted = {page.name: self.count_queries(page) for page in todo}
            counted.update(self.count_poll_queries(ws))
            results[f"{role} · {ws.quarter}"] = counted
        return results

    def count_poll_queries(self, ws: Workshop) -> dict[str, dict[str, Any]]:
        """The poll's queries, with a token just handed out, as a page polling every
        2 s makes them. Should someone's presence run out in between (it lasts
        seconds), ask again, once."""
        counted: dict[str, dict[str, Any]] = {}
        for _attempt in range(2):
            counted = {
                page.name: self.count_queries(page, after_change=False)
                for page in pages.poll_pages(ws, self.token(ws))
            }
            if counted["poll, nothing new (304)"]["status"] == 304:
                break
        return counted

    # 2. Server time per page, 3. the poll ---------------------------------------------

    def round_robin(
        self,
        requests: dict[str, Callable[[], Any]],
        rounds: int,
        *,
        accept: Callable[[Any], bool],
    ) -> tuple[dict[str, list[float]], list[float], Counter[str]]:
        """Time each request next to the bare view, in turns: every round times the
        bare view then the request, for each request in order, so that a burst of
        load on a shared machine falls on all of them alike.

        Returns (ms per request, ms of the bare view, rejected per request), where
        a response `accept` refuses is not a sample. After MIN_ROUNDS rounds, the
        run stops at TIMING_SECONDS: one very slow page cannot stall the bench."""
        for request in requests.values():
            for _ in range(WARM_UP):
                request()
                self.get(BARE_URL)
        gc.collect()
        measured: dict[str, list[float]] = {name: [] for name in requests}
        bare: list[float] = []
        rejected: Counter[str] = Counter()
        clock = time.perf_counter
        deadline = clock() + TIMING_SECONDS
        for done in range(rounds):
            if done >= MIN_ROUNDS and clock() > deadline:
                break
            for name, request in requests.items():
                start = clock()
                self.get(BARE_URL)
                bare.append((clock() - start) * 1000)
                start = clock()
                response = request()
                elapsed = (clock() - start) * 1000
                if accept(response):
                    measured[name].append(elapsed)
                else:
                    rejected[name] += 1
        return measured, bare, rejected

    def server_times(self) -> dict[str, Any]:
        """The step pages and the overview (the budget), and, for scale, the
        simplest full page of the app (the verify form: base layout, 2 queries)."""
        self.say(f"timing step pages and overview ({self.args.rounds} requests each)")
        self.login("lead")
        ws = pages.workshop(pages.LIVE_QUARTER)
        budgeted = [pages.Page("overview", reverse("alignment:workshop", args=[ws.pk]))]
        budgeted += pages.step_pages(ws)
        # The signed quarter's results: its KPIs' readings and its bets' outcomes.
        signed = pages.workshop(pages.SIGNED_QUARTER)
        budgeted.append(pages.Page("results", reverse("alignment:results", args=[signed.pk])))
        simplest = pages.Page("verify", reverse("alignment:verify", args=[pages.ORGANIZATION_SLUG]))
        measured, bare, rejected = self.round_robin(
            {page.name: partial(self.get, page.url) for page in [*budgeted, simplest]},
            self.args.rounds,
            accept=lambda response: response.status_code == 200,
        )
        if rejected:
            raise RuntimeError(f"Pages did not answer 200: {', '.join(rejected)}")
        baseline = median(bare)
        timed = {
            name: {
                "median_ms": median(samples),
                "p90_ms": percentile(samples, 90),
                "ratio": ratio(median(samples), baseline),
                "samples": len(samples),
            }
            for name, samples in measured.items()
        }
        reference = timed.pop(simplest.name)
        return {
            "baseline_ms": baseline,
            "rounds": self.args.rounds,
            "pages": timed,
            "simplest_page": {"name": simplest.name, **reference},
            "rendered": self.rendered_times(ws, budgeted),
        }

    def rendered_times(self, ws: Workshop, budgeted: list[pages.Page]) -> dict[str, Any]:
        """For the diagnosis, not a budget: the same pages rendered afresh, as the
        first request after any change in the workshop finds them (the timed pages
        above are mostly served from the page cache, as in steady use)."""
        rounds = self.args.rendered_rounds
        self.say(f"timing the same pages rendered afresh ({rounds} requests each)")
        measured: dict[str, list[float]] = {page.name: [] for page in budgeted}
        clock = time.perf_counter
        for _ in range(rounds):
            for page in budgeted:
                signals.workshop_changed(ws.pk)
                start = clock()
                response = self.get(page.url)
                elapsed = (clock() - start) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{page.name} did not answer 200 when rendered afresh.")
                measured[page.name].append(elapsed)
        return {
            "rounds": rounds,
            "pages": {name: {"median_ms": median(samples)} for name, samples in measured.items()},
        }

    def poll(self) -> dict[str, Any]:
        """The live-sync poll with nothing new, as an open page sends it every 2 s.

        Like the page, it takes the new token from any answer other than 304 (someone's
        presence ran out, say); such answers are not samples of "nothing new"."""
        self.say(f"timing the live-sync poll ({self.args.poll_rounds} requests)")
        self.login("lead")
        ws = pages.workshop(pages.LIVE_QUARTER)
        token = self.token(ws)
        # Built outside the timed request: reverse() alone takes about a tenth of
        # the bare view's time.
        url = pages.poll_url(ws, token)

        def one_poll():
            nonlocal token, url
            response = self.get(url, HTMX)
            if response.status_code == 200:
                token = json.loads(response.content)["v"]
                url = pages.poll_url(ws, token)
            return response

        measured, bare, changed = self.round_robin(
            {"poll": one_poll},
            self.args.poll_rounds,
            accept=lambda response: response.status_code == 304,
        )
        polls = measured["poll"]
        baseline = median(bare)
        # For the diagnosis, not a budget: the poll of a page one change behind,
        # which renders what changed (the common case while people edit).
        behind = pages.poll_url(ws, pages.behind(token))
        stale, stale_bare, _ = self.round_robin(
            {"behind": partial(self.get, behind, HTMX)},
            self.args.rounds,
            accept=lambda response: response.status_code == 200,
        )
        return {
            "median_ms": median(polls),
            "baseline_ms": baseline,
            "ratio": ratio(median(polls), baseline),
            "samples": len(polls),
            "not_304": changed["poll"],
            "behind": {
                "median_ms": median(stale["behind"]),
                "baseline_ms": median(stale_bare),
                "ratio": ratio(median(stale["behind"]), median(stale_bare)),
                "samples": len(stale["behind"]),
            },
        }

    # 4. The report PDF -----------------------------------------------------------------

    def report_pdf(self) -> dict[str, Any]:
        """The report as the worker renders it (alignment.services.reports.render_pdf_for:
        the HTML, WeasyPrint's PDF/A-3b with tags and the embedded snapshot, then the
        seal) against WeasyPrint alone on the same HTML (no PDF/A, tags, attachment or
        seal), run by run; and the seal on its own."""
        runs = self.args.pdf_runs
        self.say(f"rendering the Q3 report ({runs} runs each, full and WeasyPrint alone)")
        report = Report.objects.get(workshop=pages.workshop(pages.SIGNED_QUARTER))
        arguments = {
            "signatures": report.signatures,
            "content_hash": report.content_hash,
            "generated_at": report.created,
            "certificate": report.certificate,
        }
        with contextlib.ExitStack() as stack:
            if not seal.is_configured():
                # A self-signed seal of the bench's own (made in the warm-up, untimed),
                # not one left in the home folder.
                home = stack.enter_context(tempfile.TemporaryDirectory())
                stack.enter_context(override_settings(REPORT_SIGNING_HOME=home))
            # The HTML the full render lays out: the snapshot shown as signed, the seal named.
            shown = {
                **report.snapshot,
                "workshop": {**report.snapshot["workshop"], "status": Status.SIGNED},
            }
            html = render_report_html(shown, **arguments, sealed_by=seal.identity())
            # Warm-up: fonts and stylesheets loaded once per process, the seal's key opened.
            unsealed = render_report_pdf(report.snapshot, **arguments, draft=True)
            render_with(html)
            full: list[float] = []
            alone: list[float] = []
            sealing: list[float] = []
            size = 0
            for _ in range(runs):
                # A render leaves its garbage for the collector to take after it (see
                # alignment.report.render.cyclic_gc_paused); the worker collects it once the
                # report is saved (alignment.services.reports), so here it goes between runs
                # too, not into whichever render comes next.
                gc.collect()
                start = time.perf_counter()
                size = len(render_report_pdf(report.snapshot, **arguments))
                full.append(time.perf_counter() - start)
                gc.collect()
                start = time.perf_counter()
                render_with(html)
                alone.append(time.perf_counter() - start)
                start = time.perf_counter()
                seal.seal_pdf(unsealed, at=report.created)
                sealing.append(time.perf_counter() - start)
        return {
            "median_s": median(full),
            "baseline_s": median(alone),
            "ratio": ratio(median(full), median(alone)),
            "seal_s": median(sealing),
            "runs_s": full,
            "baseline_runs_s": alone,
            "seal_runs_s": sealing,
            "pdf_bytes": size,
        }

    # 5. The request that asks for the report ----------------------------------------

    def signing_workshop(self, source: Workshop, lead: User) -> tuple[Workshop, User]:
        """A new quarter in `signing`, signed by every leader but the last."""
        quarter = quarters.next_quarter(source.quarter)
        while Workshop.objects.filter(organization=source.organization, quarter=quarter).exists():
            quarter = quarters.next_quarter(quarter)
        with transaction.atomic():
            ws = quarters.start_next_quarter(source, by=lead, quarter=quarter)
            workshops.transition(ws, Status.LIVE, by=lead)
            workshops.transition(ws, Status.REVIEW, by=lead)
            # The override lets signing open whatever the coherence review says.
            signoff.set_override(ws, "Benchmark: signing without a coherent picture.", by=lead)
            workshops.transition(ws, Status.SIGNING, by=lead)
        ws.refresh_from_db()
        signers = signoff.required_signers(ws)
        for participant in signers[:-1]:
            _data, content_hash = signoff.current_content(ws)
            signoff.open_content(ws, by=participant.user, content_hash=content_hash)
            signoff.sign(ws, by=participant.user, content_hash=content_hash)
        # The last leader has read it too: their request signs at once.
        _data, content_hash = signoff.current_content(ws)
        signoff.open_content(ws, by=signers[-1].user, content_hash=content_hash)
        return ws, signers[-1].user

    def last_signature(self, source: Workshop, lead: User) -> tuple[float, int, list[float]]:
        """Sign a fresh workshop as its last leader; (milliseconds, queries, and
        the bare view's milliseconds, timed as that leader just before)."""
        ws, last = self.signing_workshop(source, lead)
        _data, content_hash = signoff.current_content(ws)
        self.login_as(last)
        for _ in range(WARM_UP):
            self.get(BARE_URL)
        bare = []
        for _ in range(BARE_PER_SIGNATURE):
            start = time.perf_counter()
            self.get(BARE_URL)
            bare.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = self.client.post(
                reverse("alignment:sign", args=[ws.pk]), {"content_hash": content_hash}
            )
            elapsed = (time.perf_counter() - start) * 1000
        ws.refresh_from_db()
        report = Report.objects.filter(workshop=ws).first()
        if response.status_code != 302 or ws.status != Status.SIGNED or report is None:
            raise RuntimeError(f"The last signature did not freeze {ws.quarter}.")
        if report.status != ReportStatus.PENDING:
            raise RuntimeError("The report was rendered in the request: the queue is eager.")
        return elapsed, len(captured.captured_queries), bare

    def sign_request(self) -> dict[str, Any]:
        """The last signature's median, as a ratio to the bare view timed next
        to each signature (on this phase's database)."""
        runs = self.args.sign_runs
        self.say(f"timing the last signature, which asks for the report ({runs} runs)")
        lead = User.objects.get(email=ROLES["lead"])
        source = pages.workshop(pages.LIVE_QUARTER)
        measured = [self.last_signature(source, lead) for _ in range(runs)]
        samples = [elapsed for elapsed, _queries, _bare in measured]
        baseline = median([ms for _elapsed, _queries, bare in measured for ms in bare])
        return {
            "database": connection.vendor,
            "median_ms": median(samples),
            "max_ms": max(samples),
            "runs_ms": samples,
            "baseline_ms": baseline,
            "ratio": ratio(median(samples), baseline),
            "queries": measured[-1][1],
        }

    # Cleaning up -----------------------------------------------------------------------

    def finish(self) -> None:
        self.client.logout()
        tasks.drop_tasks()


def run(args: argparse.Namespace) -> dict[str, Any]:
    phase = Phase(args)
    results: dict[str, Any] = {
        "scale": args.scale,
        "database": connection.vendor,
        "steps": [step.slug for step in agenda.all_steps()],
    }
    try:
        results["setup"] = phase.prepare()
        if args.sign_only:
            results["report_request"] = phase.sign_request()
            return results
        results["queries"] = phase.queries()
        results["server_time"] = phase.server_times()
        results["poll"] = phase.poll()
        if args.report:
            results["report_pdf"] = phase.report_pdf()
            results["report_request"] = phase.sign_request()
    finally:
        phase.finish()
    return results
