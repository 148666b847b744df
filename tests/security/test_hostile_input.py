"""Hostile input at every form and htmx endpoint: never a server error, never a
partial write, never a link into another organisation, never an invalid row.

Property-based (hypothesis): each test starts from a payload that would succeed and
replaces, drops or duplicates fields with arbitrary unicode, very long strings,
null bytes, numbers out of range and other organisations' ids.
"""

from __future__ import annotations

import itertools
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment import agenda
from alignment.models import HandshakeAgreement, Membership
from alignment.services import signoff, workshops
from flavors.diagnostic import DEMO_Q4_ANSWERS
from tests.security.conftest import form_data
from tests.security.dbstate import changed_tables, database_state
from tests.security.exports import EXPORT_NUMBERS
from tests.security.hostile import (
    HOSTILE,
    apply_edits,
    edits,
    foreign_links,
    invalid_rows,
    json_numbers,
    scalar,
)
from tests.security.routes import FACILITATION_ACTIONS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def send(client, method: str, path: str, data: dict, htmx: bool):
    headers = HTMX if htmx else {}
    if method == "get":
        return client.get(path, data, **headers)
    return client.post(path, data, **headers)


def hammer(client, method: str, path, base: dict, *, extra=(), pool=()):
    """Send hostile variants of `base` to `path` (a string, or a strategy of them)."""
    paths = path if isinstance(path, st.SearchStrategy) else st.just(path)

    @HOSTILE
    @given(target=paths, changes=edits([*base, *extra], pool=pool), htmx=st.booleans())
    def run(target, changes, htmx):
        payload = apply_edits(base, changes)
        before = database_state()
        response = send(client, method, target, payload, htmx)
        changed = changed_tables(before, database_state())
        assert response.status_code < 500, (target, payload)
        if method == "get" or response.status_code >= 400:
            assert changed == [], (target, payload, response.status_code)

    run()
    assert foreign_links() == []
    assert invalid_rows() == []


@pytest.mark.parametrize("slug", [s.slug for s in agenda.item_steps()])
def test_item_forms_refuse_hostile_input_whole(room, as_lead, slug):
    step = agenda.get_step(slug)
    workshop = room.workshop

    names = {
        *step.form_class(workshop=workshop, prefix="new", lead=True).fields,
        "workshop",
        "author",
        "id",
        "revealed",
        "lineage",
    }

    @settings(HOSTILE, max_examples=15)  # ten steps: 150 requests in all
    @given(changes=edits(names, pool=room.foreign), editing=st.booleans(), htmx=st.booleans())
    def run(changes, editing, htmx):
        if editing:
            item = step.model.objects.filter(workshop=workshop).order_by("order").first()
            prefix = f"edit-{item.pk}"
            form = step.form_class(instance=item, workshop=workshop, prefix=prefix, lead=True)
            path = f"/w/{workshop.pk}/s/{slug}/i/{item.pk}/edit"
            base = form_data(form, keep_initial=True)
        else:
            prefix = "new"
            form = step.form_class(workshop=workshop, prefix=prefix, lead=True)
            path = f"/w/{workshop.pk}/s/{slug}/items"
            base = form_data(form)
        payload = apply_edits(base, changes, prefix)
        before = database_state()
        response = send(as_lead, "post", path, payload, htmx)
        changed = set(changed_tables(before, database_state()))
        assert response.status_code < 500, payload
        if response.status_code >= 400:
            assert not changed, (payload, response.status_code)
        elif changed:
            # All or nothing: a saved answer comes with its revision and audit entry.
            assert {"alignment_auditentry", "alignment_change"} <= changed, changed

    run()
    assert foreign_links() == []
    assert invalid_rows() == []


def test_facilitation_actions(room, as_lead):
    w = room.workshop
    path = st.builds(
        lambda slug, action: f"/w/{w.pk}/s/{slug}/facilitate/{action}",
        st.sampled_from([s.slug for s in agenda.all_steps()]),
        st.one_of(
            st.sampled_from(FACILITATION_ACTIONS),
            st.from_regex(r"[-a-z0-9_]{1,12}", fullmatch=True),
        ),
    )
    hammer(as_lead, "post", path, {"minutes": "5", "budget": "3"}, extra=["step"])


def test_dot_votes(room, as_leader):
    w = room.workshop
    items = [
        str(pk)
        for pk in agenda.get_step("persona")
        .model.objects.filter(workshop=w)
        .values_list("pk", flat=True)
    ]
    path = st.sampled_from(items).map(lambda pk: f"/w/{w.pk}/s/persona/i/{pk}/dot")
    hammer(as_leader, "post", path, {"take_back": "0"}, extra=["item_id", "vote"])


def test_comments_on_agreements(room, as_leader):
    agreement = HandshakeAgreement.objects.filter(workshop=room.workshop).first()
    path = f"/w/{room.workshop.pk}/agreements/{agreement.pk}/comment"
    hammer(as_leader, "post", path, {"comment": "Legal agreed on the wording."})


def test_the_override(room, as_lead):
    hammer(as_lead, "post", f"/w/{room.workshop.pk}/override", {"reason": "Board meets Monday."})


