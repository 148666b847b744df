"""export_handshakes / import_handshakes: round trip, and what import does with
data that already exists."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from handshakes import services
from handshakes.models import FunctionalArea, HandshakeTemplate, Status
from tests.handshakes.conftest import content

pytestmark = pytest.mark.django_db


def export(fmt: str = "json") -> str:
    out = StringIO()
    call_command("export_handshakes", "--format", fmt, stdout=out)
    return out.getvalue()


def import_file(path) -> str:
    out = StringIO()
    call_command("import_handshakes", str(path), stdout=out)
    return out.getvalue()


def wipe() -> None:
    HandshakeTemplate.objects.all().delete()
    FunctionalArea.objects.all().delete()


@pytest.fixture
def history(published, staff):
    """Beyond the shipped library: an area with a retired v1, a published v2 and a draft v3."""
    v2 = services.start_new_version(published, by=staff)
    v2.key_handshakes = [*v2.key_handshakes, "Share return rates"]
    v2.save()
    services.publish(v2, by=staff)
    v3 = services.start_new_version(v2, by=staff)
    v3.impact = "MEDIUM"
    v3.save()
    return published.area


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_import_into_an_empty_database_and_export_again_is_identical(history, tmp_path, fmt):
    first = export(fmt)
    path = tmp_path / f"library.{fmt}"
    path.write_text(first, encoding="utf-8")
    wipe()

    import_file(path)

    assert export(fmt) == first
    assert HandshakeTemplate.objects.count() == 23 + 3


def test_export_holds_every_area_and_version_in_a_stable_order(history):
    document = json.loads(export())

    assert document["format"] == "cvm-align/handshakes"
    assert len(document["areas"]) == 24
    warehouse = [t for t in document["templates"] if t["area"] == "warehouse"]
    assert [(t["version"], t["status"]) for t in warehouse] == [
        (1, "retired"),
        (2, "published"),
        (3, "draft"),
    ]
    assert document["templates"][0]["area"] == "general-management"
    assert export() == export()


def test_export_writes_to_a_file(tmp_path, history):
    path = tmp_path / "out.yaml"
    call_command("export_handshakes", "--format", "yaml", "-o", str(path), stderr=StringIO())

    assert yaml.safe_load(path.read_text())["format_version"] == 1


def test_importing_the_same_file_twice_changes_nothing(history, tmp_path):
    path = tmp_path / "library.json"
    path.write_text(export())

    message = import_file(path)

    assert "0 created, 0 updated, 26 unchanged" in message
    assert export() == path.read_text()


def test_import_detects_the_format_from_the_content(history, tmp_path):
    path = tmp_path / "library.txt"
    path.write_text(export("yaml"))
    wipe()

    import_file(path)

    assert HandshakeTemplate.objects.filter(area__slug="warehouse").count() == 3


def test_import_adds_new_versions_and_retires_the_one_it_replaces(published, tmp_path):
    document = {
        "templates": [
            {"area": "warehouse", "version": 2, "status": "published", **content(impact="HIGH")}
        ]
    }
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(document))

    import_file(path)

    published.refresh_from_db()
    assert published.status == Status.RETIRED
    new = HandshakeTemplate.objects.get(area__slug="warehouse", version=2)
    assert (new.status, new.impact) == (Status.PUBLISHED, "HIGH")
    assert new.published_at is not None


def test_import_updates_an_existing_draft(make_template, make_area, tmp_path):
    draft = make_template(make_area(slug="depot"), status=Status.DRAFT)
    path = tmp_path / "draft.json"
    path.write_text(
        json.dumps(
            {
                "templates": [
                    {
                        "area": "depot",
                        "version": 1,
                        "status": "draft",
                        **content(purpose="New words"),
                    }
                ]
            }
        )
    )

    import_file(path)

    draft.refresh_from_db()
    assert draft.purpose == "New words"


def test_import_updates_area_names_and_order(published, tmp_path):
    path = tmp_path / "areas.json"
    path.write_text(json.dumps({"areas": [{"slug": "warehouse", "name": "Stores", "order": 3}]}))

    import_file(path)

    published.area.refresh_from_db()
    assert (published.area.name, published.area.order) == ("Stores", 3)


def test_import_refuses_to_change_a_published_version(published, tmp_path):
    entry = {"area": "warehouse", "version": 1, "status": "published", **content(purpose="Changed")}
    path = tmp_path / "change.json"
    path.write_text(json.dumps({"templates": [entry]}))

    with pytest.raises(CommandError) as refused:
        import_file(path)

    assert "entry 1 (warehouse v1): purpose: differs from the published version" in str(
        refused.value
    )
    published.refresh_from_db()
    assert published.purpose == "Keeps the shop shelves stocked."


def test_import_may_retire_a_published_version_but_not_bring_one_back(make_template, tmp_path):
    retired = make_template(status=Status.RETIRED)
    slug = retired.area.slug
    path = tmp_path / "back.json"
    path.write_text(
        json.dumps(
            {"templates": [{"area": slug, "version": 1, "status": "published", **content()}]}
        )
    )

    with pytest.raises(CommandError) as refused:
        import_file(path)

    assert (
        f"entry 1 ({slug} v1): status: is retired in the database and cannot become published"
        in str(refused.value)
    )
