from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from alignment.views import accounts as account_views

# Uploaded and generated files (report PDFs) are never served from MEDIA_URL:
# they are streamed by views that check the reader's membership first.
urlpatterns = [
    # First: its live-sync poll is the most frequent request. (Its paths, the home
    # page and o/... and w/..., shadow none of the ones below.)
    path("", include("alignment.urls")),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("alignment.urls_accounts")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("flavors/", include("flavors.urls")),
    path("handshakes/", include("handshakes.urls")),
]
