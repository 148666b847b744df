"""What an open page receives: the room rendered once per state and rights class,
its person's own part alone, and the poll that stands in for the WebSocket.

The WebSocket sends the same messages as the poll (tests/workshop/test_push.py);
these tests read them through the poll, which answers them as a list."""

from __future__ import annotations

import json
import re
import time

import pytest

from alignment import agenda, demo
from alignment.forms import PersonaForm
from alignment.models import Membership, Role
from alignment.realtime import live
from alignment.services import facilitation, items
from alignment.views import live as live_view
from tests.conftest import _client_for, _member

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return re.search(r'<div id="live" data-v="([^"]+)"', page).group(1)


def poll(client, workshop, token, step="persona"):
    return client.get(f"/w/{workshop.pk}/poll", {"v": token, "step": step})


def messages(client, workshop, token, step="persona") -> dict:
    """The poll's messages, by type."""
    response = poll(client, workshop, token, step)
    assert response.status_code == 200
    return {m["t"]: m for m in response.json()["messages"]}


def open_page(client, workshop, step="persona") -> str:
    return token_of(client.get(f"/w/{workshop.pk}/s/{step}/").content.decode())


def add_persona(workshop, title, by):
    form = PersonaForm({"title": title}, workshop=workshop)
    assert form.is_valid()
    return items.add_item(workshop, agenda.get_step("persona"), form, by=by)


def test_nothing_new_is_a_304_from_one_query(as_leader, workshop, django_assert_max_num_queries):
    token = open_page(as_leader, workshop)
    with django_assert_max_num_queries(1):
        response = poll(as_leader, workshop, token)
    assert response.status_code == 304
    assert response.content == b""


def test_the_304_stays_at_one_query_with_ten_times_the_data(
    as_leader, workshop, lead, django_assert_max_num_queries
):
    demo.build_workshop(workshop, author=lead, scale=10)
    token = open_page(as_leader, workshop)
    with django_assert_max_num_queries(1):
        assert poll(as_leader, workshop, token).status_code == 304


def test_a_new_answer_reaches_the_page_as_parts_of_it(as_leader, workshop, lead):
    token = open_page(as_leader, workshop)
    add_persona(workshop, "Fresh persona", lead)
    response = poll(as_leader, workshop, token)
    room = next(m for m in response.json()["messages"] if m["t"] == "room")
    assert "Fresh persona" in room["parts"]["items"]
    assert room["parts"]["items"].startswith('<div id="items" class="items" hx-swap-oob="true"')
    assert set(room["parts"]) == {"facilitation", "agenda", "items"}
    # A half-typed answer is never replaced: the form is not a part.
    assert "add-form" not in json.dumps(room)
    # Shared parts carry no one's CSRF token: the page adds its own.
    assert "csrfmiddlewaretoken" not in json.dumps(room)
    assert response.json()["v"] != token


