"""An anonymous brainstorm names no author, to anyone, anywhere, for good.

In the demo's live quarter the lead opens an anonymous brainstorm (and, in a
second variant, an anonymous and moderated one) on every step that collects
answers; a leader adds one answer with a title nobody could guess on each (the
lead on the steps only the lead adds to: there the lead is the author); the lead
reveals them, grouping similar answers, and moves two of them into groups.

Then every URL pattern of the project (from the resolver, as in the isolation
tests) is requested as each person, plain and as an htmx fragment, with the
answers' own ids too, beside the live room's shared parts, each person's own
parts, the JSON export and, signed, the report's PDF. Wherever an anonymous
answer's title shows, the element that holds it (its `<article id="item-…">`,
the `<li>`, `<tr>` or `<option>` that is its row) names neither its author's
display name nor e-mail, and no attribute in it carries the author's id. The
page around it may name people (who is here, who signs): those do not tie a
person to an answer. The audit log records what the author did to an anonymous
answer without them. The author still finds and edits their own; a site admin
still finds the author in the Django admin, for abuse handling.

Moderation: before the reveal the facilitator alone sees the hidden answers
(without authors), and an answer set aside stays hidden from everyone but its
author, who reads why.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, replace
from io import BytesIO

import lxml.html
import pytest
from django.urls import reverse
from pypdf import PdfReader

from alignment import agenda
from alignment.access import Rights, RoomAccess, get_workshop_for_user
from alignment.models import AuditEntry, Membership, Role, Status, User, WorkshopRole
from alignment.realtime import live as realtime
from alignment.services import signoff, workshops
from alignment.views import live
from tests.security.conftest import client_for, form_data
from tests.security.routes import Route, fill, tenant_routes

pytestmark = pytest.mark.django_db

# Where one answer is on a page: its own element, or the row that holds it.
RECORDS = ("article", "li", "tr", "option")
REASON = "Qz9 off topic here, sorry"


def anonymous_title(slug: str) -> str:
    return f"Qz9-anonymous-{slug}-answer"


ASIDE_TITLE = "Qz9-set-aside-persona-answer"


@dataclass
class Answer:
    slug: str
    title: str
    pk: object
    author: User


@dataclass
class Room:
    victim: object
    live: object
    answers: dict  # step slug -> Answer
    aside: Answer | None  # the answer set aside (moderated only)
    author: User  # the leader who wrote the answers of the steps everyone adds to
    lead: User
    viewers: dict  # name -> user: everyone who looks, the author included
    moderated: bool


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _writer(victim, author, step):
    return victim.lead if step.lead_adds_only else author


def add_anonymous_answers(victim, *, moderated: bool, on_added=None) -> Room:
    """The brainstorm on every item step, one answer on each, not revealed yet.
    `on_added(room, step)` runs while that step's brainstorm is still open."""
    workshop = victim.live
    author = User.objects.get(email="ceo@demo.test")
    as_lead = client_for(victim.lead)
    options = {"anonymous": "1", **({"moderated": "1"} if moderated else {})}
    room = Room(
        victim=victim,
        live=workshop,
        answers={},
        aside=None,
        author=author,
        lead=victim.lead,
        viewers={
            "the lead": victim.lead,
            "the organisation's admin": victim.admin,
            "the author": author,
            "another leader": User.objects.get(email="cfo@demo.test"),
            "the observer": victim.observer,
        },
        moderated=moderated,
    )
    for step in agenda.item_steps():
        writer = _writer(victim, author, step)
        base = f"/w/{workshop.pk}/s/{step.slug}"
        assert as_lead.post(f"{base}/facilitate/brainstorm", options).status_code == 302
        form = step.form_class(workshop=workshop, prefix="new", lead=writer == victim.lead)
        data = {**form_data(form), "new-title": anonymous_title(step.slug)}
        assert client_for(writer).post(f"{base}/items", data).status_code == 302, step.slug
        item = step.model.objects.get(workshop=workshop, title=anonymous_title(step.slug))
        assert item.revealed is False and item.anonymous is True, step.slug
        assert item.author_id == writer.pk  # kept, for the author's rights and abuse handling
        room.answers[step.slug] = Answer(step.slug, item.title, item.pk, writer)
        if on_added is not None:
            on_added(room, step)
    workshop.refresh_from_db()
    return room


