"""Concurrent writers on the embedded default, run as a script in its own process.

`python -m tests.faults.sqlite_writers DB_FILE` builds the demo in a new SQLite
file, as `make run` does, then sends requests from several threads at once through
Django's whole request handler: answers added together, two edits of one answer,
dots cast together, and the two last signatures of a workshop together. It prints
one JSON object: every response's status per scenario and what the database holds
afterwards. The test reads it (`test_sqlite_concurrency.py`).

It runs in a process of its own because the test suite itself may run on
PostgreSQL (CI does), and these are SQLite's locks.
"""

from __future__ import annotations

import json
import os
import sys
import threading


def _setup(db_file: str) -> None:
    os.environ.update(
        {
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{db_file}",
            "DJANGO_SETTINGS_MODULE": "cvm_align.settings",
        }
    )
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def _at_once(calls) -> list[int]:
    """Run each call in its own thread, all released together; their statuses."""
    from django.db import connection

    start = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=30)
            statuses[index] = call().status_code
        except Exception as error:  # noqa: BLE001 - reported, the test fails on it
            statuses[index] = 599
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def main(db_file: str) -> dict:
    _setup(db_file)
    from django.test import Client
    from django.urls import reverse

    from alignment import agenda
    from alignment.models import Dot, Persona, Report, Status, User, Workshop
    from alignment.services import facilitation, signoff, workshops
    from tests.workshop.builders import build_coherent

    def client(email: str) -> Client:
        # raise_request_exception=False: a server error is a 500, as a browser sees it.
        c = Client(raise_request_exception=False)
        c.force_login(User.objects.get(email=email))
        return c

    leaders = ["ceo@demo.test", "cfo@demo.test", "cmo@demo.test"]
    lead = User.objects.get(email="lead@demo.test")
    live = Workshop.objects.get(quarter="2026-Q4")
    persona = agenda.get_step("persona")
    result: dict = {}

    # 1. Everyone adds answers at the same moment.
    add = reverse("alignment:item_create", args=[live.pk, "persona"])
    people = [client(e) for e in ["lead@demo.test", *leaders]]
    before = Persona.objects.filter(workshop=live).count()
    result["answers"] = _at_once(
        [
            (lambda c=c, n=n: c.post(add, {"new-title": f"Concurrent persona {n}"}))
            for n, c in enumerate(people * 3)
        ]
    )
    result["answers_saved"] = Persona.objects.filter(workshop=live).count() - before

    # 2. Two people save an edit of the same answer, both from the same version.
    item = Persona.objects.filter(workshop=live).order_by("order").first()
    edit = reverse("alignment:item_edit", args=[live.pk, "persona", item.pk])
    prefix = f"edit-{item.pk}"
    editors = [client("lead@demo.test"), client("lead@demo.test")]
    result["edits"] = _at_once(
        [
            (
                lambda c=c, n=n: c.post(
                    edit,
                    {
                        f"{prefix}-title": f"Edited by writer {n}",
                        f"{prefix}-version": str(item.version),
                    },
                )
            )
            for n, c in enumerate(editors)
        ]
    )
    item.refresh_from_db()
    result["edit_version"] = item.version - 1

    # 3. A dot vote: every leader casts dots at once.
    facilitation.open_vote(live, persona, 3, by=lead)
    targets = list(Persona.objects.filter(workshop=live).values_list("pk", flat=True)[:3])
    voters = [client(e) for e in leaders]
    result["dots"] = _at_once(
        [
            (lambda c=c, pk=pk: c.post(reverse("alignment:dot", args=[live.pk, "persona", pk]), {}))
            for c in voters
            for pk in targets
        ]
    )
    result["dots_saved"] = Dot.objects.filter(vote__workshop=live).count()

    # 4. The two last signatures of a workshop, at the same moment.
    q1 = workshops.create_workshop(
        live.organization, quarter="2027-Q1", title="Race", language="en", by=lead
    )
    build_coherent(q1, lead)
    for status in (Status.LIVE, Status.REVIEW, Status.SIGNING):
        workshops.transition(q1, status, by=lead)
    q1.refresh_from_db()
    content_hash = signoff.current_content(q1)[1]
    signoff.sign(
        q1, unread_ok=True, by=User.objects.get(email=leaders[0]), content_hash=content_hash
    )
    sign = reverse("alignment:sign", args=[q1.pk])
    result["signatures"] = _at_once(
        [
            (lambda c=c: c.post(sign, {"content_hash": content_hash, "unread": "on"}))
            for c in [client(e) for e in leaders[1:]]
        ]
    )
    q1.refresh_from_db()
    result["signed"] = q1.status == Status.SIGNED
    result["reports"] = Report.objects.filter(workshop=q1).count()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
