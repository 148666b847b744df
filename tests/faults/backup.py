"""Backing up an organisation's workshops as JSON exports, and restoring them."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from alignment.models import Report, Workshop


def backup(client, organization) -> dict[str, dict]:
    """Every workshop's export, by quarter, as the lead downloads them."""
    exports = {}
    for workshop in Workshop.objects.filter(organization=organization).order_by("quarter"):
        response = client.get(f"/w/{workshop.pk}/export.json")
        assert response.status_code == 200
        exports[workshop.quarter] = json.loads(response.content)
    return exports


def empty(organization) -> None:
    """What a restore starts from: the organisation and its people, no workshops."""
    Report.objects.filter(workshop__organization=organization).delete()
    Workshop.objects.filter(organization=organization).delete()
    assert not Workshop.objects.filter(organization=organization).exists()


def restore(client, organization, exports: dict[str, dict]) -> None:
    """Import in quarter order, so each quarter finds the one it started from."""
    for quarter in sorted(exports):
        body = json.dumps(exports[quarter]).encode()
        response = client.post(
            f"/o/{organization.slug}/workshops/import",
            {"file": SimpleUploadedFile(f"{quarter}.json", body, "application/json")},
        )
        assert response.status_code == 302, response.content.decode()[:500]


def comparable(export: dict) -> dict:
    snapshot = json.loads(json.dumps(export["snapshot"]))
    del snapshot["workshop"]["facilitator"]  # whoever restores it facilitates it
    return snapshot
