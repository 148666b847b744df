"""The workshop's rules, at the service level."""

from __future__ import annotations

import pytest

from alignment import agenda
from alignment.access import get_workshop_for_user
from alignment.forms import BetForm, NeedForm, PersonaForm
from alignment.models import (
    AuditEntry,
    Change,
    Dot,
    Need,
    Participant,
    Persona,
    Status,
    StrategicBet,
    WorkshopRole,
)
from alignment.services import facilitation, items, workshops
from alignment.services.errors import Conflict, Frozen, Refused

pytestmark = pytest.mark.django_db

PERSONA = agenda.get_step("persona")
NEEDS = agenda.get_step("needs")
BETS = agenda.get_step("bets")


def add(workshop, step, data, by):
    form = step.form_class(data, workshop=workshop)
    assert form.is_valid(), form.errors
    return items.add_item(workshop, step, form, by=by)


def test_a_new_workshop_seats_every_member_with_their_role(workshop, lead, leader, observer):
    seated = set(
        Participant.objects.filter(workshop=workshop).values_list("user__email", flat=True)
    )
    assert seated == {lead.email, leader.email, observer.email}
    roles = {
        user.email: get_workshop_for_user(user, workshop.pk).role
        for user in (lead, leader, observer)
    }
    assert roles == {
        lead.email: WorkshopRole.LEAD,
        leader.email: WorkshopRole.LEADER,
        observer.email: WorkshopRole.OBSERVER,
    }
    assert workshop.facilitator == lead
    assert workshop.current_step == agenda.first_step().slug


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["review", "draft"], False),
        (["review", "signing"], True),
        (["review", "live", "review", "signing", "review"], True),
        (["signing"], False),
        (["signed"], False),
        (["draft", "live"], True),
    ],
)
def test_status_moves_only_along_the_allowed_transitions(workshop, lead, path, allowed):
    # `workshop` starts live; its (empty) content has blockers, so signing needs
    # the lead's override here.
    workshop.override_reason = "Testing the transitions"
    workshop.save()
    if allowed:
        for status in path:
            workshops.transition(workshop, status, by=lead)
        workshop.refresh_from_db()
        assert workshop.status == path[-1]
    else:
        with pytest.raises(Refused):
            for status in path:
                workshops.transition(workshop, status, by=lead)


def test_an_unknown_status_is_refused_with_a_message(workshop, lead):
    with pytest.raises(Refused, match="no such status"):
        workshops.transition(workshop, "archived-forever", by=lead)


def test_every_change_bumps_the_revision_and_says_what_it_touched(workshop, lead):
    before = workshop.revision
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    add(workshop, NEEDS, {"title": "One bill", "persona": persona.pk}, lead)
    workshop.refresh_from_db()
    assert workshop.revision == before + 2
    assert list(Change.objects.filter(revision__gt=before).values_list("step", flat=True)) == [
        "persona",
        "needs",
    ]


def test_a_parent_from_another_workshop_is_refused(workshop, rival_workshop, outsider):
    foreign = Persona.objects.create(workshop=rival_workshop, title="Theirs", author=outsider)
    form = NeedForm({"title": "A need", "persona": foreign.pk}, workshop=workshop)
    assert not form.is_valid()
    assert "not in this workshop" in form.errors["persona"][0]


def test_a_bet_cannot_link_items_of_another_workshop(workshop, rival_workshop, outsider, lead):
    ours = Persona.objects.create(workshop=workshop, title="Ours", author=lead)
    theirs = Persona.objects.create(workshop=rival_workshop, title="Theirs", author=outsider)
    form = BetForm({"title": "We will win", "personas": [ours.pk, theirs.pk]}, workshop=workshop)
    assert not form.is_valid()
    assert "personas" in form.errors
    assert not StrategicBet.objects.exists()


def test_a_bet_links_its_workshops_items(workshop, lead):
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    need = add(workshop, NEEDS, {"title": "One bill", "persona": persona.pk}, lead)
    bet = add(
        workshop, BETS, {"title": "Bundle", "personas": [persona.pk], "needs": [need.pk]}, lead
    )
    assert list(bet.personas.all()) == [persona]
    assert list(bet.needs.all()) == [need]


