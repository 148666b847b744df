"""Checking a report PDF (or a hash) against the signed record of an organisation."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from alignment.access import get_membership_or_404
from alignment.forms import VerifyForm
from alignment.models import Report


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Does this PDF (or hash) match a signed report of this organisation?"""
    membership = get_membership_or_404(request.user, slug)
    form = VerifyForm(request.POST if request.method == "POST" else None, request.FILES or None)
    match = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = True
        digest = form.cleaned_data["hash"]
        if form.cleaned_data.get("pdf"):
            hasher = hashlib.sha256()
            for chunk in form.cleaned_data["pdf"].chunks():
                hasher.update(chunk)
            digest = hasher.hexdigest()
        reports = Report.objects.filter(
            workshop__organization=membership.organization
        ).select_related("workshop")
        match = (
            reports.filter(pdf_sha256=digest).first() or reports.filter(content_hash=digest).first()
        )
        form.digest = digest
    return render(
        request,
        "alignment/verify.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "form": form,
            "match": match,
            "checked": checked,
        },
        status=422 if form.errors else 200,
    )
