"""Sign-off: leaders sign the exact content; the last signature freezes the workshop."""

from __future__ import annotations

import io
import os
import re

import pytest
from pypdf import PdfReader

from alignment import agenda
from alignment.domain import snapshot
from alignment.forms import PersonaForm
from alignment.models import Persona, Report, ReportStatus, Signature, Status
from alignment.services import facilitation, items, quarters, signoff, workshops
from alignment.services.errors import Frozen, Refused
from alignment.tasks import render_report
from tests.workshop.conftest import current_hash

pytestmark = pytest.mark.django_db


def test_signing_opens_only_without_blockers_or_with_an_override(workshop, lead):
    workshops.transition(workshop, Status.REVIEW, by=lead)
    with pytest.raises(Refused, match="without blockers"):
        workshops.transition(workshop, Status.SIGNING, by=lead)
    signoff.set_override(workshop, "Board meeting cannot wait; gaps owned by the CVM lead", by=lead)
    workshops.transition(workshop, Status.SIGNING, by=lead)
    workshop.refresh_from_db()
    assert workshop.status == Status.SIGNING
    assert signoff.current_content(workshop)[0]["coherence"]["override"]["reason"].startswith(
        "Board meeting"
    )


def test_each_leader_signs_and_the_last_one_freezes(signing, leader, second_leader, sign):
    signed_content = current_hash(signing)
    assert sign(signing, leader) is None
    report = sign(signing, second_leader)
    signing.refresh_from_db()
    assert signing.status == Status.SIGNED
    # The report carries exactly what both leaders signed, and its stored snapshot
    # hashes to it.
    assert report.content_hash == signed_content
    assert snapshot.content_hash(report.snapshot) == signed_content
    assert set(
        Signature.objects.filter(workshop=signing).values_list("content_hash", flat=True)
    ) == {signed_content}
    assert [s["name"] for s in report.signatures] == ["Leo Leader", "Lea Second"]
    assert report.status == "ready" and report.pdf and len(report.pdf_sha256) == 64


def test_only_leaders_sign(signing, lead, observer, sign):
    for user in (lead, observer):
        with pytest.raises(Refused, match="Only the workshop's leaders sign"):
            sign(signing, user)


def test_a_stale_hash_is_refused(signing, leader, sign):
    with pytest.raises(Refused, match="content changed"):
        signoff.sign(signing, unread_ok=True, by=leader, content_hash="0" * 64)
    assert not Signature.objects.exists()


def test_a_change_after_a_signature_voids_it_and_says_so(
    signing, leader, second_leader, lead, as_leader, sign
):
    sign(signing, leader)
    form = PersonaForm({"title": "A late persona"}, workshop=signing)
    assert form.is_valid()
    items.add_item(signing, agenda.get_step("persona"), form, by=lead)
    assert Signature.objects.get(signer=leader).voided_at is not None
    page = as_leader.get(f"/w/{signing.pk}/s/signoff/").content.decode()
    assert "their signatures were voided" in page
    assert "0 of 2 leaders have signed" in page
    # The second leader's signature does not freeze: the first one must sign again.
    assert sign(signing, second_leader) is None
    signing.refresh_from_db()
    assert signing.status == Status.SIGNING


def test_votes_and_comments_do_not_void_signatures(signing, leader, second_leader, lead, sign):
    # Two leaders: after the first signature the workshop is still in signing.
    sign(signing, leader)
    vote = facilitation.open_vote(signing, agenda.get_step("persona"), 2, by=lead)
    facilitation.cast_dot(
        signing, vote, Persona.objects.filter(workshop=signing).first().pk, by=lead
    )
    assert Signature.objects.get(signer=leader).voided_at is None


