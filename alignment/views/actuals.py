"""A signed quarter's actuals as CSV: imported from a BI export after a preview,
exported for a spreadsheet."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.forms import ActualsConfirmForm, ActualsUploadForm
from alignment.models import Status
from alignment.services import actuals_csv
from alignment.services.errors import Refused


def _page(request, access: WorkshopAccess, form, *, preview=None, upload: str = ""):
    failed = bool(form.errors) or (preview is not None and bool(preview.errors))
    return render(
        request,
        "alignment/actuals_import.html",
        {
            "workshop": access.workshop,
            "access": access,
            "signed": access.workshop.status == Status.SIGNED,
            "form": form,
            "preview": preview,
            "confirm": ActualsConfirmForm(initial={"upload": upload}) if upload else None,
        },
        status=422 if failed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_actuals(request: HttpRequest, workshop_id) -> HttpResponse:
    """The upload form; an uploaded file comes back as a preview of every row."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_contribute)
    workshop = access.workshop
    if request.method == "GET":
        return _page(request, access, ActualsUploadForm())
    form = ActualsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, access, form)
    text, file_name = form.cleaned_data["text"], form.cleaned_data["file_name"]
    try:
        preview = actuals_csv.read_actuals(workshop, text, file_name=file_name)
    except Refused as refusal:
        form.add_error(refusal.field or "file", refusal.message)
        return _page(request, access, form)
    upload = (
        actuals_csv.sign_upload(workshop, request.user, text, file_name=file_name)
        if preview.ok
        else ""
    )
    return _page(request, access, ActualsUploadForm(), preview=preview, upload=upload)


@login_required
@require_POST
def confirm_actuals(request: HttpRequest, workshop_id) -> HttpResponse:
    """Saves the previewed file: every row, or none if one is wrong now."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_contribute)
    workshop = access.workshop
    form = ActualsConfirmForm(request.POST)
    import_url = reverse("alignment:import_actuals", args=[workshop.pk])
    try:
        if not form.is_valid():
            raise Refused("csv_preview_invalid")
        text, file_name = actuals_csv.unsign_upload(
            workshop, request.user, form.cleaned_data["upload"]
        )
        # Read again: the quarter may have changed since the preview.
        preview = actuals_csv.read_actuals(workshop, text, file_name=file_name)
        if not preview.ok:
            return _page(request, access, ActualsUploadForm(), preview=preview)
        # One preview, one import: a second click (or the back button) saves
        # nothing twice. The first to claim it in the shared cache saves it.
        claim = f"actuals-import:{hashlib.sha256(form.cleaned_data['upload'].encode()).hexdigest()}"
        if not cache.add(claim, 1, actuals_csv.UPLOAD_MAX_AGE):
            raise Refused("csv_already_imported")
        try:
            saved = actuals_csv.save_actuals(workshop, preview, by=request.user)
        except Exception:
            cache.delete(claim)
            raise
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(import_url)
    messages.success(
        request,
        ngettext(
            "%(count)s reading imported from %(file)s.",
            "%(count)s readings imported from %(file)s.",
            saved,
        )
        % {"count": saved, "file": file_name},
    )
    return redirect("alignment:results", workshop.pk)


@login_required
@require_GET
def export_actuals(request: HttpRequest, workshop_id) -> HttpResponse:
    """Every KPI with its plan and actuals, for any member who sees the quarter."""
    access = get_workshop_for_user(request.user, workshop_id)
    workshop = access.workshop
    if workshop.status != Status.SIGNED:
        # Before signing a KPI may still be a hidden brainstorm answer; and there
        # are no actuals yet.
        messages.error(request, Refused("results_before_signing").message)
        return redirect("alignment:results", workshop.pk)
    body = actuals_csv.export_actuals(workshop)
    # The byte order mark tells Excel the file is UTF-8.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cvm-actuals-{workshop.organization.slug}-{workshop.quarter}.csv"'
    )
    return response
