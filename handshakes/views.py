"""The handshake library, for every signed-in person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from handshakes.forms import LibraryFilterForm
from handshakes.models import FunctionalArea, HandshakeTemplate, Impact, Stage


@require_GET
@login_required
def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    filters = form.filters()
    templates = list(
        HandshakeTemplate.objects.published()
        .select_related("area")
        .search(filters["q"])
        .with_impact(filters["impact"])
        .at_stage(filters["stage"])
        .in_library_order()
    )
    context = {
        "form": form,
        "templates": templates,
        "filtered": any(filters.values()),
        "impacts": Impact,
        "stages": Stage,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "handshakes/library.html#results", context)
    return render(request, "handshakes/library.html", context)


def _get_versions_for_user(user, slug: str) -> tuple[FunctionalArea, list[HandshakeTemplate]]:
    """The area and the versions this person may read, newest first (drafts: staff only)."""
    versions = list(
        HandshakeTemplate.objects.visible_to(user)
        .select_related("area")
        .filter(area__slug=slug)
        .order_by("-version")
    )
    if not versions:
        raise Http404("No such functional area.")
    return versions[0].area, versions


@require_GET
@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    area, versions = _get_versions_for_user(request.user, slug)
    current = next((v for v in versions if v.is_published), None)
    asked = request.GET.get("version")
    template = next((v for v in versions if str(v.version) == asked), None) if asked else current
    if template is None:
        raise Http404("No such version.")
    return render(
        request,
        "handshakes/detail.html",
        {
            "area": area,
            "template": template,
            "current": current,
            "versions": versions,
            "stages": Stage,
            "not_current": template != current,
        },
    )
