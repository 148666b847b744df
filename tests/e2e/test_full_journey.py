"""The whole quarter in real browsers: a lead creates the workshop, three leaders
join, the team works through every step, fixes the gaps the review shows, every
leader signs and the lead downloads the PDF. In English and in Italian.

Selectors use names and structure, not words, so one journey serves both languages.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from alignment.models import Report, User, Workshop
from tests.e2e.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LEADERS = ["ceo@demo.test", "cfo@demo.test", "cmo@demo.test"]
PDF_HEADINGS = {"en": "Strategic bets", "it": "Scommesse strategiche"}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def in_language(page, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.url or "http://x"}]
    )


def accessible(page):
    assert serious_accessibility_violations(page) == [], page.url


def add(page, title, *, selects=(), checks=(), fills=()):
    form = page.locator("#add-form")
    form.locator("[name=new-title]").fill(title)
    for name in selects:
        form.locator(f"select[name=new-{name}]").select_option(index=1)
    for name in checks:
        form.locator(f"input[name=new-{name}]").first.check()
    for name, value in fills:
        form.locator(f"[name=new-{name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator("#items")).to_contain_text(title)


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_quarter_from_creation_to_the_signed_report(
    open_as, live_server, demo, language, tmp_path
):
    lead = open_as(User.objects.get(email="lead@demo.test"), width=1440)
    lead.goto("/")
    in_language(lead, language)
    lead.goto("/o/demo-telco/workshops/new")
    expect(lead.locator("html")).to_have_attribute("lang", language)
    accessible(lead)
    lead.locator("main [name=quarter]").fill("2027-Q1")
    lead.locator("main [name=title]").fill(f"Q1 alignment ({language})")
    lead.locator("main [name=language]").select_option(language)
    lead.locator("main form button[type=submit]").click()
    workshop = Workshop.objects.get(quarter="2027-Q1")
    expect(lead).to_have_url(re.compile(f"/w/{workshop.pk}/$"))
    accessible(lead)
    lead.locator("form:has(input[name=status][value=live]) button").click()

    leaders = []
    for email in LEADERS:
        page = open_as(User.objects.get(email=email))
        page.goto("/")
        in_language(page, language)
        page.goto(f"/w/{workshop.pk}/s/flavor/")
        leaders.append(page)

    # 1. The flavor diagnostic, answered together.
    lead.goto(f"/w/{workshop.pk}/s/flavor/")
    for group in lead.locator("fieldset").all():
        group.locator("input[type=radio]").nth(1).check()
    lead.locator(".diagnostic-form button[type=submit]").click()
    expect(lead.locator("#result")).to_be_visible()
    accessible(lead)

    # 2-7. The six aspects; the leaders see the answers arrive live.
    lead.goto(f"/w/{workshop.pk}/s/persona/")
    lead.locator("details.controls summary").click()
    lead.locator("form[action$='/facilitate/goto'] button").click()
    for page in leaders:
        expect(page).to_have_url(re.compile("/s/persona/$"), timeout=5000)
    add(lead, "Household planner", fills=[("share_of_base", "40")])
    for page in leaders:
        expect(page.locator("#items")).to_contain_text("Household planner", timeout=3000)
    accessible(lead)
    leaders[0].goto(f"/w/{workshop.pk}/s/needs/")
    add(leaders[0], "One bill for the home", selects=["persona"])
    lead.goto(f"/w/{workshop.pk}/s/alternatives/")
    add(lead, "Cable bundle", selects=["need"])
    leaders[1].goto(f"/w/{workshop.pk}/s/strategy/")
    add(leaders[1], "Win the household")
    lead.goto(f"/w/{workshop.pk}/s/objectives/")
    add(
        lead,
        "More converged homes",
        selects=["strategy"],
        fills=[("metric", "Converged share"), ("target", "30%")],
    )
    leaders[2].goto(f"/w/{workshop.pk}/s/initiatives/")
    add(leaders[2], "Bundle relaunch", selects=["objective"], fills=[("owner", "CMO")])

    # 8. A strategic bet linking them.
    lead.goto(f"/w/{workshop.pk}/s/bets/")
    add(
        lead,
        "Make the bundle the default",
        checks=["personas", "needs", "alternatives", "objectives", "initiatives"],
    )
    accessible(lead)

    # 9-11. A KPI from the catalogue (not yet traced: a gap), a high-priority
    # Moment of Truth, and one agreement from the handshake library.
    lead.goto(f"/w/{workshop.pk}/s/kpis/")
    lead.locator("form:has(input[name=new-catalogue]) button").first.click()
    expect(lead.locator("#items .item")).to_have_count(1)
    accessible(lead)
    lead.goto(f"/w/{workshop.pk}/s/mots/")
    form = lead.locator("#add-form")
    form.locator("[name=new-journey_stage]").select_option("customers_for_life")
    form.locator("[name=new-lifecycle_stage]").select_option("renewal")
    form.locator("[name=new-channel]").select_option("outbound_assisted")
    add(
        lead,
        "Contract about to end",
        checks=["bets"],
        fills=[("impact", "5"), ("performance", "1")],
    )
    accessible(lead)
    lead.goto(f"/w/{workshop.pk}/s/collaboration/")
    lead.locator("form:has(input[name=new-template]) button").first.click()
    expect(lead.locator("#items .item")).to_have_count(1)
    accessible(lead)

    # 12. The review shows the gap; the team fixes it and the blockers go.
    lead.goto(f"/w/{workshop.pk}/s/review/")
    expect(lead.locator(".finding--blocker")).not_to_have_count(0)
    accessible(lead)
    lead.goto(f"/w/{workshop.pk}/s/kpis/")
    lead.locator("#items .item a[href$='/edit']").first.click()
    editing = lead.locator("#items .item--editing")
    editing.locator("input[name$='-bets']").first.check()
    editing.locator("input[name$='-baseline']").fill("1.2")
    editing.locator("input[name$='-target']").fill("0.9")
    editing.locator("button[type=submit]").click()
    expect(lead.locator("#items .item--editing")).to_have_count(0)
    lead.goto(f"/w/{workshop.pk}/s/review/")
    expect(lead.locator(".finding--blocker")).to_have_count(0)

    # 13. Sign-off: every leader signs; the lead downloads the report.
    lead.goto(f"/w/{workshop.pk}/")
    lead.locator("form:has(input[name=status][value=review]) button").click()
    lead.locator("form:has(input[name=status][value=signing]) button").click()
    for page in leaders:
        page.goto(f"/w/{workshop.pk}/s/signoff/")
        # Each reads what they sign, unfolded on the page, then signs it.
        with page.expect_response(lambda r: "/signoff/opened" in r.url):
            page.locator("#signed-content > summary").click()
        expect(page.locator("#signed-content .signed-section").first).to_be_visible()
        accessible(page)
        page.locator(".sign-form button").click()
        expect(page.locator(".message--success")).to_be_visible(timeout=15_000)
    lead.goto(f"/w/{workshop.pk}/s/signoff/")
    download_link = lead.locator("a[href$='report.pdf']")
    expect(download_link).to_be_visible(timeout=15_000)
    accessible(lead)
    with lead.expect_download() as download:
        download_link.click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)

    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(path).pages))
    report = Report.objects.get(workshop=workshop)
    assert "Make the bundle the default" in text
    assert PDF_HEADINGS[language] in text
    for name in ("Marco Rossi", "Giulia Conti", "Paolo Ferrari"):
        assert name in text
    assert report.content_hash in text.replace(" ", "")
    for page in [lead, *leaders]:
        assert page.console_errors == [], page.console_errors
