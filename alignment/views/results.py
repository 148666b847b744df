"""A signed quarter's results: what its KPIs actually did and how its bets turned out."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alignment import agenda
from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.domain import results as standings
from alignment.forms import OutcomeForm, ReadingForm
from alignment.models import KpiReading, Status
from alignment.realtime import pagecache
from alignment.services import results
from alignment.services.errors import Refused
from alignment.views.base import step_context


def _results_url(workshop) -> str:
    return reverse("alignment:results", args=[workshop.pk])


def _prefix(kind_name: str) -> str:
    """The letter of a kind's keys (K1, B1, ...), as the snapshot numbers them."""
    return next(kind.prefix for kind in agenda.item_kinds() if kind.name == kind_name)


def kpi_rows(workshop, *, forms: dict | None = None, with_forms: bool = False) -> list[dict]:
    """Each KPI with its readings, latest first, and its standing now."""
    kpis = workshop.kpis.prefetch_related(
        Prefetch(
            "readings",
            queryset=KpiReading.objects.select_related("recorded_by").order_by("-taken_on", "-id"),
        )
    ).order_by("order", "created")
    rows = []
    for number, kpi in enumerate(kpis, start=1):
        readings = list(kpi.readings.all())
        latest = readings[0] if readings else None
        progress = standings.progress(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            actual=latest.value if latest else None,
            taken_on=latest.taken_on if latest else None,
            quarter=workshop.quarter,
            target_quarter=kpi.target_quarter,
        )
        form = (forms or {}).get(kpi.pk)
        if form is None and with_forms:
            form = ReadingForm(prefix=f"kpi-{kpi.pk}", initial={"taken_on": timezone.localdate()})
        rows.append(
            {
                "kpi": kpi,
                "key": f"{_prefix('kpis')}{number}",
                "readings": readings,
                "latest": latest,
                "progress": progress,
                "form": form,
            }
        )
    return rows


def bet_rows(workshop, *, forms: dict | None = None, with_forms: bool = False) -> list[dict]:
    rows = []
    bets = workshop.bets.select_related("outcome", "outcome__recorded_by").order_by(
        "order", "created"
    )
    for number, bet in enumerate(bets, start=1):
        outcome = getattr(bet, "outcome", None)
        form = (forms or {}).get(bet.pk)
        if form is None and with_forms:
            initial = {"outcome": outcome.outcome, "note": outcome.note} if outcome else {}
            form = OutcomeForm(prefix=f"bet-{bet.pk}", initial=initial)
        rows.append(
            {"bet": bet, "key": f"{_prefix('bets')}{number}", "outcome": outcome, "form": form}
        )
    return rows


def _page(request, access: WorkshopAccess, *, reading_forms=None, outcome_forms=None, status=200):
    workshop = access.workshop
    signed = workshop.status == Status.SIGNED
    return render(
        request,
        "alignment/results.html",
        {
            "workshop": workshop,
            "access": access,
            "signed": signed,
            "kpi_rows": kpi_rows(
                workshop, forms=reading_forms, with_forms=signed and access.can_contribute
            ),
            "bet_rows": bet_rows(
                workshop, forms=outcome_forms, with_forms=signed and access.is_lead
            ),
        },
        status=status,
    )


def results_step(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse:
    """The step that opens a quarter started from another: that quarter's results,
    run live with the team. The lead records the bets' outcomes right here."""
    context = step_context(request, access, step)
    context.update(results_live_context(access))
    return render(request, "alignment/step_results.html", context)


def results_live_context(access) -> dict:
    """The last quarter's results as the step shows them, and as the live pages
    swap them in when a reading or an outcome is recorded (for a rights class:
    the lead's forms for every lead)."""
    workshop = access.workshop
    previous = workshop.previous
    if previous is None:
        return {"last_quarter": None}
    # Rights in the previous quarter are the same (one organisation, one role).
    signed = previous.status == Status.SIGNED
    return {
        "last_quarter": previous,
        "last_quarter_signed": signed,
        "kpi_rows": kpi_rows(previous),
        "bet_rows": bet_rows(previous, with_forms=signed and access.is_lead),
        "back": reverse("alignment:step", args=[workshop.pk, "results"]),
    }


def _back(request, default: str) -> str:
    """Where a results form sends its person back: the step it was sent from, or
    the results page."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


@login_required
@require_GET
def results_page(request: HttpRequest, workshop_id) -> HttpResponse:
    # Kept per person and state like the workshop's other pages: a reading or an
    # outcome recorded renews it (alignment.realtime.signals).
    return pagecache.serve(request, workshop_id, "", partial(_page, request))


@login_required
@require_POST
def add_reading(request: HttpRequest, workshop_id, kpi_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_contribute)
    kpi = get_object_or_404(access.workshop.kpis, pk=kpi_id)
    form = ReadingForm(request.POST, prefix=f"kpi-{kpi.pk}")
    if not form.is_valid():
        return _page(request, access, reading_forms={kpi.pk: form}, status=422)
    try:
        results.add_reading(kpi, by=request.user, **form.cleaned_data)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Reading recorded for %(kpi)s.") % {"kpi": kpi.title})
    return redirect(f"{_results_url(access.workshop)}#kpi-{kpi.pk}")


@login_required
@require_POST
def delete_reading(request: HttpRequest, workshop_id, reading_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    reading = get_object_or_404(
        KpiReading.objects.select_related("kpi__workshop__organization"),
        pk=reading_id,
        kpi__workshop=access.workshop,
    )
    # The lead corrects any reading; a leader the ones they recorded.
    require(access.is_lead or (access.can_contribute and reading.recorded_by_id == request.user.pk))
    try:
        results.delete_reading(reading, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Reading removed."))
    return redirect(f"{_results_url(access.workshop)}#kpi-{reading.kpi_id}")


@login_required
@require_POST
def set_outcome(request: HttpRequest, workshop_id, bet_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    bet = get_object_or_404(access.workshop.bets, pk=bet_id)
    form = OutcomeForm(request.POST, prefix=f"bet-{bet.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the outcomes."))
        if request.POST.get("back"):
            return redirect(f"{_back(request, _results_url(access.workshop))}#bet-{bet.pk}")
        return _page(request, access, outcome_forms={bet.pk: form}, status=422)
    try:
        results.set_outcome(bet, by=request.user, **form.cleaned_data)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Outcome recorded for %(bet)s.") % {"bet": bet.title})
    return redirect(f"{_back(request, _results_url(access.workshop))}#bet-{bet.pk}")
