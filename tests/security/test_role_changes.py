"""Hole 2: a role changed on People and roles reaches every workshop at the next
request, and "remove from organisation" takes every access away at once.

Rights are read from the membership on each request; no workshop keeps a copy.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from alignment import agenda
from alignment.models import Membership, Persona, Report, Role, Signature, Status
from alignment.services import people, signoff
from alignment.services.errors import Refused
from tests.factories import MembershipFactory, UserFactory
from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONA = agenda.get_step("persona")


def _member(organization, user) -> Membership:
    return Membership.objects.get(organization=organization, user=user)


def _step(workshop, slug="persona") -> str:
    return reverse("alignment:step", args=[workshop.pk, slug])


def _add_persona(client, workshop, title):
    return client.post(
        reverse("alignment:item_create", args=[workshop.pk, "persona"]), {"new-title": title}
    )


def test_a_leader_demoted_to_observer_can_no_longer_add_answers(
    workshop, organization, org_admin, leader
):
    as_leader = client_for(leader)
    assert _add_persona(as_leader, workshop, "Before the change").status_code == 302
    # The page the leader saw before is in the page cache: the change must reach it.
    assert 'name="new-title"' in as_leader.get(_step(workshop)).content.decode()

    people.change_role(_member(organization, leader), Role.OBSERVER, by=org_admin)

    assert _add_persona(as_leader, workshop, "After the change").status_code == 403
    assert not Persona.objects.filter(title="After the change").exists()
    assert 'name="new-title"' not in as_leader.get(_step(workshop)).content.decode()


def test_a_lead_demoted_to_leader_no_longer_facilitates_or_reads_the_audit_log(
    workshop, organization, org_admin, lead
):
    as_lead = client_for(lead)
    countdown = reverse("alignment:facilitate", args=[workshop.pk, "persona", "countdown"])
    audit = reverse("alignment:audit_log", args=[workshop.pk])
    export = reverse("alignment:export_json", args=[workshop.pk])
    assert as_lead.get(audit).status_code == 200
    assert as_lead.get(export).status_code == 200

    people.change_role(_member(organization, lead), Role.LEADER, by=org_admin)

    assert as_lead.post(countdown, {"minutes": 5}).status_code == 403
    workshop.refresh_from_db()
    assert workshop.countdown_ends_at is None
    assert as_lead.get(audit).status_code == 403
    # Before sign-off the live content is exported by the lead only.
    assert as_lead.get(export).status_code == 403


def _sign(user, workshop):
    content_hash = signoff.current_content(workshop)[1]
    return client_for(user).post(
        reverse("alignment:sign", args=[workshop.pk]),
        {"content_hash": content_hash, "unread": "on"},
    )


def test_a_demoted_leader_cannot_sign(signing, organization, org_admin, leader):
    people.change_role(_member(organization, leader), Role.OBSERVER, by=org_admin)

    _sign(leader, signing)

    assert not Signature.objects.filter(workshop=signing, signer=leader).exists()
    assert leader.pk not in [m.user_id for m in signoff.required_signers(signing)]


def test_a_promoted_observer_becomes_a_required_signer(signing, organization, org_admin, observer):
    people.change_role(_member(organization, observer), Role.LEADER, by=org_admin)

    assert observer.pk in [m.user_id for m in signoff.required_signers(signing)]
    _sign(observer, signing)
    assert Signature.objects.filter(workshop=signing, signer=observer).exists()


def test_demoting_the_last_leader_who_had_not_signed_freezes_the_workshop(
    signing, organization, org_admin, leader
):
    # Two leaders; one signs, the other is demoted before signing: every leader
    # there is now has signed, so the workshop freezes then, not never.
    second = UserFactory(email="second@acme.test", display_name="Sara Second")
    MembershipFactory(organization=organization, user=second, role=Role.LEADER)
    _sign(leader, signing)
    signing.refresh_from_db()
    assert signing.status == Status.SIGNING

    people.change_role(_member(organization, second), Role.OBSERVER, by=org_admin)

    signing.refresh_from_db()
    assert signing.status == Status.SIGNED
    report = Report.objects.get(workshop=signing)
    assert [s["email"] for s in report.signatures] == [leader.email]


def test_removing_a_member_takes_away_every_page_report_and_export_at_once(
    workshop, organization, org_admin, leader
):
    as_leader = client_for(leader)
    pages = [
        reverse("alignment:organization", args=[organization.slug]),
        reverse("alignment:workshop", args=[workshop.pk]),
        _step(workshop),
        reverse("alignment:compare", args=[workshop.pk]),
        reverse("alignment:poll", args=[workshop.pk]) + "?step=persona&v=0.0",
    ]
    for page in pages:
        assert as_leader.get(page).status_code in (200, 304), page

    admin = client_for(org_admin)
    response = admin.post(
        reverse(
            "alignment:member_remove",
            args=[organization.slug, _member(organization, leader).key],
        )
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(organization=organization, user=leader).exists()
    for page in pages:
        assert as_leader.get(page).status_code == 404, page
    assert _add_persona(as_leader, workshop, "After removal").status_code == 404
    assert not Persona.objects.filter(title="After removal").exists()


def test_a_removed_leaders_signature_is_not_in_the_report(signing, organization, org_admin, leader):
    second = UserFactory(email="second@acme.test", display_name="Sara Second")
    MembershipFactory(organization=organization, user=second, role=Role.LEADER)
    _sign(leader, signing)

    people.remove_member(_member(organization, leader), by=org_admin)
    _sign(second, signing)

    signing.refresh_from_db()
    assert signing.status == Status.SIGNED
    report = Report.objects.get(workshop=signing)
    assert [s["email"] for s in report.signatures] == [second.email]


def test_an_admin_cannot_remove_themselves_nor_the_last_admin(organization, org_admin, lead):
    admin = client_for(org_admin)
    own = _member(organization, org_admin)
    response = admin.post(reverse("alignment:member_remove", args=[organization.slug, own.key]))
    assert response.status_code == 302
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "ask another organisation admin" in admin.get(response["Location"]).content.decode()

    # A lead made admin may remove the first admin, but not the one left after that.
    people.change_role(_member(organization, lead), Role.ADMIN, by=org_admin)
    people.remove_member(own, by=lead)
    with pytest.raises(Refused):
        people.change_role(_member(organization, lead), Role.LEADER, by=lead)


@pytest.mark.parametrize(
    ("who", "status"),
    [("org_admin", 302), ("lead", 403), ("leader", 403), ("observer", 403), ("outsider", 404)],
)
def test_only_the_organisations_admin_removes_members(
    request, organization, org_admin, lead, leader, observer, outsider, who, status
):
    target = _member(organization, observer)
    client = client_for(request.getfixturevalue(who))
    response = client.post(reverse("alignment:member_remove", args=[organization.slug, target.key]))
    assert response.status_code == status
    assert Membership.objects.filter(pk=target.pk).exists() == (who != "org_admin")


def test_the_members_page_offers_removal_to_the_admin_only(
    organization, org_admin, lead, leader, observer
):
    page = reverse("alignment:members", args=[organization.slug])
    remove = reverse(
        "alignment:member_remove", args=[organization.slug, _member(organization, leader).key]
    )
    assert remove in client_for(org_admin).get(page).content.decode()
    for user in (lead, leader, observer):
        assert remove not in client_for(user).get(page).content.decode()
