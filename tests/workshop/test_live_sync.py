"""The live-sync poll: 304 from one lookup when nothing changed, swaps when it did."""

from __future__ import annotations

import re
import time

import pytest

from alignment import agenda, demo
from alignment.forms import PersonaForm
from alignment.models import Membership
from alignment.realtime import live
from alignment.services import facilitation, items

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return re.search(r'hx-vals=\'\{"v": "([^"]+)"', page).group(1)


def poll(client, workshop, token, step="persona", **extra):
    return client.get(f"/w/{workshop.pk}/poll", {"v": token, "step": step, **extra})


def test_nothing_new_is_a_304_from_one_query(as_leader, workshop, django_assert_max_num_queries):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    with django_assert_max_num_queries(1):
        response = poll(as_leader, workshop, token)
    assert response.status_code == 304
    assert response.content == b""


def test_the_304_stays_at_two_queries_with_ten_times_the_data(
    as_leader, workshop, lead, django_assert_max_num_queries
):
    demo.build_workshop(workshop, author=lead, scale=10)
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    with django_assert_max_num_queries(1):
        assert poll(as_leader, workshop, token).status_code == 304


def test_a_new_answer_swaps_only_the_list_and_agenda(as_leader, workshop, lead):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    form = PersonaForm({"title": "Fresh persona"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("persona"), form, by=lead)
    response = poll(as_leader, workshop, token)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fresh persona" in body
    assert 'id="items" class="items" hx-swap-oob="true"' in body
    assert 'id="agenda"' in body
    assert 'id="facilitation"' not in body  # nothing changed in the room
    assert 'id="add-form"' not in body  # a half-typed answer is never replaced
    assert token_of(body) != token


def test_a_change_on_another_step_does_not_swap_this_list(as_leader, workshop, lead):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    form = agenda.get_step("strategy").form_class({"title": "Win the household"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("strategy"), form, by=lead)
    body = poll(as_leader, workshop, token).content.decode()
    assert 'id="items"' not in body
    assert 'id="agenda"' in body


def test_an_item_being_edited_is_preserved(as_leader, workshop, lead, leaders_persona):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    form = PersonaForm({"title": "Another"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("persona"), form, by=lead)
    body = poll(as_leader, workshop, token, editing=str(leaders_persona.pk)).content.decode()
    assert f'<div id="item-{leaders_persona.pk}" hx-preserve="true"></div>' in body


def test_a_follower_is_sent_to_the_facilitators_step(as_leader, workshop, lead):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    facilitation.go_to_step(workshop, agenda.get_step("needs"), by=lead)
    response = poll(as_leader, workshop, token)
    assert response.headers["HX-Redirect"] == f"/w/{workshop.pk}/s/needs/"


def test_someone_arriving_updates_who_is_here(as_leader, as_lead, workshop, lead):
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    as_lead.get(f"/w/{workshop.pk}/s/persona/")
    body = poll(as_leader, workshop, token).content.decode()
    assert 'id="presence"' in body
    assert "Lena Lead" in body and "on Personas" in body


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
    token = token_of(as_leader.get(f"/w/{workshop.pk}/s/persona/").content.decode())
    assert poll(as_leader, workshop, token).status_code == 304
    Membership.objects.get(user=leader, organization=organization).delete()
    assert poll(as_leader, workshop, token).status_code == 404


def test_outsiders_cannot_poll(as_outsider, workshop):
    assert poll(as_outsider, workshop, "1.0").status_code == 404
