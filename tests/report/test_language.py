"""The report is rendered in the workshop's language: labels, dates and numbers.

There is no Italian message catalogue for our own strings yet, so for those the
tests check that the workshop language is switched on while rendering (the html
`lang`); dates and numbers already follow the language through Django's own
locale data.
"""

from __future__ import annotations

import re

from django.utils import translation

from alignment.report.render import render_report_html
from tests.report.conftest import render_kwargs


def test_an_english_workshop_renders_in_english(sample):
    html = render_report_html(sample, **render_kwargs())
    assert '<html lang="en">' in html
    assert "1.20" in html  # decimal point
    assert "212,000" in html  # grouped thousands
    assert "Sept. 30, 2026" in html


def test_an_italian_workshop_renders_under_italian(sample):
    sample["workshop"]["language"] = "it"
    html = render_report_html(sample, **render_kwargs())
    assert '<html lang="it">' in html
    assert "1,20" in html and "1.20" not in html  # decimal comma
    assert "212.000" in html  # Italian thousands separator
    assert "settembre 2026" in html.lower()


def test_the_language_of_the_caller_is_restored_afterwards(sample):
    sample["workshop"]["language"] = "it"
    with translation.override("en"):
        render_report_html(sample, **render_kwargs())
        assert translation.get_language() == "en"


def test_numbers_inside_drawings_never_take_a_decimal_comma(sample):
    # SVG coordinates and CSS widths must stay machine-readable in any language.
    sample["workshop"]["language"] = "it"
    html = render_report_html(sample, **render_kwargs())
    figure = html[html.index("<svg", html.index('class="trace-figure"')) : html.index("</svg>")]
    number = r"-?\d+(?:\.\d+)?"
    coordinates = re.findall(r' (?:x|y|cx|cy|r|width|height)="([^"]*)"', figure)
    assert coordinates
    assert all(re.fullmatch(number, value) for value in coordinates), coordinates
    paths = re.findall(r' d="([^"]*)"', figure)
    assert paths
    pair = rf"{number},{number}"
    assert all(re.fullmatch(rf"M{pair} C{pair} {pair} {pair}", path) for path in paths)
    widths = re.findall(r'style="width: ([^"]*)"', html)
    assert widths
    assert all(re.fullmatch(rf"{number}%", width) for width in widths), widths
