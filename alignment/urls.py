from __future__ import annotations

from django.urls import path

from alignment import views

app_name = "alignment"

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:slug>/", views.organization, name="organization"),
    path("o/<slug:slug>/members/", views.members, name="members"),
    path("o/<slug:slug>/members/<uuid:member_key>/role", views.member_role, name="member_role"),
]
