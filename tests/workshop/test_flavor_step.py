"""Step 1: the team takes the flavor diagnostic together."""

from __future__ import annotations

import pytest

from alignment.models import Workshop
from alignment.services import workshops
from flavors.diagnostic import DEMO_Q3_ANSWERS, DEMO_Q4_ANSWERS, QUESTIONS

pytestmark = pytest.mark.django_db


def url(workshop):
    return f"/w/{workshop.pk}/s/flavor/"


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
def test_contributors_see_the_questions(request, who, workshop):
    page = request.getfixturevalue(who).get(url(workshop)).content.decode()
    assert str(QUESTIONS[0].text) in page


def test_observers_read_the_result_once_there_is_one(as_observer, workshop, lead):
    assert "has not taken the diagnostic yet" in as_observer.get(url(workshop)).content.decode()
    workshops.save_flavor_answers(workshop, dict(DEMO_Q3_ANSWERS), by=lead)
    page = as_observer.get(url(workshop)).content.decode()
    assert "point to coordinated" in page
    assert str(QUESTIONS[0].text) not in page


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
def test_the_team_saves_answers_and_sees_the_result(request, who, workshop):
    client = request.getfixturevalue(who)
    response = client.post(url(workshop), dict(DEMO_Q4_ANSWERS), follow=True)
    body = response.content.decode()
    assert "between coordinated and segment-centric" in body.lower()
    assert "Prompts for the discussion" in body
    workshop.refresh_from_db()
    assert workshop.flavor_answers == dict(DEMO_Q4_ANSWERS)


def test_observers_cannot_answer(as_observer, workshop):
    assert as_observer.post(url(workshop), dict(DEMO_Q3_ANSWERS)).status_code == 403
    workshop.refresh_from_db()
    assert workshop.flavor_answers == {}


def test_outsiders_get_404(as_outsider, workshop):
    assert as_outsider.get(url(workshop)).status_code == 404
    assert as_outsider.post(url(workshop), dict(DEMO_Q3_ANSWERS)).status_code == 404


def test_missing_answers_are_named_and_nothing_is_saved(as_lead, workshop):
    partial = dict(DEMO_Q3_ANSWERS)
    missing = QUESTIONS[0].key
    del partial[missing]
    partial[QUESTIONS[1].key] = "not-a-choice"
    response = as_lead.post(url(workshop), partial)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose one answer to this question." in body
    assert "Choose one of the answers listed for this question." in body
    workshop.refresh_from_db()
    assert workshop.flavor_answers == {}


def test_the_overview_shows_the_flavor_and_next_quarter_its_change(as_lead, workshop, lead):
    workshops.save_flavor_answers(workshop, dict(DEMO_Q3_ANSWERS), by=lead)
    assert "point to coordinated" in as_lead.get(f"/w/{workshop.pk}/").content.decode()
    following = workshops.create_workshop(
        workshop.organization, quarter="2027-Q1", title="Q1", language="en", by=lead
    )
    Workshop.objects.filter(pk=following.pk).update(previous=workshop)
    workshops.save_flavor_answers(following, dict(DEMO_Q4_ANSWERS), by=lead)
    page = as_lead.get(url(following)).content.decode()
    assert "Last quarter (2026-Q4)" in page
    assert "The flavor has changed since then." in page


def test_the_kpi_step_suggests_the_flavors_kpis_first(as_lead, workshop, lead):
    workshops.save_flavor_answers(workshop, dict(DEMO_Q3_ANSWERS), by=lead)
    page = as_lead.get(f"/w/{workshop.pk}/s/kpis/").content.decode()
    assert "Suggested first for your flavor" in page
    first_suggested = page.index("suggested</span>")
    assert page.index("Time to close") > first_suggested
