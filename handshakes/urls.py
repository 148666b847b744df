from __future__ import annotations

from django.urls import path

from handshakes import views

app_name = "handshakes"

urlpatterns = [
    path("", views.library, name="library"),
    path("<slug:slug>/", views.detail, name="detail"),
]
