"""The PDF shows what was signed: every bet, every signer, the content hash, and a
table of contents whose page numbers point where the sections really are."""

from __future__ import annotations

import copy
import re

import pytest

from alignment.report.render import render_report_html, render_report_pdf
from tests.report.conftest import pdf_reader, pdf_text, render_kwargs
from tests.report.sample_snapshot import CONTENT_HASH, SAMPLE, SIGNATURES

SECTION_TITLES = {
    "summary": "Executive summary",
    "aspects": "The six alignment aspects",
    "bets": "Strategic bets",
    "matrix": "Traceability matrix",
    "kpis": "CVM KPIs",
    "mots": "Moments of Truth",
    "collaboration": "Collaboration setup",
    "changes": "Changes since last quarter",
    "coherence": "Coherence review",
    "signoff": "Sign-off",
}


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_report_pdf(copy.deepcopy(SAMPLE), **render_kwargs())


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return pdf_text(pdf)


def test_it_is_a_pdf_with_the_organisation_and_quarter_in_its_metadata(pdf):
    reader = pdf_reader(pdf)
    assert pdf.startswith(b"%PDF")
    assert reader.metadata.title == "Aurora Telecom · 2026-Q3 · Strategic CVM alignment report"
    assert reader.metadata.author == "Aurora Telecom"


def test_the_cover_names_organisation_quarter_flavor_and_status(pdf):
    cover = " ".join(pdf_reader(pdf).pages[0].extract_text().split())
    for expected in ("Aurora Telecom", "2026-Q3", SAMPLE["workshop"]["title"], "Coordinated"):
        assert expected in cover
    assert "SIGNED" in cover.upper()


def test_it_contains_every_bet_title(text):
    for bet in SAMPLE["bets"]:
        assert bet["title"] in text


def test_it_contains_every_signer_with_role_and_title(text):
    for signature in SIGNATURES:
        assert signature["name"] in text
        assert signature["title"] in text
        assert signature["role"] in text


def test_it_prints_the_content_hash_in_full(pdf, text):
    signoff = "".join(pdf_reader(pdf).pages[-1].extract_text().split())
    assert CONTENT_HASH in signoff  # broken across lines on the page, whole once joined
    assert CONTENT_HASH in text.replace(" ", "")


def test_it_contains_every_aspect_kpi_mot_and_agreement(text):
    for group in SAMPLE["aspects"].values():
        for item in group:
            assert item["title"] in text, item["key"]
    for item in (*SAMPLE["kpis"], *SAMPLE["mots"]):
        assert item["title"] in text, item["key"]
    for agreement in SAMPLE["agreements"]:
        assert agreement["title"] in text
        assert agreement["area_name"] in text


def test_the_table_of_contents_gives_the_page_each_section_is_on(pdf):
    reader = pdf_reader(pdf)
    contents = " ".join(reader.pages[1].extract_text().split())
    destinations = reader.named_destinations
    assert contents.startswith("Contents")
    for anchor, title in SECTION_TITLES.items():
        match = re.search(re.escape(title) + r"[\s.]*?(\d+)(?!\d)", contents)
        assert match, f"{title!r} is missing from the contents"
        actual = reader.get_destination_page_number(destinations[anchor]) + 1
        assert int(match.group(1)) == actual, title


def test_the_table_of_contents_lists_each_bet_with_its_page(pdf):
    reader = pdf_reader(pdf)
    contents = " ".join(reader.pages[1].extract_text().split())
    for number, bet in enumerate(SAMPLE["bets"], start=1):
        match = re.search(re.escape(bet["title"]) + r"[\s.]*?(\d+)(?!\d)", contents)
        assert match, bet["key"]
        page = reader.get_destination_page_number(reader.named_destinations[f"bet-{number}"])
        assert int(match.group(1)) == page + 1


def test_sections_come_in_the_agreed_order_each_on_a_new_page(pdf):
    reader = pdf_reader(pdf)
    pages = [
        reader.get_destination_page_number(reader.named_destinations[anchor])
        for anchor in SECTION_TITLES
    ]
    assert pages == sorted(pages)
    assert len(set(pages)) == len(pages)
    assert pages[0] == 2  # after the cover and the contents


def test_every_page_after_the_cover_says_page_x_of_y(pdf):
    reader = pdf_reader(pdf)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages[1:], start=2):
        assert f"Page {number} of {total}" in page.extract_text()


def test_it_embeds_only_the_fonts_shipped_in_static(pdf):
    reader = pdf_reader(pdf)
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert names
    assert all(name.startswith(("Inter", "Source-Serif-4", "IBM-Plex-Mono")) for name in names), (
        names
    )


def test_each_bet_lists_the_kpis_mots_and_agreements_that_point_to_it():
    html = render_report_html(copy.deepcopy(SAMPLE), **render_kwargs())
    b4 = html[html.index('id="bet-4"') : html.index('id="bet-5"')]
    for kpi in ("Small business revenue", "Cost to serve per SME line"):
        assert kpi in b4
    assert "Business line down during opening hours" in b4
    assert "Technology" in b4
    assert "Churn rate of converged households" not in b4


def test_mots_are_sorted_by_priority_and_high_ones_stand_out():
    html = render_report_html(copy.deepcopy(SAMPLE), **render_kwargs())
    table = html[html.index('id="mots"') : html.index('id="collaboration"')]
    priorities = [int(p) for p in re.findall(r'class="priority[^"]*">(\d+)<', table)]
    assert priorities == sorted(priorities, reverse=True)
    assert table.count('class="row--high"') == sum(1 for m in SAMPLE["mots"] if m["high"])


def test_the_override_and_its_reason_are_shown_when_blockers_were_overridden():
    snapshot = copy.deepcopy(SAMPLE)
    snapshot["coherence"]["findings"].append(
        {
            "rule": "every_bet_measured",
            "severity": "blocker",
            "message": "Bet B5 is measured by no KPI.",
        }
    )
    snapshot["coherence"]["override"] = {
        "by": "Giulia Ferri",
        "reason": "The seniors KPI is defined with finance next month.",
        "at": "2026-09-30T14:00:00+00:00",
    }
    text = pdf_text(render_report_pdf(snapshot, **render_kwargs()))
    assert "Bet B5 is measured by no KPI." in text
    assert "The seniors KPI is defined with finance next month." in text
    assert "Override by the CVM lead" in text


def test_the_first_quarter_says_there_is_nothing_to_compare_with():
    snapshot = copy.deepcopy(SAMPLE)
    snapshot["changes"] = None
    html = render_report_html(snapshot, **render_kwargs())
    assert "This is the first quarter aligned in cvm-align" in html
