"""Template context for pages rendered for the page cache (see alignment.realtime.pagecache)."""

from __future__ import annotations

from django.http import HttpRequest

from alignment.realtime import pagecache


def page_slots(request: HttpRequest) -> dict:
    """While a page is rendered for the cache, its per-request parts print as
    slot marks; the CSRF token too, whose every `{% csrf_token %}` becomes a slot."""
    slots = pagecache.slots_for(request)
    if slots is None:
        return {}
    return {"page_slots": slots, "csrf_token": slots["csrf_token"]}
