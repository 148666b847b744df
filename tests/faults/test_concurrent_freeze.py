"""Two signatures that would each freeze the workshop, at the same moment: exactly one
freeze and one report. Real threads on real PostgreSQL connections; the workshop row
lock in `signoff.sign` (select_for_update) is what serialises them.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from alignment.models import AuditEntry, Report, Signature, Status
from alignment.services import reports, signoff
from alignment.services.errors import Refused

pytestmark = [
    pytest.mark.integration,
    # The threads use their own connections: the rows must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def queued(monkeypatch):
    """The report tasks queued on commit (not run: the race is about the freeze)."""
    calls = []

    class Recorder:
        @staticmethod
        def delay(report_id):
            calls.append(report_id)

    monkeypatch.setattr(reports, "render_report", Recorder)
    return calls


@pytest.fixture
def slow_decision(monkeypatch):
    """Hold each transaction open for a while after it has counted the signatures:
    without the lock, both would count before either commits, and neither (or both)
    would freeze. With it, the second waits and counts the first one's signature."""
    real = signoff.state

    def slow(*args, **kwargs):
        counted = real(*args, **kwargs)
        time.sleep(0.4)
        return counted

    monkeypatch.setattr(signoff, "state", slow)


def sign_at_once(workshop, signers, content_hash) -> list:
    """Each signer signs in their own thread, all released together."""
    start = threading.Barrier(len(signers))
    outcomes = [None] * len(signers)

    def sign(index, user):
        try:
            start.wait(timeout=10)
            outcomes[index] = signoff.sign(
                workshop, unread_ok=True, by=user, content_hash=content_hash
            )
        except Exception as error:  # noqa: BLE001 - the outcome is what we check
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(i, u)) for i, u in enumerate(signers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def test_two_last_signatures_at_once_freeze_once(
    postgres, signing, leader, second_leader, queued, slow_decision
):
    content_hash = signoff.current_content(signing)[1]

    outcomes = sign_at_once(signing, [leader, second_leader], content_hash)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    reports = [o for o in outcomes if isinstance(o, Report)]
    assert len(reports) == 1  # the second to get the lock saw the first signature
    signing.refresh_from_db()
    assert signing.status == Status.SIGNED
    assert Report.objects.filter(workshop=signing).count() == 1
    assert Signature.objects.filter(workshop=signing, voided_at__isnull=True).count() == 2
    assert AuditEntry.objects.filter(workshop=signing, action="workshop.frozen").count() == 1
    assert queued == [str(reports[0].pk)]
    assert {s["name"] for s in reports[0].signatures} == {"Leo Leader", "Lea Second"}


def test_the_last_leader_signing_twice_at_once_freezes_once(
    postgres, signing, leader, second_leader, queued, slow_decision
):
    content_hash = signoff.current_content(signing)[1]
    signoff.sign(signing, unread_ok=True, by=leader, content_hash=content_hash)

    outcomes = sign_at_once(signing, [second_leader, second_leader], content_hash)

    reports = [o for o in outcomes if isinstance(o, Report)]
    refusals = [o for o in outcomes if isinstance(o, Refused)]
    assert len(reports) == 1 and len(refusals) == 1, outcomes
    assert "already signed" in refusals[0].message
    assert Report.objects.filter(workshop=signing).count() == 1
    assert Signature.objects.filter(workshop=signing, signer=second_leader).count() == 1
    assert AuditEntry.objects.filter(workshop=signing, action="workshop.frozen").count() == 1
    assert len(queued) == 1
