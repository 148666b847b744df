"""Leaders sign only what they can see.

A workshop whose private brainstorm still hides answers (or is still open, so
answers could be added hidden) cannot move to signing, and cannot be signed; a
brainstorm cannot start while the leaders sign, nor on a signed workshop. Each
refusal reaches the person as a message, and the sign-off page and the review say
what stands in the way.
"""

from __future__ import annotations

import pytest

from alignment import agenda
from alignment.domain.visibility import hidden_answers
from alignment.forms import PersonaForm
from alignment.models import Persona, Signature, Status, Workshop
from alignment.services import facilitation, items, revision, signoff, workshops
from alignment.services.errors import Refused
from tests.security.conftest import client_for
from tests.workshop.builders import build_coherent

pytestmark = pytest.mark.django_db

PERSONA = agenda.get_step("persona")
REVEAL_FIRST = "Reveal the answers of the private brainstorm on Personas first"


def status_of(workshop) -> str:
    return Workshop.objects.values_list("status", flat=True).get(pk=workshop.pk)


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def in_review(workshop, lead):
    """A coherent workshop (nothing blocks sign-off) in review."""
    build_coherent(workshop, lead)
    workshops.transition(workshop, Status.REVIEW, by=lead)
    workshop.refresh_from_db()
    return workshop


def hide_an_answer(workshop, lead, leader) -> Persona:
    """The lead opens a brainstorm on Personas and a leader answers in private."""
    facilitation.open_brainstorm(workshop, PERSONA, by=lead)
    form = PersonaForm({"title": "An idea still hidden"}, workshop=workshop)
    assert form.is_valid()
    item = items.add_item(workshop, PERSONA, form, by=leader)
    assert item.revealed is False
    return item


@pytest.fixture
def signing(in_review, lead):
    workshops.transition(in_review, Status.SIGNING, by=lead)
    in_review.refresh_from_db()
    return in_review


def force(workshop, **fields) -> None:
    """A state the services now refuse to reach (a workshop that got there before
    this rule, or by another path): sign() must refuse it on its own."""
    Workshop.objects.filter(pk=workshop.pk).update(**fields)
    workshop.refresh_from_db()


# Moving to signing ----------------------------------------------------------------------


def test_it_refuses_to_move_to_signing_while_answers_are_hidden(in_review, lead, leader, as_lead):
    hide_an_answer(in_review, lead, leader)
    response = as_lead.post(f"/w/{in_review.pk}/status", {"status": "signing"}, follow=True)
    assert REVEAL_FIRST in page(response)
    assert status_of(in_review) == Status.REVIEW
    # Once revealed, the same request succeeds.
    facilitation.reveal(in_review, PERSONA, by=lead)
    as_lead.post(f"/w/{in_review.pk}/status", {"status": "signing"})
    assert status_of(in_review) == Status.SIGNING


def test_hidden_answers_left_by_an_earlier_brainstorm_also_stop_signing(
    in_review, lead, leader, as_lead
):
    hide_an_answer(in_review, lead, leader)
    # The brainstorm moves on without a reveal: the personas stay hidden.
    facilitation.open_brainstorm(in_review, agenda.get_step("needs"), by=lead)
    response = as_lead.post(f"/w/{in_review.pk}/status", {"status": "signing"}, follow=True)
    assert "Reveal the answers of the private brainstorm on Personas, Needs first" in page(response)
    assert status_of(in_review) == Status.REVIEW


def test_it_refuses_to_move_to_signing_while_a_brainstorm_is_open(in_review, lead, as_lead):
    # Nothing hidden yet, but answers added now would be hidden from the signers.
    facilitation.open_brainstorm(in_review, PERSONA, by=lead)
    response = as_lead.post(f"/w/{in_review.pk}/status", {"status": "signing"}, follow=True)
    assert REVEAL_FIRST in page(response)
    assert status_of(in_review) == Status.REVIEW


def test_an_override_does_not_let_hidden_answers_through(in_review, lead, leader):
    signoff.set_override(in_review, "We sign despite the blockers", by=lead)
    hide_an_answer(in_review, lead, leader)
    assert hidden_answers(in_review).count == 1
    with pytest.raises(Refused, match=REVEAL_FIRST):
        workshops.transition(in_review, Status.SIGNING, by=lead)


@pytest.mark.parametrize(
    "who, refused", [("as_leader", 403), ("as_observer", 403), ("as_outsider", 404)]
)
def test_only_the_lead_moves_the_workshop_to_signing(
    request, in_review, lead, leader, who, refused
):
    hide_an_answer(in_review, lead, leader)
    client = request.getfixturevalue(who)
    response = client.post(f"/w/{in_review.pk}/status", {"status": "signing"})
    assert response.status_code == refused
    assert status_of(in_review) == Status.REVIEW


# Opening a brainstorm --------------------------------------------------------------------


