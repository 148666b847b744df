"""Live sync and presence, kept off the database.

Presence ("who is here") lives in the cache: each poll refreshes one key per
person, and a person counts as present while their key lives. The poll answers
304 when neither the workshop's revision nor the set of people present changed.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

PRESENCE_SECONDS = 12


def _participants_key(workshop_id) -> str:
    return f"ws:{workshop_id}:people"


def _presence_key(workshop_id, user_id) -> str:
    return f"ws:{workshop_id}:here:{user_id}"


def remember_people(workshop_id, people: dict[int, str]) -> None:
    """Cache who may appear as present (user id -> display name)."""
    cache.set(_participants_key(workshop_id), people, 3600)


def mark_present(workshop_id, user_id, step_slug: str) -> None:
    cache.set(_presence_key(workshop_id, user_id), step_slug, PRESENCE_SECONDS)


def present(workshop_id) -> dict[int, str] | None:
    """Who is here now: user id -> the step they are on. None if unknown (cold cache)."""
    people = cache.get(_participants_key(workshop_id))
    if people is None:
        return None
    keys = {_presence_key(workshop_id, uid): uid for uid in people}
    found = cache.get_many(list(keys))
    return {keys[key]: step for key, step in found.items()}


def fingerprint(here: dict[int, str] | None) -> str:
    """A short token that changes when someone arrives, leaves or changes step."""
    if not here:
        return "0"
    text = ",".join(f"{uid}:{step}" for uid, step in sorted(here.items()))
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def token(revision: int, here: dict[int, str] | None) -> str:
    return f"{revision}.{fingerprint(here)}"


def parse_token(value: str) -> tuple[int | None, str]:
    revision, _, print_ = (value or "").partition(".")
    try:
        return int(revision), print_
    except ValueError:
        return None, ""
