"""The demo team takes the diagnostic, builds its setup, fixes the gaps the review
shows until the score reaches 100%, and compares Q4 with Q3, in a real browser."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from alignment.models import User, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Workshop.objects.get(quarter="2026-Q4")


def edit(page, title):
    page.get_by_role("link", name=f"Edit {title}", exact=True).click()
    return page.get_by_role("article", name=f"Editing {title}")


def test_the_team_takes_the_flavor_diagnostic(open_as, demo):
    leader = open_as(User.objects.get(email="ceo@demo.test"))
    leader.goto(f"/w/{demo.pk}/s/flavor/")
    expect(
        leader.get_by_role(
            "heading", name="Your answers sit between coordinated and segment-centric."
        )
    ).to_be_visible()
    # Answer every question with its first choice and see the new result.
    for group in leader.locator("fieldset").all():
        group.locator("input[type=radio]").first.check()
    leader.get_by_role("button", name="Save the new answers").click()
    expect(leader.locator(".message--success")).to_contain_text("Saved.")
    expect(leader.get_by_text("Prompts for the discussion")).to_be_visible()
    expect(leader.get_by_text("The flavor has changed since then.")).to_be_visible()
    leader.goto(f"/w/{demo.pk}/s/kpis/")
    expect(leader.get_by_text("Suggested first for your flavor")).to_be_visible()


def test_gaps_are_fixed_until_the_score_is_full_then_q4_is_compared(open_as, demo):
    lead = open_as(User.objects.get(email="lead@demo.test"), width=1440)
    ceo = open_as(User.objects.get(email="ceo@demo.test"))
    ceo.goto(f"/w/{demo.pk}/s/review/")
    # 9 of 15 rules: Q4 follows the signed Q3, whose missed bet says what changes.
    expect(ceo.locator(".score-figure__value")).to_have_text("60%")

    small_business_bet = "Keep small businesses running with a continuity promise"
    lead.goto(f"/w/{demo.pk}/s/kpis/")
    form = edit(lead, "Time to create a campaign")
    form.get_by_label(small_business_bet).check()
    form.get_by_label("Baseline").fill("12")
    form.get_by_role("button", name="Save").click()
    expect(lead.locator("#items")).not_to_contain_text("no baseline")

    lead.goto(f"/w/{demo.pk}/s/mots/")
    form = edit(lead, "Bill shock after roaming")
    form.get_by_label("Fix it the first time when a customer comes to us").check()
    form.get_by_role("button", name="Save").click()
    expect(lead.locator("#items")).not_to_contain_text("High priority but not traced to a bet")

    lead.goto(f"/w/{demo.pk}/s/collaboration/")
    form = edit(lead, "Customer acquisition")
    form.get_by_label("Make the family bundle the default choice for households").check()
    form.get_by_role("button", name="Save").click()
    expect(lead.locator("#items")).not_to_contain_text("Agreed but not traced to a bet")
    for area in [
        "Inbound channels, unassisted",
        "Outbound channels, assisted",
        "Sales",
        "Customer support",
        "Customer success",
        "Network and cloud operations",
    ]:
        lead.get_by_role("button", name=f"Add {area}", exact=True).click()
        expect(lead.locator(".message--success")).to_be_visible()

    # The CEO never reloaded: the review re-evaluated live.
    expect(ceo.locator(".score-figure__value")).to_have_text("100%", timeout=5000)
    expect(ceo.get_by_text("No blockers: the workshop is ready for sign-off.")).to_be_visible()

    ceo.get_by_role("link", name=demo.quarter).click()
    ceo.get_by_role("link", name="Compare quarters").click()
    expect(ceo.get_by_text("What changed from 2026-Q3 to 2026-Q4.")).to_be_visible()
    expect(ceo.locator("#kpi-targets").locator("..")).to_contain_text("Churn rate")
    assert lead.console_errors == [] and ceo.console_errors == []
