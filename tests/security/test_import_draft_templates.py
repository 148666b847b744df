"""An import attaches only handshake template versions the library has released.

A draft is the curators' unpublished text: attached to an agreement it would be
shown to every leader of the workshop. A file that names a draft (or a version the
library does not have) is refused whole, with the version named, and the draft's
text appears nowhere.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alignment.models import HandshakeAgreement, Workshop
from alignment.services import transfer
from alignment.services.errors import Refused
from handshakes import services as library
from handshakes.models import HandshakeTemplate
from tests.security.dbstate import changed_tables, database_state
from tests.security.exports import export_of

pytestmark = pytest.mark.django_db

SECRET = "Unpublished: pricing may veto every campaign"


def post_import(client, export: dict, quarter: str = "2031-Q1"):
    body = json.dumps(export).encode()
    return client.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("export.json", body, "application/json"), "quarter": quarter},
    )


@pytest.fixture
def draft(room, staff):
    """A draft of the area the workshop's first agreement was taken from."""
    agreement = HandshakeAgreement.objects.filter(workshop=room.workshop).order_by("order")[0]
    draft = library.start_new_version(agreement.template, staff)
    draft.key_handshakes = [SECRET, *draft.key_handshakes]
    draft.save()
    return draft


def _name_the(export: dict, template: HandshakeTemplate, covers: list[str] = ()) -> dict:
    row = export["snapshot"]["agreements"][0]
    row["area"] = template.area.slug
    row["template_version"] = template.version
    row["covers"] = list(covers)
    return row


def test_it_refuses_a_file_naming_a_draft_version(room, as_lead, draft):
    export = export_of(room.workshop)
    _name_the(export, draft, covers=[SECRET])
    before = database_state()
    response = post_import(as_lead, export)
    body = response.content.decode()
    assert response.status_code == 422
    assert (
        f"The handshake template {draft.area.slug} version {draft.version} is not published" in body
    )
    assert "nothing was imported" in body
    assert SECRET not in body
    assert changed_tables(before, database_state()) == []


def test_it_refuses_a_file_naming_a_version_the_library_does_not_have(room, as_lead):
    export = export_of(room.workshop)
    row = export["snapshot"]["agreements"][0]
    row["template_version"] = 999
    before = database_state()
    response = post_import(as_lead, export)
    assert response.status_code == 422
    assert f"{row['area']} version 999 is not published" in response.content.decode()
    assert changed_tables(before, database_state()) == []


def test_a_draft_and_an_unknown_version_get_the_same_answer(room, as_lead, draft):
    """Nobody learns from an import which drafts the curators are writing."""
    export = export_of(room.workshop)
    _name_the(export, draft)
    with_draft = post_import(as_lead, export)
    export["snapshot"]["agreements"][0]["template_version"] = draft.version + 1
    unknown = post_import(as_lead, export)
    assert with_draft.status_code == unknown.status_code == 422
    said = [r.context["form"].errors["file"][0] for r in (with_draft, unknown)]
    assert said[0].replace(str(draft.version), "N") == said[1].replace(str(draft.version + 1), "N")


def test_the_refusal_is_said_next_to_the_file_field(room, as_lead, draft):
    export = export_of(room.workshop)
    _name_the(export, draft)
    form = post_import(as_lead, export).context["form"]
    assert "is not published in this library" in form.errors["file"][0]


def test_a_retired_version_is_restored_as_it_was_pinned(room, as_lead, draft, staff):
    """Last year's workshop pinned the version that was current then: once a newer
    one is published it is retired, and a restore still attaches it."""
    export = export_of(room.workshop)
    row = export["snapshot"]["agreements"][0]
    pinned = HandshakeTemplate.objects.get(area__slug=row["area"], version=row["template_version"])
    library.publish(draft, staff)
    pinned.refresh_from_db()
    assert pinned.is_retired
    response = post_import(as_lead, export)
    assert response.status_code == 302
    restored = Workshop.objects.get(quarter="2031-Q1")
    assert restored.agreements.filter(template=pinned).exists()


def test_the_service_itself_refuses_a_draft(room, lead, draft):
    """Decided in the importer, for every caller (the view, a restore, a command)."""
    export = export_of(room.workshop)
    _name_the(export, draft)
    before = database_state()
    with pytest.raises(Refused):
        transfer.import_snapshot(
            room.workshop.organization, export["snapshot"], quarter="2031-Q1", by=lead
        )
    assert changed_tables(before, database_state()) == []


@pytest.mark.parametrize(
    ("who", "status"), [("as_leader", 403), ("as_observer", 403), ("as_outsider", 404)]
)
def test_only_the_lead_may_import_at_all(request, room, draft, who, status):
    export = export_of(room.workshop)
    _name_the(export, draft)
    client = request.getfixturevalue(who)
    before = database_state()
    assert post_import(client, export).status_code == status
    assert changed_tables(before, database_state()) == []
