"""Live sync and presence: the state every open page asks for when it changed.

A page hears of a change through its live connection (`push`) and asks at once;
without one (a proxy that refuses WebSockets) it asks every two seconds. The
poll answers 304 when neither the workshop's revision nor the set of people
here changed. That answer costs one cache read: the workshop's state (revision,
current step, who may see it) and the room, together.

Presence ("who is here") is one cache entry per workshop: user id -> (step, last
seen). A poll rewrites it only when its own entry is missing, names another step,
or is a third of the way to expiry, so most polls only read it. Two people
rewriting the room at the same instant can drop one refresh; that person's next
poll puts it back long before the entry expires.

A page's live connection marks its person here when it opens and gone when the
last of their pages closes (`arrive`, `leave`), so arrivals and departures show
at once; the entry outlives the 30 s between a connected page's safety polls.
"""

from __future__ import annotations

import hashlib
import time

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from alignment import access, agenda
from alignment.models import Membership, Workshop, WorkshopRole

PRESENCE_SECONDS = 75
PRESENCE_ROWS = 24
REFRESH_SECONDS = 20
ROOM_SECONDS = 3600
STATE_SECONDS = 5  # at most, should a reader cache a state read just before a change


def _room_key(workshop_id) -> str:
    return f"ws:{workshop_id}:room"


def _state_key(workshop_id) -> str:
    return f"ws:{workshop_id}:state"


def touch(workshop_id, user_id: int, step_slug: str) -> dict:
    """Mark a person here, on a step ("" for the overview); return who is here
    now, as user id -> step."""
    room = cache.get(_room_key(workshop_id)) or {}
    return _touch(workshop_id, room, user_id, step_slug, time.time())


def _touch(workshop_id, room: dict, user_id: int, step_slug: str, now: float) -> dict:
    mine = room.get(user_id)
    if mine is None or mine[0] != step_slug or now - mine[1] > REFRESH_SECONDS:
        room = {uid: seen for uid, seen in room.items() if now - seen[1] < PRESENCE_SECONDS}
        room[user_id] = (step_slug, now)
        cache.set(_room_key(workshop_id), room, ROOM_SECONDS)
    return {uid: step for uid, (step, seen) in room.items() if now - seen < PRESENCE_SECONDS}


def _connections_key(workshop_id, user_id: int) -> str:
    return f"ws:{workshop_id}:connections:{user_id}"


def arrive(workshop_id, user_id: int, step_slug: str) -> dict:
    """A page's live connection opened: its person is here (`touch`), with one
    more page open."""
    key = _connections_key(workshop_id, user_id)
    if not cache.add(key, 1, ROOM_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, ROOM_SECONDS)
    return touch(workshop_id, user_id, step_slug)


def leave(workshop_id, user_id: int) -> None:
    """A page's live connection closed: its person is gone once the last of their
    pages on the workshop closed (two tabs open, one closed: still here)."""
    key = _connections_key(workshop_id, user_id)
    try:
        if cache.decr(key) > 0:
            return
    except ValueError:
        pass
    cache.delete(key)
    room = cache.get(_room_key(workshop_id)) or {}
    if room.pop(user_id, None) is not None:
        cache.set(_room_key(workshop_id), room, ROOM_SECONDS)


def present(workshop_id) -> dict:
    """Who is here now: user id -> the step they are on."""
    now = time.time()
    room = cache.get(_room_key(workshop_id)) or {}
    return {uid: step for uid, (step, seen) in room.items() if now - seen < PRESENCE_SECONDS}


ROLE_ORDER = {WorkshopRole.LEAD: 0, WorkshopRole.LEADER: 1, WorkshopRole.OBSERVER: 2}


def people(workshop_id) -> list[Membership]:
    """Everyone who may open the workshop (the organisation's members), in the
    order "who is here" lists them: leads, leaders, observers."""
    members = access.workshop_members(workshop_id).select_related("user")
    return sorted(
        members, key=lambda m: (ROLE_ORDER[m.workshop_role], m.user.display_name, m.user_id)
    )


