"""The collaboration setup: agreements taken from the handshake library."""

from __future__ import annotations

import pytest

from alignment.models import AgreementEvent, HandshakeAgreement, StrategicBet
from handshakes import services as library
from handshakes.models import HandshakeTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pricing():
    return HandshakeTemplate.objects.published().get(area__slug="pricing")


def take(client, workshop, template):
    return client.post(f"/w/{workshop.pk}/s/collaboration/items", {"new-template": template.pk})


def test_the_lead_takes_a_template_and_the_version_is_pinned(as_lead, workshop, pricing):
    assert take(as_lead, workshop, pricing).status_code == 302
    agreement = HandshakeAgreement.objects.get(workshop=workshop)
    assert agreement.template == pricing and agreement.title == "Pricing"
    assert agreement.status == "proposed"
    assert AgreementEvent.objects.filter(agreement=agreement).count() == 1


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_the_lead_chooses_templates(request, who, workshop, pricing):
    assert take(request.getfixturevalue(who), workshop, pricing).status_code == 403
    assert not HandshakeAgreement.objects.exists()


def test_a_draft_template_cannot_be_taken(as_lead, workshop, pricing, staff):
    draft = library.start_new_version(pricing, by=staff)
    response = take(as_lead, workshop, draft)
    assert response.status_code == 422
    assert not HandshakeAgreement.objects.exists()


def test_a_newer_published_version_is_announced_but_not_applied(as_lead, workshop, pricing, staff):
    take(as_lead, workshop, pricing)
    draft = library.start_new_version(pricing, by=staff)
    library.publish(draft, by=staff)
    agreement = HandshakeAgreement.objects.get()
    assert agreement.template_id == pricing.pk
    page = as_lead.get(f"/w/{workshop.pk}/s/collaboration/").content.decode()
    assert "A newer version (v2) is in the library" in page


def test_a_status_change_needs_a_comment_and_is_recorded(as_lead, workshop, pricing, lead):
    take(as_lead, workshop, pricing)
    agreement = HandshakeAgreement.objects.get()
    bet = StrategicBet.objects.create(workshop=workshop, title="Bundle", author=lead)
    prefix = f"edit-{agreement.pk}"
    data = {
        f"{prefix}-title": "Pricing",
        f"{prefix}-status": "agreed",
        f"{prefix}-quality": "4",
        f"{prefix}-version": "1",
        f"{prefix}-bets": [str(bet.pk)],
        f"{prefix}-covers": ["0", "2"],
    }
    edit = f"/w/{workshop.pk}/s/collaboration/i/{agreement.pk}/edit"
    refused = as_lead.post(edit, data)
    assert refused.status_code == 422 and "Say why the status changes." in refused.content.decode()
    as_lead.post(edit, {**data, f"{prefix}-status_comment": "Signed off with the pricing team"})
    agreement.refresh_from_db()
    assert agreement.status == "agreed" and agreement.covers == [0, 2]
    assert agreement.covered_handshakes == [pricing.key_handshakes[0], pricing.key_handshakes[2]]
    event = agreement.events.last()
    assert (event.old_status, event.new_status, event.comment) == (
        "proposed",
        "agreed",
        "Signed off with the pricing team",
    )


def test_leaders_comment_observers_read_outsiders_404(
    as_lead, as_leader, as_observer, as_outsider, workshop, pricing
):
    take(as_lead, workshop, pricing)
    agreement = HandshakeAgreement.objects.get()
    comment = f"/w/{workshop.pk}/agreements/{agreement.pk}/comment"
    as_leader.post(comment, {"comment": "Finance wants a floor price"})
    assert agreement.events.filter(comment="Finance wants a floor price").exists()
    assert as_observer.post(comment, {"comment": "x"}).status_code == 403
    assert as_outsider.post(comment, {"comment": "x"}).status_code == 404
    assert (
        "Finance wants a floor price"
        in as_observer.get(f"/w/{workshop.pk}/s/collaboration/").content.decode()
    )
    assert as_outsider.get(f"/w/{workshop.pk}/s/collaboration/").status_code == 404


def test_an_empty_comment_is_refused(as_leader, as_lead, workshop, pricing):
    take(as_lead, workshop, pricing)
    agreement = HandshakeAgreement.objects.get()
    response = as_leader.post(
        f"/w/{workshop.pk}/agreements/{agreement.pk}/comment", {"comment": "  "}, follow=True
    )
    assert "Please write something here." in response.content.decode()
    assert agreement.events.count() == 1


def test_the_library_offers_high_impact_areas_first(as_lead, workshop):
    page = as_lead.get(f"/w/{workshop.pk}/s/collaboration/").content.decode()
    assert page.index("General management") < page.index("Manufacturing")
    assert page.index("Network and cloud operations") < page.index("Legal")
