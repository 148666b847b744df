"""A facilitator and a leader in two browsers: live additions and following."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from alignment import agenda
from alignment.models import Membership, Persona, Role, Status, User
from alignment.services import items, workshops

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def workshop(organization, lead, leader, observer):
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="en", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    return workshop


def bring_everyone(facilitator, workshop, step: str) -> None:
    """The facilitator goes to a step and brings the room there."""
    facilitator.goto(f"/w/{workshop.pk}/s/{step}/")
    facilitator.get_by_text("Facilitator controls").click()
    facilitator.get_by_role("button", name="Bring everyone to this step").click()


def test_each_sees_the_others_additions_within_three_seconds(open_as, workshop, lead, leader):
    facilitator = open_as(lead)
    member = open_as(leader)
    facilitator.goto(f"/w/{workshop.pk}/s/persona/")
    member.goto(f"/w/{workshop.pk}/s/persona/")

    member.get_by_label("Persona", exact=True).fill("Busy family planner")
    member.get_by_label("Who they are").fill("Runs several lines and a home broadband.")
    member.get_by_role("button", name="Add", exact=True).click()
    expect(member.locator("#items")).to_contain_text("Busy family planner")
    expect(facilitator.locator("#items")).to_contain_text("Busy family planner", timeout=6000)

    facilitator.get_by_label("Persona", exact=True).fill("Young digital native")
    facilitator.get_by_role("button", name="Add", exact=True).click()
    expect(member.locator("#items")).to_contain_text("Young digital native", timeout=6000)

    # Each sees the other as present.
    expect(facilitator.locator("#presence")).to_contain_text("Leo Leader")
    expect(member.locator("#presence")).to_contain_text("Lena Lead")
    assert Persona.objects.filter(workshop=workshop).count() == 2
    assert facilitator.console_errors == [] and member.console_errors == []


def test_the_leader_follows_the_facilitator_to_the_next_step(open_as, workshop, lead, leader):
    facilitator = open_as(lead)
    member = open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/flavor/")
    expect(member.locator("#facilitation")).to_contain_text("The whole room is on this step")

    bring_everyone(facilitator, workshop, "persona")

    expect(member).to_have_url(
        f"{facilitator.url.split('/w/')[0]}/w/{workshop.pk}/s/persona/", timeout=6000
    )
    expect(member.get_by_role("heading", name="Personas")).to_be_visible()

    # From one answer step to the next, the page arrives over the live connection
    # (rendered once for all leaders) and replaces this one without a reload.
    member.evaluate("window.sameDocument = true")
    bring_everyone(facilitator, workshop, "needs")
    expect(member.get_by_role("heading", name="Needs")).to_be_visible(timeout=6000)
    assert member.url.endswith(f"/w/{workshop.pk}/s/needs/")
    assert member.evaluate("window.sameDocument === true")
    assert member.title().startswith("3. Needs")
    # The page works as if loaded: the leader adds an answer on it, and it is live.
    member.get_by_label("Need", exact=True).fill("Landed without a reload")
    member.get_by_role("button", name="Add", exact=True).click()
    expect(facilitator.locator("#items")).to_contain_text("Landed without a reload", timeout=6000)
    expect(member.locator("#presence")).to_contain_text("on Needs")
    assert member.console_errors == []


def test_someone_typing_an_answer_is_not_taken_to_the_next_step(open_as, workshop, lead, leader):
    facilitator, member = open_as(lead), open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/persona/")
    member.get_by_label("Persona", exact=True).fill("Half-typed")
    bring_everyone(facilitator, workshop, "needs")
    expect(member.locator("#facilitation")).to_contain_text(
        "The facilitator is on step", timeout=6000
    )
    assert member.url.endswith("/s/persona/")
    expect(member.get_by_label("Persona", exact=True)).to_have_value("Half-typed")


def test_a_leader_who_opts_out_stays_where_they_are(open_as, workshop, lead, leader):
    facilitator = open_as(lead)
    member = open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/persona/")
    member.get_by_role("button", name="Following the facilitator").click()
    expect(member.get_by_role("button", name="Follow the facilitator")).to_be_visible()

    bring_everyone(facilitator, workshop, "strategy")

    expect(member.locator("#facilitation")).to_contain_text(
        "The facilitator is on step", timeout=6000
    )
    assert member.url.endswith("/s/persona/")


def test_an_edit_in_progress_survives_live_updates(open_as, workshop, lead, leader):
    services_item = Persona.objects.create(
        workshop=workshop, title="Original", author=leader, order=1
    )
    facilitator = open_as(lead)
    member = open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/persona/")
    facilitator.goto(f"/w/{workshop.pk}/s/persona/")
    member.get_by_role("link", name="Edit Original").click()
    title = member.locator(f"#item-{services_item.pk} input[name$='-title']")
    title.fill("Changed by the leader")

    facilitator.get_by_label("Persona", exact=True).fill("Added meanwhile")
    facilitator.get_by_role("button", name="Add", exact=True).click()
    expect(member.locator("#items")).to_contain_text("Added meanwhile", timeout=6000)
    expect(title).to_have_value("Changed by the leader")

    member.get_by_role("button", name="Save").click()
    expect(facilitator.locator("#items")).to_contain_text("Changed by the leader", timeout=6000)


def test_a_change_pushed_while_an_edit_opens_does_not_lose_the_form(
    open_as, workshop, lead, leader
):
    mine = Persona.objects.create(workshop=workshop, title="Original", author=leader, order=1)
    member = open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/persona/")
    expect(member.locator("html")).to_have_attribute("data-live", "push")

    def add_meanwhile():
        step = agenda.get_step("persona")
        form = step.form_class({"title": "Pushed meanwhile"}, workshop=workshop)
        assert form.is_valid()
        items.add_item(workshop, step, form, by=lead)

    def slow_edit(route):
        # While the edit form is on its way, someone else adds an answer: the room
        # pushes the new list to this page before the form arrives.
        # (In a thread of its own: this one runs the browser driver's event loop.)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(add_meanwhile).result()
        member.wait_for_timeout(1000)
        route.continue_()

    member.route(f"**/i/{mine.pk}/edit", slow_edit)
    member.get_by_role("link", name="Edit Original").click()
    expect(member.locator(f"#item-{mine.pk} input[name$='-title']")).to_be_visible()
    expect(member.locator("#items")).to_contain_text("Pushed meanwhile", timeout=6000)
    expect(member.locator(f"#item-{mine.pk} input[name$='-title']")).to_have_value("Original")


def test_the_lead_reorders_by_dragging_and_by_keyboard(open_as, workshop, lead):
    for order, title in enumerate(["First", "Second", "Third"], start=1):
        Persona.objects.create(workshop=workshop, title=title, author=lead, order=order)
    page = open_as(lead)
    page.goto(f"/w/{workshop.pk}/s/persona/")
    handles = page.locator(".item__handle")
    handles.nth(2).drag_to(handles.nth(0))
    expect(page.locator(".item__title").first).to_have_text("Third")
    expect(page.locator("#announcer")).to_have_text("New order saved.")
    titles = list(
        Persona.objects.filter(workshop=workshop).order_by("order").values_list("title", flat=True)
    )
    assert titles == ["Third", "First", "Second"]

    # The keyboard alternative: the move buttons, and focus stays with the item.
    # First the page must have caught up (the reorder, and the live update it
    # announced) and the list be settled: until htmx has processed it, a button in
    # it submits as a plain form (which works too, but reloads the page).
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")
    page.get_by_role("button", name="Move Second up").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".item__title").nth(1)).to_have_text("Second")
    expect(page.get_by_role("button", name="Move Second up")).to_be_focused()
    titles = list(
        Persona.objects.filter(workshop=workshop).order_by("order").values_list("title", flat=True)
    )
    assert titles == ["Third", "Second", "First"]


def test_keyboard_focus_stays_on_its_control_when_the_list_changes(open_as, workshop, lead, leader):
    # Someone else's answer arrives while the lead sits on a move button: the
    # list is swapped under them, and focus comes back to the same button.
    for order, title in enumerate(["First", "Second"], start=1):
        Persona.objects.create(workshop=workshop, title=title, author=lead, order=order)
    page = open_as(lead)
    member = open_as(leader)
    page.goto(f"/w/{workshop.pk}/s/persona/")
    member.goto(f"/w/{workshop.pk}/s/persona/")
    page.get_by_role("button", name="Move Second up").focus()
    member.get_by_label("Persona", exact=True).fill("Arrived meanwhile")
    member.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#items")).to_contain_text("Arrived meanwhile", timeout=6000)
    expect(page.get_by_role("button", name="Move Second up")).to_be_focused()


def test_without_websockets_the_page_polls_and_says_so(open_as, workshop, lead, leader):
    # A proxy that refuses long-lived connections: every WebSocket is closed at once.
    facilitator = open_as(lead)
    member = open_as(leader)
    member.route_web_socket("**/live*", lambda socket: socket.close())
    facilitator.goto(f"/w/{workshop.pk}/s/persona/")
    member.goto(f"/w/{workshop.pk}/s/persona/")
    expect(member.locator("#live-fallback")).to_be_visible(timeout=10_000)
    expect(facilitator.locator("#live-fallback")).to_be_hidden()
    facilitator.get_by_label("Persona", exact=True).fill("Arrived by polling")
    facilitator.get_by_role("button", name="Add", exact=True).click()
    expect(member.locator("#items")).to_contain_text("Arrived by polling", timeout=6000)


def test_on_a_page_shared_by_all_leaders_each_sees_their_own_dots_and_answers(
    open_as, workshop, lead, leader, organization
):
    other = Membership.objects.create(
        organization=organization,
        role=Role.LEADER,
        user=User.objects.create_user(email="lia@acme.test", display_name="Lia Leader"),
    ).user
    mine = Persona.objects.create(workshop=workshop, title="Leo's persona", author=leader, order=1)
    Persona.objects.create(workshop=workshop, title="Lia's persona", author=other, order=2)
    facilitator, member, colleague = open_as(lead), open_as(leader), open_as(other)
    for page in (facilitator, member, colleague):
        page.goto(f"/w/{workshop.pk}/s/persona/")

    # Both leaders got the same list; each sees Edit on their own answer only.
    edits = member.get_by_role("link", name="Edit")
    expect(edits).to_have_count(1)
    expect(member.locator(f"#item-{mine.pk}").get_by_role("link", name="Edit")).to_be_visible()
    expect(colleague.get_by_role("link", name="Edit")).to_have_count(1)

    facilitator.get_by_text("Facilitator controls").click()
    facilitator.get_by_role("button", name="Open").click()
    expect(member.locator("#mine")).to_contain_text("you have 3 dots left", timeout=6000)
    member.get_by_role("button", name="Dot for Lia's persona").click()
    expect(member.locator("#mine")).to_contain_text("you have 2 dots left")
    expect(member.get_by_role("button", name="Take back a dot from Lia's persona")).to_be_visible()
    # The colleague's page got the same room, but the dot is not theirs.
    expect(colleague.locator("#mine")).to_contain_text("you have 3 dots left")
    expect(
        colleague.get_by_role("button", name="Take back a dot from Lia's persona")
    ).to_be_hidden()
    assert member.console_errors == [] and colleague.console_errors == []


def test_the_facilitators_controls_reach_every_screen_at_once(open_as, workshop, lead, leader):
    facilitator, member = open_as(lead), open_as(leader)
    member.goto(f"/w/{workshop.pk}/s/persona/")
    member.evaluate("window.sameDocument = true")  # gone if the page reloads
    facilitator.goto(f"/w/{workshop.pk}/s/persona/")

    facilitator.get_by_text("Facilitator controls").click()
    facilitator.get_by_role("button", name="Start", exact=True).click()
    expect(member.get_by_role("timer")).to_contain_text(":", timeout=6000)

    facilitator.get_by_text("Facilitator controls").click()
    facilitator.get_by_role("button", name="Start a private brainstorm").click()
    expect(member.locator("#facilitation")).to_contain_text("Private brainstorm", timeout=6000)
    member.get_by_label("Persona", exact=True).fill("Kept to myself")
    member.get_by_role("button", name="Add", exact=True).click()
    expect(member.locator("#own")).to_contain_text("Kept to myself")
    expect(facilitator.locator("#items")).to_contain_text("1 answer is hidden", timeout=6000)
    expect(facilitator.locator("#items")).not_to_contain_text("Kept to myself")

    facilitator.get_by_text("Facilitator controls").click()
    facilitator.get_by_role("button", name="Reveal all answers").click()
    expect(member.locator("#items")).to_contain_text("Kept to myself", timeout=6000)
    expect(member.locator("#own")).not_to_contain_text("Kept to myself")
    assert member.evaluate("window.sameDocument === true")  # all of it without a reload
    assert member.console_errors == [] and facilitator.console_errors == []
