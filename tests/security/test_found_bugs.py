"""Bugs the security tests found in code outside tests/, for the lead engineer.

Each test is the smallest request that shows the bug; its docstring names the
file, the line and the fix. Fixed ones say so and stay as regression tests.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from alignment.models import Participant, Workshop
from alignment.services import workshops
from flavors.diagnostic import DEMO_Q4_ANSWERS
from tests.faults.dbfaults import FailingWrite
from tests.security.dbstate import changed_tables, database_state
from tests.security.exports import export_of
from tests.security.hostile import HOSTILE, invalid_rows, scalar, text

pytestmark = pytest.mark.django_db


def upload(body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.json", body, "application/json")


# Following the facilitator ------------------------------------------------------------


def test_following_with_an_unknown_step_changes_nothing(room, as_leader, leader):
    """Fixed in d0f76e0. It was:
    alignment/views/facilitation.py, follow(): `facilitation.set_following()` (line ~422) runs
    before `steps.get_step(request.POST.get("step") ...)` (line ~427), which raises
    Http404 for an unknown slug: the request is refused yet the preference is saved.

    Fix: resolve the step first, e.g.
        step = steps.get_step(request.POST.get("step") or access.workshop.current_step)
        facilitation.set_following(access.participant, follows)
    (or fall back to the current step for an unknown slug).
    """
    participant = Participant.objects.get(workshop=room.workshop, user=leader)
    assert participant.follows_facilitator
    response = as_leader.post(
        f"/w/{room.workshop.pk}/follow", {"follows": "0", "step": "no-such-step"}
    )
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.follows_facilitator  # refused, so unchanged


# Agreements: a template id in other digits ---------------------------------------------


def test_a_template_id_in_unicode_digits_is_refused_not_a_server_error(room, as_lead):
    """Fixed in d0f76e0. It was:
    alignment/forms.py, AgreementForm.__init__ (line ~415): `str(value).isdigit()`
    is true for "²" (and other digit characters int() cannot read), so
    `HandshakeTemplate.objects.published().filter(pk="²")` raises ValueError: a 500.

    Fix: `if str(value).isdecimal()` reads only what int() reads; or wrap the lookup
    in `try: ... except (ValueError, TypeError): template = None`.
    """
    before = database_state()
    response = as_lead.post(f"/w/{room.workshop.pk}/s/collaboration/items", {"new-template": "²"})
    assert response.status_code == 422
    assert changed_tables(before, database_state()) == []


# Import ------------------------------------------------------------------------------


def test_a_deeply_nested_import_file_is_refused_not_a_server_error(as_lead, organization):
    """Fixed in d0f76e0. It was:
    alignment/forms.py, ImportForm.clean_file (line ~502): `json.loads()` raises
    RecursionError (not ValueError) on deeply nested JSON; 200 kB of brackets, far
    under the 2 MB limit, give a 500.

    Fix: catch it with the others: `except (UnicodeDecodeError, ValueError, RecursionError):`.
    """
    body = b'{"snapshot": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    before = database_state()
    response = as_lead.post("/o/acme/workshops/import", {"file": upload(body)})
    assert response.status_code == 422
    assert "not a JSON file exported from cvm-align" in response.content.decode()
    assert changed_tables(before, database_state()) == []


DAMAGE = {
    # Fail everywhere: rows are inserted before they are validated, and only
    # ValidationError, KeyError, TypeError and ValueError are turned into a refusal.
    "a null where text is needed": lambda s: s["kpis"][0].update(owner=None),
    "the override is not an object": lambda s: s["coherence"].update(override="yes"),
    "the flavor is not an object": lambda s: s.update(flavor="segment-centric"),
    "the changes are not an object": lambda s: s.update(changes=["added"]),
    "the coherence is not an object": lambda s: s.update(coherence=[]),
    # Fail on PostgreSQL (CI), which checks lengths and ranges on insert, before
    # full_clean() gets to run; SQLite stores them and full_clean() refuses later.
    "an over-long short field": lambda s: s["aspects"]["initiatives"][0].update(
        due_quarter="2026-Q4 or later"
    ),
    "an impact beyond a small integer": lambda s: s["mots"][0].update(impact=99999),
    "a baseline beyond 14 digits": lambda s: s["kpis"][0].update(baseline="1e400"),
    "a share beyond 5 digits": lambda s: s["aspects"]["personas"][0].update(
        share_of_base="123456789"
    ),
    "a null byte in a title": lambda s: s["aspects"]["personas"][0].update(title="a\x00b"),
    "a null byte in the flavor answers": lambda s: s["flavor"]["answers"].update({"note\x00": "x"}),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_export_is_refused_whole(room, as_lead, lead, damage):
    """Fixed in d0f76e0. It was:
    alignment/services/transfer.py, import_snapshot(): every row is created with
    `Model.objects.create(...)` (lines ~110-225) and validated by `full_clean()`
    only afterwards (line ~227); only ValidationError/KeyError/TypeError/ValueError
    become an ImportRefused (lines ~230-239). A null, an over-long or out-of-range
    value, a NUL byte, or a section that is not an object raises IntegrityError,
    DataError or AttributeError instead: a 500 (the transaction does roll back).
    A NUL byte imported on SQLite is stored although every form refuses it.

    Fix: (1) check the shape first: `workshop`, `aspects`, `flavor`, `changes`,
    `coherence`, `coherence.override` must be dicts (or None), rows dicts, and
    text values str without "\\x00"; (2) build each instance unsaved, call
    `instance.full_clean(exclude=[...])` before `save()`; (3) as a last line, also
    turn `(AttributeError, django.db.DatabaseError)` into ImportRefused (the
    @transaction.atomic around the function rolls everything back).
    """
    workshops.save_flavor_answers(room.workshop, dict(DEMO_Q4_ANSWERS), by=lead)
    room.workshop.refresh_from_db()
    export = export_of(room.workshop)
    DAMAGE[damage](export["snapshot"])
    before = database_state()
    response = as_lead.post(
        "/o/acme/workshops/import",
        {"file": upload(json.dumps(export).encode()), "quarter": "2031-Q1"},
    )
    assert response.status_code == 422
    assert "nothing was imported" in response.content.decode()
    assert changed_tables(before, database_state()) == []


# A database outage during an import -------------------------------------------------------


def test_a_database_outage_during_an_import_is_not_called_a_damaged_file(room, as_lead):
    """alignment/services/transfer.py, import_snapshot() (line ~292): the new
    `except (KeyError, TypeError, ValueError, AttributeError, DatabaseError)` also
    catches OperationalError and InterfaceError (the database went away), so an
    outage is answered 422 "The file is incomplete or damaged", which sends people
    to fix a good file and hides the outage from the error log.

    Fix: catch the data errors only, `django.db.DataError` and `IntegrityError`,
    instead of `DatabaseError`; an outage then reaches the 500 page (nothing is
    written either way: the function is atomic). tests/faults/
    test_database_goes_away.py::test_an_import_is_all_or_nothing fails for the same
    reason.
    """
    export = export_of(room.workshop)
    as_lead.raise_request_exception = False
    before = database_state()
    with connection.execute_wrapper(FailingWrite(1)):
        response = as_lead.post(
            "/o/acme/workshops/import",
            {"file": upload(json.dumps(export).encode()), "quarter": "2031-Q1"},
        )
    assert response.status_code == 500
    assert "damaged" not in response.content.decode()
    assert changed_tables(before, database_state()) == []


# Import: a list where text is expected ----------------------------------------------------


@pytest.mark.parametrize("value", [[], {}])
def test_an_empty_list_where_text_is_expected_is_not_stored_as_text(room, as_lead, value):
    """alignment/services/transfer.py, _create(): `full_clean()` skips a blank-able field whose
    value is in EMPTY_VALUES ([] and {} are), and the CharField then stores str(value):
    a due quarter of [] is saved as the text "[]", which the quarter format (and every
    form) refuses. The same for owner, metric, target, unit, high_reason...

    Fix: in _create() (or where rows are read), refuse a value that is not a string
    for a CharField/TextField, e.g.
        for field in model._meta.concrete_fields:
            if isinstance(field, (CharField, TextField)) and field.attname in fields \
                    and not isinstance(fields[field.attname], str):
                raise ImportRefused(...)
    (or turn an empty list into "" before validating).
    """
    export = json.loads(as_lead.get(f"/w/{room.workshop.pk}/export.json").content)
    export["snapshot"]["aspects"]["initiatives"][0]["due_quarter"] = value
    before = database_state()
    response = as_lead.post(
        "/o/acme/workshops/import",
        {"file": upload(json.dumps(export).encode()), "quarter": "2031-Q1"},
    )
    if response.status_code == 302:
        assert invalid_rows() == []  # imported, but as valid text
    else:
        assert response.status_code == 422
        assert changed_tables(before, database_state()) == []


# Type confusion first: what a hand-edited or hostile export most often gets wrong.
json_leaf = st.one_of(
    st.sampled_from([None, "", [], {}, 0, -1, 99999, 10**20, "x" * 300, "a\x00b", True]),
    st.integers(),
    st.floats(),
    text,
    scalar,
)
json_value = st.recursive(
    json_leaf,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=6,
)


def _node_paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _node_paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _node_paths(child, (*prefix, index))


def _mutate(data: dict, path: tuple, new, delete: bool) -> None:
    node = data
    for step in path[:-1]:
        node = node[step]
    if delete and isinstance(node, dict):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = new


def test_imports_of_damaged_or_hostile_exports(room, as_lead, lead):
    """Any value anywhere in an export is either imported whole (and the new
    workshop's pages open) or refused whole, and never stored invalid.

    Fails on the bug below (a list where text is expected); move it to
    test_hostile_input.py once that is fixed."""
    workshops.save_flavor_answers(room.workshop, dict(DEMO_Q4_ANSWERS), by=lead)
    room.workshop.refresh_from_db()
    export = json.loads(as_lead.get(f"/w/{room.workshop.pk}/export.json").content)
    assert export["lineage"]
    # Every place in the export (the snapshot and the lineage beside it) but the
    # format marker (a wrong one is refused early), in a fixed shuffled order so the
    # first examples do not all aim at one place.
    paths = [p for p in _node_paths(export) if len(p) > 1 and p != ("snapshot", "format")]
    random.Random(9).shuffle(paths)
    quarters = (f"{2040 + n // 4}-Q{n % 4 + 1}" for n in itertools.count())

    @HOSTILE
    @given(
        changes=st.lists(
            st.tuples(st.sampled_from(paths), json_value, st.booleans()), min_size=1, max_size=3
        )
    )
    def run(changes):
        damaged = copy.deepcopy(export)
        for path, new, delete in changes:
            # An earlier change may have removed the way there.
            with contextlib.suppress(KeyError, IndexError, TypeError):
                _mutate(damaged, path, new, delete)
        body = json.dumps(damaged).encode()
        before = database_state()
        response = as_lead.post(
            "/o/acme/workshops/import",
            {"file": upload(body), "quarter": next(quarters)},
        )
        assert response.status_code < 500, changes
        if response.status_code != 302:
            assert changed_tables(before, database_state()) == [], changes
            return
        imported = Workshop.objects.get(pk=response["Location"].split("/")[2])
        for page in ("", "s/flavor/", "s/signoff/"):
            assert as_lead.get(f"/w/{imported.pk}/{page}").status_code < 500, (page, changes)

    run()
    assert invalid_rows() == []
