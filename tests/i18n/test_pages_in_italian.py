"""Pages follow the language the user picks: interface, shipped reference
content (flavors, handshake library, KPI catalogue), dates and numbers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from handshakes.models import HandshakeTemplate

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert '<html lang="it">' in body
    return body


def test_the_switch_turns_the_shell_italian(in_italian):
    body = page(in_italian, "/o/acme/")
    assert "Vai al contenuto principale" in body  # skip link
    assert "Esci" in body  # sign out
    assert "Workshop trimestrali" in body
    assert "Skip to main content" not in body


def test_english_stays_the_default(as_lead):
    body = as_lead.get("/o/acme/").content.decode()
    assert '<html lang="en">' in body and "Skip to main content" in body


def test_a_workshop_step_page_is_italian(in_italian, workshop):
    body = page(in_italian, f"/w/{workshop.pk}/s/persona/")
    assert "Chi sono i nostri clienti?" in body  # the step's question
    assert "Prospettiva del cliente" in body  # its perspective
    assert "Agenda" in body and "Scommesse strategiche" in body  # the agenda
    assert "Momenti della verità" in body
    assert "Who are our customers?" not in body


def test_the_kpi_step_shows_numbers_with_the_italian_decimal_comma(in_italian, workshop):
    body = page(in_italian, f"/w/{workshop.pk}/s/kpis/")
    assert "Come sapremo che le scommesse funzionano?" in body
    # The demo's churn rate goes from 1.20 to 0.80; ARPU from 21.40 to 22.50.
    assert "1,20" in body and "0,80" in body and "21,40" in body
    assert "1.20" not in body and "21.40" not in body
    assert "meglio più basso" in body
    # The catalogue the team picks from is shipped reference content.
    assert "Dal catalogo KPI" in body


def test_the_flavor_reference_is_italian_including_its_shipped_texts(in_italian):
    body = page(in_italian, "/flavors/")
    assert "I tre assetti CVM" in body
    assert "Centrato sul prodotto" in body and "Centrato sul segmento" in body
    assert "Un prodotto dominante plasma l&#x27;organizzazione" in body  # a summary
    assert "Operatore quad-play che vende TV, banda larga, mobile e voce fissa" in body
    assert "One dominant product shapes" not in body


def test_a_flavor_page_is_italian(in_italian):
    body = page(in_italian, "/flavors/coordinated/")
    assert "<h1>Coordinato</h1>" in body
    assert "Product managers pulling in different directions" not in body
    assert "Product manager che tirano in direzioni diverse" in body
    assert "Di solito è seguito da" in body


def test_the_handshake_library_is_italian(in_italian):
    body = page(in_italian, "/handshakes/")
    assert "Libreria delle intese" in body
    assert "23 aree funzionali" in body
    assert "Direzione generale" in body and "Canali inbound assistiti" in body
    # A purpose, as shipped by the library module.
    assert "Progetta l&#x27;architettura dei prezzi" in body
    assert "Designs the price architecture" not in body


def test_a_handshake_template_is_italian_item_by_item(in_italian):
    body = page(in_italian, "/handshakes/general-management/")
    assert "<h1>Direzione generale</h1>" in body
    assert "Intese chiave da concordare" in body
    # Inputs, outputs and key handshakes are lists, translated per item; the
    # percent sign in this one must not stop it from finding its translation.
    assert "i benchmark di settore lo stimano nel 2-3% del totale" in body
    assert "I KPI CVM, i loro target e il responsabile di ciascuno" in body
    assert "Senza una direzione condivisa il CVM ottimizza" in body
    assert "Impatto alto" in body
    assert "The CVM KPIs, their targets" not in body


def test_dates_follow_the_language(in_italian):
    template = HandshakeTemplate.objects.get(area__slug="pricing", version=1)
    # May, because its Italian abbreviation differs from the English one.
    published = timezone.make_aware(datetime.datetime(2026, 5, 15, 12, 0))
    HandshakeTemplate.objects.filter(pk=template.pk).update(published_at=published)
    assert "15 Mag 2026" in page(in_italian, "/handshakes/pricing/")


def test_a_text_staff_rewrote_shows_as_written(in_italian):
    # Only the shipped text has a translation; an edited one falls back to itself.
    template = HandshakeTemplate.objects.get(area__slug="legal", version=1)
    HandshakeTemplate.objects.filter(pk=template.pk).update(purpose="Our own legal wording.")
    body = page(in_italian, "/handshakes/legal/")
    assert "Our own legal wording." in body
    assert "<h1>Ufficio legale</h1>" in body
