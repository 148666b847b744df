"""Who signed, exported, imported, changed a role or edited in the admin, and when:
each leaves an audit entry naming the person, written with the change itself."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alignment.models import AuditEntry, Membership, Role
from alignment.services import signoff
from tests.security.test_admin import change_url, page_values

pytestmark = pytest.mark.django_db


def actions(**filters) -> list[tuple[str, str]]:
    return [
        (e.action, str(e.actor) if e.actor else "")
        for e in AuditEntry.objects.filter(**filters).order_by("created", "id")
    ]


def test_signing_and_the_freeze_are_audited(
    signing, as_leader, leader, django_capture_on_commit_callbacks
):
    AuditEntry.objects.all().delete()
    content_hash = signoff.current_content(signing)[1]
    with django_capture_on_commit_callbacks(execute=True):
        as_leader.post(f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"})
    assert actions(workshop=signing) == [
        ("signoff.signed", "Leo Leader"),
        # The last signature froze it: its signer is who froze it.
        ("workshop.frozen", "Leo Leader"),
    ]
    signed = AuditEntry.objects.get(action="signoff.signed")
    assert signed.detail["hash"] == content_hash


def test_exports_and_report_downloads_are_audited(
    signing, as_leader, as_lead, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signoff.sign(
            signing, unread_ok=True, by=leader, content_hash=signoff.current_content(signing)[1]
        )
    AuditEntry.objects.all().delete()
    assert as_lead.get(f"/w/{signing.pk}/export.json").status_code == 200
    response = as_leader.get(f"/w/{signing.pk}/report.pdf")
    b"".join(response.streaming_content)
    assert actions(workshop=signing) == [
        ("workshop.exported", "Lena Lead"),
        ("report.downloaded", "Leo Leader"),
    ]


def test_imports_are_audited(workshop, lead, as_lead):
    data, content_hash = signoff.current_content(workshop)
    body = json.dumps({"content_hash": content_hash, "snapshot": data}).encode()
    AuditEntry.objects.all().delete()
    as_lead.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("x.json", body, "application/json"), "quarter": "2031-Q1"},
    )
    entry = AuditEntry.objects.get(action="workshop.imported")
    assert entry.actor == lead
    assert entry.workshop.quarter == "2031-Q1"
    assert entry.detail["source_quarter"] == "2026-Q4"


def test_role_changes_and_new_members_are_audited(as_org_admin, org_admin, leader, organization):
    key = Membership.objects.get(user=leader).key
    as_org_admin.post(f"/o/acme/members/{key}/role", {"role": Role.OBSERVER})
    as_org_admin.post(
        "/o/acme/members/",
        {"email": "new@acme.test", "display_name": "Nina New", "role": Role.LEADER},
    )
    changed = AuditEntry.objects.get(action="member.role_changed")
    assert (changed.actor, changed.organization) == (org_admin, organization)
    assert changed.detail == {"old": Role.LEADER, "new": Role.OBSERVER}
    assert changed.target == "leader@acme.test"
    invited = AuditEntry.objects.get(action="member.invited")
    assert (invited.actor, invited.target) == (org_admin, "new@acme.test")


def test_a_role_change_in_the_admin_is_audited_like_one_in_the_app(
    as_staff, staff, leader, organization
):
    membership = Membership.objects.get(user=leader)
    data = page_values(as_staff.get(change_url(organization)))
    index = next(
        k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(membership.pk)
    )
    data[f"memberships-{index}-role"] = Role.OBSERVER
    as_staff.post(change_url(organization), data)
    entry = AuditEntry.objects.get(action="admin.changed")
    assert (entry.actor, entry.organization) == (staff, organization)


def test_the_audit_log_cannot_be_edited_or_deleted(as_staff, workshop):
    entry = AuditEntry.objects.first()
    url = reverse("admin:alignment_auditentry_change", args=[entry.pk])
    assert 'name="_save"' not in as_staff.get(url).content.decode()
    as_staff.post(url, {"action": "changed", "target": "nothing"})
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
    delete = reverse("admin:alignment_auditentry_delete", args=[entry.pk])
    assert as_staff.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
