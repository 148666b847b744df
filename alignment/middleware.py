"""Responses to a signed-in browser are for that person alone."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


def private_responses(get_response):
    """Mark every response to a request that carries a session as private, so no
    shared cache (a proxy, a CDN in front of the app) keeps a page, a report PDF
    or an export for the next person; without other instructions the browser
    asks again each time, so a page never shows a stale workshop.

    It looks at the session cookie, not at `request.user`: loading the user would
    cost the live-sync poll a query it otherwise never makes."""

    def middleware(request):
        response = get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            current = response.get("Cache-Control", "")
            if not current:
                response["Cache-Control"] = "private, no-cache"
            elif "private" not in current and "no-store" not in current:
                patch_cache_control(response, private=True)
        return response

    return middleware
