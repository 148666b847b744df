"""The page cache (alignment.realtime.pagecache): a page comes from the cache until
something it shows changes, and the per-request parts are filled for each request."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.test import Client

from alignment import agenda
from alignment.forms import PersonaForm
from alignment.models import Membership, Report, ReportStatus, Role
from alignment.realtime import pagecache
from alignment.services import items, people

pytestmark = pytest.mark.django_db


def persona_page(client, workshop) -> str:
    response = client.get(f"/w/{workshop.pk}/s/persona/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_answer_shows_at_once(as_observer, workshop, lead):
    assert "Fresh persona" not in persona_page(as_observer, workshop)
    form = PersonaForm({"title": "Fresh persona"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("persona"), form, by=lead)
    assert "Fresh persona" in persona_page(as_observer, workshop)


def test_a_new_role_shows_at_once(as_leader, workshop, leader, lead, organization):
    assert 'id="add-form"' in persona_page(as_leader, workshop)
    membership = Membership.objects.get(user=leader, organization=organization)
    people.change_role(membership, Role.OBSERVER, by=lead)
    participant = workshop.participants.get(user=leader)
    participant.role = Role.OBSERVER
    participant.save()
    assert 'id="add-form"' not in persona_page(as_leader, workshop)


def test_a_new_name_shows_at_once(as_observer, workshop, leader, leaders_persona):
    assert "Leo Leader" in persona_page(as_observer, workshop)
    leader.display_name = "Leonie Leader"
    leader.save()
    page = persona_page(as_observer, workshop)
    assert "Leonie Leader" in page and "Leo Leader" not in page


def test_a_report_that_is_ready_shows_at_once(as_lead, workshop):
    # The renderer marks reports with update(), which sends no signal.
    from alignment.realtime.signals import workshop_changed

    report = Report.objects.create(
        workshop=workshop, snapshot={}, content_hash="0" * 64, signatures=[]
    )
    before = as_lead.get(f"/w/{workshop.pk}/").content.decode()
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="boom")
    workshop_changed(workshop.pk)
    after = as_lead.get(f"/w/{workshop.pk}/").content.decode()
    assert before != after


def test_each_person_gets_their_own_csrf_token_and_it_works(workshop, lead, leader):
    pages = {}
    for user in (lead, leader):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = persona_page(client, workshop)
        page = persona_page(client, workshop)  # the second one comes from the cache
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = client.post(
            f"/w/{workshop.pk}/s/persona/items",
            {"new-title": f"By {user.display_name}", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, response.content[:300]
        pages[user] = page
    assert "cvmslot" not in pages[lead]


def test_a_flash_message_shows_once_on_a_cached_page(as_lead, workshop):
    persona_page(as_lead, workshop)  # cached now
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "All saved, thank you.")
    response = HttpResponse()
    storage.update(response)
    as_lead.cookies.update(response.cookies)
    assert "All saved, thank you." in persona_page(as_lead, workshop)
    assert "All saved, thank you." not in persona_page(as_lead, workshop)


def test_text_that_looks_like_a_slot_stays_text(as_lead, workshop, lead):
    title = "cvmslot-0123456789abcdef-csrf_token"
    form = PersonaForm({"title": title}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, agenda.get_step("persona"), form, by=lead)
    persona_page(as_lead, workshop)
    assert title in persona_page(as_lead, workshop)


def test_pages_differ_by_language(as_lead, workshop):
    english = persona_page(as_lead, workshop)
    as_lead.cookies["django_language"] = "it"
    italian = persona_page(as_lead, workshop)
    assert "Who is here" in english
    assert "Who is here" not in italian


def test_someone_signing_in_does_not_renew_every_cached_page(workshop, leader, observer):
    before = pagecache.generations(workshop.pk)
    response = Client().post(
        "/accounts/login/", {"username": observer.email, "password": "test-pass-123"}
    )
    assert response.status_code == 302  # signed in
    assert pagecache.generations(workshop.pk) == before
    # A change people see still does.
    leader.display_name = "Leo Renamed"
    leader.save()
    assert pagecache.generations(workshop.pk) != before
