"""A brainstorm's answers grouped at the reveal, shaped by the facilitator, voted
on as groups; answers set aside while moderating; the groups in the signed content."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from alignment.domain import snapshot
from alignment.models import AnswerGroup, AuditEntry, Dot, Persona, Status, Workshop
from alignment.services import quarters, signoff, workshops

pytestmark = pytest.mark.django_db

ANSWERS = [
    "One bill for the whole household",
    "Stop getting three separate invoices",
    "Una sola bolletta per tutta la famiglia",
    "Fibre to every home by 2028",
    "Portare la fibra in ogni casa",
    "Better signal indoors",
]


def url(workshop, rest: str) -> str:
    return f"/w/{workshop.pk}/s/persona/{rest}"


def brainstorm(as_lead, writers, workshop, **options):
    as_lead.post(url(workshop, "facilitate/brainstorm"), dict.fromkeys(options, "1"))
    for number, title in enumerate(ANSWERS):
        writers[number % len(writers)].post(url(workshop, "items"), {"new-title": title})


def groups_of(workshop) -> dict[str, set[str]]:
    return {
        group.title: set(Persona.objects.filter(group=group).values_list("title", flat=True))
        for group in AnswerGroup.objects.filter(workshop=workshop)
    }


def test_the_reveal_proposes_groups_everyone_sees(as_lead, as_leader, as_observer, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    page = as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"}, follow=True)
    assert "groups of similar answers proposed" in page.content.decode()
    groups = groups_of(workshop)
    bills = next(members for members in groups.values() if ANSWERS[0] in members)
    assert {ANSWERS[1], ANSWERS[2]} <= bills
    assert ANSWERS[3] not in bills
    for client in (as_lead, as_leader, as_observer):
        html = client.get(url(workshop, "")).content.decode()
        assert "Groups of similar answers" in html
        # Only the facilitator shapes them.
        assert ("Merge into" in html) is (client is as_lead)


def test_the_facilitator_renames_merges_and_splits(as_lead, as_leader, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    first, second = AnswerGroup.objects.filter(workshop=workshop)[:2]
    rename = as_lead.post(
        url(workshop, f"g/{first.pk}/rename"), {"title": "  One bill  "}, HTTP_HX_REQUEST="true"
    )
    assert rename.status_code == 200
    first.refresh_from_db()
    assert first.title == "One bill"
    # An empty title is refused next to its field and changes nothing.
    empty = as_lead.post(
        url(workshop, f"g/{first.pk}/rename"), {"title": " "}, HTTP_HX_REQUEST="true"
    )
    assert empty.status_code == 422
    assert f'id="group-name-error-{first.pk}"' in empty.content.decode()
    first.refresh_from_db()
    assert first.title == "One bill"

    members = set(Persona.objects.filter(group__in=[first, second]).values_list("pk", flat=True))
    as_lead.post(url(workshop, f"g/{second.pk}/merge"), {"into": str(first.pk)})
    assert not AnswerGroup.objects.filter(pk=second.pk).exists()
    assert set(Persona.objects.filter(group=first).values_list("pk", flat=True)) == members

    # Split: one answer into a group of its own, titled by it; then out of every group.
    answer = Persona.objects.filter(group=first).first()
    as_lead.post(url(workshop, f"i/{answer.pk}/group"), {"to": "new"})
    answer.refresh_from_db()
    assert answer.group.title == answer.title and answer.group != first
    alone = answer.group
    as_lead.post(url(workshop, f"i/{answer.pk}/group"), {"to": ""})
    answer.refresh_from_db()
    assert answer.group is None and not AnswerGroup.objects.filter(pk=alone.pk).exists()
    assert AuditEntry.objects.filter(action="group.merged", workshop=workshop).exists()


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_the_facilitator_shapes_groups(as_lead, as_leader, workshop, who, request):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    group = AnswerGroup.objects.filter(workshop=workshop).first()
    answer = Persona.objects.filter(group=group).first()
    client = request.getfixturevalue(who)
    assert client.post(url(workshop, f"g/{group.pk}/rename"), {"title": "x"}).status_code == 403
    assert client.post(url(workshop, f"i/{answer.pk}/group"), {"to": ""}).status_code == 403
    group.refresh_from_db()
    assert group.title != "x" and Persona.objects.get(pk=answer.pk).group == group


def test_an_outsider_finds_no_group(as_lead, as_leader, as_outsider, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    group = AnswerGroup.objects.filter(workshop=workshop).first()
    assert (
        as_outsider.post(url(workshop, f"g/{group.pk}/rename"), {"title": "x"}).status_code == 404
    )
    assert as_outsider.post(url(workshop, f"g/{group.pk}/dot")).status_code == 404


def test_the_room_votes_on_groups(as_lead, as_leader, as_observer, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    as_lead.post(url(workshop, "facilitate/vote"), {"budget": "2", "on_groups": "1"})
    group = AnswerGroup.objects.filter(workshop=workshop).first()
    answer = Persona.objects.filter(workshop=workshop).first()
    dot = as_leader.post(url(workshop, f"g/{group.pk}/dot"), HTTP_HX_REQUEST="true")
    assert dot.status_code == 200
    # An answer takes no dot in a vote on groups.
    refused = as_leader.post(url(workshop, f"i/{answer.pk}/dot"), HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "give your dots to a group" in refused.content.decode()
    assert as_observer.post(url(workshop, f"g/{group.pk}/dot")).status_code == 403
    assert list(Dot.objects.values_list("item_id", flat=True)) == [group.pk]
    as_lead.post(url(workshop, "facilitate/vote-close"))
    page = as_observer.get(url(workshop, "")).content.decode()
    assert "1 dot" in page


def test_groups_are_part_of_the_signed_content(as_lead, as_leader, workshop):
    data, before = signoff.current_content(workshop)
    assert "groups" not in data
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    data, after = signoff.current_content(workshop)
    assert after != before
    listed = data["groups"]["personas"]
    keys = {row["key"]: row["title"] for row in data["aspects"]["personas"]}
    bills = next(g for g in listed if ANSWERS[0] in {keys[k] for k in g["answers"]})
    assert {keys[k] for k in bills["answers"]} >= {ANSWERS[0], ANSWERS[1], ANSWERS[2]}
    assert snapshot.content_hash(data) == after


def test_the_signed_report_and_export_show_the_groups(
    coherent_workshop, as_lead, as_leader, lead, leader, second_leader, sign
):
    workshop = coherent_workshop
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    group = AnswerGroup.objects.filter(workshop=workshop).first()
    as_lead.post(url(workshop, f"g/{group.pk}/rename"), {"title": "Billing <in one place>"})
    for status in (Status.REVIEW, Status.SIGNING):
        workshops.transition(workshop, status, by=lead)
    workshop.refresh_from_db()
    sign(workshop, leader)
    report = sign(workshop, second_leader)
    assert report.snapshot["groups"]["personas"][0]["title"] == "Billing <in one place>"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.open("rb").read())).pages
    )
    assert "Groups of similar answers" in text
    assert "Billing <in one place>" in " ".join(text.split())
    exported = json.loads(as_lead.get(f"/w/{workshop.pk}/export.json").content)
    assert exported["snapshot"]["groups"] == report.snapshot["groups"]


def test_the_next_quarter_carries_the_groups_with_their_answers(as_lead, as_leader, workshop, lead):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    before = groups_of(workshop)
    following = quarters.start_next_quarter(workshop, by=lead, quarter="2027-Q1")
    assert groups_of(following) == before
    # Each quarter's answers point at that quarter's own groups.
    assert not Persona.objects.filter(workshop=following, group__workshop=workshop).exists()
    assert (
        snapshot.build_snapshot(following)["groups"] == snapshot.build_snapshot(workshop)["groups"]
    )


def test_an_export_with_groups_imports_with_them(as_lead, as_leader, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    exported = json.loads(as_lead.get(f"/w/{workshop.pk}/export.json").content)
    body = json.dumps(exported).encode()
    response = as_lead.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("x.json", body, "application/json"), "quarter": "2027-Q1"},
    )
    assert response.status_code == 302
    restored = Workshop.objects.get(quarter="2027-Q1")
    assert groups_of(restored) == groups_of(workshop)
    # A group naming an answer the file does not hold is refused, and nothing is imported.
    exported["snapshot"]["groups"]["personas"][0]["answers"].append("P99")
    broken = json.dumps(exported).encode()
    refused = as_lead.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("x.json", broken, "application/json"), "quarter": "2027-Q2"},
    )
    assert refused.status_code == 422 and not Workshop.objects.filter(quarter="2027-Q2").exists()


def test_ungrouping_a_group_frees_its_answers_in_one_change(as_lead, as_leader, workshop):
    brainstorm(as_lead, [as_leader], workshop)
    as_lead.post(url(workshop, "facilitate/reveal"), {"group": "1"})
    group = AnswerGroup.objects.filter(workshop=workshop).first()
    members = list(Persona.objects.filter(group=group).values_list("pk", flat=True))
    workshop.refresh_from_db()
    revision = workshop.revision
    as_lead.post(url(workshop, f"g/{group.pk}/ungroup"))
    assert not AnswerGroup.objects.filter(pk=group.pk).exists()
    assert not Persona.objects.filter(pk__in=members).exclude(group=None).exists()
    workshop.refresh_from_db()
    assert workshop.revision == revision + 1
    entry = AuditEntry.objects.get(action="group.ungrouped")
    assert entry.action_label == "Ungrouped a group of answers" and entry.target == group.title
