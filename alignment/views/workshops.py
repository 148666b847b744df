"""Workshop list, creation, overview, status and audit log."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alignment import agenda
from alignment.access import (
    WorkshopAccess,
    get_membership_or_404,
    get_workshop_for_user,
    require,
)
from alignment.forms import WorkshopForm
from alignment.models import AuditEntry, Report, Status, Workshop
from alignment.realtime import live, pagecache
from alignment.services import workshops
from alignment.services.errors import Refused


@login_required
def organization(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    listed = (
        Workshop.objects.filter(organization=membership.organization)
        .select_related("facilitator")
        .annotate(people=Count("participants"))
        .order_by("-quarter")
    )
    return render(
        request,
        "alignment/organization.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "workshops": listed,
        },
    )


@login_required
def workshop_new(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    require(membership.can_facilitate)
    organization = membership.organization
    form = WorkshopForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        workshop = workshops.create_workshop(organization, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("The %(quarter)s workshop is ready.") % {"quarter": workshop.quarter}
        )
        return redirect("alignment:workshop", workshop.pk)
    return render(
        request,
        "alignment/workshop_new.html",
        {"membership": membership, "organization": organization, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def workshop_overview(request: HttpRequest, workshop_id) -> HttpResponse:
    return pagecache.serve(request, workshop_id, "", partial(_overview, request))


def _overview(request: HttpRequest, access: WorkshopAccess) -> HttpResponse:
    workshop = access.workshop
    here = live.touch(workshop.pk, request.user.pk, "")
    rows = agenda.progress(workshop, viewer=request.user)
    item_rows = [r for r in rows if r["count"] is not None or r["step"].is_done]
    return render(
        request,
        "alignment/workshop_overview.html",
        {
            "access": access,
            "workshop": workshop,
            "organization": workshop.organization,
            "agenda": rows,
            "done_steps": sum(1 for r in item_rows if r["done"]),
            "item_step_count": len(item_rows),
            "presence": live.presence(live.people(workshop.pk), here),
            "transitions": [Status(s) for s in sorted(workshops.TRANSITIONS[workshop.status])],
            "current": agenda.get_step(workshop.current_step)
            if workshop.current_step
            else agenda.first_step(workshop),
            "live_token": live.token(workshop.revision, here),
            "flavor_result": workshop.flavor_result,
            "report": Report.objects.filter(workshop=workshop).first(),
        },
    )


@login_required
@require_POST
def workshop_status(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    try:
        workshop = workshops.transition(
            access.workshop,
            request.POST.get("status", ""),
            by=request.user,
            link_for=request.build_absolute_uri,
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The workshop is now %(status)s.") % {"status": workshop.get_status_display()},
        )
    return redirect("alignment:workshop", access.workshop.pk)


@login_required
def audit_log(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    entries = AuditEntry.objects.filter(workshop=access.workshop).select_related("actor")[:500]
    return render(
        request,
        "alignment/audit_log.html",
        {
            "access": access,
            "workshop": access.workshop,
            "organization": access.workshop.organization,
            "entries": entries,
        },
    )
