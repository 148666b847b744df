"""The shipped reference content is translatable, and translated.

Flavors, the handshake library and the KPI catalogue reach the database through
data migrations (frozen copies of their source modules) and are shown through
gettext. So every shipped text must be a message id of the Italian catalogue:
both as its source module has it (marked with gettext_noop, so makemessages
collects it) and as the migrations stored it (what the pages actually look up).
"""

from __future__ import annotations

import pytest
from django.utils import translation

from alignment.demo.kpi_catalogue import CATALOGUE
from alignment.models import CatalogueKpi
from flavors.content import FLAVORS
from flavors.models import Flavor, FlavorActivity, FlavorChallenge
from handshakes.library import LIBRARY
from handshakes.models import FunctionalArea, HandshakeTemplate
from tests.i18n.catalogue import live_entries, load_po


@pytest.fixture(scope="module")
def translated_ids() -> set[str]:
    return {
        entry.msgid
        for entry in live_entries(load_po())
        if not entry.msgid_plural and entry.msgstr and "fuzzy" not in entry.flags
    }


def flavor_texts() -> list[str]:
    texts = []
    for flavor in FLAVORS:
        texts += [flavor[key] for key in ("name", "summary", "next_stage_note") if flavor[key]]
        texts += [flavor[key] for key in ("financial", "customer_base", "customer_experience")]
        texts += [flavor["internal_process"], *flavor["telco_examples"], *flavor["activities"]]
        texts += [text for challenge in flavor["challenges"] for text in challenge]
    return texts


def library_texts() -> list[str]:
    texts = []
    for area in LIBRARY:
        texts += [area["name"], area["purpose"], area["impact_reason"]]
        texts += area["inputs"] + area["outputs"] + area["key_handshakes"]
    return texts


def catalogue_texts() -> list[str]:
    return [text for row in CATALOGUE for text in (row[1], row[3], row[6]) if text]


@pytest.mark.parametrize(
    "texts", [flavor_texts, library_texts, catalogue_texts], ids=["flavors", "library", "kpis"]
)
def test_every_shipped_text_is_in_the_italian_catalogue(translated_ids, texts):
    missing = [text for text in texts() if text not in translated_ids]
    assert not missing, (
        "shipped texts without an Italian translation (mark them with gettext_noop "
        "and run `make messages`):\n" + "\n".join(missing[:20])
    )


def test_the_library_ships_all_its_areas():
    assert len(LIBRARY) == 23
    assert len(library_texts()) > 300


@pytest.mark.django_db
def test_the_texts_the_migrations_stored_all_translate(translated_ids):
    stored = []
    for flavor in Flavor.objects.all():
        stored += [flavor.name, flavor.summary, flavor.next_stage_note]
        stored += [p[2] for p in flavor.perspectives] + flavor.telco_example_list
    stored += list(FlavorActivity.objects.values_list("text", flat=True))
    for title, example in FlavorChallenge.objects.values_list("title", "example"):
        stored += [title, example]
    stored += list(FunctionalArea.objects.values_list("name", flat=True))
    for template in HandshakeTemplate.objects.all():
        stored += [template.purpose, template.impact_reason]
        stored += template.inputs + template.outputs + template.key_handshakes
    for kpi in CatalogueKpi.objects.all():
        stored += [kpi.name, kpi.unit, kpi.definition]
    stored = [text for text in stored if text]
    assert len(stored) > 400
    missing = [text for text in stored if text not in translated_ids]
    assert not missing, (
        "texts the data migrations stored have no Italian translation; did a source "
        "module change without a data migration?\n" + "\n".join(missing[:20])
    )


def test_translation_falls_back_to_the_text_itself():
    # Through variables, so makemessages does not collect these test texts.
    shipped, own = "Pricing flexible enough for personalised offers", "Our own wording"
    with translation.override("it"):
        assert translation.gettext(shipped) == (
            "Prezzi abbastanza flessibili per le offerte personalizzate"
        )
        assert translation.gettext(own) == own


def test_the_translated_filter_finds_texts_with_a_percent_sign():
    # {% translate value %} doubles "%" before the lookup and would miss these.
    from alignment.templatetags.cvm_i18n import translated

    with translation.override("it"):
        assert translated("% per month") == "% al mese"
        assert translated(["%", "days", "Custom unit"]) == ["%", "giorni", "Custom unit"]
        assert translated("") == ""
        assert translated(None) is None
