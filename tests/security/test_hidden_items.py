"""Answers of a private brainstorm are their author's alone until they are revealed.

During an open brainstorm a leader adds one hidden answer, with a title nobody
else could guess, on every step that collects answers (the lead one where only
the lead adds). Then every URL pattern of the project (from the resolver, as in
the isolation tests, so a view added later is covered too) is requested as each
other person: the lead, the other leaders and the observer; plain and as an htmx
fragment, the live-sync poll with an old token, the comparison of quarters with
`?with=`, the export, the review. No response may carry another person's hidden
title. The author still sees their own, so the test can tell the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pytest

from alignment import agenda
from alignment.models import Kpi, User, Workshop
from alignment.realtime import live
from tests.security.conftest import client_for, form_data
from tests.security.routes import Route, World, fill, tenant_routes

pytestmark = pytest.mark.django_db


@dataclass
class Hidden:
    title: str
    pk: object
    author: User


@dataclass
class Brainstormed:
    live: Workshop
    workshops: list[Workshop]
    world: World
    hidden: dict  # step slug -> Hidden
    author: User  # the leader who wrote the hidden answers
    lead: User
    others: dict  # who else looks: name -> user


def hidden_title(slug: str) -> str:
    return f"Qz7-hidden-{slug}-answer"


@pytest.fixture
def brainstormed(victim) -> Brainstormed:
    """The demo's live quarter, after a private brainstorm on every item step."""
    workshop = victim.live
    author = User.objects.get(email="ceo@demo.test")
    as_lead, as_author = client_for(victim.lead), client_for(author)
    hidden = {}
    for step in agenda.item_steps():
        writer, client = (victim.lead, as_lead) if step.lead_adds_only else (author, as_author)
        base = f"/w/{workshop.pk}/s/{step.slug}"
        assert as_lead.post(f"{base}/facilitate/brainstorm").status_code == 302
        form = step.form_class(workshop=workshop, prefix="new", lead=writer == victim.lead)
        data = {**form_data(form), "new-title": hidden_title(step.slug)}
        assert client.post(f"{base}/items", data).status_code == 302, step.slug
        item = step.model.objects.get(workshop=workshop, title=hidden_title(step.slug))
        assert item.revealed is False, f"{step.slug}: saved revealed during a brainstorm"
        hidden[step.slug] = Hidden(title=item.title, pk=item.pk, author=writer)
    workshop.refresh_from_db()
    return Brainstormed(
        live=workshop,
        workshops=[victim.signed, workshop],
        world=victim.world,
        hidden=hidden,
        author=author,
        lead=victim.lead,
        others={
            "the lead": victim.lead,
            "another leader": User.objects.get(email="cfo@demo.test"),
            "the observer": victim.observer,
        },
    )


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def requests_for(route: Route, room: Brainstormed) -> list[tuple[str, dict]]:
    """Every GET worth sending to a route: its paths filled with the organisation's
    objects (item routes also with each hidden answer's own id), plain and as htmx."""
    worlds = [room.world]
    if "item_id" in route.params:
        # The hidden answers' own ids: a link someone guessed, or copied.
        worlds.append(
            replace(
                room.world,
                items={
                    **room.world.items,
                    **{(room.live.pk, slug): h.pk for slug, h in room.hidden.items()},
                },
            )
        )
    paths = {path for world in worlds for path, _values in fill(route, world)}
    if route.name == "alignment:compare":
        paths |= {
            f"/w/{one.pk}/compare?with={other.pk}"
            for one in room.workshops
            for other in room.workshops
            if one != other
        }
    if route.name == "alignment:poll":
        # An old token: the poll answers with the fragments that changed since.
        old = [
            "",
            "0.0",
            live.token(room.live.revision - 1, {}),
            live.token(room.live.revision - 5, {}),
        ]
        paths = {
            f"/w/{workshop.pk}/poll?step={slug}&v={token}"
            for workshop in room.workshops
            for slug in ["", *(s.slug for s in agenda.all_steps())]
            for token in old
        }
    return [
        (path, headers) for path in sorted(paths) for headers in ({}, {"HTTP_HX_REQUEST": "true"})
    ]


def test_the_author_sees_their_hidden_answers_on_their_step_pages(brainstormed):
    room = brainstormed
    for slug, hidden in room.hidden.items():
        page = body(client_for(hidden.author).get(f"/w/{room.live.pk}/s/{slug}/"))
        assert hidden.title in page, slug
        assert "Hidden from others" in page, slug