def set_aside_one(room: Room, step) -> None:
    """On the personas: the author adds a second answer, the facilitator sets it aside."""
    if step.slug != "persona":
        return
    base = f"/w/{room.live.pk}/s/persona"
    form = step.form_class(workshop=room.live, prefix="new", lead=False)
    data = {**form_data(form), "new-title": ASIDE_TITLE}
    assert client_for(room.author).post(f"{base}/items", data).status_code == 302
    item = step.model.objects.get(workshop=room.live, title=ASIDE_TITLE)
    room.aside = Answer("persona", item.title, item.pk, room.author)
    response = client_for(room.lead).post(
        f"{base}/i/{item.pk}/moderate/set-aside", {"reason": REASON}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.set_aside == REASON


def reveal_everything(room: Room) -> None:
    as_lead = client_for(room.lead)
    for slug in room.answers:
        base = f"/w/{room.live.pk}/s/{slug}"
        assert as_lead.post(f"{base}/facilitate/reveal", {"group": "1"}).status_code == 302
    # The facilitator puts two of them in groups: a group of its own (titled by
    # the answer), and a group of other people's answers.
    persona = room.answers["persona"]
    assert (
        as_lead.post(f"/w/{room.live.pk}/s/persona/i/{persona.pk}/group", {"to": "new"}).status_code
        == 302
    )
    alternatives = agenda.get_step("alternatives")
    other = (
        alternatives.model.objects.filter(workshop=room.live, revealed=True, anonymous=False)
        .exclude(group=None)
        .first()
    )
    answer = room.answers["alternatives"]
    response = as_lead.post(
        f"/w/{room.live.pk}/s/alternatives/i/{answer.pk}/group", {"to": str(other.group_id)}
    )
    assert response.status_code == 302
    for slug, answer in room.answers.items():
        item = agenda.get_step(slug).model.objects.get(pk=answer.pk)
        assert item.revealed and item.anonymous, slug
    assert agenda.get_step("persona").model.objects.get(pk=persona.pk).group_id is not None
    room.live.refresh_from_db()


def _revealed(victim, *, moderated: bool) -> Room:
    room = add_anonymous_answers(
        victim, moderated=moderated, on_added=set_aside_one if moderated else None
    )
    reveal_everything(room)
    return room


@pytest.fixture(params=["anonymous", "anonymous and moderated"])
def revealed(victim, request) -> Room:
    return _revealed(victim, moderated=request.param != "anonymous")


@pytest.fixture
def revealed_moderated(victim) -> Room:
    """The brainstorm with the most to show: anonymous, moderated, one set aside."""
    return _revealed(victim, moderated=True)


# Who the crawl reads every page as. The organisation's admin has the lead's rights
# class (the same pages, rendered once for both); the author is the one person
# allowed to know.
CRAWLERS = ("the lead", "another leader", "the observer")


# What would tie a person to an answer ------------------------------------------------


def _marks(element) -> list[str]:
    """What a page's scripts could read a person off: the element's data-*
    attributes and any attribute named after an author or a user."""
    return [
        value
        for node in element.iter()
        if isinstance(node.tag, str)
        for name, value in node.attrib.items()
        if name.startswith("data-") or "author" in name or "user" in name
    ]


def _records(html: str, title: str) -> list:
    """The elements that hold `title` on a page: each occurrence's nearest
    article, li, tr or option; where it is in none (a group's heading), its parent."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        # A text is its element's; the text after an element (its tail), its parent's.
        holders = []
        if title in (node.text or "") or any(title in str(v) for v in node.attrib.values()):
            holders.append(node)
        if title in (node.tail or "") and node.getparent() is not None:
            holders.append(node.getparent())
        for holder in holders:
            if holder.tag in RECORDS:
                found.append(holder)
                continue
            record = next((a for a in holder.iterancestors() if a.tag in RECORDS), None)
            parent = holder.getparent()
            found.append(record if record is not None else parent if parent is not None else holder)
    return found


def ties(html: str, answer: Answer) -> list[str]:
    """How a page ties the answer to its author, if it does: their name, e-mail
    or id in the answer's own element; their id as any `data-author`."""
    author = answer.author
    problems = []
    for record in _records(html, answer.title):
        markup = lxml.html.tostring(record, encoding="unicode")
        text = record.text_content()
        for said in (author.display_name, author.email):
            if said in markup or said in text:
                problems.append(f"{answer.title} next to {said!r}")
        if str(author.pk) in _marks(record):
            problems.append(f"{answer.title} next to an attribute with the author's id")
    # The leader wrote nothing but these anonymous answers: any mark of theirs on a
    # list page is one of these.
    if author.email == "ceo@demo.test" and re.search(rf'data-author="{author.pk}"', html):
        problems.append(f"data-author={author.pk} on the page")
    return problems


def check_text(text: str, room: Room, viewer: User | None) -> list[str]:
    """Every anonymous answer another person wrote, as this text shows it."""
    problems = []
    for answer in room.answers.values():
        if viewer is not None and answer.author == viewer:
            continue
        if answer.title in text:
            problems += ties(text, answer)
    if room.aside is not None and viewer != room.aside.author and room.aside.title in text:
        problems.append("the set-aside answer is shown")
    return problems


def check_json(data, room: Room, viewer: User | None) -> list[str]:
    """A JSON answer: the HTML it carries (the live poll's parts) as a page; each
    object of data (an export) that holds an anonymous answer names no person."""
    problems = []
    others = [a for a in room.answers.values() if viewer is None or a.author != viewer]

    def walk(value):
        if isinstance(value, str):
            if "<" in value:
                problems.extend(check_text(value, room, viewer))
        elif isinstance(value, dict):
            flat = json.dumps(value, ensure_ascii=False)
            for answer in others:
                # An object of data: the answer's own (HTML is looked at as a page).
                held = [v for v in value.values() if isinstance(v, str) and "<" not in v]
                if any(answer.title in v for v in held):
                    for said in (answer.author.display_name, answer.author.email):
                        if said in flat:
                            problems.append(f"{answer.title} next to {said!r}")
                    for key in ("author", "author_id", "by", "user", "written_by"):
                        if key in value:
                            problems.append(f"{answer.title} has {key!r}")
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return problems


def requests_for(route: Route, room: Room) -> list[tuple[str, dict]]:
    """Every GET worth sending: the route's paths with the organisation's objects
    and with each anonymous answer's own id, plain and as htmx."""
    world = room.victim.world
    worlds = [world]
    if "item_id" in route.params:
        worlds.append(
            replace(
                world,
                items={
                    **world.items,
                    **{(room.live.pk, slug): a.pk for slug, a in room.answers.items()},
                },
            )
        )
    paths = set()
    for one in worlds:
        try:
            paths |= {path for path, _values in fill(route, one)}
        except KeyError:
            continue  # a group of a step the facilitator has since ungrouped
    if route.name == "alignment:poll":
        paths = {
            f"/w/{room.live.pk}/poll?step={step.slug}&v={token}"
            for step in agenda.all_steps()
            for token in ("", realtime.token(room.live.revision - 3, {}))
        }
    return [(p, h) for p in sorted(paths) for h in ({}, {"HTTP_HX_REQUEST": "true"})]


# The crawl ---------------------------------------------------------------------------


def test_no_page_ties_an_anonymous_answer_to_its_author(revealed_moderated):
    room = revealed_moderated
    routes = tenant_routes()
    problems = []
    shown = 0
    for who in CRAWLERS:
        viewer = room.viewers[who]
        client = client_for(viewer)
        for route in routes:
            for path, headers in requests_for(route, room):
                response = client.get(path, **headers)
                if response.status_code >= 500:
                    problems.append(f"{who}: GET {path}: {response.status_code}")
                text = body(response)
                found = []
                if response.get("Content-Type", "").startswith("application/json"):
                    with contextlib.suppress(ValueError):
                        found = check_json(json.loads(text), room, viewer)
                else:
                    found = check_text(text, room, viewer)
                hx = " (htmx)" if headers else ""
                problems += [f"{who}: GET {path}{hx}: {p}" for p in found]
                shown += sum(a.title in text for a in room.answers.values())
    assert not problems, "\n".join(sorted(set(problems)))
    # The answers were really on the pages read: the check above proves something.
    assert shown > 200


def test_the_live_rooms_shared_and_personal_parts_name_no_author(revealed):
    room = revealed
    problems = []
    for role in (WorkshopRole.LEAD, WorkshopRole.LEADER, WorkshopRole.OBSERVER):
        for step in agenda.all_steps():
            parts, _personal = live.room_parts(RoomAccess(room.live, Rights(role)), step)
            for element, html in parts.items():
                # Shared by every lead (or leader, observer): the author among them.
                problems += [
                    f"{role} {step.slug} #{element}: {p}" for p in check_text(html, room, None)
                ]
            if not live.lands_in_place(step):
                continue
            # The whole step page for the pages that follow the facilitator there.
            landing = live.landing(room.live.pk, step.slug, role, "en") or ""
            assert room.answers[step.slug].title in landing, step.slug
            problems += [
                f"{role} {step.slug} landing: {p}" for p in check_text(landing, room, None)
            ]
    for who, viewer in room.viewers.items():
        if viewer == room.author:
            continue
        access = get_workshop_for_user(viewer, room.live.pk)
        for step in agenda.all_steps():
            for element, html in live.personal_parts(access, step).items():
                problems += [
                    f"{who} {step.slug} #{element}: {p}" for p in check_text(html, room, viewer)
                ]
    assert not problems, "\n".join(problems)


def test_the_audit_log_records_the_authors_acts_without_them(revealed):
    room = revealed
    entries = AuditEntry.objects.filter(workshop=room.live)
    added = entries.filter(action="item.added", target__contains="anonymous brainstorm answer")
    assert added.count() >= len(room.answers)
    assert not added.exclude(actor=None).exists()
    # The author's own edit, after the reveal: recorded, and without them.
    answer = room.answers["needs"]
    path = f"/w/{room.live.pk}/s/needs/i/{answer.pk}/edit"
    as_author = client_for(room.author)
    step = agenda.get_step("needs")
    item = step.model.objects.get(pk=answer.pk)
    form = step.form_class(instance=item, workshop=room.live, prefix=f"edit-{item.pk}", lead=False)
    data = form_data(form, keep_initial=True)
    data[f"edit-{item.pk}-title"] = answer.title + "-edited"
    assert as_author.post(path, data).status_code == 302
    # Named by its kind alone: its title beside the time would tell who was typing.
    changed = entries.filter(action="item.changed").latest("created")
    assert "anonymous brainstorm answer" in changed.target
    assert answer.title not in f"{changed.target} {json.dumps(changed.detail)}"
    assert changed.actor is None
    # Nothing the author did names an anonymous answer; no entry names the author.
    titles = [a.title for a in room.answers.values()]
    for entry in entries.filter(actor=room.author):
        said = f"{entry.target} {json.dumps(entry.detail)}"
        assert not any(title in said for title in titles), said
    for entry in entries:
        said = f"{entry.target} {json.dumps(entry.detail)}"
        for person in (room.author, room.lead):
            assert person.email not in said, said
        if any(title in said for title in titles):
            assert room.author.display_name not in said, said


def test_the_author_still_finds_and_edits_their_anonymous_answers(revealed):
    room = revealed
    as_author = client_for(room.author)
    for slug, answer in room.answers.items():
        if answer.author != room.author:
            continue
        page = body(as_author.get(f"/w/{room.live.pk}/s/{slug}/"))
        own = page[page.index("Your anonymous answers") :]
        assert answer.title in own, slug
        assert f"/i/{answer.pk}/edit" in own, slug
        # To the others, the same page shows no way to edit it.
        other = body(client_for(room.viewers["another leader"]).get(f"/w/{room.live.pk}/s/{slug}/"))
        assert f"/i/{answer.pk}/edit" not in other, slug
    answer = room.answers["persona"]
    path = f"/w/{room.live.pk}/s/persona/i/{answer.pk}/edit"
    assert answer.title in body(as_author.get(path))
    response = as_author.post(
        path, {f"edit-{answer.pk}-title": "Qz9-anonymous-edited", f"edit-{answer.pk}-version": "1"}
    )
    assert response.status_code == 302
    item = agenda.get_step("persona").model.objects.get(pk=answer.pk)
    assert item.title == "Qz9-anonymous-edited" and item.anonymous
    # Another leader may not.
    assert client_for(room.viewers["another leader"]).get(path).status_code in (403, 404)


def test_a_site_admin_still_finds_the_author(revealed, as_staff):
    answer = revealed.answers["persona"]
    page = body(as_staff.get(reverse("admin:alignment_persona_change", args=[answer.pk])))
    assert answer.title in page
    assert answer.author.display_name in page


def test_the_signed_report_and_export_name_no_author(victim, django_capture_on_commit_callbacks):
    room = add_anonymous_answers(victim, moderated=False)
    reveal_everything(room)
    workshop = room.live
    lead = room.lead
    workshops.transition(workshop, Status.REVIEW, by=lead)
    workshop.refresh_from_db()
    signoff.set_override(workshop, "Signed as it is, for the test", by=lead)
    workshops.transition(workshop, Status.SIGNING, by=lead)
    report = None
    for membership in Membership.objects.filter(
        organization=workshop.organization, role=Role.LEADER
    ).select_related("user"):
        workshop.refresh_from_db()
        content_hash = signoff.current_content(workshop)[1]
        with django_capture_on_commit_callbacks(execute=True):
            report = (
                signoff.sign(
                    workshop, unread_ok=True, by=membership.user, content_hash=content_hash
                )
                or report
            )
    assert report is not None
    report.refresh_from_db()
    workshop.refresh_from_db()
    assert workshop.status == Status.SIGNED

    export = client_for(lead).get(f"/w/{workshop.pk}/export.json")
    data = json.loads(body(export))
    assert room.answers["persona"].title in json.dumps(data, ensure_ascii=False)
    assert check_json(data, room, None) == []

    pdf = client_for(room.viewers["the observer"]).get(f"/w/{workshop.pk}/report.pdf")
    assert pdf.status_code == 200
    text = "\n".join(
        page.extract_text() or ""
        for page in PdfReader(
            BytesIO(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
        ).pages
    )
    lines = text.splitlines()
    shown = 0
    for index, line in enumerate(lines):
        for answer in room.answers.values():
            if answer.title in line:
                shown += 1
                near = " ".join(lines[max(0, index - 1) : index + 2])
                for said in (answer.author.display_name, answer.author.email):
                    assert said not in near, (answer.title, near)
    assert shown >= len(room.answers) // 2


# Moderation --------------------------------------------------------------------------


def test_before_the_reveal_only_the_facilitator_reads_them_and_without_authors(victim):
    seen = []

    def look(room: Room, step) -> None:
        set_aside_one(room, step)
        answer = room.answers[step.slug]
        page = body(client_for(room.lead).get(f"/w/{room.live.pk}/s/{step.slug}/"))
        match = re.search(
            rf'<li[^>]*id="moderate-{answer.pk}".*?(?=<li[^>]*id="moderate-|</ol>)', page, re.S
        )
        assert match, f"{step.slug}: the facilitator does not see the hidden answer"
        row = match.group(0)
        assert answer.title in row
        assert "Anonymous" in row
        for said in (answer.author.display_name, answer.author.email, f'"{answer.author.pk}"'):
            assert said not in row, (step.slug, said)
        for who in ("another leader", "the observer", "the author"):
            viewer = room.viewers[who]
            other = body(client_for(viewer).get(f"/w/{room.live.pk}/s/{step.slug}/"))
            assert "Moderate before the reveal" not in other, (who, step.slug)
            assert f"moderate-{answer.pk}" not in other, (who, step.slug)
            if viewer != answer.author:
                assert answer.title not in other, (who, step.slug)
        seen.append(step.slug)

    add_anonymous_answers(victim, moderated=True, on_added=look)
    assert len(seen) == len(agenda.item_steps())


def test_a_set_aside_answer_stays_its_authors_with_the_reason(revealed):
    room = revealed
    if not room.moderated:
        pytest.skip("only a moderated brainstorm sets answers aside")
    aside = room.aside
    page = body(client_for(room.author).get(f"/w/{room.live.pk}/s/persona/"))
    assert aside.title in page and REASON in page
    assert "Set aside by the facilitator" in page
    for who, viewer in room.viewers.items():
        if viewer == room.author:
            continue
        for path in (
            f"/w/{room.live.pk}/s/persona/",
            f"/w/{room.live.pk}/",
            f"/w/{room.live.pk}/s/review/",
        ):
            text = body(client_for(viewer).get(path))
            assert aside.title not in text, (who, path)
            if viewer not in (room.lead, room.victim.admin):
                # The facilitators wrote the reason; nobody else reads it.
                assert REASON not in text, (who, path)
    # Hidden, it is in no export either.
    assert aside.title not in body(client_for(room.lead).get(f"/w/{room.live.pk}/export.json"))
