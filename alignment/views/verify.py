"""Checking a report PDF (or a hash) against the signed record of an organisation.

A PDF is read, in memory and never kept, by `alignment.report.verification`:
its seal (intact, by this site's certificate, nothing added after it) and the
signed content it carries. The matching report is looked for among the
reports of the organisation in the URL only, which the visitor is a member of.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from alignment.access import get_membership_or_404
from alignment.forms import VerifyForm
from alignment.models import Report
from alignment.report import verification


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Is this PDF sealed here and whole, and which signed report is it? (Or: which
    signed report has this hash?)"""
    membership = get_membership_or_404(request.user, slug)
    form = VerifyForm(request.POST if request.method == "POST" else None, request.FILES or None)
    inspection = None
    match = match_by = None
    digest = ""
    if request.method == "POST" and form.is_valid():
        reports = Report.objects.filter(
            workshop__organization=membership.organization
        ).select_related("workshop")
        upload = form.cleaned_data.get("pdf")
        if upload:
            # At most MAX_PDF_BYTES (the form checked), read whole: the checks
            # need the file's bytes, and its hash is of all of them.
            inspection = verification.inspect_pdf(b"".join(upload.chunks()))
            match, match_by = verification.matching_report(inspection, reports)
            digest = inspection.file_sha256
        else:
            digest = form.cleaned_data["hash"]
            match, match_by = verification.report_with_hash(digest, reports)
    return render(
        request,
        "alignment/verify.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "form": form,
            "checked": bool(digest),
            "digest": digest,
            "inspection": inspection,
            "match": match,
            "match_by": match_by,
        },
        status=422 if form.errors else 200,
    )
