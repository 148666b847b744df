from __future__ import annotations

from django.urls import path

from flavors import views

app_name = "flavors"

urlpatterns = [
    path("", views.reference, name="reference"),
    # Before the <code> pattern, so "diagnostic" is never taken for a flavor code.
    path("diagnostic/", views.diagnostic, name="diagnostic"),
    path("<slug:code>/", views.detail, name="detail"),
]
