"""A step page is rendered once per rights class and shared by everyone of it;
what is one person's on it (their account, their hidden answers, their dots,
whether they follow) is theirs alone, and its forms carry their own token."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alignment import agenda
from alignment.models import Role
from alignment.services import facilitation, items
from tests.conftest import _member

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(organization):
    return _member(organization, Role.LEADER, "lia@acme.test", "Lia Leader")


def page_of(user, workshop, *, csrf_checks=False) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client, client.get(f"/w/{workshop.pk}/s/persona/").content.decode()


def test_leaders_share_the_page_but_not_each_others_part(workshop, lead, leader, colleague):
    step = agenda.get_step("persona")
    facilitation.open_brainstorm(workshop, step, by=lead)
    form = step.form_class({"title": "Private idea of Leo"}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, step, form, by=leader)

    _client, mine = page_of(leader, workshop)
    _client, theirs = page_of(colleague, workshop)  # the same class: from the cache
    assert "Private idea of Leo" in mine and "Leo Leader" in mine
    assert "Private idea of Leo" not in theirs
    assert re.search(r'class="user-chip__name">Lia Leader<', theirs)
    assert 'class="user-chip__name">Leo Leader<' not in theirs
    assert f'data-me="{colleague.pk}"' in theirs and f'data-me="{leader.pk}"' not in theirs


def test_the_forms_of_a_shared_page_carry_the_readers_own_token(workshop, leader, colleague):
    page_of(leader, workshop)  # the page is now kept for leaders
    client, page = page_of(colleague, workshop, csrf_checks=True)
    token = re.search(
        r'<form id="follow".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    ).group(1)
    response = client.post(
        f"/w/{workshop.pk}/follow",
        {"csrfmiddlewaretoken": token, "step": "persona", "follows": "0"},
    )
    assert response.status_code == 302  # a token from someone else's page would be 403


@pytest.mark.parametrize("step", [s.slug for s in agenda.all_steps()])
def test_no_template_syntax_shows_on_a_page(workshop, leader, step):
    client = Client()
    client.force_login(leader)
    page = client.get(f"/w/{workshop.pk}/s/{step}/").content.decode()
    for syntax in ("{#", "#}", "{%", "%}", "{{", "}}"):
        assert syntax not in page, f"{syntax!r} on {step}"
