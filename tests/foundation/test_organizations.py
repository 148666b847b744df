"""Organisations, people and roles, seen as every kind of person."""

from __future__ import annotations

import pytest

from alignment.models import AuditEntry, Invitation, Membership, Role, User
from alignment.services import people
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_member_of_one_organisation_lands_on_it(as_lead):
    response = as_lead.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"


def test_a_member_of_several_organisations_chooses(as_lead, lead, other_organization):
    MembershipFactory(organization=other_organization, user=lead, role=Role.OBSERVER)
    response = as_lead.get("/")
    assert response.status_code == 200
    assert b"Acme Telco" in response.content and b"Rival Telco" in response.content


@pytest.mark.parametrize("who", ["as_org_admin", "as_lead", "as_leader", "as_observer"])
def test_members_see_their_organisation(request, who):
    client = request.getfixturevalue(who)
    for path in ("/o/acme/", "/o/acme/members/"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"Acme Telco" in response.content


def test_outsiders_get_404_and_never_the_name(as_outsider, organization):
    for path in ("/o/acme/", "/o/acme/members/"):
        response = as_outsider.get(path)
        assert response.status_code == 404
        assert b"Acme Telco" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, organization):
    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_org_admin_invites_a_person_by_email_and_nobody_joins_yet(
    as_org_admin, organization, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_org_admin.post(
            "/o/acme/members/",
            {
                "email": "New.Person@Acme.test",
                "display_name": "Nina New",
                "title": "CTO",
                "role": "leader",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "An invitation is on its way to new.person@acme.test." in response.content.decode()
    # No account and no membership until the person accepts.
    assert not User.objects.filter(email="new.person@acme.test").exists()
    assert not Membership.objects.filter(organization=organization, user__email__icontains="new")
    invitation = organization.invitations.get()
    assert (invitation.email, invitation.role, invitation.title) == (
        "new.person@acme.test",
        Role.LEADER,
        "CTO",
    )
    [mail] = mailoutbox
    assert mail.to == ["new.person@acme.test"]
    assert "/accounts/invitations/" not in response.content.decode()
    assert AuditEntry.objects.filter(
        action="member.invited", target="new.person@acme.test"
    ).exists()


def test_adding_someone_twice_is_refused_next_to_the_field(as_org_admin, leader):
    response = as_org_admin.post(
        "/o/acme/members/",
        {"email": "leader@acme.test", "display_name": "Leo", "role": "leader"},
    )
    assert response.status_code == 400
    assert "This person is already a member." in response.content.decode()
    assert Membership.objects.filter(user=leader).count() == 1


def test_bad_input_changes_nothing(as_org_admin, organization):
    before = User.objects.count()
    response = as_org_admin.post(
        "/o/acme/members/", {"email": "not-an-email", "display_name": "   ", "role": "king"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert "Select a valid choice." in body
    assert User.objects.count() == before
    assert not organization.invitations.exists()


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_only_org_admins_manage_people(request, who, organization, leader):
    client = request.getfixturevalue(who)
    target = Membership.objects.get(user=leader)
    response = client.post(f"/o/acme/members/{target.key}/role", {"role": "observer"})
    assert response.status_code == 403
    response = client.post(
        "/o/acme/members/", {"email": "x@acme.test", "display_name": "X", "role": "leader"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.LEADER
    assert not User.objects.filter(email="x@acme.test").exists()
    assert not Invitation.objects.exists()


def test_an_org_admin_changes_a_role_and_it_is_audited(as_org_admin, org_admin, leader):
    target = Membership.objects.get(user=leader)
    response = as_org_admin.post(f"/o/acme/members/{target.key}/role", {"role": "observer"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.OBSERVER
    entry = AuditEntry.objects.get(action="member.role_changed")
    assert entry.actor == org_admin
    assert entry.detail == {"old": "leader", "new": "observer"}


def test_an_unknown_role_is_refused_with_a_message(as_org_admin, leader):
    target = Membership.objects.get(user=leader)
    response = as_org_admin.post(
        f"/o/acme/members/{target.key}/role", {"role": "emperor"}, follow=True
    )
    assert "Please choose one of the listed roles." in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.LEADER


def test_an_org_admin_cannot_demote_themselves(as_org_admin, org_admin):
    own = Membership.objects.get(user=org_admin)
    as_org_admin.post(f"/o/acme/members/{own.key}/role", {"role": "observer"})
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_an_outsider_cannot_touch_another_organisations_roles(as_outsider, leader):
    target = Membership.objects.get(user=leader)
    response = as_outsider.post(f"/o/acme/members/{target.key}/role", {"role": "observer"})
    assert response.status_code == 404


def test_names_are_escaped(as_org_admin, organization):
    MembershipFactory(
        organization=organization,
        user__email="x@acme.test",
        user__display_name="<script>alert(1)</script>",
    )
    body = as_org_admin.get("/o/acme/members/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_members_page_costs_the_same_queries_with_more_people(
    as_org_admin, org_admin, organization, django_assert_max_num_queries
):
    as_org_admin.get("/o/acme/members/")  # warm the session
    with django_assert_max_num_queries(8):
        as_org_admin.get("/o/acme/members/")
    MembershipFactory.create_batch(30, organization=organization)
    for n in range(30):
        people.invite(
            organization,
            email=f"invited{n}@acme.test",
            display_name="Invited",
            role=Role.LEADER,
            title="",
            by=MembershipFactory(organization=organization, role=Role.ADMIN).user,
            link_for=str,
        )
    with django_assert_max_num_queries(8):
        response = as_org_admin.get("/o/acme/members/")
    assert '<span class="person__name">invited29@acme.test</span>' in response.content.decode()
