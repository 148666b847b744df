"""A workshop as a JSON file: its export, and an import as a new draft."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alignment.access import get_membership_or_404, get_workshop_for_user, require
from alignment.domain import results, snapshot
from alignment.forms import ImportForm
from alignment.models import Report
from alignment.services import signoff, transfer
from alignment.services.audit import record
from alignment.services.errors import Refused


@login_required
@require_GET
def export_json(request: HttpRequest, workshop_id) -> HttpResponse:
    """The workshop's snapshot as JSON: the signed one for every member, or the live
    content for the lead before sign-off."""
    access = get_workshop_for_user(request.user, workshop_id)
    workshop = access.workshop
    report = Report.objects.filter(workshop=workshop).first()
    certificate = None
    if report is not None:
        data, content_hash = report.snapshot, report.content_hash
        # The record of the signing, beside the content it is about (not in
        # it: the hash is the snapshot's alone).
        certificate = {
            **report.certificate,
            "signatures": report.signatures,
            "report_file_sha256": report.pdf_sha256 or None,
        }
    else:
        require(access.is_lead)
        data, content_hash = signoff.current_content(workshop)
    record(workshop.organization, request.user, "workshop.exported", workshop, workshop=workshop)
    exported = {
        "content_hash": content_hash,
        "snapshot": data,
        "lineage": snapshot.lineages(workshop),
    }
    if certificate is not None:
        exported["certificate"] = certificate
        # What the quarter led to since: recorded after its freeze, so beside
        # the signed content too. An import makes a draft, which has none.
        exported["results"] = results.recorded(workshop)
    body = json.dumps(
        exported,
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cvm-alignment-{workshop.organization.slug}-{workshop.quarter}.json"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_json(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    require(membership.can_facilitate)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = transfer.import_snapshot(
                membership.organization,
                form.cleaned_data["snapshot"],
                lineage=form.cleaned_data.get("lineage") or {},
                quarter=form.cleaned_data["quarter"],
                by=request.user,
            )
        except Refused as refusal:
            form.add_error(refusal.field or "file", refusal.message)
        else:
            messages.success(
                request,
                _("Imported as a new draft for %(quarter)s.") % {"quarter": workshop.quarter},
            )
            return redirect("alignment:workshop", workshop.pk)
    return render(
        request,
        "alignment/import.html",
        {"membership": membership, "organization": membership.organization, "form": form},
        status=422 if form.errors else 200,
    )
