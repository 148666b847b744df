"""What the data migration ships, and the rules on flavor data."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError

from flavors import content
from flavors.models import Flavor, FlavorCode
from flavors.vocabulary import HANDSHAKE_AREAS, KPI_CODES

pytestmark = pytest.mark.django_db


def test_it_ships_three_flavors_in_progression_order():
    flavors = list(Flavor.objects.with_details())

    assert [f.code for f in flavors] == ["product_centric", "coordinated", "segment_centric"]
    assert [f.next_stage.code if f.next_stage else None for f in flavors] == [
        "coordinated",
        "segment_centric",
        None,
    ]
    assert flavors[0].next_stage_note and flavors[1].next_stage_note


def test_every_flavor_has_texts_activities_challenges_and_valid_suggestions():
    for flavor in Flavor.objects.with_details():
        flavor.full_clean()
        assert all(text for _key, _label, text in flavor.perspectives)
        assert flavor.summary and flavor.telco_example_list
        assert len(flavor.activities.all()) >= 2
        challenges = flavor.challenges.all()
        assert len(challenges) >= 3
        assert all(c.title and c.example for c in challenges)
        assert flavor.suggested_kpi_codes
        assert set(flavor.suggested_kpi_codes) <= set(KPI_CODES)
        assert flavor.suggested_handshake_areas
        assert set(flavor.suggested_handshake_areas) <= set(HANDSHAKE_AREAS)


def test_the_shipped_rows_match_the_content_module():
    for item in content.FLAVORS:
        flavor = Flavor.objects.get(code=item["code"])
        assert flavor.name == item["name"]
        assert flavor.financial == item["financial"]
        assert flavor.telco_example_list == item["telco_examples"]
        assert [a.text for a in flavor.activities.all()] == item["activities"]
        assert [(c.title, c.example) for c in flavor.challenges.all()] == [
            tuple(pair) for pair in item["challenges"]
        ]
        assert flavor.suggested_kpi_codes == item["suggested_kpi_codes"]


def test_the_migration_holds_a_frozen_copy_of_the_content_module():
    migration = importlib.import_module("flavors.migrations.0002_ship_flavors")

    frozen = migration.FLAVORS
    expected = [
        {**item, "challenges": [tuple(pair) for pair in item["challenges"]]}
        for item in content.FLAVORS
    ]

    assert frozen == expected


def test_flavor_codes_are_the_stable_three():
    assert FlavorCode.values == ["product_centric", "coordinated", "segment_centric"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("suggested_kpi_codes", ["churn_rate", "happiness"], "Unknown KPI code(s): happiness."),
        ("suggested_kpi_codes", ["nps", "nps"], "Each KPI code may appear only once."),
        ("suggested_kpi_codes", "nps", "Enter a list of KPI codes."),
        (
            "suggested_handshake_areas",
            ["pricing", "Pricing"],
            "Unknown handshake area code(s): Pricing.",
        ),
    ],
)
def test_model_validation_refuses_codes_outside_the_vocabularies(field, value, message):
    flavor = Flavor.objects.get(code="coordinated")
    setattr(flavor, field, value)

    with pytest.raises(ValidationError) as caught:
        flavor.full_clean()

    assert caught.value.message_dict[field] == [message]


def test_a_flavor_cannot_be_its_own_next_stage():
    flavor = Flavor.objects.get(code="coordinated")
    flavor.next_stage = flavor

    with pytest.raises(ValidationError) as caught:
        flavor.full_clean()

    assert "next_stage" in caught.value.message_dict
