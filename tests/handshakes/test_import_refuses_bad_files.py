"""A bad file is refused whole, naming every bad entry and field; nothing is written."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from handshakes import services, transfer
from handshakes.models import FunctionalArea, HandshakeTemplate
from tests.handshakes.conftest import content

pytestmark = pytest.mark.django_db


def entry(area: str = "pricing", version: int = 2, **overrides) -> dict:
    values = {"area": area, "version": version, "status": "draft", **content()}
    values.update(overrides)
    return values


def snapshot() -> list:
    return [
        list(FunctionalArea.objects.order_by("pk").values()),
        list(HandshakeTemplate.objects.order_by("pk").values()),
    ]


def refused(tmp_path, text: str, name: str = "bad.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_handshakes", str(path), stdout=StringIO())
    assert snapshot() == before, "a refused import must write nothing"
    message = str(error.value)
    assert message.startswith("Import refused; nothing was written.")
    return message


def as_json(*templates, areas=()) -> str:
    return json.dumps({"areas": list(areas), "templates": list(templates)})


def test_it_refuses_broken_json(tmp_path):
    message = refused(tmp_path, '{"templates": [', "bad.json")

    assert "not valid JSON" in message
    assert "line 1" in message


def test_it_refuses_broken_yaml(tmp_path):
    message = refused(tmp_path, "templates:\n  - area: [pricing\n", "bad.yaml")

    assert "not valid YAML" in message


def test_it_names_the_entry_and_field_of_an_unknown_impact(tmp_path):
    good = entry("marketing")
    bad = entry("pricing", impact="HUGE")

    message = refused(tmp_path, as_json(good, good | {"area": "sales"}, bad))

    assert "entry 3 (pricing v2): impact: must be one of HIGH, MEDIUM, LOW" in message
    assert "entry 1" not in message


def test_it_names_a_missing_field(tmp_path):
    incomplete = entry()
    del incomplete["key_handshakes"]

    message = refused(tmp_path, as_json(incomplete))

    assert "entry 1 (pricing v2): key_handshakes: required" in message


def test_it_names_an_unknown_stage(tmp_path):
    message = refused(tmp_path, as_json(entry(stages=["buy", "wander"])))

    assert "entry 1 (pricing v2): stages: unknown stage 'wander'" in message


def test_it_refuses_duplicate_entries(tmp_path):
    message = refused(tmp_path, as_json(entry(), entry(status="retired")))

    assert "entry 2 (pricing v2): version: duplicate of entry 1" in message


def test_it_refuses_duplicate_areas(tmp_path):
    area = {"slug": "depot", "name": "Depot"}

    message = refused(tmp_path, as_json(areas=[area, area]))

    assert "area 2 (depot): slug: duplicate of area 1" in message


def test_it_reports_every_problem_at_once(tmp_path):
    message = refused(
        tmp_path,
        as_json(
            entry("pricing", impact="HUGE", stages=[]),
            entry("nowhere", version=0),
            entry("sales", inputs="not a list", colour="blue"),
        ),
    )

    assert "entry 1 (pricing v2): impact: must be one of HIGH, MEDIUM, LOW" in message
    assert "entry 1 (pricing v2): stages: must be a non-empty list" in message
    assert "entry 2 (nowhere v?): area: unknown functional area 'nowhere'" in message
    assert "entry 2 (nowhere v?): version: must be a whole number from 1" in message
    assert "entry 3 (sales v2): inputs: must be a list of texts" in message
    assert "entry 3 (sales v2): colour: unknown field" in message


def test_one_bad_entry_keeps_the_good_ones_out_too(tmp_path):
    new_area = {"slug": "depot", "name": "Depot"}

    refused(tmp_path, as_json(entry("depot", version=1), entry(impact="HUGE"), areas=[new_area]))

    assert not FunctionalArea.objects.filter(slug="depot").exists()


def test_it_refuses_two_published_versions_of_one_area(tmp_path):
    message = refused(
        tmp_path,
        as_json(entry(version=2, status="published"), entry(version=3, status="published")),
    )

    assert "entry 2 (pricing v3): status: area pricing already has a published version" in message


def test_it_refuses_a_second_draft_next_to_one_in_the_database(tmp_path, staff):
    services.start_new_version(HandshakeTemplate.objects.get(area__slug="pricing"), by=staff)

    message = refused(tmp_path, as_json(entry(version=3)))

    assert "entry 1 (pricing v3): status: area pricing already has a draft (v2)" in message


def test_it_refuses_a_file_that_is_not_a_library(tmp_path):
    message = refused(tmp_path, "[1, 2, 3]")

    assert "must hold a mapping" in message


def test_it_refuses_files_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 1024)

    message = refused(tmp_path, as_json(entry()) + " " * 2048)

    assert "the limit is" in message


def test_the_real_limit_is_five_megabytes():
    assert transfer.MAX_IMPORT_BYTES == 5 * 1024 * 1024


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_handshakes", str(tmp_path / "nope.json"))

    assert "cannot read" in str(error.value)
