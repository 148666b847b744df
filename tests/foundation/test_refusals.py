"""One refusal type, one message table: every workflow refuses with
`services.errors.Refused`, whose message is looked up by code when shown."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from alignment.services.errors import MESSAGES, Conflict, Frozen, Refused

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    path
    for path in (ROOT / "alignment").rglob("*.py")
    if "migrations" not in path.parts and path.name != "errors.py"
]
# Refused("code" ...), InvitationGone("code" ...), message_for("code" ...)
RAISED = re.compile(r"""(?:Refused|InvitationGone|message_for)\(\s*"([a-z_]+)\"""")


def codes_in_the_code() -> set[str]:
    return {code for path in SOURCES for code in RAISED.findall(path.read_text())}


def test_every_refusal_names_a_message_of_the_table():
    assert codes_in_the_code() - set(MESSAGES) == set()


def test_every_message_of_the_table_is_used():
    # Frozen and Conflict name their codes themselves.
    assert set(MESSAGES) - codes_in_the_code() - {"frozen", "conflict"} == set()


def test_a_refusal_speaks_the_language_of_whoever_reads_it():
    refusal = Refused("quarter_taken", {"quarter": "2027-Q1"})
    with translation.override("en"):
        english = refusal.message
    with translation.override("it"):
        italian = refusal.message
    assert english == "There is already a workshop for 2027-Q1."
    assert italian != english and "2027-Q1" in italian
    assert str(refusal) in (english, italian)


def test_the_subclasses_are_refusals_with_their_own_message():
    assert isinstance(Frozen(), Refused) and "signed and frozen" in Frozen().message
    current = object()
    conflict = Conflict(current)
    assert isinstance(conflict, Refused) and conflict.current is current