def test_a_frozen_workshop_refuses_every_mutation(signing, leader, second_leader, lead, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    signing.refresh_from_db()
    persona = Persona.objects.filter(workshop=signing).first()
    step = agenda.get_step("persona")
    form = PersonaForm({"title": "Late"}, workshop=signing)
    assert form.is_valid()
    edit = PersonaForm({"title": "Edited"}, instance=persona, workshop=signing)
    assert edit.is_valid()
    refusals = [
        lambda: items.add_item(signing, step, form, by=lead),
        lambda: items.update_item(signing, step, persona, edit, expected_version=None, by=lead),
        lambda: items.delete_item(signing, step, persona, by=lead),
        lambda: items.reorder(signing, step, [str(persona.pk)], by=lead),
        lambda: facilitation.open_brainstorm(signing, step, by=lead),
        lambda: facilitation.reveal(signing, step, by=lead),
        lambda: facilitation.open_vote(signing, step, 3, by=lead),
        lambda: facilitation.go_to_step(signing, step, by=lead),
        lambda: facilitation.start_countdown(signing, 5, by=lead),
        lambda: workshops.save_flavor_answers(signing, {}, by=lead),
        lambda: signoff.set_override(signing, "late", by=lead),
    ]
    for refuse in refusals:
        with pytest.raises(Frozen, match="signed and frozen"):
            refuse()
    with pytest.raises(Refused):
        workshops.transition(signing, Status.REVIEW, by=lead)
    assert Persona.objects.get(pk=persona.pk).title != "Edited"


def test_frozen_pages_refuse_changes_with_a_message(signing, leader, second_leader, as_lead, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    persona = Persona.objects.filter(workshop=signing).first()
    base = f"/w/{signing.pk}/s/persona"
    for path, data in [
        ("items", {"new-title": "Late"}),
        (f"i/{persona.pk}/edit", {f"edit-{persona.pk}-title": "Late"}),
        (f"i/{persona.pk}/delete", {}),
        (f"i/{persona.pk}/move", {"direction": "down"}),
        ("reorder", {"order": [str(persona.pk)]}),
        ("facilitate/countdown", {"minutes": "5"}),
        ("facilitate/goto", {}),
    ]:
        response = as_lead.post(f"{base}/{path}", data, follow=True)
        assert "signed and frozen" in response.content.decode(), path
        htmx = as_lead.post(f"{base}/{path}", data, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 409, path
    assert not Persona.objects.filter(title="Late").exists()
    assert Persona.objects.filter(pk=persona.pk).exists()
    page = as_lead.get(f"/w/{signing.pk}/s/persona/").content.decode()
    assert 'id="add-form"' not in page and ">Edit<" not in page


def test_the_render_task_run_twice_leaves_one_file(signing, leader, second_leader, settings, sign):
    sign(signing, leader)
    report = sign(signing, second_leader)
    first = Report.objects.get(pk=report.pk)
    render_report(str(report.pk))
    again = Report.objects.get(pk=report.pk)
    folder = settings.MEDIA_ROOT / "reports"
    assert [p.name for p in folder.iterdir()] == [f"{report.pk}.pdf"]
    assert again.pdf.name == first.pdf.name
    assert again.pdf_sha256 == first.pdf_sha256  # a re-render is byte-identical


def test_the_worker_frees_the_renders_garbage_once_the_report_is_ready(
    signing, leader, second_leader, sign, monkeypatch
):
    # The render runs with the cyclic collector paused (alignment.report.render); its
    # garbage is collected after the report is saved, not during the next task.
    sign(signing, leader)
    report = sign(signing, second_leader)
    collected_when: list[str] = []
    monkeypatch.setattr(
        "alignment.services.reports.gc.collect",
        lambda: collected_when.append(Report.objects.get(pk=report.pk).status),
    )
    assert render_report(str(report.pk)) == "ready"
    assert collected_when == ["ready"]


def test_the_pdf_shows_every_bet_every_signer_and_the_hash(signing, leader, second_leader, sign):
    sign(signing, leader)
    report = sign(signing, second_leader)
    report.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    flat = re.sub(r"\s+", "", text)
    for bet in report.snapshot["bets"]:
        assert re.sub(r"\s+", "", bet["title"]) in flat
    for name in ("Leo Leader", "Lea Second"):
        assert name.replace(" ", "") in flat
    assert report.content_hash in flat


def test_the_pdf_is_rendered_from_the_snapshot_not_from_live_rows(
    signing, leader, second_leader, sign
):
    sign(signing, leader)
    report = sign(signing, second_leader)
    # Even if rows change behind the app's back, the report shows what was signed.
    Persona.objects.filter(workshop=signing).update(title="Changed behind our back")
    render_report(str(report.pk))
    report.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "Changed behind our back" not in text


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_every_member_downloads_the_signed_report(
    request, who, signing, leader, second_leader, sign
):
    sign(signing, leader)
    sign(signing, second_leader)
    client = request.getfixturevalue(who)
    response = client.get(f"/w/{signing.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/w/{signing.pk}/export.json").status_code == 200


def test_outsiders_get_404_for_report_and_export(as_outsider, signing, leader, second_leader, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    for path in ("report.pdf", "export.json", "report/status", "s/signoff/"):
        assert as_outsider.get(f"/w/{signing.pk}/{path}").status_code == 404
    assert as_outsider.post(f"/w/{signing.pk}/sign", {"content_hash": "x"}).status_code == 404


def test_only_the_lead_exports_before_sign_off(as_lead, as_leader, as_observer, signing):
    assert as_lead.get(f"/w/{signing.pk}/export.json").status_code == 200
    assert as_leader.get(f"/w/{signing.pk}/export.json").status_code == 403
    assert as_observer.get(f"/w/{signing.pk}/export.json").status_code == 403
    assert as_leader.get(f"/w/{signing.pk}/report.pdf").status_code == 404


def test_leaders_sign_through_the_page(as_leader, signing, leader, second_leader):
    page = as_leader.get(f"/w/{signing.pk}/s/signoff/").content.decode()
    content_hash = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page).group(1)
    response = as_leader.post(
        f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"}, follow=True
    )
    assert "Signed. Waiting for the other leaders." in response.content.decode()
    assert Signature.objects.filter(signer=leader, voided_at__isnull=True).exists()


def test_the_next_quarter_starts_from_a_signed_workshop(signing, leader, second_leader, lead, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    signing.refresh_from_db()
    clone = quarters.start_next_quarter(signing, by=lead)
    assert clone.status == Status.DRAFT and Persona.objects.filter(workshop=clone).exists()


def test_rendering_the_report_leaves_the_process_environment_as_found(
    signing, leader, second_leader, sign, monkeypatch
):
    # In eager mode the process that renders is the web server: the font date
    # pinned for the render must not stay behind for everything after it.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    sign(signing, leader)
    report = sign(signing, second_leader)
    assert report.status == ReportStatus.READY
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_the_last_signer_signs_the_content_built_under_the_lock_for_the_one_before(
    signing, leader, second_leader, sign, monkeypatch, django_capture_on_commit_callbacks
):
    sign(signing, leader)
    seen = current_hash(signing)  # what the second leader's page shows
    built = []
    real = signoff.coherence.load
    monkeypatch.setattr(signoff.coherence, "load", lambda ws: built.append(ws) or real(ws))
    with django_capture_on_commit_callbacks(execute=True):
        report = signoff.sign(signing, unread_ok=True, by=second_leader, content_hash=seen)
    assert built == []  # the same state: nothing rebuilt
    report.refresh_from_db()
    assert report.content_hash == snapshot.content_hash(report.snapshot)
    assert report.content_hash == Signature.objects.get(signer=leader).content_hash


def test_a_change_the_revision_does_not_count_still_changes_what_is_signed(
    signing, leader, second_leader, organization, sign
):
    seen = current_hash(signing)
    sign(signing, leader)
    organization.name = "Acme Renamed"  # quoted by the snapshot; not a workshop change
    organization.save()
    with pytest.raises(Refused, match="content changed"):
        signoff.sign(signing, unread_ok=True, by=second_leader, content_hash=seen)
