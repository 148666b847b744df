"""Every workshop view, as lead, leader, observer, outsider and a signed-out visitor."""

from __future__ import annotations

import pytest

from alignment import agenda
from alignment.models import AuditEntry, Dot, DotVote, Participant, Persona, Workshop

pytestmark = pytest.mark.django_db

ITEM_STEPS = [s.slug for s in agenda.item_steps()]
EVERYONE = ["as_lead", "as_leader", "as_observer"]


def url(workshop, suffix=""):
    return f"/w/{workshop.pk}/{suffix}"


# Reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_members_read_the_list_overview_and_every_step(request, who, filled_workshop):
    client = request.getfixturevalue(who)
    assert "Q4 alignment" in client.get("/o/acme/").content.decode()
    assert client.get(url(filled_workshop)).status_code == 200
    for slug in ITEM_STEPS:
        response = client.get(url(filled_workshop, f"s/{slug}/"))
        assert response.status_code == 200, slug
    bets = client.get(url(filled_workshop, "s/bets/")).content.decode()
    assert "Make the family bundle the default choice for households" in bets


def test_outsiders_get_404_on_every_workshop_url(as_outsider, filled_workshop, leaders_persona):
    p = leaders_persona.pk
    for path in [
        "",
        "s/persona/",
        "poll?v=1.0&step=persona",
        f"s/persona/i/{p}",
        f"s/persona/i/{p}/edit",
        "audit",
    ]:
        assert as_outsider.get(url(filled_workshop, path)).status_code == 404, path
    for path in [
        "status",
        "follow",
        "s/persona/items",
        "s/persona/reorder",
        "s/persona/facilitate/goto",
        f"s/persona/i/{p}/edit",
        f"s/persona/i/{p}/delete",
        f"s/persona/i/{p}/move",
        f"s/persona/i/{p}/dot",
    ]:
        assert as_outsider.post(url(filled_workshop, path), {"title": "x"}).status_code == 404, path
    assert Persona.objects.filter(title="x").count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, filled_workshop):
    response = client.get(url(filled_workshop, "s/persona/"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(url(filled_workshop, "poll?v=1.0")).status_code == 401


def test_an_unknown_step_is_a_404_with_a_message(as_lead, workshop):
    response = as_lead.get(url(workshop, "s/no-such-step/"))
    assert response.status_code == 404


# Creating a workshop ---------------------------------------------------------------------


def test_a_lead_creates_a_workshop(as_lead, organization):
    response = as_lead.post(
        "/o/acme/workshops/new", {"quarter": "2027-q1", "title": "Q1 alignment", "language": "en"}
    )
    workshop = Workshop.objects.get(organization=organization, quarter="2027-Q1")
    assert response["Location"] == f"/w/{workshop.pk}/"


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_leads_create_workshops(request, who, organization):
    client = request.getfixturevalue(who)
    assert client.get("/o/acme/workshops/new").status_code == 403
    client.post("/o/acme/workshops/new", {"quarter": "2027-Q1", "title": "X", "language": "en"})
    assert not Workshop.objects.filter(quarter="2027-Q1").exists()


def test_a_second_workshop_for_a_quarter_is_refused_next_to_the_field(as_lead, workshop):
    response = as_lead.post(
        "/o/acme/workshops/new", {"quarter": "2026-Q4", "title": "Again", "language": "en"}
    )
    assert response.status_code == 422
    assert "There is already a workshop for 2026-Q4." in response.content.decode()


def test_a_malformed_quarter_is_explained(as_lead, organization):
    response = as_lead.post(
        "/o/acme/workshops/new", {"quarter": "Q4 2026", "title": "X", "language": "en"}
    )
    assert response.status_code == 422
    assert "for example 2026-Q4" in response.content.decode()


# Adding, editing, deleting ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
def test_leads_and_leaders_add_answers(request, who, workshop):
    client = request.getfixturevalue(who)
    response = client.post(
        url(workshop, "s/persona/items"), {"new-title": "Family planner", "new-share_of_base": "30"}
    )
    assert response.status_code == 302
    assert Persona.objects.get(workshop=workshop).title == "Family planner"


def test_observers_cannot_add(as_observer, workshop):
    response = as_observer.post(url(workshop, "s/persona/items"), {"new-title": "Nope"})
    assert response.status_code == 403
    assert not Persona.objects.exists()


def test_adding_with_htmx_returns_a_fresh_form_and_the_list(as_leader, workshop):
    response = as_leader.post(
        url(workshop, "s/persona/items"), {"new-title": "Family planner"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="add-form"' in body and 'hx-swap-oob="true"' in body
    assert "Family planner" in body


def test_a_leader_edits_their_own_answer_but_not_others(
    as_leader, leaders_persona, leads_persona, workshop
):
    own = as_leader.post(
        url(workshop, f"s/persona/i/{leaders_persona.pk}/edit"),
        {f"edit-{leaders_persona.pk}-title": "Renamed", f"edit-{leaders_persona.pk}-version": "1"},
    )
    assert own.status_code == 302
    leaders_persona.refresh_from_db()
    assert leaders_persona.title == "Renamed"
    other = as_leader.post(
        url(workshop, f"s/persona/i/{leads_persona.pk}/edit"),
        {f"edit-{leads_persona.pk}-title": "Hijacked", f"edit-{leads_persona.pk}-version": "1"},
    )
    assert other.status_code == 403
    assert (
        as_leader.post(url(workshop, f"s/persona/i/{leads_persona.pk}/delete")).status_code == 403
    )
    leads_persona.refresh_from_db()
    assert leads_persona.title == "Lead's persona"


def test_the_lead_edits_and_deletes_anything(as_lead, leaders_persona, workshop):
    response = as_lead.get(
        url(workshop, f"s/persona/i/{leaders_persona.pk}/edit"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'name="editing"' in response.content.decode()
    assert (
        as_lead.post(url(workshop, f"s/persona/i/{leaders_persona.pk}/delete")).status_code == 302
    )
    assert not Persona.objects.filter(pk=leaders_persona.pk).exists()


def test_observers_edit_and_delete_nothing(as_observer, leaders_persona, workshop):
    edit = url(workshop, f"s/persona/i/{leaders_persona.pk}/edit")
    assert as_observer.get(edit).status_code == 403
    assert as_observer.post(edit, {f"edit-{leaders_persona.pk}-title": "x"}).status_code == 403
    assert (
        as_observer.post(url(workshop, f"s/persona/i/{leaders_persona.pk}/delete")).status_code
        == 403
    )
    assert Persona.objects.filter(pk=leaders_persona.pk, title="Leader's persona").exists()


def test_a_stale_save_shows_the_current_text_and_changes_nothing(
    as_leader, as_lead, leaders_persona, workshop
):
    edit = url(workshop, f"s/persona/i/{leaders_persona.pk}/edit")
    prefix = f"edit-{leaders_persona.pk}"
    as_lead.post(edit, {f"{prefix}-title": "The lead's words", f"{prefix}-version": "1"})
    response = as_leader.post(
        edit,
        {f"{prefix}-title": "The leader's words", f"{prefix}-version": "1"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this answer" in body
    assert "The lead&#x27;s words" in body and "The leader&#x27;s words" in body
    leaders_persona.refresh_from_db()
    assert leaders_persona.title == "The lead's words"
    # Saving again from the conflict form is a deliberate overwrite.
    again = as_leader.post(
        edit, {f"{prefix}-title": "The leader's words", f"{prefix}-version": "2"}
    )
    assert again.status_code == 302


# Reordering and facilitation --------------------------------------------------------------


def test_only_the_lead_reorders(as_lead, as_leader, leaders_persona, leads_persona, workshop):
    order = [str(leads_persona.pk), str(leaders_persona.pk)]
    assert as_leader.post(url(workshop, "s/persona/reorder"), {"order": order}).status_code == 403
    assert as_lead.post(url(workshop, "s/persona/reorder"), {"order": order}).status_code == 200
    assert [p.pk for p in agenda.get_step("persona").items(workshop)] == [
        leads_persona.pk,
        leaders_persona.pk,
    ]
    move = as_lead.post(
        url(workshop, f"s/persona/i/{leads_persona.pk}/move"),
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
    )
    assert move.status_code == 200
    assert [p.pk for p in agenda.get_step("persona").items(workshop)] == [
        leaders_persona.pk,
        leads_persona.pk,
    ]


@pytest.mark.parametrize("action", ["goto", "countdown", "brainstorm", "reveal", "vote"])
@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_the_lead_facilitates(request, who, action, workshop):
    client = request.getfixturevalue(who)
    response = client.post(
        url(workshop, f"s/needs/facilitate/{action}"), {"minutes": 5, "budget": 3}
    )
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert workshop.current_step == "flavor" and workshop.countdown_ends_at is None
    assert not DotVote.objects.exists()


def test_the_lead_moves_the_room_and_runs_a_countdown(as_lead, workshop):
    as_lead.post(url(workshop, "s/needs/facilitate/goto"))
    as_lead.post(url(workshop, "s/needs/facilitate/countdown"), {"minutes": "7"})
    workshop.refresh_from_db()
    assert workshop.current_step == "needs"
    assert workshop.countdown_ends_at is not None
    page = as_lead.get(url(workshop, "s/needs/")).content.decode()
    assert "data-countdown-ends" in page


def test_a_countdown_out_of_range_is_refused(as_lead, workshop):
    response = as_lead.post(
        url(workshop, "s/needs/facilitate/countdown"), {"minutes": "999"}, follow=True
    )
    assert "Choose between 1 and 120 minutes." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.countdown_ends_at is None


def test_brainstorm_answers_are_hidden_from_others_until_revealed(
    as_lead, as_leader, as_observer, workshop
):
    as_lead.post(url(workshop, "s/persona/facilitate/brainstorm"))
    as_leader.post(url(workshop, "s/persona/items"), {"new-title": "My private idea"})
    assert "My private idea" in as_leader.get(url(workshop, "s/persona/")).content.decode()
    for other in (as_lead, as_observer):
        page = other.get(url(workshop, "s/persona/")).content.decode()
        assert "My private idea" not in page
        assert "1 answer is hidden until the facilitator reveals it" in page
    as_lead.post(url(workshop, "s/persona/facilitate/reveal"))
    assert "My private idea" in as_observer.get(url(workshop, "s/persona/")).content.decode()


def test_a_dot_vote_from_opening_to_results(
    as_lead, as_leader, as_observer, leaders_persona, leads_persona, workshop
):
    as_lead.post(url(workshop, "s/persona/facilitate/vote"), {"budget": "2"})
    dot = url(workshop, f"s/persona/i/{leads_persona.pk}/dot")
    assert as_leader.post(dot, HTTP_HX_REQUEST="true").status_code == 200
    assert as_leader.post(dot, HTTP_HX_REQUEST="true").status_code == 200
    over = as_leader.post(dot, HTTP_HX_REQUEST="true")
    assert over.status_code == 422 and "used all 2 of your dots" in over.content.decode()
    assert as_observer.post(dot).status_code == 403
    assert Dot.objects.count() == 2
    # Results are shown once the vote closes, most dots first.
    as_lead.post(url(workshop, "s/persona/facilitate/vote-close"))
    page = as_observer.get(url(workshop, "s/persona/")).content.decode()
    assert "Vote closed" in page and "2 dots" in page
    assert page.index("Lead&#x27;s persona") < page.index("Leader&#x27;s persona")


def test_a_vote_budget_out_of_range_is_refused(as_lead, workshop):
    response = as_lead.post(
        url(workshop, "s/persona/facilitate/vote"), {"budget": "0"}, follow=True
    )
    assert "between 1 and 20 dots" in response.content.decode()
    assert not DotVote.objects.exists()


def test_participants_can_stop_and_resume_following(as_leader, leader, workshop):
    as_leader.post(url(workshop, "follow"), {"follows": "0", "step": "persona"})
    assert not Participant.objects.get(workshop=workshop, user=leader).follows_facilitator
    as_leader.post(url(workshop, "follow"), {"follows": "1", "step": "persona"})
    assert Participant.objects.get(workshop=workshop, user=leader).follows_facilitator


def test_status_changes_are_for_the_lead_and_illegal_ones_explained(as_lead, as_leader, workshop):
    assert as_leader.post(url(workshop, "status"), {"status": "review"}).status_code == 403
    response = as_lead.post(url(workshop, "status"), {"status": "signed"}, follow=True)
    assert "cannot go from Live to Signed" in response.content.decode()
    as_lead.post(url(workshop, "status"), {"status": "review"})
    workshop.refresh_from_db()
    assert workshop.status == "review"


def test_the_audit_log_is_for_the_lead(as_lead, as_leader, as_observer, leaders_persona, workshop):
    as_lead.post(url(workshop, f"s/persona/i/{leaders_persona.pk}/delete"))
    page = as_lead.get(url(workshop, "audit")).content.decode()
    assert "Deleted" in page and "Leader&#x27;s persona" in page
    assert as_leader.get(url(workshop, "audit")).status_code == 403
    assert as_observer.get(url(workshop, "audit")).status_code == 403
    assert AuditEntry.objects.filter(workshop=workshop, action="item.deleted").exists()
