"""Whole workshop pages, rendered once per state of the workshop and served from
the cache until it changes.

A step page looks the same to everyone of a rights class (lead, leader,
observer) until something in the workshop changes, so it is rendered once and
kept under a key made of:

- the page (its path) and the rights class looking at it (the person, for the
  pages that show one person's state: the overview, flavor, review, sign-off),
  in their language;
- the workshop's revision, which every change made in the workshop bumps;
- two generations: the workshop's, renewed whenever a row that belongs to it is
  saved or deleted (participants, reports: whatever does not bump the
  revision), and the site's, renewed when people, memberships, organisations or
  the shared reference data change (see `alignment.realtime.signals`).

What differs from one request to the next is left out of the cached page as
slots, filled for each request: the CSRF token, flash messages, who is here now
and the live token; on a page shared by a class, also its person's account,
hidden answers, dots and following (PERSONAL, kept per person and state). Slots
are marked with a random nonce per rendering, so no text a user typed can pose
as one. A page a whole room asks for at once is rendered by the first request
while the others wait for it (`once`).

Generations are random tokens, not counters: a generation the cache evicted
comes back as a new token, never as an old one that would revive stale pages.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

from alignment.access import WorkshopAccess, get_workshop_for_user
from alignment.realtime import live

SLOTS = ("csrf_token", "messages", "presence", "live_token")
# What a page shared by a rights class leaves for each person: their account in
# the header, their own part of the list, their dots, whether they follow.
PERSONAL = ("account", "own", "mine", "follow")
# What the personal slots print in place of the CSRF token, for the same reason.
CSRF_MARK = "cvmslot-csrf-token"
PAGE_SECONDS = 15 * 60
# How long a request waits for another to finish rendering what it needs (`once`).
RENDER_WAIT_S = 2.0
GENERATION_SECONDS = 7 * 24 * 3600
SITE = "site"


def _generation_key(scope) -> str:
    return f"gen:{scope}"


def changed(scope=SITE) -> None:
    """Renew a generation: a workshop's (its id) or the whole site's."""
    cache.set(_generation_key(scope), secrets.token_hex(4), GENERATION_SECONDS)


def generations(workshop_id) -> str:
    """The workshop's and the site's generation, as one key fragment."""
    keys = [_generation_key(workshop_id), _generation_key(SITE)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(4), GENERATION_SECONDS)
            found[key] = cache.get(key)
    return f"{found[keys[0]]}.{found[keys[1]]}"


def site_generation() -> str:
    """The site's generation alone: people, memberships, organisations and the
    shared reference data as they are now."""
    key = _generation_key(SITE)
    cache.add(key, secrets.token_hex(4), GENERATION_SECONDS)
    return cache.get(key)


def shared(workshop, name: str, compute: Callable[[], object]):
    """What `compute` returns for this state of the workshop, in this language:
    computed by the first person who needs it, shared with everyone after them
    (a review, a rendered fragment that holds nothing personal)."""
    key = (
        f"shared:{workshop.pk}:{workshop.revision}:{generations(workshop.pk)}:"
        f"{get_language()}:{name}"
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PAGE_SECONDS)
    return value


def once(key: str, compute: Callable[[], object], *, seconds: int = PAGE_SECONDS):
    """What `compute()` returns, kept under `key`: computed by the first who asks,
    in any process, while the others wait for it (up to RENDER_WAIT_S) rather than
    compute it too. A room of hundreds that lands on a page at once (the
    facilitator brought it there) costs one render per class. None is not kept."""
    value = cache.get(key)
    if value is not None:
        return value
    computing = cache.add(f"{key}:computing", 1, int(RENDER_WAIT_S) + 1)
    if not computing:
        deadline = time.monotonic() + RENDER_WAIT_S
        while time.monotonic() < deadline:
            time.sleep(0.01)
            value = cache.get(key)
            if value is not None:
                return value
    try:
        value = compute()
        if value is not None:
            cache.set(key, value, seconds)
        return value
    finally:
        if computing:
            cache.delete(f"{key}:computing")


def slots_for(request: HttpRequest) -> dict | None:
    """The slot marks while a page is being rendered for the cache (templates
    print them instead of the per-request parts), else None."""
    return getattr(request, "_page_slots", None)


def serve(
    request: HttpRequest,
    workshop_id,
    where: str,
    build: Callable[[WorkshopAccess], HttpResponse],
    *,
    personal: Callable[[HttpRequest, WorkshopAccess], dict[str, str]] | None = None,
) -> HttpResponse:
    """A workshop page for this request, `where` being the step it shows ("" for
    the overview): from the cache, or built by `build(access)`, the view's
    own rendering, and kept when it answers 200.

    With `personal`, the page is one for everyone of the person's rights class
    (lead, leader, observer): what is one person's in it is left as PERSONAL
    slots that `personal(request, access)` fills for each request. A room that
    the facilitator moves to a step is rendered once per class, not per person.
    Without it the page is kept per person, and costs no query beyond the
    session's user when it comes from the cache."""
    found = live.check(workshop_id, request.session, where)
    if found is None:
        raise Http404
    revision, _current_step, here, role = found
    if request.method != "GET" or request.htmx:
        return build(get_workshop_for_user(request.user, workshop_id))
    generation = generations(workshop_id)
    viewer = role if personal is not None else request.user.pk
    access = None
    refused = None

    def render() -> tuple | None:
        nonlocal access, refused
        access = get_workshop_for_user(request.user, workshop_id)
        nonce = secrets.token_hex(8)
        slots = SLOTS + (PERSONAL if personal is not None else ())
        request._page_slots = {slot: f"cvmslot-{nonce}-{slot}" for slot in slots}
        try:
            response = build(access)
        finally:
            del request._page_slots
        if response.status_code != 200:
            refused = response
            return None
        html = response.content.decode(response.charset)
        return tuple(re.split(f"cvmslot-{nonce}-({'|'.join(slots)})", html))

    parts = once(_page_key(request, workshop_id, revision, generation, viewer), render)
    if parts is None:
        return refused
    fill = {
        "csrf_token": get_token(request),
        "messages": _messages(request),
        "presence": presence_html(workshop_id, here),
        "live_token": live.token(revision, here),
    }
    if personal is not None:
        fill.update(_personal(request, workshop_id, where, revision, generation, personal, access))
    return HttpResponse("".join(fill[part] if n % 2 else part for n, part in enumerate(parts)))