def test_signing(room, as_leader, lead):
    w = room.workshop
    workshops.transition(w, "review", by=lead)
    signoff.set_override(w, "Gaps owned by the CVM lead", by=lead)
    workshops.transition(w, "signing", by=lead)
    w.refresh_from_db()
    content_hash = signoff.current_content(w)[1]
    hammer(as_leader, "post", f"/w/{w.pk}/sign", {"content_hash": content_hash, "unread": "on"})


def test_adding_members_and_changing_roles(room, as_org_admin, leader):
    hammer(
        as_org_admin,
        "post",
        "/o/acme/members/",
        {
            "email": "new.person@acme.test",
            "display_name": "New Person",
            "title": "",
            "role": "leader",
        },
    )
    key = Membership.objects.get(user=leader).key
    hammer(as_org_admin, "post", f"/o/acme/members/{key}/role", {"role": "observer"})


def test_new_workshops(room, as_lead):
    hammer(
        as_lead,
        "post",
        "/o/acme/workshops/new",
        {"quarter": "2031-Q1", "title": "Next year", "language": "en"},
    )


def test_the_flavor_diagnostic(room, as_leader):
    answers = dict(DEMO_Q4_ANSWERS)
    hammer(as_leader, "post", f"/w/{room.workshop.pk}/s/flavor/", answers, extra=["unknown"])
    hammer(as_leader, "post", "/flavors/diagnostic/", answers, extra=["unknown"])


def test_library_search_and_live_sync_queries(room, as_leader, as_outsider):
    hammer(as_outsider, "get", "/handshakes/", {"q": "pricing", "impact": "HIGH", "stage": "buy"})
    w = room.workshop
    hammer(
        as_leader,
        "get",
        f"/w/{w.pk}/poll",
        {"v": f"{w.revision}.0", "step": "persona", "editing": ""},
    )
    hammer(as_leader, "get", f"/w/{w.pk}/compare", {"with": str(room.rival.pk)})


def test_ordering_moving_status_and_following(room, as_lead, as_leader):
    w = room.workshop
    personas = agenda.get_step("persona").model.objects.filter(workshop=w)
    ids = [str(pk) for pk in personas.values_list("pk", flat=True)]
    hammer(as_lead, "post", f"/w/{w.pk}/s/persona/reorder", {"order": ids[::-1]}, pool=room.foreign)
    hammer(as_lead, "post", f"/w/{w.pk}/s/persona/i/{ids[0]}/move", {"direction": "down"})
    hammer(as_lead, "post", f"/w/{w.pk}/status", {"status": "review"})
    hammer(as_leader, "post", f"/w/{w.pk}/follow", {"follows": "1", "step": "persona"})


def test_verification_by_hash(room, as_leader):
    hammer(as_leader, "post", "/o/acme/verify", {"hash": "0" * 64})


# Uploads ------------------------------------------------------------------------------
# The property test of imports is in test_found_bugs.py until the import refuses
# (or empties) a list where it expects text.


def _file(name: str, content: bytes, content_type: str):
    return SimpleUploadedFile(name, content, content_type)


def test_verification_of_hostile_files(room, as_leader):
    names = st.sampled_from(["r.pdf", "../../etc/passwd", "ü🙂.pdf", "a" * 300 + ".pdf", "x"])

    @HOSTILE
    @given(
        name=names,
        content=st.one_of(
            st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: b"%PDF-" + b)
        ),
        digest=st.one_of(st.just(""), scalar),
    )
    def run(name, content, digest):
        before = database_state()
        response = as_leader.post(
            "/o/acme/verify", {"pdf": _file(name, content, "application/pdf"), "hash": digest}
        )
        assert response.status_code in (200, 422)
        assert changed_tables(before, database_state()) == []

    run()


def test_imports_with_hostile_numbers(room, as_lead):
    """Any number in any numeric place of an export: imported whole or refused whole
    with a message, never a server error, never a row its model would refuse."""
    data, content_hash = signoff.current_content(room.workshop)
    quarters = (f"{2040 + n // 4}-Q{n % 4 + 1}" for n in itertools.count())

    @HOSTILE
    @given(
        changes=st.lists(
            st.tuples(st.sampled_from(EXPORT_NUMBERS), json_numbers), min_size=1, max_size=3
        )
    )
    def run(changes):
        snapshot = json.loads(json.dumps(data))
        for (path, field), number in changes:
            rows = snapshot
            for key in path:
                rows = rows[key]
            rows[0][field] = number
        body = json.dumps({"content_hash": content_hash, "snapshot": snapshot}).encode()
        before = database_state()
        response = as_lead.post(
            "/o/acme/workshops/import",
            {"file": _file("export.json", body, "application/json"), "quarter": next(quarters)},
        )
        assert response.status_code in (302, 422), changes
        if response.status_code == 422:
            assert response.context["form"].errors["file"], changes
            assert changed_tables(before, database_state()) == [], changes

    run()
    assert invalid_rows() == []


def test_uuid_shaped_garbage_in_urls_is_not_found(room, as_lead):
    w = room.workshop
    for path in (
        f"/w/{uuid.uuid4()}/",
        f"/w/{w.pk}/s/persona/i/{uuid.uuid4()}",
        f"/w/{w.pk}/s/{'x' * 300}/",
        f"/w/{w.pk}/s/persona/i/{room.foreign[0]}/edit",
    ):
        assert as_lead.get(path).status_code == 404, path