def presence(members: list[Membership], here: dict) -> list[dict]:
    """Every member, their role in the workshop, and whether (and on which step)
    they are here now.

    A large room lists PRESENCE_ROWS people, those here first, and ends with a
    row that counts the others ({"more": n, "more_here": m}): the list stays
    readable, and what every page receives when someone arrives stays small."""
    by_slug = {s.slug: s for s in agenda.all_steps()}
    rows = [
        {
            "member": m,
            "role": WorkshopRole(m.workshop_role).label,
            "here": m.user_id in here,
            "step": by_slug.get(here.get(m.user_id)),
        }
        for m in members
    ]
    if len(rows) <= PRESENCE_ROWS:
        return rows
    rows.sort(key=lambda row: not row["here"])  # stable: the role order stays within
    shown, others = rows[: PRESENCE_ROWS - 1], rows[PRESENCE_ROWS - 1 :]
    return [*shown, {"more": len(others), "more_here": sum(row["here"] for row in others)}]


def fingerprint(here: dict) -> str:
    """A short token that changes when someone arrives, leaves or changes step."""
    if not here:
        return "0"
    text = ",".join(f"{uid}:{step}" for uid, step in sorted(here.items()))
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def token(revision: int, here: dict) -> str:
    return f"{revision}.{fingerprint(here)}"


def parse_token(value: str) -> tuple[int | None, str]:
    revision, _, print_ = (value or "").partition(".")
    try:
        return int(revision), print_
    except ValueError:
        return None, ""


def check(workshop_id, session, step_slug: str) -> tuple[int, str, dict, str] | None:
    """The poll's one cache read: (revision, current step, who is here, the
    person's rights class) of a workshop the session's person may see, marking
    them here; None if they may not.

    The workshop's state is cached for a few seconds and dropped as soon as a
    change commits (`forget`); a miss reads it from the database. A session kept
    in the same cache (the cached_db engine) is read in the same round trip."""
    now = time.time()
    state_key, room_key = _state_key(workshop_id), _room_key(workshop_id)
    session_key = getattr(session, "cache_key", None) if session.session_key else None
    found = cache.get_many([state_key, room_key, *([session_key] if session_key else [])])
    session_data = found.get(session_key) if session_key else None
    user_id = (session if session_data is None else session_data).get(SESSION_KEY)
    if user_id is None:
        return None
    user_id = int(user_id)
    state = found.get(state_key)
    if state is None:
        state = _load_state(workshop_id)
        if state is None:
            return None
        cache.add(state_key, state, STATE_SECONDS)
    revision, current_step, readers = state
    role = access.rights_of(user_id, readers)
    if role is None:
        return None
    here = _touch(workshop_id, found.get(room_key) or {}, user_id, step_slug, now)
    return revision, current_step, here, role


def state(workshop_id) -> tuple[int, str, dict[int, str]] | None:
    """A workshop's revision, current step and `access.readers` (who may open it,
    with their rights class), from its cached state: one cache read, the database
    only when a change dropped it. None if there is no such workshop."""
    found = cache.get(_state_key(workshop_id))
    if found is None:
        found = _load_state(workshop_id)
        if found is not None:
            cache.add(_state_key(workshop_id), found, STATE_SECONDS)
    return found


def readers(workshop_id) -> dict[int, str]:
    """Who may open a workshop now, with their rights class (`access.readers`)."""
    found = state(workshop_id)
    return found[2] if found is not None else {}


def forget(workshop_id) -> None:
    """Drop the cached state of a workshop (its revision, step or members changed)."""
    cache.delete(_state_key(workshop_id))


def _load_state(workshop_id) -> tuple[int, str, dict[int, str]] | None:
    row = Workshop.objects.filter(pk=workshop_id).values_list("revision", "current_step").first()
    if row is None:
        return None
    revision, current_step = row
    return revision, current_step, access.readers(workshop_id)
