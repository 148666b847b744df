"""Step 1: the flavor diagnostic, answered by the team together."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from alignment.access import WorkshopAccess, require
from alignment.services import workshops
from alignment.services.errors import Refused
from alignment.views.base import step_context, unless_editable
from flavors.diagnostic import DiagnosticForm
from flavors.views import result_context


def flavor_step(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse:
    workshop = access.workshop
    status = 200
    if request.method == "POST":
        require(access.can_contribute)
        if refusal := unless_editable(request, access, step):
            return refusal
        form = DiagnosticForm(request.POST)
        if form.is_valid():
            try:
                workshops.save_flavor_answers(workshop, form.cleaned_data, by=request.user)
            except Refused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(
                    request,
                    _("Saved. %(headline)s") % {"headline": workshop.flavor_result.headline},
                )
            return redirect(reverse("alignment:step", args=[workshop.pk, step.slug]) + "#result")
        status = 422
    else:
        form = DiagnosticForm(initial=workshop.flavor_answers)
    context = step_context(request, access, step)
    context.update(result_context(workshop.flavor_result))
    context["diagnostic_form"] = form
    previous = workshop.previous
    if previous is not None and previous.flavor_result is not None:
        context["previous_result"] = previous.flavor_result
    return render(request, "alignment/step_flavor.html", context, status=status)