def _personal(request, workshop_id, where, revision, generation, personal, access) -> dict:
    """A person's slots of a page shared by their class, kept like a page: a person
    reloading it costs a cache read, a room that moved costs each person only these
    few small parts. They print CSRF_MARK for the token, filled per request."""
    key = (
        f"personal:{workshop_id}:{revision}:{generation}:{request.user.pk}:{get_language()}:{where}"
    )
    slots = cache.get(key)
    if slots is None:
        slots = personal(request, access or get_workshop_for_user(request.user, workshop_id))
        cache.set(key, slots, PAGE_SECONDS)
    token = get_token(request)
    return {name: html.replace(CSRF_MARK, token) for name, html in slots.items()}


def _page_key(request: HttpRequest, workshop_id, revision: int, generation: str, viewer) -> str:
    path = hashlib.blake2s(request.get_full_path().encode(), digest_size=8).hexdigest()
    return f"page:{workshop_id}:{revision}:{generation}:{viewer}:{get_language()}:{path}"


def _messages(request: HttpRequest) -> str:
    storage = get_messages(request)
    if not storage:
        return ""
    return render_to_string("base.html#messages", {"messages": storage}, request)


def presence_html(workshop_id, here: dict, *, oob: bool = False) -> str:
    """Who is here, rendered once for everyone in the workshop at this moment."""
    generation = generations(workshop_id)
    key = f"presence:{workshop_id}:{generation}:{get_language()}:{live.fingerprint(here)}:{oob}"
    html = cache.get(key)
    if html is None:
        participants = live.people(workshop_id)
        html = render_to_string(
            "alignment/step.html#presence",
            {"presence": live.presence(participants, here), "oob": oob},
        ).strip()
        cache.set(key, html, PAGE_SECONDS)
    return html
