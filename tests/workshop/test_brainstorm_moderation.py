"""A brainstorm the facilitator moderates before the reveal, and one that is
anonymous for good: tested as lead, leader, observer and outsider."""

from __future__ import annotations

import json

import pytest

from alignment.domain.visibility import hidden_answers
from alignment.models import AnswerGroup, AuditEntry, Persona
from alignment.services import signoff

pytestmark = pytest.mark.django_db


def url(workshop, rest: str) -> str:
    return f"/w/{workshop.pk}/s/persona/{rest}"


@pytest.fixture
def moderated(as_lead, as_leader, workshop):
    as_lead.post(url(workshop, "facilitate/brainstorm"), {"moderated": "1"})
    for title in ("Price-sensitive families", "Families who watch every euro", "Spam answer"):
        as_leader.post(url(workshop, "items"), {"new-title": title})
    return workshop


def answers_part(page: str) -> str:
    """The step's list of answers: the page around it names the people in the room."""
    return page[page.index('id="items"') : page.index('id="own"')]


def answer(title: str) -> Persona:
    return Persona.objects.get(title=title)


def test_the_facilitator_reads_the_hidden_answers_first(moderated, as_lead, as_leader, leader):
    page = as_lead.get(url(moderated, "")).content.decode()
    assert "Moderate before the reveal" in page
    assert "Families who watch every euro" in page
    # Not anonymous: the facilitator sees who wrote it.
    assert str(leader) in page[page.index("Moderate before the reveal") :]
    # The leader sees only their own, as in any private brainstorm.
    assert "Moderate before the reveal" not in as_leader.get(url(moderated, "")).content.decode()


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_nobody_else_moderates(moderated, who, request):
    client = request.getfixturevalue(who)
    spam = answer("Spam answer")
    response = client.post(url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "x"})
    assert response.status_code == 403
    assert answer("Spam answer").set_aside == ""
    page = client.get(url(moderated, "")).content.decode()
    if who == "as_observer":
        assert "Spam answer" not in page


def test_an_outsider_finds_nothing_to_moderate(moderated, as_outsider):
    spam = answer("Spam answer")
    response = as_outsider.post(url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "x"})
    assert response.status_code == 404
    assert answer("Spam answer").set_aside == ""


def test_an_answer_set_aside_stays_hidden_and_its_author_reads_why(
    moderated, as_lead, as_leader, as_observer
):
    spam = answer("Spam answer")
    empty = as_lead.post(
        url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "  "}, HTTP_HX_REQUEST="true"
    )
    assert empty.status_code == 422
    assert f'id="aside-error-{spam.pk}"' in empty.content.decode()
    assert answer("Spam answer").set_aside == ""

    as_lead.post(url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "Off topic"})
    # Two that say the same are joined: revealed as one group.
    first, second = answer("Price-sensitive families"), answer("Families who watch every euro")
    as_lead.post(
        url(moderated, f"i/{second.pk}/moderate/duplicate"), {"duplicate_of": str(first.pk)}
    )
    as_lead.post(url(moderated, "facilitate/reveal"))

    for client in (as_lead, as_observer):
        page = client.get(url(moderated, "")).content.decode()
        assert "Spam answer" not in page and "Off topic" not in page
        assert "Families who watch every euro" in page
    mine = as_leader.get(url(moderated, "")).content.decode()
    assert "Spam answer" in mine and "Set aside by the facilitator" in mine and "Off topic" in mine
    group = AnswerGroup.objects.get(workshop=moderated)
    assert group.title == "Price-sensitive families"
    assert set(Persona.objects.filter(group=group)) == {first, second}
    assert answer("Spam answer").revealed is False
    # The reveal button does not come back for the answer set aside.
    assert "Reveal all answers" not in as_lead.get(url(moderated, "")).content.decode()


def test_moderating_is_refused_once_revealed(moderated, as_lead):
    as_lead.post(url(moderated, "facilitate/reveal"))
    spam = answer("Spam answer")
    response = as_lead.post(
        url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "late"}, follow=True
    )
    assert response.status_code == 404 or "moderated only during" in response.content.decode()
    assert answer("Spam answer").set_aside == ""


# Anonymous ---------------------------------------------------------------------------


@pytest.fixture
def anonymous(as_lead, as_leader, workshop):
    as_lead.post(url(workshop, "facilitate/brainstorm"), {"anonymous": "1", "moderated": "1"})
    as_leader.post(url(workshop, "items"), {"new-title": "Quietly churning seniors"})
    return workshop


def test_an_anonymous_answer_names_its_author_to_nobody(
    anonymous, as_lead, as_leader, as_observer, leader
):
    written = answer("Quietly churning seniors")
    assert written.anonymous and written.author == leader
    moderation = answers_part(as_lead.get(url(anonymous, "")).content.decode())
    assert "Quietly churning seniors" in moderation and str(leader) not in moderation
    as_lead.post(url(anonymous, "facilitate/reveal"))
    for client in (as_lead, as_observer):
        page = client.get(url(anonymous, "")).content.decode()
        assert "Quietly churning seniors" in answers_part(page)
        assert str(leader) not in answers_part(page)
        assert f'data-author="{leader.pk}"' not in page
    # Its author knows it is theirs, and may still edit it.
    mine = as_leader.get(url(anonymous, "")).content.decode()
    assert "Your anonymous answers" in mine
    edit = as_leader.post(
        url(anonymous, f"i/{written.pk}/edit"),
        {
            f"edit-{written.pk}-title": "Quietly churning over-70s",
            f"edit-{written.pk}-version": written.version,
        },
    )
    assert edit.status_code in (200, 302)
    assert answer("Quietly churning over-70s").anonymous
    # The audit log records what happened to it, never by whom.
    for entry in AuditEntry.objects.filter(action__startswith="item."):
        assert entry.actor is None


def test_an_answer_set_aside_does_not_hold_up_the_sign_off(moderated, as_lead, lead):
    spam = answer("Spam answer")
    as_lead.post(url(moderated, f"i/{spam.pk}/moderate/set-aside"), {"reason": "Off topic"})
    as_lead.post(url(moderated, "facilitate/reveal"))
    assert not hidden_answers(moderated)
    data, _hash = signoff.current_content(moderated)
    assert "Spam answer" not in json.dumps(data)


def test_anonymous_answers_are_revealed_in_an_order_of_chance(as_lead, as_leader, workshop):
    as_lead.post(url(workshop, "facilitate/brainstorm"), {"anonymous": "1"})
    titles = [f"Anonymous idea {n}" for n in range(12)]
    for title in titles:
        as_leader.post(url(workshop, "items"), {"new-title": title})
    as_lead.post(url(workshop, "facilitate/reveal"))
    shown = list(
        Persona.objects.filter(workshop=workshop, anonymous=True)
        .order_by("order")
        .values_list("title", flat=True)
    )
    # The same answers in their places, not in the order they were written (12! to 1).
    assert sorted(shown) == sorted(titles) and shown != titles
    # The audit log names none of them, so its times tell nothing either.
    targets = AuditEntry.objects.filter(action="item.added").values_list("target", flat=True)
    assert not any(title in target for target in targets for title in titles)
