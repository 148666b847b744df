"""The project's URLs plus the baseline: a bare view behind the same middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cvm_align.urls import urlpatterns as project_urlpatterns

BARE_URL = "/__bench__/bare"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path(BARE_URL.lstrip("/"), bare, name="bench_bare"), *project_urlpatterns]
