"""The Django side of the load test, run with the server's own environment.

`python -m bench.loadprep --out FILE` migrates and seeds the load database, adds
the simulated participants to the live Q4 workshop and signs each of them in (a
session written straight into the session store: no password is hashed, and
django-axes never sees a failed login). FILE gets what the load generator needs:
the workshop, the step, the sessions.
The orchestrator drops the database afterwards, and the run's keys in the cache.
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

STEP = "persona"
ORGANIZATION_SLUG = "demo-telco"
QUARTER = "2026-Q4"


def setup(participants: int, editors: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.management import call_command
    from django.db import transaction

    from alignment import agenda
    from alignment.models import Membership, Participant, Role, User, Workshop
    from alignment.services import items
    from bench import tasks

    # The seed signs Q3: its report render is queued on the bench's own queue,
    # then dropped, never delivered to a worker that may share the broker.
    tasks.hold_tasks()
    quiet = io.StringIO()
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("seed_demo", scale=1, verbosity=0, stdout=quiet)
    tasks.drop_tasks()

    workshop = Workshop.objects.select_related("organization").get(
        organization__slug=ORGANIZATION_SLUG, quarter=QUARTER
    )
    step = agenda.get_step(STEP)
    people: list[dict[str, Any]] = []
    with transaction.atomic():
        for number in range(participants):
            edits = number < editors
            user = User.objects.create_user(
                email=f"participant-{number:03d}@bench.test",
                display_name=f"Participant {number:03d}",
            )
            Membership.objects.create(
                organization=workshop.organization,
                user=user,
                role=Role.LEADER if edits else Role.OBSERVER,
            )
            Participant.objects.create(workshop=workshop, user=user)
            person: dict[str, Any] = {"email": user.email}
            if edits:
                # Each editor edits an answer of their own (leaders edit what they wrote).
                form = step.form_class(
                    {
                        "new-title": f"Persona of {user}",
                        "new-description": "Written for the bench.",
                    },
                    workshop=workshop,
                    prefix="new",
                )
                if not form.is_valid():
                    raise RuntimeError(f"The bench's persona is invalid: {form.errors}")
                item = items.add_item(workshop, step, form, by=user)
                person["item"] = {"id": str(item.pk), "version": item.version}
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            person["session"] = session.session_key
            people.append(person)
    return {
        "workshop": str(workshop.pk),
        "step": STEP,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "people": people,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadprep")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--editors", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    state = setup(args.participants, args.editors)
    args.out.write_text(json.dumps(state, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
