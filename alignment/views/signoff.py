"""Step 13: sign-off and the signed report."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alignment import agenda
from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.domain import coherence
from alignment.domain.visibility import hidden_answers
from alignment.forms import DeclineForm, OverrideForm, SignForm
from alignment.models import Report, ReportStatus, Status
from alignment.realtime import pagecache
from alignment.report.context import report_context
from alignment.report.render import render_report_pdf
from alignment.services import signoff
from alignment.services.audit import Client, record
from alignment.services.errors import Refused, message_for
from alignment.views.base import step_context

DRAFT_SECONDS = 600


def _signoff_url(workshop) -> str:
    return reverse("alignment:step", args=[workshop.pk, "signoff"])


def client_of(request: HttpRequest) -> Client:
    """Where a signer's request came from, for the completion certificate."""
    return Client(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("User-Agent", ""),
    )


def _signed_content(workshop) -> tuple[str, coherence.Review, str, str, dict | None]:
    """The content leaders sign now, for this state of the workshop: its hash,
    the review, why nobody can sign yet (answers still hidden) and the content
    as HTML, section by section as the report shows it. The hash is the hash of
    the very snapshot the HTML shows. The same for everyone looking at this
    state: computed once, by whoever asks first."""

    def content():
        loaded = coherence.load(workshop)
        data, content_hash = signoff.current_content(workshop, loaded)
        hidden = hidden_answers(workshop)
        message = message_for("hidden_answers", steps=hidden.steps_text) if hidden else ""
        shown = ""
        if not hidden:
            shown = render_to_string(
                "alignment/_signed_content.html",
                report_context(data, [], content_hash, timezone.now()),
            )
        return content_hash, coherence.evaluate(loaded), message, shown

    return pagecache.shared(workshop, "signoff-content", content)


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

    content_hash, review, hidden, content_html = _signed_content(workshop)
    state = signoff.state(workshop, content_hash, has_blockers=bool(review.blockers), openings=True)
    me = next((s for s in state.signers if s["member"].user_id == access.membership.user_id), None)
    may_decide = (
        me is not None
        and workshop.status == Status.SIGNING
        and not hidden
        and (not review.blockers or workshop.override_reason)
    )
    return {
        "report": None,
        "content_hash": content_hash,
        "content_html": content_html,
        "sign_state": state,
        "review": review,
        # Why nobody can sign yet: answers a private brainstorm still hides.
        "hidden_answers": hidden,
        "me": me,
        "can_sign": may_decide and me["signature"] is None,
        "can_decline": may_decide and me["declined"] is None,
        "sign_form": SignForm(initial={"content_hash": content_hash}),
        "decline_form": DeclineForm(initial={"content_hash": content_hash}),
        "override_form": OverrideForm(initial={"reason": workshop.override_reason}),
        "voided": workshop.signatures.filter(voided_at__isnull=False).exists(),
    }


def signoff_step(request: HttpRequest, access: WorkshopAccess, step, **extra) -> HttpResponse:
    context = step_context(request, access, step)
    context.update(signoff_context(access))
    context.update(extra)
    status = 422 if any(form.errors for form in extra.values() if hasattr(form, "errors")) else 200
    if extra.get("confirm_unread"):
        status = 409
    return render(request, "alignment/step_signoff.html", context, status=status)


def _again(request: HttpRequest, access: WorkshopAccess, **extra) -> HttpResponse:
    """The sign-off page again, with what the leader typed and why it was not taken."""
    return signoff_step(request, access, agenda.get_step("signoff"), **extra)


@login_required
@require_POST
def sign(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _again(request, access, sign_form=form)
    try:
        report = signoff.sign(
            access.workshop,
            by=request.user,
            content_hash=form.cleaned_data["content_hash"],
            reservation=form.cleaned_data["reservation"],
            unread_ok=form.cleaned_data["unread"],
            client=client_of(request),
        )
    except Refused as refusal:
        if refusal.code == "not_opened":
            # Asked once more: the same form, its answer to the question set.
            confirm = SignForm(initial={**form.cleaned_data, "unread": True})
            return _again(request, access, sign_form=confirm, confirm_unread=refusal.message)
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
def decline(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _again(request, access, decline_form=form, decline_open=True)
    try:
        signoff.decline(
            access.workshop,
            by=request.user,
            content_hash=form.cleaned_data["content_hash"],
            reason=form.cleaned_data["reason"],
            client=client_of(request),
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("You declined to sign. The lead sees your reason; the workshop stays open.")
        )
    return redirect(_signoff_url(access.workshop))


@login_required
@require_POST
def opened(request: HttpRequest, workshop_id) -> HttpResponse:
    """A leader opened the content on the sign-off page (sent when they unfold it)."""
    access = get_workshop_for_user(request.user, workshop_id)
    content_hash, *_rest = _signed_content(access.workshop)
    # Only the content there is now can be opened (the page names it).
    if request.POST.get("content_hash", "") == content_hash:
        signoff.open_content(
            access.workshop, by=request.user, content_hash=content_hash, client=client_of(request)
        )
    return HttpResponse(status=204)


@login_required
@require_GET
def draft_pdf(request: HttpRequest, workshop_id) -> HttpResponse:
    """The content leaders sign now as a PDF, watermarked as a draft, with the
    hash it would carry. Opening it counts as opening the content."""
    access = get_workshop_for_user(request.user, workshop_id)
    workshop = access.workshop
    if workshop.status == Status.SIGNED:
        return redirect(_signoff_url(workshop))
    if hidden := hidden_answers(workshop):
        messages.error(request, message_for("hidden_answers", steps=hidden.steps_text))
        return redirect(_signoff_url(workshop))
    data, content_hash = signoff.current_content(workshop)
    language = data["workshop"].get("language") or ""

    def render_draft() -> bytes:
        return render_report_pdf(
            data, signatures=[], content_hash=content_hash, generated_at=timezone.now(), draft=True
        )

    # One render per version of the content: a room of leaders opening the
    # draft at once waits for the first.
    pdf = pagecache.once(
        f"draft:{workshop.pk}:{content_hash}:{language}:{pagecache.site_generation()}",
        render_draft,
        seconds=DRAFT_SECONDS,
    )
    if pdf is None:
        pdf = render_draft()
    signoff.open_content(
        workshop, by=request.user, content_hash=content_hash, client=client_of(request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="draft-{workshop.organization.slug}-{workshop.quarter}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


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
