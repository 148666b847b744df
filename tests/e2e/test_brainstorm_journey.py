"""A brainstorm for a real room, in Italian: three leaders write in private, the
facilitator reveals, similar answers arrive grouped on every screen, the
facilitator reshapes the groups (a split, a move, a merge) and the room votes
on the groups."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from alignment.models import AnswerGroup, Dot, Need, Role, Status
from alignment.services import workshops
from tests.e2e.conftest import serious_accessibility_violations
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What each of the three leaders writes.
ANSWERS = {
    "ceo": ["Una sola bolletta per tutta la famiglia", "Fibra veloce anche in campagna"],
    "cfo": ["Basta con tre fatture diverse ogni mese", "Connessione internet più veloce a casa"],
    "cmo": ["Un unico conto per luce, gas e telefono", "Assistenza che risponde subito"],
}
WAITING = "Meno attesa al call center"


@pytest.fixture
def workshop(organization, lead):
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Allineamento Q4", language="it", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    return workshop


@pytest.fixture
def leaders(organization):
    return {
        name: MembershipFactory(
            organization=organization,
            role=Role.LEADER,
            user=UserFactory(email=f"{name}@acme.test", display_name=name.upper()),
        ).user
        for name in ANSWERS
    }


def italian(open_as, live_server, user):
    page = open_as(user)
    page.context.add_cookies([{"name": "django_language", "value": "it", "url": live_server.url}])
    return page


def group_with(page, answer: str):
    """The group an answer is in (a select's options name every group too)."""
    return page.locator(".answer-group").filter(
        has=page.locator(".item__title", has_text=re.compile(f"^{re.escape(answer)}$"))
    )


def group_titled(page, title: str):
    return page.locator(".answer-group").filter(
        has=page.locator(".answer-group__title", has_text=re.compile(f"^{re.escape(title)}$"))
    )


def settled(page, workshop) -> None:
    """Waits until the page has the room's latest change: the facilitator's next
    choice is then made on the list as it stays."""
    workshop.refresh_from_db()
    expect(page.locator("#live")).to_have_attribute(
        "data-v", re.compile(rf"^{workshop.revision}\."), timeout=10_000
    )


def controls(page):
    """The facilitator's panel, opened."""
    panel = page.locator("details.controls")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def test_three_leaders_brainstorm_in_italian_and_vote_on_groups(
    open_as, live_server, workshop, lead, leaders
):
    step = f"/w/{workshop.pk}/s/needs/"
    facilitator = italian(open_as, live_server, lead)
    facilitator.goto(step)
    expect(facilitator.locator("summary", has_text="Comandi del facilitatore")).to_be_visible()
    controls(facilitator).locator("form[action$='facilitate/brainstorm'] button").click()
    expect(facilitator.locator(".message--success")).to_contain_text("Brainstorming privato")

    rooms = {}
    for name, user in leaders.items():
        page = italian(open_as, live_server, user)
        page.goto(step)
        for text in ANSWERS[name]:
            page.locator("#add-form [name='new-title']").fill(text)
            page.locator("#add-form button[type=submit]").click()
            expect(page.locator("#own")).to_contain_text(text)
        rooms[name] = page
    rooms["cmo"].locator("#add-form [name='new-title']").fill(WAITING)
    rooms["cmo"].locator("#add-form button[type=submit]").click()
    expect(rooms["cmo"].locator("#own")).to_contain_text(WAITING)
    # Nobody reads another's answers before the reveal.
    expect(rooms["ceo"].locator("#items")).not_to_contain_text(ANSWERS["cfo"][0])
    expect(facilitator.locator("#items")).to_contain_text(
        "7 risposte sono nascoste", timeout=10_000
    )

    # The reveal groups similar answers, on every screen at once.
    reveal = controls(facilitator).locator("form[action$='facilitate/reveal']")
    expect(reveal.get_by_label("Raggruppa le risposte simili")).to_be_checked()
    reveal.locator("button").click()
    expect(facilitator.locator(".message--success")).to_contain_text("gruppi di risposte simili")
    for page in (facilitator, *rooms.values()):
        expect(page.get_by_role("region", name="Gruppi di risposte simili")).to_be_visible(
            timeout=10_000
        )
    bills = group_with(facilitator, ANSWERS["ceo"][0])
    expect(bills.locator(".item__title", has_text=ANSWERS["cfo"][0])).to_have_count(1)
    # The grouped list, with the facilitator's tools, is accessible (axe-core).
    assert serious_accessibility_violations(facilitator) == []
    # Everyone but the facilitator reads the groups without the tools that shape them.
    expect(rooms["ceo"].locator(".answer-group__tools")).to_have_count(0)

    # The facilitator moves the answer the grouping left out into the bills group...
    single_bill = Need.objects.get(title=ANSWERS["cmo"][0])
    bills_group = AnswerGroup.objects.get(workshop=workshop, title=ANSWERS["ceo"][0])
    # (choosing the group moves it: the keyboard's way to drag it there)
    facilitator.locator(f"#move-{single_bill.pk}").select_option(str(bills_group.pk))
    expect(bills.locator(".item__title", has_text=ANSWERS["cmo"][0])).to_have_count(1)
    # ...makes a group of two answers about support, each first in a group of its own...
    for title in (ANSWERS["cmo"][1], WAITING):
        answer = Need.objects.get(title=title)
        facilitator.locator(f"#move-{answer.pk}").select_option("new")
        expect(group_titled(facilitator, title)).to_have_count(1)
        settled(facilitator, workshop)
    # ...then merges the two and gives the group a name.
    waiting = group_titled(facilitator, WAITING)
    waiting.locator(".answer-group__tools summary").click()
    support = AnswerGroup.objects.get(workshop=workshop, title=ANSWERS["cmo"][1])
    waiting.get_by_label("Unisci a").select_option(str(support.pk))
    waiting.get_by_role("button", name="Unisci", exact=True).click()
    merged = group_titled(facilitator, ANSWERS["cmo"][1])
    expect(merged.locator(".item__title", has_text=WAITING)).to_have_count(1)
    settled(facilitator, workshop)
    merged.locator(".answer-group__tools summary").click()
    merged.get_by_label("Titolo del gruppo").fill("Assistenza rapida")
    merged.get_by_role("button", name="Rinomina").click()
    expect(
        facilitator.locator(".answer-group__title", has_text="Assistenza rapida")
    ).to_be_visible()
    # The room sees the same groups, with no reload.
    expect(
        group_titled(rooms["cfo"], "Assistenza rapida").locator(".item__title", has_text=WAITING)
    ).to_have_count(1, timeout=10_000)
    assert AnswerGroup.objects.filter(workshop=workshop).count() == 3

    # A dot vote on the groups.
    vote = controls(facilitator).locator("form[action$='facilitate/vote']")
    expect(vote.get_by_label("sui gruppi")).to_be_checked()
    vote.locator("button").click()
    choices = {
        "ceo": [ANSWERS["ceo"][0], ANSWERS["ceo"][0]],
        "cfo": [ANSWERS["ceo"][0], ANSWERS["cfo"][1]],
        "cmo": ["Assistenza rapida", ANSWERS["cfo"][1]],
    }
    for name, groups in choices.items():
        page = rooms[name]
        for title in groups:
            group = (
                group_titled(page, title)
                if title == "Assistenza rapida"
                else group_with(page, title)
            )
            expect(group.locator(".dot-add")).to_be_visible(timeout=10_000)
            before = group.locator(".dots__dot").count()
            group.locator(".dot-add").click()
            expect(group.locator(".dots__dot")).to_have_count(before + 1)
    controls(facilitator).locator("form[action$='facilitate/vote-close'] button").click()
    ranked = rooms["ceo"].locator(".answer-group")
    expect(ranked.first).to_contain_text("3 bollini", timeout=10_000)
    expect(ranked.first).to_contain_text(ANSWERS["ceo"][0])
    dots = {group.title: 0 for group in AnswerGroup.objects.filter(workshop=workshop)}
    for dot in Dot.objects.all():
        dots[AnswerGroup.objects.get(pk=dot.item_id).title] += 1
    assert sorted(dots.values(), reverse=True) == [3, 2, 1]
    for page in (facilitator, *rooms.values()):
        assert page.console_errors == [], page.console_errors