def test_no_one_else_sees_a_hidden_answer_anywhere(brainstormed):
    room = brainstormed
    # The author looks first: whatever is computed once and shared (the review,
    # the sign-off content) must not keep what the author sees for the others.
    author = client_for(room.author)
    for slug in ("review", "signoff", *room.hidden):
        author.get(f"/w/{room.live.pk}/s/{slug}/")
    author.get(f"/w/{room.live.pk}/compare")

    routes = tenant_routes()
    assert len(routes) >= 25
    problems = []
    seen_pages = 0
    for who, user in room.others.items():
        client = client_for(user)
        secrets = [h.title for h in room.hidden.values() if h.author != user]
        assert secrets
        for route in routes:
            for path, headers in requests_for(route, room):
                response = client.get(path, **headers)
                if response.status_code >= 500:
                    problems.append(f"{who}: GET {path}: {response.status_code}")
                if response.status_code == 200:
                    seen_pages += 1
                text = body(response)
                if shown := [title for title in secrets if title in text]:
                    hx = " (htmx)" if headers else ""
                    problems.append(f"{who}: GET {path}{hx} shows {shown}")
    assert not problems, "\n".join(problems)
    # Pages were really read (not refused): the check above proves something.
    assert seen_pages > 300


def test_revealing_shows_the_answers_to_everyone(brainstormed):
    room = brainstormed
    as_lead = client_for(room.lead)
    for slug in room.hidden:
        as_lead.post(f"/w/{room.live.pk}/s/{slug}/facilitate/reveal")
    observer = client_for(room.others["the observer"])
    for slug, hidden in room.hidden.items():
        assert hidden.title in body(observer.get(f"/w/{room.live.pk}/s/{slug}/")), slug
    compare = body(observer.get(f"/w/{room.live.pk}/compare"))
    assert room.hidden["persona"].title in compare


def test_the_author_still_edits_their_hidden_answer(brainstormed):
    room = brainstormed
    hidden = room.hidden["persona"]
    path = f"/w/{room.live.pk}/s/persona/i/{hidden.pk}/edit"
    as_author = client_for(room.author)
    assert hidden.title in body(as_author.get(path))
    response = as_author.post(
        path,
        {f"edit-{hidden.pk}-title": "Qz7-hidden-edited", f"edit-{hidden.pk}-version": "1"},
    )
    assert response.status_code == 302
    item = agenda.get_step("persona").model.objects.get(pk=hidden.pk)
    assert item.title == "Qz7-hidden-edited" and item.revealed is False
    # The lead, who edits everyone's answers, cannot reach this one yet.
    assert client_for(room.lead).get(path).status_code == 404


@pytest.mark.parametrize("who", ["the lead", "the author"])
def test_a_link_to_a_hidden_answer_is_refused_and_saves_nothing(brainstormed, who):
    room = brainstormed
    user = room.lead if who == "the lead" else room.author
    step = agenda.get_step("kpis")
    form = step.form_class(workshop=room.live, prefix="new", lead=user == room.lead)
    data = {
        **form_data(form),
        "new-title": "A KPI on a hidden bet",
        "new-bets": [str(room.hidden["bets"].pk)],
    }
    before = Kpi.objects.count()
    response = client_for(user).post(f"/w/{room.live.pk}/s/kpis/items", data)
    assert response.status_code == 422
    assert "Choose one of this workshop&#x27;s items" in body(response)
    assert Kpi.objects.count() == before


def test_the_agenda_counts_what_each_person_sees(brainstormed):
    room = brainstormed
    persona = agenda.get_step("persona").model

    def shown(user) -> int:
        page = body(client_for(user).get(f"/w/{room.live.pk}/"))
        found = re.search(
            rf'href="/w/{room.live.pk}/s/persona/".*?agenda__count">(\d+) answers', page, re.S
        )
        assert found, "the overview shows no count for Personas"
        return int(found.group(1))

    revealed = persona.objects.filter(workshop=room.live, revealed=True).count()
    assert shown(room.others["another leader"]) == revealed
    assert shown(room.others["the observer"]) == revealed
    assert shown(room.author) == revealed + 1


def test_the_next_quarter_carries_over_revealed_answers_only(brainstormed):
    room = brainstormed
    response = client_for(room.lead).post(f"/w/{room.live.pk}/next-quarter")
    assert response.status_code == 302
    clone = Workshop.objects.get(previous=room.live)
    for slug, hidden in room.hidden.items():
        model = agenda.get_step(slug).model
        assert not model.objects.filter(workshop=clone, title=hidden.title).exists(), slug


def test_the_lead_reorders_what_they_see_and_hidden_answers_keep_their_place(brainstormed):
    room = brainstormed
    persona = agenda.get_step("persona").model
    hidden = room.hidden["persona"]
    hidden_order = persona.objects.get(pk=hidden.pk).order
    shown = list(
        persona.objects.filter(workshop=room.live)
        .visible_to(room.lead)
        .order_by("order", "created")
        .values_list("pk", flat=True)
    )
    response = client_for(room.lead).post(
        f"/w/{room.live.pk}/s/persona/reorder",
        {"order": [str(pk) for pk in reversed(shown)]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert hidden.title not in body(response)
    after = list(
        persona.objects.filter(workshop=room.live, pk__in=shown)
        .order_by("order", "created")
        .values_list("pk", flat=True)
    )
    assert after == list(reversed(shown))
    assert persona.objects.get(pk=hidden.pk).order == hidden_order
