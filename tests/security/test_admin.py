"""The admin: every edit is audited; a signed workshop and its record never change."""

from __future__ import annotations

import html
import re

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from alignment.admin import AuditedAdminMixin
from alignment.models import (
    AuditEntry,
    Membership,
    Persona,
    Report,
    Role,
    Signature,
    Status,
    Workshop,
)
from alignment.services import signoff
from flavors.models import Flavor
from handshakes.models import HandshakeTemplate
from tests.workshop.builders import build_coherent

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def form_values(form) -> dict:
    """What a browser would send back for a form as the page shows it."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        widget = form.fields[name].widget
        if isinstance(widget, forms.MultiWidget):  # a date and a time, say
            parts = value if isinstance(value, list) else widget.decompress(value)
            data.update({f"{key}_{i}": "" if p is None else str(p) for i, p in enumerate(parts)})
        elif value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)
    return data


def page_values(response) -> dict:
    """Every field of an admin change page, inlines included."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    return data


@pytest.fixture
def signed_workshop(workshop, lead, leader, django_capture_on_commit_callbacks):
    build_coherent(workshop, lead)
    Workshop.objects.filter(pk=workshop.pk).update(status=Status.SIGNING)
    workshop.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        signoff.sign(
            workshop, unread_ok=True, by=leader, content_hash=signoff.current_content(workshop)[1]
        )
    workshop.refresh_from_db()
    assert workshop.is_frozen
    return workshop


