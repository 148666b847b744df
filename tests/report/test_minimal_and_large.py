"""Edge sizes: an empty quarter renders, and a large one stays legible."""

from __future__ import annotations

import copy

from alignment.report.render import render_report_html, render_report_pdf
from tests.report.conftest import pdf_text, render_kwargs


def test_a_minimal_snapshot_renders_to_pdf(minimal):
    pdf = render_report_pdf(minimal, **render_kwargs(signatures=[]))
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert "Tiny Telco" in text
    assert "No strategic bet was made this quarter." in text
    assert "The flavor diagnostic was not taken this quarter." in text
    assert "This is the first quarter aligned in cvm-align" in text
    assert "No signature is recorded." in text


def test_missing_optional_values_show_as_dashes_not_errors(sample):
    kpi = sample["kpis"][0]
    kpi.update(baseline=None, target=None, owner="", target_quarter="")
    sample["aspects"]["personas"][0]["share_of_base"] = None
    sample["aspects"]["needs"][0]["persona"] = None
    sample["aspects"]["alternatives"][0]["need"] = "N99"
    html = render_report_html(sample, **render_kwargs())
    assert "Needs not under a persona" in html
    assert "Alternatives not answering a need" in html


def test_a_large_matrix_is_split_into_tables_that_fit_the_page(sample):
    for n in range(9, 60):
        kpi = copy.deepcopy(sample["kpis"][0])
        kpi.update(key=f"K{n}", title=f"Extra KPI {n}", bets=["B1"])
        sample["kpis"].append(kpi)
    html = render_report_html(sample, **render_kwargs())
    columns = (
        len(sample["kpis"]) + sum(m["high"] for m in sample["mots"]) + len(sample["agreements"])
    )
    tables = html.count('<table class="matrix">')
    assert tables == -(-columns // 22)
    assert "(1/" in html
    # Too many nodes for a legible drawing: the tables carry it alone.
    assert 'class="trace-figure"' not in html