def test_a_change_on_another_step_leaves_this_list_as_it_was(as_leader, workshop, lead):
    token = open_page(as_leader, workshop)
    add_persona(workshop, "Fresh persona", lead)
    before = messages(as_leader, workshop, token)["room"]
    form = agenda.get_step("strategy").form_class({"title": "Win the household"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("strategy"), form, by=lead)
    after = messages(as_leader, workshop, token)["room"]
    # The page swaps only the parts that differ from what it shows: the agenda.
    assert after["parts"]["items"] == before["parts"]["items"]
    assert after["parts"]["agenda"] != before["parts"]["agenda"]


def test_every_page_of_a_rights_class_gets_the_same_bytes_rendered_once(
    workshop, lead, leader, observer, organization, monkeypatch
):
    leaders = [leader] + [
        _member(organization, Role.LEADER, f"l{n}@acme.test", f"Leader {n}") for n in range(4)
    ]
    observers = [observer] + [
        _member(organization, Role.OBSERVER, f"o{n}@acme.test", f"Observer {n}") for n in range(3)
    ]
    clients = [(_client_for(person), person) for person in leaders + observers]
    tokens = [open_page(client, workshop) for client, _person in clients]
    add_persona(workshop, "Seen by the whole room", lead)

    rendered = []
    real = live_view._render_room
    monkeypatch.setattr(
        live_view,
        "_render_room",
        lambda *args: rendered.append(args[2]) or real(*args),
    )
    rooms = {}
    for (client, person), token in zip(clients, tokens, strict=True):
        response = poll(client, workshop, token)
        text = json.dumps(next(m for m in response.json()["messages"] if m["t"] == "room"))
        rooms.setdefault(person.memberships.get().workshop_role, set()).add(text)
    assert sorted(rendered) == ["leader", "observer"]
    assert {role: len(texts) for role, texts in rooms.items()} == {"leader": 1, "observer": 1}
    # Each class sees what it may do: leaders vote and edit (their own), observers read.
    leader_room, observer_room = rooms["leader"].pop(), rooms["observer"].pop()
    assert "item__own" in leader_room and "item__own" not in observer_room


def test_a_hidden_brainstorm_answer_is_sent_to_its_author_alone(
    as_leader, as_observer, as_lead, workshop, lead, leader
):
    step = agenda.get_step("persona")
    facilitation.open_brainstorm(workshop, step, by=lead)
    tokens = {c: open_page(c, workshop) for c in (as_leader, as_observer, as_lead)}
    add_persona(workshop, "My private idea", leader)
    mine = messages(as_leader, workshop, tokens[as_leader])
    assert "My private idea" in mine["mine"]["parts"]["own"]
    assert "My private idea" not in json.dumps(mine["room"])
    for other in (as_observer, as_lead):
        assert "My private idea" not in json.dumps(messages(other, workshop, tokens[other]))


def test_a_follower_learns_where_the_facilitator_went(as_leader, workshop, lead):
    token = open_page(as_leader, workshop)
    facilitation.go_to_step(workshop, agenda.get_step("needs"), by=lead)
    assert messages(as_leader, workshop, token)["room"]["current"] == "needs"


def test_someone_arriving_updates_who_is_here(as_leader, as_lead, workshop, lead):
    token = open_page(as_leader, workshop)
    as_lead.get(f"/w/{workshop.pk}/s/persona/")
    presence = messages(as_leader, workshop, token)["presence"]
    assert presence["html"].startswith('<ul id="presence" class="presence" hx-swap-oob="true"')
    assert "Lena Lead" in presence["html"] and "on Personas" in presence["html"]


def test_a_large_room_lists_who_is_here_first_and_counts_the_rest(workshop, organization):
    people = [
        _member(organization, Role.OBSERVER, f"p{n:02}@acme.test", f"Person {n:02}")
        for n in range(40)
    ]
    for person in people[-3:]:
        live.touch(workshop.pk, person.pk, "persona")
    members = live.people(workshop.pk)
    rows = live.presence(members, live.present(workshop.pk))
    assert len(rows) == live.PRESENCE_ROWS
    assert [r["member"].user for r in rows[:3]] == people[-3:]
    assert rows[-1] == {"more": len(members) - live.PRESENCE_ROWS + 1, "more_here": 0}


def test_presence_lives_in_the_cache_and_runs_out(workshop, leader, monkeypatch):
    assert live.present(workshop.pk) == {}
    live.touch(workshop.pk, leader.pk, "needs")
    assert live.present(workshop.pk) == {leader.pk: "needs"}
    later = time.time() + live.PRESENCE_SECONDS + 1
    monkeypatch.setattr(live.time, "time", lambda: later)
    assert live.present(workshop.pk) == {}


def test_a_poll_keeps_its_person_here(workshop, leader, lead, monkeypatch):
    start = time.time()
    live.touch(workshop.pk, lead.pk, "persona")
    for seconds in range(0, 3 * live.PRESENCE_SECONDS, 2):
        monkeypatch.setattr(live.time, "time", lambda seconds=seconds: start + seconds)
        here = live.touch(workshop.pk, leader.pk, "persona")
    # The leader polled every 2 s and stayed; the lead left long ago.
    assert here == {leader.pk: "persona"}


def test_a_removed_member_can_no_longer_poll(as_leader, workshop, leader, organization):
    token = open_page(as_leader, workshop)
    assert poll(as_leader, workshop, token).status_code == 304
    Membership.objects.get(user=leader, organization=organization).delete()
    assert poll(as_leader, workshop, token).status_code == 404


def test_outsiders_cannot_poll(as_outsider, workshop):
    assert poll(as_outsider, workshop, "1.0").status_code == 404
