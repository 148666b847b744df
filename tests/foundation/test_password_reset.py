"""A forgotten password is reset by email from the sign-in page, with the same
answer whether or not the address has an account."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
SENT = "/accounts/password-reset/sent/"
NEW_PASSWORD = "quiet-lantern-2026"
RESET_LINK = re.compile(r"https?://testserver(/accounts/reset/[\w-]+/[\w-]+/)")


def ask(client, email: str):
    return client.post(RESET, {"email": email})


def reset_path(message) -> str:
    found = RESET_LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def signs_in(email: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_the_sign_in_page_offers_a_reset(client):
    body = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in body
    assert "Forgot your password?" in body
    assert client.get(RESET).status_code == 200


def test_the_answer_is_the_same_for_an_unknown_address(client, lead, mailoutbox):
    known = ask(client, "lead@acme.test")
    unknown = ask(client, "nobody@acme.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == SENT
    assert known.content == unknown.content
    # Only the account's own address gets a mail.
    assert [m.to for m in mailoutbox] == [["lead@acme.test"]]
    page = client.get(SENT).content.decode()
    assert "If that address has an account" in page


def test_the_link_in_the_mail_sets_a_new_password(client, lead, mailoutbox):
    ask(client, "lead@acme.test")
    path = reset_path(mailoutbox[0])
    form = client.get(path, follow=True)
    assert "Choose your password" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert saved["Location"] == "/accounts/reset/done/"
    assert signs_in("lead@acme.test", NEW_PASSWORD)
    assert not signs_in("lead@acme.test", "test-pass-123")
    # Used once, the link is spent.
    again = Client().get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


@pytest.mark.parametrize("spelling", ["LEAD@ACME.TEST", "\uff2cead@acme.test", " lead@acme.test "])
def test_the_account_is_found_by_its_normalised_address(client, lead, mailoutbox, spelling):
    ask(client, spelling)
    # The mail goes to the address on the account, not to the spelling typed.
    assert [m.to for m in mailoutbox] == [["lead@acme.test"]]


@pytest.mark.parametrize("address", ["lead@\u0430cme.test", "lead@ac\u200bme.test"])
def test_a_look_alike_address_is_refused_with_a_reason(client, lead, mailoutbox, address):
    response = ask(client, address)
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert "type it again by hand" in response.content.decode()
    assert mailoutbox == []


def test_an_account_that_never_had_a_password_can_choose_one(client, mailoutbox):
    # People added before invitations existed had no usable password.
    person = UserFactory(email="legacy@acme.test", password=None)
    person.set_unusable_password()
    person.save()
    ask(client, "legacy@acme.test")
    assert [m.to for m in mailoutbox] == [["legacy@acme.test"]]


def test_an_inactive_account_gets_no_mail(client, mailoutbox):
    UserFactory(email="gone@acme.test", is_active=False)
    assert ask(client, "gone@acme.test")["Location"] == SENT
    assert mailoutbox == []


@pytest.mark.parametrize(
    "who", ["as_org_admin", "as_lead", "as_leader", "as_observer", "as_outsider"]
)
def test_anyone_signed_in_gets_the_same_pages(request, who, mailoutbox):
    client = request.getfixturevalue(who)
    assert client.get(RESET).status_code == 200
    assert ask(client, "nobody@acme.test")["Location"] == SENT
    assert client.get(SENT).status_code == 200
    assert mailoutbox == []
