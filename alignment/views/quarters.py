"""Start the next quarter, and compare two quarters side by side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alignment.access import get_workshop_for_user, require
from alignment.domain import comparison, trends
from alignment.models import Workshop
from alignment.services import quarters
from alignment.services.errors import Refused


@login_required
@require_POST
def next_quarter(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    try:
        clone = quarters.start_next_quarter(access.workshop, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("alignment:workshop", access.workshop.pk)
    messages.success(
        request,
        _("%(quarter)s starts from %(previous)s: everything was carried over into a new draft.")
        % {"quarter": clone.quarter, "previous": access.workshop.quarter},
    )
    return redirect("alignment:workshop", clone.pk)


@login_required
@require_GET
def compare(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    workshop = access.workshop
    others = list(
        Workshop.objects.filter(organization=workshop.organization)
        .exclude(pk=workshop.pk)
        .order_by("-quarter")
    )
    chosen = request.GET.get("with")
    other = None
    if chosen:
        other = next((w for w in others if str(w.pk) == chosen), None)
        if other is None:
            raise Http404
    elif workshop.previous_id:
        other = next((w for w in others if w.pk == workshop.previous_id), None)
    elif others:
        other = others[0]
    compared = None
    results = None
    if other is not None:
        before, after = sorted([other, workshop], key=lambda w: w.quarter)
        compared = comparison.compare(before, after)
        if before.is_frozen:
            # What the earlier quarter led to; its trends end at the later one.
            results = trends.last_results(before, later=after, workshops=[workshop, *others])
    return render(
        request,
        "alignment/compare.html",
        {
            "access": access,
            "workshop": workshop,
            "organization": workshop.organization,
            "others": others,
            "other": other,
            "comparison": compared,
            "results": results if results is not None and not results.empty else None,
        },
    )
