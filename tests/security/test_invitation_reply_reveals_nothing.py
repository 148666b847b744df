"""Hole 6: "add member" replied with the real name of an existing account from
another organisation, gave new addresses a different reply, and accepted
look-alike addresses (Cyrillic letters, zero-width characters) as new accounts.

Now the reply to the inviting admin is the same whatever the address, and an
address that could pass for another is refused with its reason next to the field.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alignment.models import Invitation, Membership, Role, User
from alignment.services import people
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def as_rival_admin(other_organization):
    admin = MembershipFactory(
        organization=other_organization,
        role=Role.ADMIN,
        user=UserFactory(email="admin@rival.test", display_name="Rita Rival"),
    ).user
    client = Client()
    client.force_login(admin)
    return client


def invite(client, email: str):
    data = {"email": email, "display_name": "Someone", "title": "CFO", "role": Role.LEADER}
    return client.post("/o/rival/members/", data)


def reply(client, email: str) -> str:
    """The admin's reply to an invitation (the page after it), with the address, the
    per-request CSRF tokens and the invitation's own key blanked out."""
    response = invite(client, email)
    assert response.status_code == 302
    assert response["Location"] == "/o/rival/members/"
    page = client.get(response["Location"]).content.decode()
    page = CSRF.sub("CSRF", page)
    page = UUID.sub("KEY", page)
    return page.replace(email, "ADDRESS")


def test_the_reply_is_the_same_whether_or_not_the_address_has_an_account(
    as_rival_admin, leader, other_organization
):
    existing = reply(as_rival_admin, "leader@acme.test")
    # Withdrawn, so that the next page lists one pending invitation too.
    people.revoke_invitation(Invitation.objects.get(email="leader@acme.test"), by=None)
    new = reply(as_rival_admin, "nobody-yet@example.test")
    again = reply(as_rival_admin, "nobody-yet@example.test")  # invited a second time

    assert existing == new == again
    assert "An invitation is on its way to ADDRESS." in existing
    for secret in ("Leo Leader", "Acme Telco", "acme"):
        assert secret not in existing
    assert not Membership.objects.filter(organization=other_organization, user=leader).exists()


def test_the_first_answer_does_not_differ_either(as_rival_admin, leader):
    # Status and redirect of the POST itself: identical for both kinds of address.
    existing = invite(as_rival_admin, "leader@acme.test")
    new = invite(as_rival_admin, "nobody-yet@example.test")
    assert (existing.status_code, existing["Location"], existing.content) == (
        new.status_code,
        new["Location"],
        new.content,
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("leader@\u0430cme.test", "different alphabets"),  # Cyrillic a in the domain
        ("l\u0435ader@acme.test", "different alphabets"),  # Cyrillic e in the name
        ("leader@acme.t\u03bfst", "different alphabets"),  # Greek omicron
        ("leader@xn--cme-5cd.test", "different alphabets"),  # the Cyrillic a, in Punycode
        ("leader@ac\u200bme.test", "invisible"),  # zero-width space
        ("lea\u200bder@acme.test", "invisible"),
        ("leader@acme.test\u202e", "invisible"),  # right-to-left override
        ("leader@ac\u00adme.test", "invisible"),  # soft hyphen
        ("lea\u00a0der@acme.test", "invisible"),  # no-break space
    ],
)
def test_look_alike_addresses_are_refused_with_a_reason_and_create_nothing(
    as_rival_admin, leader, address, reason, mailoutbox
):
    users = User.objects.count()
    response = invite(as_rival_admin, address)
    assert response.status_code == 400
    body = response.content.decode()
    error = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', body, re.S)
    assert error, "the reason is shown next to the address field"
    assert reason in error.group(1)
    assert "Enter a valid email address" not in error.group(1)
    assert User.objects.count() == users
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user__email__contains="leader").exclude(user=leader)
    assert mailoutbox == []


def test_a_full_width_spelling_is_the_same_address_not_a_new_one(as_rival_admin, leader):
    invite(as_rival_admin, "\uff2c\uff25\uff21\uff24\uff25\uff32@acme.test")  # full-width LEADER
    assert list(Invitation.objects.values_list("email", flat=True)) == ["leader@acme.test"]
