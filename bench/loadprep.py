"""The Django side of the load test, run with the server's own environment.

`python -m bench.loadprep --out FILE` migrates and seeds the load database, then
builds the rooms the scenarios open (see `bench.crowd`), everyone signed in with
a session written straight into the session store (no password is hashed, and
django-axes never sees a failed login):

- `rooms` rooms for scenario A, each a live workshop in an organisation of its
  own: its CVM lead and `room_size` participants, so "who is here" lists the
  room, as it would for 20 separate teams. `editors` leaders are spread over
  the rooms (editor n in room n mod rooms); the others are observers.
- the big room of scenarios B and C: the seeded demo organisation's live Q4
  workshop (real content on every step), with `big_room` more participants, of
  whom `big_editors` are leaders; its facilitator is the seeded CVM lead.
- two more leaders in the first room of A, for the two browsers of scenario E.

Every editor has an answer of their own on the live step, which is where every
workshop's facilitator is; every participant follows the facilitator (the
default), and none is a lead, so a move of the facilitator moves every page.
FILE gets what the load generator needs: workshops, steps, sessions, answers.
The orchestrator drops the database afterwards, and the run's keys in Redis.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

STEP = "persona"  # where every room is, and where people edit
GOTO_STEP = "needs"  # where the facilitator brings the big room (scenario C)
ORGANIZATION_SLUG = "demo-telco"
LEAD_EMAIL = "lead@demo.test"
QUARTER = "2026-Q4"


def signed_in(user) -> str:
    """A session key for `user`, as a login would have written it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def add_people(workshop, name: str, count: int, editors: int) -> list[dict[str, Any]]:
    """`count` new members of the workshop's organisation, seated in it, signed
    in; the first `editors` are leaders with an answer of their own on STEP."""
    from alignment import agenda
    from alignment.models import Membership, Participant, Role, User
    from alignment.services import items

    step = agenda.get_step(STEP)
    people: list[dict[str, Any]] = []
    for number in range(count):
        edits = number < editors
        user = User.objects.create_user(
            email=f"{name}-{number:03d}@bench.test", display_name=f"{name} {number:03d}"
        )
        Membership.objects.create(
            organization=workshop.organization,
            user=user,
            role=Role.LEADER if edits else Role.OBSERVER,
        )
        Participant.objects.get_or_create(workshop=workshop, user=user)
        person: dict[str, Any] = {"session": signed_in(user)}
        if edits:
            # Each editor edits an answer of their own (leaders edit what they wrote).
            form = step.form_class(
                {"new-title": f"Persona of {user}", "new-description": "Written for the bench."},
                workshop=workshop,
                prefix="new",
            )
            if not form.is_valid():
                raise RuntimeError(f"The bench's persona is invalid: {form.errors}")
            item = items.add_item(workshop, step, form, by=user)
            person["item"] = {"id": str(item.pk), "version": item.version}
        people.append(person)
    return people


def room(workshop, name: str, people: list[dict[str, Any]], lead) -> dict[str, Any]:
    return {
        "name": name,
        "workshop": str(workshop.pk),
        "lead": {"session": signed_in(lead)},
        "people": people,
    }


def new_room(number: int, size: int, editors: int) -> dict[str, Any]:
    """Scenario A's room `number`: a live workshop, on STEP, in an organisation
    of its own."""
    from alignment import agenda
    from alignment.models import Membership, Organization, Role, Status, User
    from alignment.services import facilitation, workshops

    name = f"a{number:02d}"
    organization = Organization.objects.create(name=f"Bench room {name}", slug=f"bench-{name}")
    lead = User.objects.create_user(email=f"{name}-lead@bench.test", display_name=f"{name} lead")
    Membership.objects.create(organization=organization, user=lead, role=Role.LEAD)
    workshop = workshops.create_workshop(
        organization, quarter=QUARTER, title=f"Room {name}", language="en", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    facilitation.go_to_step(workshop, agenda.get_step(STEP), by=lead)
    return room(workshop, name, add_people(workshop, name, size, editors), lead)


def setup(
    *, rooms: int, room_size: int, editors: int, big_room: int, big_editors: int
) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from alignment import agenda
    from alignment.models import User, Workshop
    from alignment.services import facilitation
    from bench import tasks

    # The seed signs Q3: its report render is queued on the bench's own queue,
    # then dropped, never delivered to a worker that may share the broker.
    tasks.hold_tasks()
    quiet = io.StringIO()
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("seed_demo", scale=1, verbosity=0, stdout=quiet)
    tasks.drop_tasks()

    with transaction.atomic():
        spread = [len(range(number, editors, rooms)) for number in range(rooms)]
        a_rooms = [new_room(number, room_size, spread[number]) for number in range(rooms)]
        first = Workshop.objects.get(pk=a_rooms[0]["workshop"])
        browsers = add_people(first, "browser", 2, 2)

        big = Workshop.objects.get(organization__slug=ORGANIZATION_SLUG, quarter=QUARTER)
        lead = User.objects.get(email=LEAD_EMAIL)
        facilitation.go_to_step(big, agenda.get_step(STEP), by=lead)
        big_people = add_people(big, "b", big_room, big_editors)
    return {
        "step": STEP,
        "goto_step": GOTO_STEP,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "rooms": a_rooms,
        "big_room": room(big, "b", big_people, lead),
        "browsers": {"workshop": a_rooms[0]["workshop"], "people": browsers},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadprep")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--room-size", type=int, default=50)
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--big-room", type=int, default=300)
    parser.add_argument("--big-editors", type=int, default=15)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    state = setup(
        rooms=args.rooms,
        room_size=args.room_size,
        editors=args.editors,
        big_room=args.big_room,
        big_editors=args.big_editors,
    )
    args.out.write_text(json.dumps(state, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
