from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from flavors.diagnostic import DiagnosticForm, DiagnosticResult
from flavors.models import Flavor, Perspective


def result_context(result: DiagnosticResult | None) -> dict:
    """Context for `flavors/_result.html`: the result and the flavor(s) it is about.

    `result_flavors` holds the primary flavor, or the two a near tie sits
    between, with their activities and challenges prefetched (three queries).
    """
    if result is None:
        return {"result": None, "result_flavors": []}
    flavors = {
        f.code: f for f in Flavor.objects.with_details().filter(code__in=result.flavor_codes)
    }
    return {
        "result": result,
        "result_flavors": [flavors[code] for code in result.flavor_codes if code in flavors],
    }


@login_required
@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    flavors = list(Flavor.objects.with_details())
    # One row per perspective, one cell per flavor: the table compares across.
    perspective_rows = [
        (label, [(flavor, getattr(flavor, key)) for flavor in flavors])
        for key, label in Perspective.choices
    ]
    return render(
        request,
        "flavors/reference.html",
        {"flavors": flavors, "perspective_rows": perspective_rows},
    )


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    flavor = get_object_or_404(Flavor.objects.with_details(), code=code)
    previous = Flavor.objects.filter(next_stage=flavor).order_by("order").first()
    return render(request, "flavors/detail.html", {"flavor": flavor, "previous": previous})


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic(request: HttpRequest) -> HttpResponse:
    """Try the questionnaire: nothing is stored, the result is shown on the same page."""
    form = DiagnosticForm(request.POST or None)
    result = form.result() if request.method == "POST" and form.is_valid() else None
    context = {"form": form, **result_context(result)}
    if request.htmx:
        return render(request, "flavors/diagnostic.html#panel", context)
    return render(request, "flavors/diagnostic.html", context)
