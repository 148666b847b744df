"""The live workshop: what every open page receives when the room changes.

    a write (any POST)                 the Celery worker (a report is ready)
          │ commits                           │
          └──► realtime.signals ──► realtime.push.announce
                                          │ channel layer group "workshop.<id>"
                                          │ (Redis pub/sub: every web process)
                                          ▼
          LiveConsumer, one per open page, in whichever process holds it
          ├─ "room"      the step as the page's rights class sees it: rendered
          │              once per (revision, step, class, language), the same
          │              text sent to every page of that class
          ├─ "presence"  who is here: rendered once per state of the room
          └─ "mine"      the person's own part (their dots, their hidden answers):
                         rendered for them alone, only when it changed

A page applies the parts it receives by id (`static/js/workshop.js`). Without a
WebSocket (a proxy that refuses it) the page asks `poll` every two seconds and
receives the same messages as a list.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from alignment import access, agenda
from alignment.access import Rights, RoomAccess, WorkshopAccess, get_workshop_for_user
from alignment.models import Workshop, WorkshopRole
from alignment.realtime import live, pagecache, push
from alignment.views.base import page_context, personal_context, room_items_context

# The close code a page sees when it may not (or no longer) follow the workshop.
REFUSED = 4403
ROOM_SECONDS = 15 * 60
# Arrivals and departures are announced at most this often by each process: a
# room of hundreds filling up must not send everyone a list per arrival.
PRESENCE_EVERY_S = 0.5
ROOT_ID = re.compile(r'\bid="([^"]+)"')
# What the poll's answers say about caching (@never_cache, without its dates).
NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"


@dataclass(frozen=True)
class Room:
    """A step of a workshop as one rights class sees it, ready to send."""

    revision: int
    current: str
    text: str  # the "room" message
    personal: dict  # user id -> a token that changes when their own part does


def room(workshop_id, step_slug: str, role: str, language: str) -> Room | None:
    """The room now, for a class and language: from the cache, or rendered by the
    first who asks (in any process) while the others wait for it."""
    key = _state_key("room", workshop_id, step_slug, role, language)
    if key is None:
        return None
    return pagecache.once(
        key, partial(_render_room, workshop_id, step_slug, role, language), seconds=ROOM_SECONDS
    )


def _workshop(workshop_id) -> Workshop | None:
    return (
        Workshop.objects.select_related("organization", "facilitator")
        .filter(pk=workshop_id)
        .first()
    )


def _state_key(name: str, workshop_id, *parts) -> str | None:
    """A cache key for what this state of the workshop renders (its revision and
    generations), or None if there is no such workshop."""
    found = live.state(workshop_id)
    if found is None:
        return None
    fragments = ":".join(str(part) for part in parts)
    return f"{name}:{workshop_id}:{found[0]}:{pagecache.generations(workshop_id)}:{fragments}"


def _render_room(workshop_id, step_slug: str, role: str, language: str) -> Room | None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return None
    step = agenda.get_step(step_slug) if step_slug else None
    with translation.override(language):
        parts, personal = room_parts(RoomAccess(workshop, Rights(role)), step)
    message = {"t": "room", "v": workshop.revision, "current": workshop.current_step}
    return Room(
        revision=workshop.revision,
        current=workshop.current_step,
        text=json.dumps({**message, "parts": parts}),
        personal=personal,
    )


def _render_parts(names: list[str], context: dict) -> dict[str, str]:
    return {
        name: render_to_string(f"alignment/step.html#{name}", context).strip() for name in names
    }


def _live_partial(step, workshop_access, context: dict) -> dict[str, str]:
    html = render_to_string(
        step.live_partial, {**context, **step.live_context_function(workshop_access)}
    ).strip()
    return {ROOT_ID.search(html).group(1): html}


def room_parts(room_access: RoomAccess, step) -> tuple[dict[str, str], dict]:
    """The parts of a step page that are the same for a whole rights class, by
    element id, and the personal tokens of `room_items_context`."""
    if step is None:  # the overview: only who is here changes on it
        return {}, {}
    workshop = room_access.workshop
    context = {
        "access": room_access,
        "workshop": workshop,
        "step": step,
        "oob": True,
        # Forms in shared parts carry no token: the page adds its own (workshop.js).
        "csrf_token": "NOTPROVIDED",
        "agenda": agenda.progress(workshop, step, viewer=None),
        "current": agenda.get_step(workshop.current_step) if workshop.current_step else None,
    }
    names = ["facilitation", "agenda"]
    personal: dict = {}
    if step.has_items:
        context.update(room_items_context(workshop, step, room_access.rights))
        personal = context.pop("personal")
        vote = context["vote"]
        # Opening, closing or resizing a vote changes every voter's own part.
        marker = f"{vote.pk}:{vote.is_open}:{vote.budget}" if vote is not None else ""
        personal = {"vote": marker, **personal}
        names.append("items")
    parts = _render_parts(names, context)
    if step.live_partial and not step.live_personal:
        parts.update(_live_partial(step, room_access, context))
    return parts, personal


def lands_in_place(step) -> bool:
    """Whether a page that follows the facilitator to this step receives it over
    its live connection: the item steps (their page is step.html's alone). For a
    step with a page of its own the page goes there itself."""
    return step is not None and step.has_items and step.view_function is None


def landing(workshop_id, step_slug: str, role: str, language: str) -> str | None:
    """The "page" message: the whole of a step page inside <main> as a rights class
    sees it, for the pages that followed the facilitator there. Rendered once per
    state, class and language, whichever process asks first; the person's own parts
    follow it when they have any (`personal_parts`)."""
    key = _state_key("landing", workshop_id, step_slug, role, language)
    if key is None:
        return None
    return pagecache.once(
        key, partial(_render_landing, workshop_id, step_slug, role, language), seconds=ROOM_SECONDS
    )


def _render_landing(workshop_id, step_slug: str, role: str, language: str) -> str | None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return None
    step = agenda.get_step(step_slug)
    with translation.override(language):
        context = page_context(RoomAccess(workshop, Rights(role)), step, live.present(workshop_id))
        vote = context["vote"]
        context.update(
            csrf_token="NOTPROVIDED",
            # Someone who just arrived on a step has no answer hidden there and no
            # dot on it yet (if they do, their own parts follow): the class's default.
            own_entries=[],
            own_anonymous=[],
            mine_json="{}",
            dots_left=vote.budget if vote is not None and vote.is_open else 0,
        )
        html = render_to_string("alignment/step.html#page", context).strip()
        title = f"{step.number}. {step.title} · {workshop.quarter}"
    url = reverse("alignment:step", args=[workshop.pk, step.slug])
    return json.dumps({"t": "page", "step": step.slug, "url": url, "title": title, "html": html})


def personal_parts(workshop_access: WorkshopAccess, step) -> dict[str, str]:
    """The parts of a step page that are this person's alone, by element id."""
    if step is None:
        return {}
    parts: dict[str, str] = {}
    context = {"access": workshop_access, "workshop": workshop_access.workshop, "step": step}
    if step.has_items:
        context = personal_context(workshop_access, step)
    context.update(oob=True, csrf_token="NOTPROVIDED")
    if step.has_items:
        parts.update(_render_parts(["own", "mine"], context))
    if step.live_partial and step.live_personal:
        parts.update(_live_partial(step, workshop_access, context))
    return parts


def personal_token(found: Room, user_id: int) -> str:
    return f"{found.personal.get('vote', '')}/{found.personal.get(user_id, '')}"


def presence_message(workshop_id, language: str) -> tuple[str, str]:
    """(fingerprint, "presence" message) of who is here now: rendered once per state
    of the room and language (`pagecache`), for everyone."""
    here = live.present(workshop_id)
    with translation.override(language):
        html = pagecache.presence_html(workshop_id, here, oob=True)
    fingerprint = live.fingerprint(here)
    return fingerprint, json.dumps({"t": "presence", "f": fingerprint, "html": html})


def _language(value: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return value if value in codes else settings.LANGUAGE_CODE


# The WebSocket --------------------------------------------------------------------------


def in_thread(function):
    """`function` for the event loop, run in a thread of the pool: the rooms of a
    process render side by side, and one waiting for another process's render
    holds up no other room (channels' default runs them all in one thread)."""
    return database_sync_to_async(function, thread_sensitive=False)


class Shared:
    """What the pages held by this process need at the same moment, fetched once:
    the first to ask runs it (in a thread), the others await the same answer."""

    def __init__(self) -> None:
        self.running: dict[tuple, asyncio.Future] = {}

    async def get(self, key: tuple, fetch, *args):
        future = self.running.get(key)
        if future is None:
            future = asyncio.ensure_future(in_thread(fetch)(*args))
            self.running[key] = future
            future.add_done_callback(lambda _done: self.running.pop(key, None))
        return await asyncio.shield(future)


shared = Shared()


# Workshops whose arrivals and departures this process will announce shortly.
_presence_due: set[str] = set()
_announcing: set[asyncio.Task] = set()


def announce_presence(workshop_id: str) -> None:
    """Tell the room that who is here changed, at most once every PRESENCE_EVERY_S
    from each process: three hundred pages arriving in a second are a few
    announcements, not three hundred times three hundred messages."""
    if workshop_id in _presence_due:
        return
    _presence_due.add(workshop_id)

    async def announce() -> None:
        await asyncio.sleep(PRESENCE_EVERY_S)
        _presence_due.discard(workshop_id)
        await get_channel_layer().group_send(
            push.group_name(workshop_id), {"type": push.PRESENCE_CHANGED}
        )

    task = asyncio.ensure_future(announce())
    _announcing.add(task)  # the loop keeps only a weak reference to a task
    task.add_done_callback(_announcing.discard)


class LiveConsumer(AsyncWebsocketConsumer):
    """One open workshop page: authorised when it connects and for every event
    (`access.py` holds the rule), marked here while it is open."""

    async def connect(self) -> None:
        self.workshop_id = str(self.scope["url_route"]["kwargs"]["workshop_id"])
        self.group = push.group_name(self.workshop_id)
        user = self.scope.get("user")
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.step_slug = (query.get("step") or [""])[0][:50]
        self.language = _language((query.get("lang") or [""])[0])
        try:
            self.step = agenda.get_step(self.step_slug) if self.step_slug else None
        except Http404:
            self.step = None
        self.role = None
        if user is not None and user.is_authenticated and (self.step or not self.step_slug):
            self.user, self.user_id = user, user.pk
            readers = await in_thread(live.readers)(self.workshop_id)
            self.role = access.rights_of(self.user_id, readers)
        if self.role is None:
            await self.close(code=REFUSED)
            return
        try:
            self.revision = int((query.get("v") or [""])[0].partition(".")[0])
        except ValueError:
            self.revision = -1
        self.personal = self.sent = self.current = None
        # The page says whether its person follows the facilitator (they change
        # it with a form, which reloads the page and so reconnects).
        self.follows = (query.get("follows") or [""])[0] == "1"
        self.presence_print = (query.get("v") or [""])[0].partition(".")[2]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await in_thread(live.arrive)(self.workshop_id, self.user_id, self.step_slug)
        announce_presence(self.workshop_id)
        await self._update(event=uuid.uuid4().hex)

    async def disconnect(self, code) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "role", None) is not None:
            await in_thread(live.leave)(self.workshop_id, self.user_id)
            announce_presence(self.workshop_id)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """Pages only listen; what they change goes through ordinary requests."""

    async def room_changed(self, event: dict) -> None:
        await self._update(event=event.get("id") or uuid.uuid4().hex)

    async def presence_changed(self, event: dict) -> None:
        await self._send_presence()

    async def _send_presence(self) -> None:
        # One render of the list per announcement and language in this process.
        bucket = int(time.monotonic() / PRESENCE_EVERY_S)
        fingerprint, text = await shared.get(
            ("presence", self.workshop_id, self.language, bucket),
            presence_message,
            self.workshop_id,
            self.language,
        )
        if fingerprint != self.presence_print and self.role is not None:
            self.presence_print = fingerprint
            # The page may have left while the list was due (the server's
            # ClientDisconnected is an OSError).
            with contextlib.suppress(OSError):
                await self.send(text_data=text)

    async def _update(self, *, event: str) -> None:
        """Asked again for every event, from the workshop's cached state (which a
        change of members drops): someone removed hears nothing more, someone
        demoted sees what their new class sees."""
        found = await shared.get(("state", self.workshop_id, event), live.state, self.workshop_id)
        role = access.rights_of(self.user_id, found[2]) if found is not None else None
        if role is None:
            self.role = None
            await self.close(code=REFUSED)
            return
        new_role = role != self.role
        self.role = role
        now = await shared.get(
            ("room", self.workshop_id, event, self.step_slug, role, self.language),
            room,
            self.workshop_id,
            self.step_slug,
            role,
            self.language,
        )
        if now is None:
            return
        moved = self.current is not None and now.current != self.current
        self.current = now.current
        if moved and await self._follow(now.current, event):
            return
        token = personal_token(now, self.user_id)
        if self.sent is None:
            # Just connected: the page is as its request left it, unless it missed
            # changes while it was away.
            room_changed = personal_changed = now.revision != self.revision
        else:
            # Also what changed without a new revision (an answer edited in the admin).
            room_changed = now.text != self.sent
            live_personal = self.step is not None and self.step.live_personal
            personal_changed = (
                token != self.personal or new_role or (room_changed and live_personal)
            )
        if room_changed:
            await self.send(text_data=now.text)
        if personal_changed:
            await self._send_personal()
        self.revision, self.personal, self.sent = now.revision, token, now.text

    async def _follow(self, slug: str, event: str) -> bool:
        """The facilitator brought the room to another step: a page that follows
        them receives that step's page, rendered once for its class, and shows it
        in place. False when it does not follow, or goes there itself."""
        if not (self.follows and self.role != WorkshopRole.LEAD and slug != self.step_slug):
            return False
        try:
            step = agenda.get_step(slug)
        except Http404:
            return False
        if self.step is None or not lands_in_place(step):
            return False
        key = (self.workshop_id, event, slug, self.role, self.language)
        page = await shared.get(
            ("landing", *key), landing, self.workshop_id, slug, self.role, self.language
        )
        now = await shared.get(
            ("room", *key), room, self.workshop_id, slug, self.role, self.language
        )
        if page is None or now is None:
            return False
        self.step_slug, self.step = slug, step
        await self.send(text_data=page)
        await in_thread(live.touch)(self.workshop_id, self.user_id, slug)
        announce_presence(self.workshop_id)
        self.revision, self.sent, self.current = now.revision, now.text, now.current
        self.personal = personal_token(now, self.user_id)
        if now.personal.get(self.user_id) or now.personal.get("vote"):
            await self._send_personal()
        return True

    async def _send_personal(self) -> None:
        text = await in_thread(self._personal_message)()
        if text:
            await self.send(text_data=text)

    def _personal_message(self) -> str:
        try:
            workshop_access = get_workshop_for_user(self.user, self.workshop_id)
        except Http404:
            return ""
        with translation.override(self.language):
            parts = personal_parts(workshop_access, self.step)
        return json.dumps({"t": "mine", "parts": parts}) if parts else ""


# The fallback: the same messages, asked every two seconds -------------------------------


@require_GET
def poll(request: HttpRequest, workshop_id) -> HttpResponse:
    """What changed since the page's token, as the WebSocket would have sent it:
    a list of messages, or 304 from one cache read when nothing did."""
    slug = request.GET.get("step", "")
    found = live.check(workshop_id, request.session, slug)
    if found is None:
        if not request.user.is_authenticated:
            return HttpResponse(status=401)
        raise Http404
    revision, _current_step, here, _role = found
    token = live.token(revision, here)
    client_revision, client_print = live.parse_token(request.GET.get("v", ""))
    if client_revision == revision and client_print == live.fingerprint(here):
        unchanged = HttpResponseNotModified()
        unchanged.headers["Cache-Control"] = NO_STORE
        return unchanged
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    workshop_access = get_workshop_for_user(request.user, workshop_id)
    step = agenda.get_step(slug) if slug else None
    language = translation.get_language()
    messages: list = []
    if client_revision != revision:
        now = room(workshop_id, slug, workshop_access.role, language)
        if now is not None:
            messages.append(json.loads(now.text))
        if parts := personal_parts(workshop_access, step):
            messages.append({"t": "mine", "parts": parts})
    if client_print != live.fingerprint(here):
        messages.append(json.loads(presence_message(workshop_id, language)[1]))
    response = JsonResponse({"v": token, "messages": messages})
    response.headers["Cache-Control"] = NO_STORE
    return response