def test_a_stale_edit_is_refused_with_the_current_text(workshop, lead, leader):
    persona = add(workshop, PERSONA, {"title": "First"}, leader)
    first = PersonaForm({"title": "Lead's edit", "version": 1}, instance=persona, workshop=workshop)
    assert first.is_valid()
    items.update_item(workshop, PERSONA, persona, first, expected_version=1, by=lead)

    stale = Persona.objects.get(pk=persona.pk)
    stale.version = 1  # the leader loaded the form before the lead saved
    second = PersonaForm(
        {"title": "Leader's edit", "version": 1}, instance=stale, workshop=workshop
    )
    assert second.is_valid()
    with pytest.raises(Conflict) as clash:
        items.update_item(workshop, PERSONA, stale, second, expected_version=1, by=leader)
    assert clash.value.current.title == "Lead's edit"
    persona.refresh_from_db()
    assert (persona.title, persona.version) == ("Lead's edit", 2)


def test_reorder_puts_items_in_the_given_order_and_refuses_foreign_ids(workshop, lead):
    a = add(workshop, PERSONA, {"title": "A"}, lead)
    b = add(workshop, PERSONA, {"title": "B"}, lead)
    c = add(workshop, PERSONA, {"title": "C"}, lead)
    items.reorder(workshop, PERSONA, [str(c.pk), str(a.pk), str(b.pk)], by=lead)
    assert [p.title for p in PERSONA.items(workshop)] == ["C", "A", "B"]
    with pytest.raises(Refused):
        items.reorder(workshop, PERSONA, [str(c.pk), str(a.pk)], by=lead)
    items.move(workshop, PERSONA, b, "up", by=lead)
    assert [p.title for p in PERSONA.items(workshop)] == ["C", "B", "A"]


def test_a_private_brainstorm_hides_answers_until_revealed(workshop, lead, leader):
    facilitation.open_brainstorm(workshop, PERSONA, by=lead)
    hidden = add(workshop, PERSONA, {"title": "Secret idea"}, leader)
    assert hidden.revealed is False
    assert facilitation.reveal(workshop, PERSONA, by=lead) == 1
    hidden.refresh_from_db()
    workshop.refresh_from_db()
    assert hidden.revealed is True
    assert workshop.brainstorm_step == ""


def test_a_dot_vote_keeps_each_person_within_budget(workshop, lead, leader):
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    vote = facilitation.open_vote(workshop, PERSONA, 2, by=lead)
    facilitation.cast_dot(workshop, vote, persona.pk, by=leader)
    facilitation.cast_dot(workshop, vote, persona.pk, by=leader)
    with pytest.raises(Refused, match="used all 2"):
        facilitation.cast_dot(workshop, vote, persona.pk, by=leader)
    facilitation.take_back_dot(workshop, vote, persona.pk, by=leader)
    assert Dot.objects.filter(vote=vote, voter=leader).count() == 1
    facilitation.close_vote(workshop, vote, by=lead)
    with pytest.raises(Refused, match="closed"):
        facilitation.cast_dot(workshop, vote, persona.pk, by=leader)


def test_a_second_open_vote_on_a_step_is_refused(workshop, lead):
    facilitation.open_vote(workshop, PERSONA, 3, by=lead)
    with pytest.raises(Refused, match="already open"):
        facilitation.open_vote(workshop, PERSONA, 3, by=lead)


def test_a_signed_workshop_refuses_changes(workshop, lead):
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    workshop.status = Status.SIGNED
    workshop.save()
    form = PersonaForm({"title": "Late"}, workshop=workshop)
    assert form.is_valid()
    with pytest.raises(Frozen):
        items.add_item(workshop, PERSONA, form, by=lead)
    with pytest.raises(Frozen):
        items.delete_item(workshop, PERSONA, persona, by=lead)
    assert Persona.objects.filter(workshop=workshop).count() == 1


def test_changes_are_audited(workshop, lead):
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    items.delete_item(workshop, PERSONA, persona, by=lead)
    actions = list(
        AuditEntry.objects.filter(workshop=workshop)
        .order_by("created", "id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["item.added", "item.deleted"]


def test_deleting_a_persona_leaves_its_needs_without_a_parent(workshop, lead):
    persona = add(workshop, PERSONA, {"title": "Family"}, lead)
    need = add(workshop, NEEDS, {"title": "One bill", "persona": persona.pk}, lead)
    items.delete_item(workshop, PERSONA, persona, by=lead)
    assert Need.objects.get(pk=need.pk).persona is None
