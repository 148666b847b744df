"""The signed record: leaders read what they sign, may sign with a reservation or
decline with a reason, and every signer event lands on the completion certificate."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from alignment import agenda, demo
from alignment.forms import PersonaForm
from alignment.models import (
    Decision,
    Report,
    Role,
    Signature,
    SignerEvent,
    SignerEventKind,
    Status,
)
from alignment.realtime import signals
from alignment.services import facilitation, items, people, signoff
from alignment.services.audit import Client
from alignment.services.errors import Refused
from tests.workshop.conftest import current_hash

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Probe/1.0"


def kinds(workshop, user=None) -> list[str]:
    events = SignerEvent.objects.filter(workshop=workshop)
    if user is not None:
        events = events.filter(user=user)
    return list(events.values_list("kind", flat=True))


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def add_persona(workshop, lead, title="A late persona"):
    form = PersonaForm({"title": title}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("persona"), form, by=lead)


def signoff_url(workshop) -> str:
    return f"/w/{workshop.pk}/s/signoff/"


# Invited ---------------------------------------------------------------------------


def test_opening_signing_invites_every_leader(second_leader, signing, leader, lead, observer):
    assert kinds(signing, leader) == [SignerEventKind.INVITED]
    assert kinds(signing, second_leader) == [SignerEventKind.INVITED]
    # The lead and observers do not sign: no invitation.
    assert kinds(signing, lead) == kinds(signing, observer) == []


def test_a_leader_promoted_during_signing_is_invited(signing, organization, org_admin, observer):
    membership = observer.memberships.get(organization=organization)
    people.change_role(membership, Role.LEADER, by=org_admin)
    assert kinds(signing, observer) == [SignerEventKind.INVITED]


# Opened ----------------------------------------------------------------------------


def test_unfolding_the_content_records_it_once_per_version(signing, leader, as_leader, lead):
    hash_now = current_hash(signing)
    for _ in range(2):
        response = as_leader.post(
            f"/w/{signing.pk}/signoff/opened",
            {"content_hash": hash_now},
            HTTP_USER_AGENT=BROWSER,
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 204
    opened = SignerEvent.objects.get(user=leader, kind=SignerEventKind.OPENED)
    assert (opened.content_hash, opened.ip_address, opened.user_agent) == (
        hash_now,
        "203.0.113.7",
        BROWSER,
    )
    # Another version of the content is another reading.
    add_persona(signing, lead)
    as_leader.post(f"/w/{signing.pk}/signoff/opened", {"content_hash": current_hash(signing)})
    assert kinds(signing, leader).count(SignerEventKind.OPENED) == 2


def test_only_the_content_there_is_now_can_be_opened(signing, leader, as_leader):
    for stale in ("0" * 64, "not a hash", ""):
        response = as_leader.post(f"/w/{signing.pk}/signoff/opened", {"content_hash": stale})
        assert response.status_code == 204
    assert not SignerEvent.objects.filter(kind=SignerEventKind.OPENED).exists()


@pytest.mark.parametrize("who", ["as_lead", "as_observer"])
def test_only_a_signer_reading_is_recorded(signing, who, request):
    client = request.getfixturevalue(who)
    response = client.post(
        f"/w/{signing.pk}/signoff/opened", {"content_hash": current_hash(signing)}
    )
    assert response.status_code == 204
    assert not SignerEvent.objects.filter(kind=SignerEventKind.OPENED).exists()


def test_the_opened_beacon_is_a_404_for_an_outsider(signing, as_outsider):
    response = as_outsider.post(
        f"/w/{signing.pk}/signoff/opened", {"content_hash": current_hash(signing)}
    )
    assert response.status_code == 404
    assert not SignerEvent.objects.filter(kind=SignerEventKind.OPENED).exists()


# Signing without reading is asked once more ----------------------------------------


def test_signing_unread_is_asked_once_more(signing, leader, second_leader, as_leader):
    hash_now = current_hash(signing)
    response = as_leader.post(f"/w/{signing.pk}/sign", {"content_hash": hash_now})
    assert response.status_code == 409
    page = response.content.decode()
    assert "You have not opened the content" in page
    assert "Sign without having read it" in page
    assert not Signature.objects.exists()
    # The page asks again with the answer set: sending it signs.
    assert re.search(r'name="unread"[^>]*value="True"', page)
    response = as_leader.post(f"/w/{signing.pk}/sign", {"content_hash": hash_now, "unread": "True"})
    assert response.status_code == 302
    signature = Signature.objects.get(signer=leader)
    assert signature.opened_at is None
    signed = SignerEvent.objects.get(user=leader, kind=SignerEventKind.SIGNED)
    assert signed.detail == {"unread": True}


def test_a_signature_after_reading_records_when_it_was_opened(signing, leader, second_leader):
    hash_now = current_hash(signing)
    opened = signoff.open_content(signing, by=leader, content_hash=hash_now)
    signoff.sign(signing, by=leader, content_hash=hash_now)
    assert Signature.objects.get(signer=leader).opened_at == opened


# Reservations ----------------------------------------------------------------------


def test_a_reservation_is_kept_with_the_signature_and_shown(
    signing, leader, second_leader, as_lead, sign
):
    hash_now = current_hash(signing)
    signoff.open_content(signing, by=leader, content_hash=hash_now)
    signoff.sign(
        signing,
        by=leader,
        content_hash=hash_now,
        reservation="  <b>Churn</b> target needs a review  ",
        client=Client("198.51.100.4", BROWSER),
    )
    signature = Signature.objects.get(signer=leader)
    assert (signature.decision, signature.note) == (
        Decision.SIGNED,
        "<b>Churn</b> target needs a review",
    )
    assert (signature.ip_address, signature.user_agent) == ("198.51.100.4", BROWSER)
    event = SignerEvent.objects.get(user=leader, kind=SignerEventKind.RESERVED)
    assert event.detail == {"reservation": "<b>Churn</b> target needs a review"}
    page = as_lead.get(signoff_url(signing)).content.decode()
    assert "&lt;b&gt;Churn&lt;/b&gt; target needs a review" in page
    assert "<b>Churn</b>" not in page
    report = sign(signing, second_leader)
    assert report.signatures[0]["reservation"] == "<b>Churn</b> target needs a review"
    text = pdf_text(report.pdf.open("rb").read())
    assert "Signed with a reservation: <b>Churn</b> target needs a review" in text


def test_a_reservation_too_long_is_refused_next_to_the_field(signing, leader, as_leader):
    signoff.open_content(signing, by=leader, content_hash=current_hash(signing))
    response = as_leader.post(
        f"/w/{signing.pk}/sign",
        {"content_hash": current_hash(signing), "reservation": "x" * 501},
    )
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert not Signature.objects.exists()


# Declines --------------------------------------------------------------------------


def test_a_decline_needs_a_reason(signing, leader, as_leader):
    response = as_leader.post(
        f"/w/{signing.pk}/decline", {"content_hash": current_hash(signing), "reason": "   "}
    )
    assert response.status_code == 422
    assert "Please write something here." in response.content.decode()
    assert not Signature.objects.exists()
    with pytest.raises(Refused, match="Say why you decline"):
        signoff.decline(signing, by=leader, content_hash=current_hash(signing), reason="")


def test_a_decline_blocks_the_freeze_and_the_lead_sees_why(
    signing, leader, second_leader, as_lead, sign
):
    signoff.decline(
        signing,
        by=leader,
        content_hash=current_hash(signing),
        reason="The MoT for onboarding has no owner.",
        client=Client("192.0.2.10", BROWSER),
    )
    assert sign(signing, second_leader) is None
    signing.refresh_from_db()
    assert signing.status == Status.SIGNING
    assert not Report.objects.exists()
    page = as_lead.get(signoff_url(signing)).content.decode()
    assert "1 leader declines to sign" in page
    assert "The MoT for onboarding has no owner." in page
    event = SignerEvent.objects.get(user=leader, kind=SignerEventKind.DECLINED)
    assert (event.detail, event.ip_address) == (
        {"reason": "The MoT for onboarding has no owner."},
        "192.0.2.10",
    )


def test_a_change_of_content_voids_a_decline_as_it_voids_signatures(
    signing, leader, second_leader, lead, sign
):
    signoff.decline(signing, by=leader, content_hash=current_hash(signing), reason="Not yet.")
    sign(signing, second_leader)
    add_persona(signing, lead)
    assert not Signature.objects.filter(voided_at__isnull=True).exists()
    voided = SignerEvent.objects.filter(kind=SignerEventKind.VOIDED).order_by("user__email")
    assert [(e.user, e.detail["decision"], e.detail["step"]) for e in voided] == [
        (second_leader, Decision.SIGNED, "persona"),
        (leader, Decision.DECLINED, "persona"),
    ]
    signing.refresh_from_db()
    assert {e.detail["revision"] for e in voided} == {signing.revision}
    # With the decline void, both sign the new content and it freezes.
    sign(signing, leader)
    report = sign(signing, second_leader)
    assert report is not None


def test_a_leader_who_declined_may_sign_after_all(signing, leader, second_leader, sign):
    hash_now = current_hash(signing)
    signoff.decline(signing, by=leader, content_hash=hash_now, reason="Need to check a figure.")
    sign(signing, second_leader)
    report = sign(signing, leader)
    assert report is not None
    decline = Signature.objects.get(signer=leader, decision=Decision.DECLINED)
    assert decline.voided_reason == "withdrawn: signed instead"
    with pytest.raises(Refused):
        signoff.decline(signing, by=leader, content_hash=hash_now, reason="Too late.")


def test_declining_twice_is_refused(signing, leader):
    hash_now = current_hash(signing)
    signoff.decline(signing, by=leader, content_hash=hash_now, reason="No.")
    with pytest.raises(Refused, match="already declined"):
        signoff.decline(signing, by=leader, content_hash=hash_now, reason="Still no.")


@pytest.mark.parametrize("who", ["lead", "observer"])
def test_only_leaders_decline(signing, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(Refused, match="Only the workshop's leaders sign"):
        signoff.decline(signing, by=user, content_hash=current_hash(signing), reason="No.")


# The completion certificate ------------------------------------------------------


def test_the_certificate_records_every_signer_event_and_who_froze(
    second_leader, signing, leader, lead, sign, as_lead
):
    signoff.decline(signing, by=leader, content_hash=current_hash(signing), reason="A typo.")
    add_persona(signing, lead, "A corrected persona")
    hash_now = current_hash(signing)
    signoff.open_content(
        signing, by=leader, content_hash=hash_now, client=Client("203.0.113.9", BROWSER)
    )
    signoff.sign(
        signing,
        by=leader,
        content_hash=hash_now,
        reservation="Fine once the typo is fixed.",
        client=Client("203.0.113.9", BROWSER),
    )
    report = sign(signing, second_leader)
    certificate = report.certificate
    assert certificate["content_hash"] == report.content_hash
    assert certificate["frozen_by"] == {"name": "Lea Second", "email": "leader2@acme.test"}
    events = [(e["email"], e["kind"]) for e in certificate["events"]]
    assert events == [
        # In the order of their names, as the sign-off page lists them.
        ("leader2@acme.test", "invited"),
        ("leader@acme.test", "invited"),
        ("leader@acme.test", "declined"),
        ("leader@acme.test", "voided"),
        ("leader@acme.test", "opened"),
        ("leader@acme.test", "reserved"),
        ("leader2@acme.test", "signed"),
    ]
    reserved = certificate["events"][5]
    assert (reserved["ip_address"], reserved["user_agent"]) == ("203.0.113.9", BROWSER)
    assert all(e["at"].endswith("+00:00") for e in certificate["events"])
    # The last page of the PDF, and the JSON export, carry it.
    text = pdf_text(report.pdf.open("rb").read())
    certificate_page = text[text.index("Every event of the sign-off") :]
    for words in (
        "Invited to sign",
        "Declined",
        "Reason: A typo.",
        "A decline voided by a change on the step",
        "Opened the content",
        "Signed with a reservation",
        "Reservation: Fine once the typo is fixed.",
        "IP 203.0.113.9",
        "by Lea Second (leader2@acme.test)",
        report.content_hash,
    ):
        assert words in certificate_page.replace(
            report.content_hash[:32] + " ", report.content_hash[:32]
        ), words
    exported = json.loads(as_lead.get(f"/w/{signing.pk}/export.json").content)
    assert exported["certificate"]["events"] == certificate["events"]
    assert exported["certificate"]["report_file_sha256"] == report.pdf_sha256
    assert exported["content_hash"] == report.content_hash


# The sign-off page shows what is signed --------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_page_shows_the_content_it_hashes(signing, who, request):
    page = request.getfixturevalue(who).get(signoff_url(signing)).content.decode()
    data, hash_now = signoff.current_content(signing)
    assert hash_now in page
    for bet in data["bets"]:
        assert bet["title"] in page
    for kpi in data["kpis"]:
        assert kpi["key"] in page
    for heading in (
        "The six alignment aspects",
        "Strategic bets",
        "CVM KPIs",
        "Moments of Truth",
        "Collaboration setup",
        "Coherence review",
    ):
        assert heading in page


def test_the_sign_off_page_is_a_404_for_an_outsider(signing, as_outsider):
    assert as_outsider.get(signoff_url(signing)).status_code == 404
    assert as_outsider.get(f"/w/{signing.pk}/signoff/draft.pdf").status_code == 404


# The draft PDF ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_draft_is_watermarked_and_carries_the_hash(signing, who, request):
    response = request.getfixturevalue(who).get(f"/w/{signing.pk}/signoff/draft.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = pdf_text(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    hash_now = current_hash(signing)
    # Every page says it is a draft.
    for page in reader.pages:
        assert "draft - not signed" in page.extract_text().lower()
    assert hash_now in text.replace(" ", "")
    # A draft is not sealed: no signature field.
    assert "/Sig" not in pdf.decode("latin-1").replace("/Sigma", "")


def test_opening_the_draft_counts_as_reading(signing, leader, as_leader):
    as_leader.get(f"/w/{signing.pk}/signoff/draft.pdf")
    assert kinds(signing, leader).count(SignerEventKind.OPENED) == 1


def test_no_draft_while_answers_are_hidden(workshop, lead, as_leader):
    facilitation.open_brainstorm(workshop, agenda.get_step("persona"), by=lead)
    response = as_leader.get(f"/w/{workshop.pk}/signoff/draft.pdf", follow=True)
    assert response.redirect_chain
    assert "Reveal the answers" in response.content.decode()


# The page's cost ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_sign_off_page_costs_the_same_with_five_times_the_content(
    who, request, second_leader, signing, leader, lead
):
    client = request.getfixturevalue(who)
    signoff.decline(signing, by=second_leader, content_hash=current_hash(signing), reason="No.")
    signoff.open_content(signing, by=leader, content_hash=current_hash(signing))

    def queries() -> int:
        client.get(signoff_url(signing))  # warm the session
        signals.workshop_changed(signing.pk)  # as after any change: rendered afresh
        with CaptureQueriesContext(connection) as captured:
            assert client.get(signoff_url(signing)).status_code == 200
        return len(captured)

    at_1x = queries()
    # Five times the content (which voids the decline: it is given again).
    demo.build_workshop(signing, author=lead, scale=4)
    # The builder writes rows directly, without the revision a change through
    # the app would bump: what was kept for the old revision must go.
    cache.clear()
    signoff.decline(signing, by=second_leader, content_hash=current_hash(signing), reason="No.")
    assert queries() == at_1x


# The invitation to sign is mailed ----------------------------------------------------


def test_opening_signing_mails_each_leader_a_link(
    second_leader, coherent_workshop, as_lead, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"/w/{coherent_workshop.pk}/status"
    with django_capture_on_commit_callbacks(execute=True):
        as_lead.post(url, {"status": Status.REVIEW})
        as_lead.post(url, {"status": Status.SIGNING})
    assert sorted(m.to[0] for m in mailoutbox) == ["leader2@acme.test", "leader@acme.test"]
    message = mailoutbox[0]
    assert message.subject == f"Please sign the {coherent_workshop.quarter} alignment of Acme Telco"
    assert f"http://testserver/w/{coherent_workshop.pk}/s/signoff/" in message.body
    assert "Lena Lead opened signing" in message.body
