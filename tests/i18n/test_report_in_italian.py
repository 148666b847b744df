"""The report speaks the workshop's language: an Italian workshop gets an
Italian report (headings, sentences, shipped reference content, dates and
numbers) whoever renders it; an English one stays English."""

from __future__ import annotations

import copy
import html as html_lib

import pytest
from django.utils import translation

from alignment.report.render import render_report_html
from tests.report.conftest import render_kwargs
from tests.report.sample_snapshot import SAMPLE


def render(language: str, reader_language: str = "en") -> str:
    snapshot = copy.deepcopy(SAMPLE)
    snapshot["workshop"]["language"] = language
    with translation.override(reader_language):
        return html_lib.unescape(render_report_html(snapshot, **render_kwargs()))


@pytest.fixture(scope="module")
def italian() -> str:
    return render("it")


@pytest.mark.parametrize(
    "heading",
    [
        "Report di allineamento strategico CVM",
        "Indice",
        "Sintesi per il vertice",
        "I sei aspetti dell'allineamento",
        "Prospettiva del cliente",
        "Scommesse strategiche",
        "Matrice di tracciabilità",
        "KPI CVM",
        "Momenti della verità",
        "Quadro della collaborazione",
        "Cambiamenti rispetto al trimestre precedente",
        "Verifica di coerenza",
        "Firma",
        "Impronta del contenuto (SHA-256)",
    ],
)
def test_headings_are_italian(italian, heading):
    assert heading in italian


def test_sentences_with_numbers_are_italian(italian):
    assert "Per il 2026-Q3, il vertice di Aurora Telecom si impegna su" in italian
    assert "Regole di coerenza rispettate:" in italian
    assert "Executive summary" not in italian
    assert "<h1>Strategic bets</h1>" not in italian


def test_dates_and_numbers_follow_italian(italian):
    assert "30 settembre 2026" in italian
    assert "Report generato il mercoledì 30 settembre 2026" in italian
    assert "1,20" in italian and "0,80" in italian
    assert "212.000" in italian


def test_shipped_reference_content_is_italian(italian):
    # The flavor and its activities and challenges, from flavors.content.
    assert "Coordinato" in italian
    assert "Per ogni prodotto: trattenerne i clienti e rinnovarne i contratti." in italian
    assert "Product manager che tirano in direzioni diverse" in italian
    # Functional areas and the key handshakes an agreement covers, from the library.
    assert "Direzione generale" in italian
    assert "Prezzi abbastanza flessibili per le offerte personalizzate" in italian
    assert "Pricing flexible enough for personalised offers" not in italian
    # The team's own words stay as written.
    assert "Digital natives" in italian


def test_the_workshop_language_wins_over_the_reader(italian):
    assert render("it", reader_language="en") == italian
    english = render("en", reader_language="it")
    assert "Executive summary" in english and "Sintesi per il vertice" not in english
    assert "For each product: keep its customers and renew their contracts." in english
