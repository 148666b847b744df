"""Hole 1: an organisation admin could "add" the address of someone at another
company, receive the one-time set-password link, and own that account.

Adding a person is now an invitation mailed to the address alone. The inviting
admin never sees a link, no membership exists before the real person accepts, and
an existing account joins only by signing in as itself.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from alignment.models import Membership, Role, User
from tests.conftest import invitation_path
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-123"  # the factories' password


@pytest.fixture
def rival_admin(other_organization):
    """An organisation admin of Rival Telco: the attacker."""
    return MembershipFactory(
        organization=other_organization,
        role=Role.ADMIN,
        user=UserFactory(email="admin@rival.test", display_name="Rita Rival"),
    ).user


@pytest.fixture
def as_rival_admin(rival_admin):
    client = Client()
    client.force_login(rival_admin)
    return client


def signs_in(email: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_inviting_another_organisations_member_gives_the_admin_no_control(
    as_rival_admin, leader, other_organization, django_capture_on_commit_callbacks, mailoutbox
):
    password_before = leader.password
    with django_capture_on_commit_callbacks(execute=True):
        response = as_rival_admin.post(
            "/o/rival/members/",
            {"email": "leader@acme.test", "display_name": "Anyone", "role": Role.LEADER},
            follow=True,
        )
    body = response.content.decode()

    # The admin gets no link of any kind, and nothing about the account.
    assert "/accounts/reset/" not in body
    assert "/accounts/invitations/" not in body
    assert "Leo Leader" not in body and "Acme Telco" not in body
    # Nothing is joined and the account is untouched: its password still works.
    assert not Membership.objects.filter(organization=other_organization, user=leader).exists()
    leader.refresh_from_db()
    assert leader.password == password_before
    assert signs_in("leader@acme.test", PASSWORD)
    # The link went to the address, and only there.
    [mail] = mailoutbox
    assert mail.to == ["leader@acme.test"]
    assert "/accounts/invitations/" in mail.body


def test_the_link_is_useless_to_anyone_but_the_account_itself(
    as_rival_admin, leader, other_organization, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        as_rival_admin.post(
            "/o/rival/members/",
            {"email": "leader@acme.test", "display_name": "Anyone", "role": Role.ADMIN},
        )
    path = invitation_path(mailoutbox[0])
    password_before = leader.password

    # Even holding the link (say it was forwarded), the admin signed in as
    # themselves cannot accept it for the account...
    assert as_rival_admin.post(path).status_code == 403
    # ...and nobody signed out can choose the existing account's password.
    stranger = Client()
    page = stranger.get(path)
    assert page.status_code == 200
    assert "Sign in to accept" in page.content.decode()
    refused = stranger.post(
        path,
        {
            "display_name": "Mallory",
            "new_password1": "a-new-pass-2026!",
            "new_password2": "a-new-pass-2026!",
        },
    )
    assert refused.status_code == 403
    assert "_auth_user_id" not in stranger.session
    leader.refresh_from_db()
    assert leader.password == password_before
    assert leader.display_name == "Leo Leader"
    assert not Membership.objects.filter(organization=other_organization, user=leader).exists()

    # The real person, signed in as that address, accepts: only then do they join.
    real = Client()
    signed_in = real.post(
        f"/accounts/login/?next={path}", {"username": "leader@acme.test", "password": PASSWORD}
    )
    assert signed_in["Location"] == path
    joined = real.post(path)
    assert joined.status_code == 302
    assert joined["Location"] == "/o/rival/"
    membership = Membership.objects.get(organization=other_organization, user=leader)
    assert membership.role == Role.ADMIN
    leader.refresh_from_db()
    assert leader.password == password_before  # the account is the person's own, unchanged


def test_links_the_old_add_member_showed_to_admins_stop_working_after_the_upgrade():
    # Before invitations, "add member" made an account without a usable password
    # and showed the inviting admin a reset link for it: the upgrade voids them.
    victim = UserFactory(email="victim@acme.test")
    victim.set_unusable_password()
    victim.save()
    link_token = default_token_generator.make_token(victim)
    with_password = UserFactory(email="keeps@acme.test")

    migration = importlib.import_module("alignment.migrations.0011_void_links_shown_to_admins")
    migration.void_links(apps, None)

    victim = User.objects.get(pk=victim.pk)
    assert not victim.has_usable_password()
    assert not default_token_generator.check_token(victim, link_token)
    assert signs_in(with_password.email, PASSWORD)
