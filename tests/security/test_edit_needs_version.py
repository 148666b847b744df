"""An edit that does not say which version it started from is refused like a stale one.

The version is what tells "I changed what I saw" from "I overwrote what someone
else saved meanwhile". A hand-made request that leaves it out, or sends it empty,
must get the conflict panel with the text that is saved now, and save nothing;
otherwise anyone could replace a colleague's answer without ever seeing it.
"""

from __future__ import annotations

import pytest

from alignment import agenda
from alignment.services import items
from alignment.services.errors import Conflict
from tests.security.conftest import form_data
from tests.security.dbstate import changed_tables, database_state

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _edit_payload(step, item, workshop, *, version):
    """What the edit form posts, with a new title and the version as given
    (None: the field is left out)."""
    prefix = f"edit-{item.pk}"
    form = step.form_class(instance=item, workshop=workshop, prefix=prefix, lead=True)
    data = form_data(form, keep_initial=True)
    data[f"{prefix}-title"] = "Overwritten without looking"
    data.pop(f"{prefix}-version", None)
    if version is not None:
        data[f"{prefix}-version"] = version
    return f"/w/{workshop.pk}/s/{step.slug}/i/{item.pk}/edit", data


def _first_item(step, workshop):
    return step.model.objects.filter(workshop=workshop).order_by("order").first()


@pytest.mark.parametrize("version", [None, ""], ids=["left out", "empty"])
@pytest.mark.parametrize("slug", [s.slug for s in agenda.item_steps()])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_it_refuses_an_edit_without_a_version_on_every_step(room, as_lead, slug, version, htmx):
    step = agenda.get_step(slug)
    item = _first_item(step, room.workshop)
    saved_title = item.title
    path, data = _edit_payload(step, item, room.workshop, version=version)
    before = database_state()
    response = as_lead.post(path, data, **(HTMX if htmx else {}))
    assert response.status_code == 409
    body = response.content.decode()
    # The conflict panel, showing what is saved now.
    assert 'class="conflict"' in body
    assert saved_title.replace("'", "&#x27;") in body
    assert changed_tables(before, database_state()) == []
    item.refresh_from_db()
    assert item.title == saved_title


def test_saving_again_from_the_conflict_panel_is_a_deliberate_overwrite(room, as_lead):
    step = agenda.get_step("persona")
    item = _first_item(step, room.workshop)
    path, data = _edit_payload(step, item, room.workshop, version=None)
    conflict = as_lead.post(path, data, **HTMX)
    assert conflict.status_code == 409
    # The panel's form now carries the version that is saved.
    assert f'name="edit-{item.pk}-version" value="{item.version}"' in conflict.content.decode()
    data[f"edit-{item.pk}-version"] = str(item.version)
    assert as_lead.post(path, data).status_code == 302
    item.refresh_from_db()
    assert item.title == "Overwritten without looking"


def test_a_leader_editing_their_own_answer_without_a_version_gets_the_conflict(
    workshop, leader, as_leader
):
    step = agenda.get_step("persona")
    persona = step.model.objects.create(
        workshop=workshop, title="The leader's persona", author=leader, order=1
    )
    path, data = _edit_payload(step, persona, workshop, version=None)
    response = as_leader.post(path, data)
    assert response.status_code == 409
    persona.refresh_from_db()
    assert persona.title == "The leader's persona"
    assert persona.version == 1


def test_observers_and_outsiders_are_refused_before_the_version_matters(
    workshop, leader, as_observer, as_outsider
):
    step = agenda.get_step("persona")
    persona = step.model.objects.create(
        workshop=workshop, title="The leader's persona", author=leader, order=1
    )
    path, data = _edit_payload(step, persona, workshop, version=None)
    assert as_observer.post(path, data).status_code == 403
    assert as_outsider.post(path, data).status_code == 404
    persona.refresh_from_db()
    assert persona.title == "The leader's persona"


def test_the_service_refuses_an_edit_without_a_version(workshop, lead):
    """Decided in one place: every caller of update_item, not only the view."""
    step = agenda.get_step("persona")
    persona = step.model.objects.create(workshop=workshop, title="Saved", author=lead, order=1)
    form = step.form_class({"title": "Unseen"}, instance=persona, workshop=workshop)
    assert form.is_valid()
    with pytest.raises(Conflict) as refusal:
        items.update_item(workshop, step, persona, form, expected_version=None, by=lead)
    assert refusal.value.current.title == "Saved"
    persona.refresh_from_db()
    assert (persona.title, persona.version) == ("Saved", 1)
