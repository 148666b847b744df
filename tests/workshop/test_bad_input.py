"""Bad input gets a clear message next to the field and changes nothing."""

from __future__ import annotations

import pytest

from alignment.models import Need, Persona

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def add_persona(client, workshop, **data):
    return client.post(
        f"/w/{workshop.pk}/s/persona/items", {f"new-{k}": v for k, v in data.items()}
    )


def test_an_empty_title_is_refused_next_to_the_field(as_leader, workshop):
    response = add_persona(as_leader, workshop, title="   ")
    assert response.status_code == 422
    assert "Please write something here." in response.content.decode()
    assert not Persona.objects.exists()


def test_an_over_long_title_states_the_limit(as_leader, workshop):
    response = add_persona(as_leader, workshop, title="x" * 201)
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert not Persona.objects.exists()


def test_a_null_byte_is_refused(as_leader, workshop):
    response = add_persona(as_leader, workshop, title="nul\x00byte")
    assert response.status_code == 422
    assert not Persona.objects.exists()


def test_a_share_out_of_range_is_refused(as_leader, workshop):
    response = add_persona(as_leader, workshop, title="Family", share_of_base="140")
    assert response.status_code == 422
    assert "less than or equal to 100" in response.content.decode()
    assert not Persona.objects.exists()


def test_markup_is_stored_as_text_and_always_escaped(as_leader, as_lead, workshop):
    add_persona(as_leader, workshop, title=SCRIPT, description=SCRIPT)
    assert Persona.objects.get().title == SCRIPT
    for client in (as_leader, as_lead):
        page = client.get(f"/w/{workshop.pk}/s/persona/").content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    needs = as_lead.get(f"/w/{workshop.pk}/s/needs/").content.decode()
    assert SCRIPT not in needs  # the parent picker escapes it too


def test_a_parent_from_another_workshop_is_refused_in_the_page(
    as_leader, workshop, rival_workshop, outsider
):
    foreign = Persona.objects.create(workshop=rival_workshop, title="Theirs", author=outsider)
    response = as_leader.post(
        f"/w/{workshop.pk}/s/needs/items", {"new-title": "A need", "new-persona": str(foreign.pk)}
    )
    assert response.status_code == 422
    assert "not in this workshop" in response.content.decode()
    assert not Need.objects.exists()


def test_a_malformed_parent_id_is_refused(as_leader, workshop):
    response = as_leader.post(
        f"/w/{workshop.pk}/s/needs/items", {"new-title": "A need", "new-persona": "not-a-uuid"}
    )
    assert response.status_code == 422
    assert not Need.objects.exists()


def test_a_move_in_no_direction_is_refused(as_lead, workshop, leaders_persona):
    response = as_lead.post(
        f"/w/{workshop.pk}/s/persona/i/{leaders_persona.pk}/move", {"direction": "sideways"}
    )
    assert response.status_code == 400


def test_a_reorder_with_unknown_ids_changes_nothing(
    as_lead, workshop, leaders_persona, leads_persona
):
    response = as_lead.post(
        f"/w/{workshop.pk}/s/persona/reorder", {"order": [str(leads_persona.pk), "bogus"]}
    )
    assert response.status_code == 409
    assert [p.pk for p in Persona.objects.order_by("order")] == [
        leaders_persona.pk,
        leads_persona.pk,
    ]


def test_an_unknown_facilitation_action_is_404(as_lead, workshop):
    assert as_lead.post(f"/w/{workshop.pk}/s/persona/facilitate/explode").status_code == 404