def test_it_refuses_to_open_a_brainstorm_while_the_leaders_sign(signing, as_lead):
    response = as_lead.post(f"/w/{signing.pk}/s/persona/facilitate/brainstorm", follow=True)
    assert "A private brainstorm cannot start while the leaders sign" in page(response)
    signing.refresh_from_db()
    assert signing.brainstorm_step == "" and signing.status == Status.SIGNING
    # Nor does the step offer to start one.
    assert "Start a private brainstorm" not in page(as_lead.get(f"/w/{signing.pk}/s/persona/"))


def test_an_answer_added_while_the_leaders_sign_is_never_hidden(signing, as_leader):
    as_leader.post(f"/w/{signing.pk}/s/persona/items", {"new-title": "Added while signing"})
    assert Persona.objects.get(workshop=signing, title="Added while signing").revealed is True


@pytest.mark.parametrize(
    "who, refused", [("as_leader", 403), ("as_observer", 403), ("as_outsider", 404)]
)
def test_only_the_lead_could_open_a_brainstorm_at_all(request, signing, who, refused):
    response = request.getfixturevalue(who).post(f"/w/{signing.pk}/s/persona/facilitate/brainstorm")
    assert response.status_code == refused
    signing.refresh_from_db()
    assert signing.brainstorm_step == ""


def test_it_refuses_to_open_a_brainstorm_on_a_signed_workshop(signing, leader, as_lead):
    signoff.sign(
        signing, unread_ok=True, by=leader, content_hash=signoff.current_content(signing)[1]
    )
    assert status_of(signing) == Status.SIGNED
    response = as_lead.post(f"/w/{signing.pk}/s/persona/facilitate/brainstorm", follow=True)
    assert "signed and frozen" in page(response)
    signing.refresh_from_db()
    assert signing.brainstorm_step == ""


# Signing -----------------------------------------------------------------------------------


def test_a_leader_cannot_sign_while_answers_are_hidden(signing, lead, leader, as_leader):
    Persona.objects.create(workshop=signing, title="Hidden", author=lead, revealed=False)
    content_hash = signoff.current_content(signing)[1]
    response = as_leader.post(
        f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"}, follow=True
    )
    assert REVEAL_FIRST in page(response)
    assert not Signature.objects.filter(workshop=signing).exists()
    assert status_of(signing) == Status.SIGNING


def test_a_leader_cannot_sign_while_a_brainstorm_is_open(signing, leader, as_leader):
    force(signing, brainstorm_step="persona")
    content_hash = signoff.current_content(signing)[1]
    response = as_leader.post(
        f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"}, follow=True
    )
    assert REVEAL_FIRST in page(response)
    assert not Signature.objects.filter(workshop=signing).exists()
    # The service itself refuses, whichever path calls it.
    with pytest.raises(Refused, match=REVEAL_FIRST):
        signoff.sign(signing, unread_ok=True, by=leader, content_hash=content_hash)


@pytest.mark.parametrize(
    "who, refused", [("as_lead", 302), ("as_observer", 302), ("as_outsider", 404)]
)
def test_no_one_else_signs_hidden_content_either(request, signing, lead, who, refused):
    Persona.objects.create(workshop=signing, title="Hidden", author=lead, revealed=False)
    content_hash = signoff.current_content(signing)[1]
    response = request.getfixturevalue(who).post(
        f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"}
    )
    assert response.status_code == refused
    assert not Signature.objects.filter(workshop=signing).exists()


# Saying why ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_sign_off_page_and_the_review_say_what_to_reveal(request, in_review, lead, leader, who):
    hide_an_answer(in_review, lead, leader)
    client = request.getfixturevalue(who)
    signoff_page = page(client.get(f"/w/{in_review.pk}/s/signoff/"))
    assert REVEAL_FIRST in signoff_page
    review = page(client.get(f"/w/{in_review.pk}/s/review/"))
    assert REVEAL_FIRST in review
    assert "the workshop is ready for sign-off" not in review


def test_a_leader_is_not_offered_to_sign_hidden_content(signing, lead, as_leader):
    assert "I have read it and I sign" in page(as_leader.get(f"/w/{signing.pk}/s/signoff/"))
    Persona.objects.create(workshop=signing, title="Hidden", author=lead, revealed=False)
    revision.bump(signing, step="persona")  # as every change does: the pages refresh
    signoff_page = page(as_leader.get(f"/w/{signing.pk}/s/signoff/"))
    assert REVEAL_FIRST in signoff_page
    assert "I have read it and I sign" not in signoff_page


def test_the_lead_can_reveal_answers_an_earlier_brainstorm_left_hidden(
    in_review, lead, leader, as_lead
):
    hide_an_answer(in_review, lead, leader)
    facilitation.open_brainstorm(in_review, agenda.get_step("needs"), by=lead)
    assert "Reveal all answers" in page(as_lead.get(f"/w/{in_review.pk}/s/persona/"))
    as_lead.post(f"/w/{in_review.pk}/s/persona/facilitate/reveal")
    assert not Persona.objects.filter(workshop=in_review, revealed=False).exists()
    # What is left: the brainstorm still open on Needs.
    signoff_page = page(client_for(leader).get(f"/w/{in_review.pk}/s/signoff/"))
    assert "Reveal the answers of the private brainstorm on Needs first" in signoff_page
