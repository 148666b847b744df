"""Invitations from first mail to membership: accepting as a new or an existing
account, expiry, resending, revoking, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alignment.models import (
    AuditEntry,
    Invitation,
    Membership,
    Participant,
    Role,
    Status,
    User,
    Workshop,
)
from alignment.models.accounts import hash_token
from alignment.services import workshops
from tests.conftest import invitation_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-2026"
ROLES = ["as_org_admin", "as_lead", "as_leader", "as_observer", "as_outsider"]


def choose_password(client, path, *, name="Nina New", password=NEW_PASSWORD):
    return client.post(
        path, {"display_name": name, "new_password1": password, "new_password2": password}
    )


# A new address ---------------------------------------------------------------------


def test_the_mail_goes_to_the_address_with_a_link_and_the_organisation(
    invite, organization, org_admin, mailoutbox
):
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    [mail] = mailoutbox
    assert mail.to == ["nina@new.test"]
    assert "Acme Telco" in mail.subject
    assert "Ada Admin invites you to join Acme Telco" in mail.body
    assert f"http://testserver{path}" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and path in html
    # Only the token's hash is kept: the database alone cannot accept anyone.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hash_token(token) != token
    assert token not in str(list(Invitation.objects.values()))
    assert token not in str(list(AuditEntry.objects.values()))


def test_a_new_address_chooses_a_password_and_lands_signed_in_on_the_organisation(
    invite, organization, org_admin, client
):
    invitation, path = invite(
        organization, "nina@new.test", by=org_admin, role=Role.OBSERVER, display_name="Nina N."
    )
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="Nina N."' in page.content.decode()  # the admin's spelling, a suggestion
    assert not Membership.objects.filter(user__email="nina@new.test").exists()

    response = choose_password(client, path, name="Nina New")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    user = User.objects.get(email="nina@new.test")
    assert user.display_name == "Nina New"
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(organization=organization, user=user).role == Role.OBSERVER
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="member.joined", actor=user).exists()
    assert client.get("/o/acme/").status_code == 200


def test_a_weak_or_mismatched_password_is_refused_next_to_the_field(
    invite, organization, org_admin, client
):
    _invitation, path = invite(organization, "nina@new.test", by=org_admin)
    weak = choose_password(client, path, password="12345678")
    assert weak.status_code == 400
    assert "This password is entirely numeric." in weak.content.decode()
    mismatched = client.post(
        path,
        {"display_name": "Nina", "new_password1": NEW_PASSWORD, "new_password2": "other-2026!"},
    )
    assert mismatched.status_code == 400
    assert 'id="id_new_password2_error"' in mismatched.content.decode()
    assert not User.objects.filter(email="nina@new.test").exists()
    assert not Membership.objects.filter(user__email="nina@new.test").exists()


# An existing account ----------------------------------------------------------------


def test_an_existing_account_joins_by_signing_in_as_itself(
    invite, other_organization, outsider, leader, client
):
    invitation, path = invite(other_organization, "leader@acme.test", by=outsider)
    page = client.get(path)
    assert page.status_code == 200
    assert f'href="/accounts/login/?next={path}"' in page.content.decode()

    signed_in = client.post(
        f"/accounts/login/?next={path}",
        {"username": "leader@acme.test", "password": "test-pass-123"},
    )
    assert signed_in["Location"] == path
    assert "Accept and join" in client.get(path).content.decode()
    assert not Membership.objects.filter(organization=other_organization, user=leader).exists()

    joined = client.post(path)
    assert joined["Location"] == "/o/rival/"
    assert Membership.objects.filter(organization=other_organization, user=leader).exists()
    leader.refresh_from_db()
    assert leader.display_name == "Leo Leader"  # the admin's spelling is not applied


@pytest.mark.parametrize("who", ROLES)
def test_signed_in_as_someone_else_nothing_changes(request, who, invite, organization, org_admin):
    """Whoever is signed in, an invitation for another address is refused to them."""
    client = request.getfixturevalue(who)
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    page = client.get(path)
    assert page.status_code == 200
    assert "but this invitation is for nina@new.test" in page.content.decode()
    memberships = Membership.objects.count()
    refused = client.post(path)
    assert refused.status_code == 403
    assert "Nothing was changed" in refused.content.decode()
    assert Membership.objects.count() == memberships
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_accepting_twice_does_nothing_more(invite, other_organization, outsider, as_leader, leader):
    invitation, path = invite(other_organization, "leader@acme.test", by=outsider)
    as_leader.post(path)
    entries = AuditEntry.objects.count()
    again = as_leader.post(path)
    assert again.status_code == 302 and again["Location"] == "/o/rival/"
    assert as_leader.get(path)["Location"] == "/o/rival/"
    assert Membership.objects.filter(organization=other_organization, user=leader).count() == 1
    assert AuditEntry.objects.count() == entries
    # For anyone else the used link is gone.
    assert Client().get(path).status_code == 410


# Links that no longer work -----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/accounts/invitations/nope/", f"/accounts/invitations/{'x' * 500}/"]
)
def test_an_unknown_link_gets_a_polite_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert client.post(path, {}).status_code == 404


def test_an_expired_invitation_refuses_politely_and_is_marked_for_the_admin(
    invite, organization, org_admin, client, as_org_admin
):
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires=timezone.now() - timedelta(minutes=1)
    )
    for response in (client.get(path), choose_password(client, path)):
        assert response.status_code == 410
        assert "This invitation has expired." in response.content.decode()
    assert not User.objects.filter(email="nina@new.test").exists()
    assert "Expired" in as_org_admin.get("/o/acme/members/").content.decode()


def test_an_invitation_lasts_seven_days(invite, organization, org_admin):
    invitation, _path = invite(organization, "nina@new.test", by=org_admin)
    assert timedelta(days=6, hours=23) < invitation.expires - timezone.now() <= timedelta(days=7)


def test_a_revoked_invitation_refuses_politely(invite, organization, org_admin, as_org_admin):
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    response = as_org_admin.post(f"/o/acme/invitations/{invitation.key}/revoke", follow=True)
    assert "The invitation to nina@new.test is withdrawn" in response.content.decode()
    assert "nina@new.test</span>" not in response.content.decode()  # no longer listed
    gone = Client().get(path)
    assert gone.status_code == 410
    assert "This invitation was withdrawn." in gone.content.decode()
    assert AuditEntry.objects.filter(action="member.invitation_revoked").exists()


def test_resending_mails_a_new_link_and_the_old_one_stops_working(
    invite, organization, org_admin, as_org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, old_path = invite(organization, "nina@new.test", by=org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = as_org_admin.post(f"/o/acme/invitations/{invitation.key}/resend")
    assert response.status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["nina@new.test"]
    new_path = invitation_path(mailoutbox[1])
    assert new_path != old_path
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires > timezone.now() + timedelta(days=6)


def test_inviting_the_same_address_again_keeps_one_invitation_with_a_new_link(
    invite, organization, org_admin
):
    first, old_path = invite(organization, "nina@new.test", by=org_admin)
    second, new_path = invite(organization, "NINA@new.test", by=org_admin, role=Role.LEAD)
    assert first.pk == second.pk
    assert Invitation.objects.get().role == Role.LEAD
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200


def test_a_link_accepted_meanwhile_is_refused_to_the_form_still_open(
    invite, organization, org_admin
):
    _invitation, path = invite(organization, "nina@new.test", by=org_admin)
    first, second = Client(), Client()
    second.get(path)
    assert choose_password(first, path).status_code == 302
    late = choose_password(second, path, name="Someone Else")
    assert late.status_code in (403, 410)
    assert User.objects.get(email="nina@new.test").display_name == "Nina New"
    assert "_auth_user_id" not in second.session


# Who manages invitations -------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_members_who_are_not_admins_neither_see_nor_manage_invitations(
    request, who, invite, organization, org_admin
):
    client = request.getfixturevalue(who)
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    page = client.get("/o/acme/members/")
    assert page.status_code == 200
    assert "nina@new.test" not in page.content.decode()
    for action in ("resend", "revoke"):
        response = client.post(f"/o/acme/invitations/{invitation.key}/{action}")
        assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_usable
    assert Client().get(path).status_code == 200  # the link was not replaced


def test_outsiders_get_404_and_change_nothing(as_outsider, invite, organization, org_admin):
    invitation, path = invite(organization, "nina@new.test", by=org_admin)
    for action in ("resend", "revoke"):
        assert as_outsider.post(f"/o/acme/invitations/{invitation.key}/{action}").status_code == 404
        # Their own organisation's URL with Acme's invitation: not found either.
        assert as_outsider.post(f"/o/rival/invitations/{invitation.key}/{action}").status_code in (
            403,
            404,
        )
    invitation.refresh_from_db()
    assert invitation.is_usable
    assert Client().get(path).status_code == 200


def test_an_admin_cannot_manage_another_organisations_invitation(
    invite, other_organization, outsider, as_org_admin
):
    invitation, _path = invite(other_organization, "nina@new.test", by=outsider)
    for action in ("resend", "revoke"):
        assert (
            as_org_admin.post(f"/o/acme/invitations/{invitation.key}/{action}").status_code == 404
        )
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_resend_and_revoke_need_a_post(as_org_admin, invite, organization, org_admin):
    invitation, _path = invite(organization, "nina@new.test", by=org_admin)
    for action in ("resend", "revoke"):
        assert as_org_admin.get(f"/o/acme/invitations/{invitation.key}/{action}").status_code == 405


def test_the_admin_sees_pending_invitations_with_role_inviter_and_expiry(
    as_org_admin, invite, organization, org_admin
):
    invite(organization, "nina@new.test", by=org_admin, role=Role.OBSERVER)
    body = as_org_admin.get("/o/acme/members/").content.decode()
    assert '<span class="person__name">nina@new.test</span>' in body
    assert "Observer · invited by Ada Admin · expires on" in body
    assert "Resend" in body and "Revoke" in body


def test_revoking_twice_says_so_and_changes_nothing(as_org_admin, invite, organization, org_admin):
    invitation, _path = invite(organization, "nina@new.test", by=org_admin)
    as_org_admin.post(f"/o/acme/invitations/{invitation.key}/revoke")
    response = as_org_admin.post(f"/o/acme/invitations/{invitation.key}/resend", follow=True)
    assert "already accepted or withdrawn" in response.content.decode()
    assert AuditEntry.objects.filter(action="member.invitation_resent").count() == 0


def test_a_person_who_joins_is_seated_in_the_workshops_not_yet_signed(
    invite, organization, org_admin, lead, client
):
    open_one = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Open", language="en", by=lead
    )
    signed_one = workshops.create_workshop(
        organization, quarter="2026-Q3", title="Signed", language="en", by=lead
    )
    Workshop.objects.filter(pk=signed_one.pk).update(status=Status.SIGNED)
    _invitation, path = invite(organization, "nina@new.test", by=org_admin)

    choose_password(client, path)

    seated = set(
        Participant.objects.filter(user__email="nina@new.test").values_list("workshop", flat=True)
    )
    # Counted among the open workshop's people; the signed one keeps the people it had.
    assert seated == {open_one.pk}
