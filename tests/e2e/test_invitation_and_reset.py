"""In real browsers: the organisation admin invites a new address, the invited person
opens the mailed link in a browser of their own, chooses a password and lands on
the organisation; then someone who forgot their password resets it by email."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from alignment.models import Membership, Role, User
from tests.e2e.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def link_in(message, path: str) -> str:
    return next(url for url in LINK.findall(message.body) if path in url)


def fresh_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    return context, context.new_page()


def test_an_invited_person_joins_and_a_forgotten_password_is_reset(
    open_as, browser, live_server, demo, mailoutbox
):
    # The organisation admin invites a new address.
    admin = open_as(User.objects.get(email="admin@demo.test"))
    admin.goto("/o/demo-telco/members/")
    form = admin.locator("form", has=admin.get_by_label("Email address"))
    form.get_by_label("Email address").fill("Nina.New@Example.test")
    form.get_by_label("Name").fill("Nina N.")
    form.get_by_label("Job title").fill("Chief Data Officer")
    form.get_by_label("Role").select_option(Role.LEADER)
    form.get_by_role("button", name="Invite").click()
    expect(admin.locator(".message--success")).to_have_text(
        "An invitation is on its way to nina.new@example.test."
    )
    expect(admin.get_by_text("nina.new@example.test", exact=True)).to_be_visible()
    assert serious_accessibility_violations(admin) == []
    assert "/accounts/invitations/" not in admin.content()
    assert not User.objects.filter(email="nina.new@example.test").exists()

    # The invited person opens the link from the mail in a browser of their own.
    [mail] = mailoutbox
    assert mail.to == ["nina.new@example.test"]
    context, invited = fresh_page(browser, live_server)
    invited.goto(link_in(mail, "/accounts/invitations/"))
    expect(invited.get_by_role("heading", level=1)).to_have_text("Join Demo Telco")
    assert serious_accessibility_violations(invited) == []
    expect(invited.get_by_label("Your name")).to_have_value("Nina N.")
    invited.get_by_label("Your name").fill("Nina Nuovo")
    invited.get_by_label("Choose a password").fill("amber-meadow-2026")
    invited.get_by_label("The same password again").fill("amber-meadow-2026")
    invited.get_by_role("button", name="Create my account and join").click()
    expect(invited).to_have_url(re.compile(r"/o/demo-telco/$"))
    expect(invited.locator(".user-chip")).to_contain_text("Nina Nuovo")
    expect(invited.locator(".message--success")).to_contain_text("Welcome to Demo Telco")
    membership = Membership.objects.get(user__email="nina.new@example.test")
    assert (membership.role, membership.title) == (Role.LEADER, "Chief Data Officer")
    context.close()

    # Someone who forgot their password asks for a link from the sign-in page.
    context, person = fresh_page(browser, live_server)
    person.goto("/accounts/login/")
    person.get_by_role("link", name="Forgot your password?").click()
    assert serious_accessibility_violations(person) == []
    person.get_by_label("Email address").fill("LEAD@demo.test")
    person.get_by_role("button", name="Send the link").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Check your email")
    reset = mailoutbox[-1]
    assert reset.to == ["lead@demo.test"]
    person.goto(link_in(reset, "/accounts/reset/"))
    person.get_by_label("New password", exact=True).fill("cobalt-river-2026")
    person.get_by_label("New password confirmation").fill("cobalt-river-2026")
    person.get_by_role("button", name="Save password").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Your password is saved")
    person.get_by_role("link", name="Sign in").last.click()
    person.get_by_label("Email address").fill("lead@demo.test")
    person.get_by_label("Password").fill("cobalt-river-2026")
    person.get_by_role("button", name="Sign in").click()
    expect(person).to_have_url(re.compile(r"/o/demo-telco/$"))
    context.close()