def test_every_registered_admin_is_audited():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_a_role_changed_in_the_admin_is_audited_for_the_organisation(
    as_staff, staff, organization, leader
):
    page = as_staff.get(change_url(organization))
    data = page_values(page)
    membership = Membership.objects.get(user=leader)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(membership.pk)
    )
    data[f"memberships-{index}-role"] = Role.ADMIN
    response = as_staff.post(change_url(organization), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.actor == staff
    assert entry.organization == organization
    assert "Role" in str(entry.detail["change"]) or "role" in str(entry.detail["change"])


def test_staff_edits_of_people_and_reference_data_are_audited(as_staff, staff, leader):
    page = as_staff.get(change_url(leader))
    data = page_values(page)
    data["display_name"] = "Leo Renamed"
    assert as_staff.post(change_url(leader), data).status_code == 302

    flavor = Flavor.objects.get(code="coordinated")
    data = page_values(as_staff.get(change_url(flavor)))
    data["summary"] = "Edited by staff."
    assert as_staff.post(change_url(flavor), data).status_code == 302

    entries = {e.target: e for e in AuditEntry.objects.filter(action="admin.changed")}
    assert set(entries) == {
        "user: Leo Renamed",
        f"{Flavor._meta.verbose_name}: {Flavor.objects.get(pk=flavor.pk)}",
    }
    assert all(e.actor == staff for e in entries.values())


def test_a_deletion_in_the_admin_is_audited_and_outlives_what_it_deleted(
    as_staff, organization, leader
):
    membership = Membership.objects.get(user=leader)
    response = as_staff.post(delete_url(membership.organization), {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.deleted")
    assert entry.target == "organisation: Acme Telco"
    assert entry.organization is None  # filed under nothing, so it is not deleted with it


def test_an_admin_action_is_audited(as_staff, staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    response = as_staff.post(
        reverse("admin:handshakes_handshaketemplate_changelist"),
        {"action": "start_new_versions", "_selected_action": [pricing.pk]},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.action")
    assert entry.detail["name"] == "start_new_versions"
    assert entry.detail["pks"] == [str(pricing.pk)]


def test_staff_correct_an_answer_of_an_open_workshop_as_a_new_version(
    as_staff, staff, workshop, as_lead, leads_persona
):
    revision = workshop.revision
    page = as_staff.get(change_url(leads_persona))
    editable = set(page.context["adminform"].form.fields)
    assert editable == {"title", "description", "share_of_base"}  # no links, no workshop
    data = page_values(page)
    data["title"] = "Corrected by staff"
    assert as_staff.post(change_url(leads_persona), data).status_code == 302
    persona = Persona.objects.get(pk=leads_persona.pk)
    assert (persona.title, persona.version) == ("Corrected by staff", leads_persona.version + 1)
    workshop.refresh_from_db()
    assert workshop.revision > revision  # the room sees it
    # The organisation's lead sees who changed it in the workshop's audit log.
    log = as_lead.get(f"/w/{workshop.pk}/audit").content.decode()
    assert "Sam Staff" in log and "Corrected by staff" in log


def test_a_signed_workshop_its_answers_signatures_and_report_are_read_only(
    as_staff, signed_workshop
):
    persona = Persona.objects.filter(workshop=signed_workshop).first()
    report = Report.objects.get(workshop=signed_workshop)
    signature = Signature.objects.filter(workshop=signed_workshop).first()
    for obj in (signed_workshop, persona, report, signature):
        model_admin = admin.site._registry[type(obj)]
        request = as_staff.get(change_url(obj)).wsgi_request
        assert not model_admin.has_change_permission(request, obj), obj
        assert not model_admin.has_delete_permission(request, obj), obj
        page = as_staff.get(change_url(obj))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode(), obj
        assert as_staff.post(delete_url(obj), {"post": "yes"}).status_code == 403, obj
    notice = as_staff.get(change_url(persona)).content.decode()
    assert "signed and frozen" in notice
    # The workshop's page links to each list of its answers.
    page = as_staff.get(change_url(signed_workshop)).content.decode()
    link = re.search(r'href="([^"]*/persona/\?workshop__id__exact=[^"]+)"', page).group(1)
    answers = as_staff.get(html.unescape(link))
    assert answers.status_code == 200
    assert list(answers.context["cl"].result_list) == [persona]


def test_saving_an_answer_of_a_signed_workshop_is_refused_with_a_message(as_staff, signed_workshop):
    persona = Persona.objects.filter(workshop=signed_workshop).first()
    response = as_staff.post(
        change_url(persona), {"title": "Rewritten history", "description": ""}, follow=True
    )
    assert response.status_code == 200
    assert "signed and frozen" in response.content.decode()
    assert Persona.objects.get(pk=persona.pk).title == persona.title
    assert not AuditEntry.objects.filter(action="admin.changed").exists()


def test_a_workshop_signed_while_the_admin_saves_refuses_with_a_message(
    as_staff, workshop, leads_persona, monkeypatch
):
    # The last signature lands after the admin has checked the workshop and while
    # it validates the form: the save itself, through the workflow, refuses.
    real_clean = Persona.clean

    def signed_meanwhile(persona):
        Workshop.objects.filter(pk=persona.workshop_id).update(status=Status.SIGNED)
        return real_clean(persona)

    monkeypatch.setattr(Persona, "clean", signed_meanwhile)
    data = page_values(as_staff.get(change_url(leads_persona)))
    data["title"] = "Too late"
    response = as_staff.post(change_url(leads_persona), data, follow=True)
    assert response.status_code == 200
    assert "signed and frozen" in response.content.decode()
    assert Persona.objects.get(pk=leads_persona.pk).title != "Too late"
    assert not AuditEntry.objects.filter(action="admin.changed").exists()


def test_a_failed_report_can_be_rendered_again_from_the_admin(
    as_staff, signed_workshop, django_capture_on_commit_callbacks, settings
):
    report = Report.objects.get(workshop=signed_workshop)
    Report.objects.filter(pk=report.pk).update(status="failed", error="font missing")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff.post(
            reverse("admin:alignment_report_changelist"),
            {"action": "render_again", "_selected_action": [str(report.pk)]},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "ready" and report.pdf_sha256
    assert report.snapshot == Report.objects.get(pk=report.pk).snapshot
    assert AuditEntry.objects.filter(action="admin.action", detail__name="render_again").exists()
