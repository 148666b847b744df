"""Step 13: sign-off and the signed report."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.domain import coherence
from alignment.domain.visibility import hidden_answers
from alignment.forms import OverrideForm
from alignment.models import Report, ReportStatus, Status
from alignment.realtime import pagecache
from alignment.services import signoff
from alignment.services.audit import record
from alignment.services.errors import Refused, message_for
from alignment.views.base import step_context


def _signoff_url(workshop) -> str:
    return reverse("alignment:step", args=[workshop.pk, "signoff"])


def signoff_context(access: WorkshopAccess) -> dict:
    workshop = access.workshop
    report = Report.objects.filter(workshop=workshop).first()
    if report is not None:
        return {
            "report": report,
            "content_hash": report.content_hash,
            "signed_by": [
                {**s, "signed_at": datetime.fromisoformat(s["signed_at"])}
                for s in report.signatures
            ],
        }

    def content() -> tuple[str, coherence.Review, str]:
        loaded = coherence.load(workshop)
        _data, content_hash = signoff.current_content(workshop, loaded)
        hidden = hidden_answers(workshop)
        message = message_for("hidden_answers", steps=hidden.steps_text) if hidden else ""
        return content_hash, coherence.evaluate(loaded), message

    # The same for every leader looking at this state of the workshop: computed once.
    content_hash, review, hidden = pagecache.shared(workshop, "signoff-state", content)
    state = signoff.state(workshop, content_hash, has_blockers=bool(review.blockers))
    me = next((s for s in state.signers if s["member"].user_id == access.membership.user_id), None)
    return {
        "report": None,
        "content_hash": content_hash,
        "sign_state": state,
        "review": review,
        # Why nobody can sign yet: answers a private brainstorm still hides.
        "hidden_answers": hidden,
        "me": me,
        "can_sign": me is not None
        and me["signature"] is None
        and workshop.status == Status.SIGNING
        and not hidden
        and (not review.blockers or workshop.override_reason),
        "override_form": OverrideForm(initial={"reason": workshop.override_reason}),
        "voided": workshop.signatures.filter(voided_at__isnull=False).exists(),
    }


def signoff_step(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse:
    context = step_context(request, access, step)
    context.update(signoff_context(access))
    return render(request, "alignment/step_signoff.html", context)


@login_required
@require_POST
def sign(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    try:
        report = signoff.sign(
            access.workshop, by=request.user, content_hash=request.POST.get("content_hash", "")
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        if report is None:
            messages.success(request, _("Signed. Waiting for the other leaders."))
        else:
            messages.success(
                request,
                _(
                    "Signed by every leader: the workshop is frozen and the report is being prepared."
                ),
            )
    return redirect(_signoff_url(access.workshop))


@login_required
@require_POST
def override(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            signoff.set_override(access.workshop, form.cleaned_data["reason"], by=request.user)
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Override recorded; it will be shown in the report.")
                if form.cleaned_data["reason"]
                else _("Override withdrawn."),
            )
    else:
        messages.error(request, form.errors["reason"][0])
    return redirect(_signoff_url(access.workshop))


@login_required
@require_GET
def report_status(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    report = Report.objects.filter(workshop=access.workshop).first()
    if report is None:
        raise Http404
    return render(
        request,
        "alignment/step_signoff.html#report_status",
        {"workshop": access.workshop, "report": report},
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    report = Report.objects.filter(workshop=access.workshop, status=ReportStatus.READY).first()
    if report is None or not report.pdf:
        raise Http404(_("The report is not ready yet."))
    record(
        access.workshop.organization,
        request.user,
        "report.downloaded",
        access.workshop,
        workshop=access.workshop,
    )
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )
