"""Live push: every open page of a workshop holds one WebSocket and receives every
committed change at once, as the parts of the page that its rights class sees;
only members get in, a member removed is let go, a member demoted sees less.

The connections go through the real ASGI application (session authentication,
origin check, routing) and the configured channel layer: in memory here, Redis
pub/sub when REDIS_URL is set (CI)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from alignment import agenda
from alignment.models import Membership, Role, Workshop
from alignment.realtime import live
from alignment.services import facilitation, items, people
from alignment.views.live import REFUSED
from cvm_align.asgi import application
from tests.conftest import _client_for
from tests.sockets import Socket

# The connection reads the database as a server would (channels'
# database_sync_to_async, which closes connections left over): the rows it reads
# must be committed, not held in a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def signed_in(user) -> bytes:
    """The session cookie of `user` signed in (made before the async part)."""
    return f"sessionid={_client_for(user).cookies['sessionid'].value}".encode()


async def socket(
    workshop,
    cookie: bytes = b"",
    *,
    step="persona",
    origin="http://testserver",
    seen=None,
    follows=False,
):
    """A page's connection; `seen`: the revision the page shows (default: the
    current one, as for a page just opened)."""
    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie))
    if seen is None:
        seen = (await database_sync_to_async(Workshop.objects.get)(pk=workshop.pk)).revision
    path = f"/w/{workshop.pk}/live?step={step}&v={seen}&follows={int(follows)}"
    return Socket(application, path, headers)


async def until(page, kind: str, timeout: float = 3) -> dict:
    """The next message of this kind the page receives (others are skipped)."""
    while True:
        message = json.loads(await page.receive_from(timeout=timeout))
        if message["t"] == kind:
            return message


def run(scenario) -> None:
    """Run an async scenario to its end, in a thread of its own: the test's own
    thread may already run an event loop (a browser test's, earlier in the run)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(scenario)).result()


def add_answer(workshop, by, title="Pushed"):
    step = agenda.get_step("persona")
    form = step.form_class({"title": title}, workshop=workshop)
    assert form.is_valid()
    items.add_item(workshop, step, form, by=by)


def test_a_member_hears_of_a_change_at_once(workshop, leader, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie)
        connected, _ = await page.connect()
        assert connected
        await database_sync_to_async(add_answer)(workshop, lead)
        room = await until(page, "room")
        assert "Pushed" in room["parts"]["items"]
        assert (
            room["v"]
            == (await database_sync_to_async(Workshop.objects.get)(pk=workshop.pk)).revision
        )
        await page.disconnect()

    run(scenario)


def test_pages_of_one_class_receive_the_same_bytes(workshop, leader, lead, organization):
    other = Membership.objects.create(
        organization=organization,
        role=Role.LEADER,
        user=type(leader).objects.create_user(email="l2@acme.test", display_name="Lia Leader"),
    ).user
    cookies = [signed_in(leader), signed_in(other)]

    async def scenario():
        pages = [await socket(workshop, cookie) for cookie in cookies]
        for page in pages:
            assert (await page.connect())[0]
        await database_sync_to_async(add_answer)(workshop, lead)
        texts = [json.dumps(await until(page, "room")) for page in pages]
        assert texts[0] == texts[1]
        for page in pages:
            await page.disconnect()

    run(scenario)


def test_a_page_that_was_away_catches_up_on_connecting(workshop, leader, lead):
    cookie = signed_in(leader)
    seen = Workshop.objects.get(pk=workshop.pk).revision
    add_answer(workshop, lead, title="Added while away")

    async def scenario():
        page = await socket(workshop, cookie, seen=seen)
        assert (await page.connect())[0]
        room = await until(page, "room")
        assert "Added while away" in room["parts"]["items"]
        await page.disconnect()

    run(scenario)


def test_a_follower_receives_the_next_step_as_a_page_rendered_for_their_class(
    workshop, leader, lead, observer
):
    cookies = [signed_in(leader), signed_in(observer)]

    async def scenario():
        pages = [await socket(workshop, cookie, follows=True) for cookie in cookies]
        for page in pages:
            assert (await page.connect())[0]
        await until(pages[0], "presence")  # settled

        def move():
            facilitation.go_to_step(workshop, agenda.get_step("needs"), by=lead)

        await database_sync_to_async(move)()
        leader_page, observer_page = [await until(page, "page") for page in pages]
        assert leader_page["step"] == "needs"
        assert leader_page["url"] == f"/w/{workshop.pk}/s/needs/"
        assert '<h2 class="step-head__title">Needs</h2>' in leader_page["html"]
        assert "csrfmiddlewaretoken" not in leader_page["html"]  # the page adds its own
        assert 'id="add-form"' in leader_page["html"]
        assert 'id="add-form"' not in observer_page["html"]  # observers read
        for page in pages:
            await page.disconnect()
        assert live.present(workshop.pk) == {}

    run(scenario)


def test_the_facilitator_moving_the_room_reaches_every_page(workshop, leader, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie)
        assert (await page.connect())[0]

        def move():
            facilitation.go_to_step(workshop, agenda.get_step("needs"), by=lead)

        await database_sync_to_async(move)()
        assert (await until(page, "room"))["current"] == "needs"
        await page.disconnect()

    run(scenario)


async def closed(page, timeout: float = 3) -> dict:
    """The close the page receives (messages before it are skipped)."""
    while True:
        output = await page.receive_output(timeout)
        if output["type"] == "websocket.close":
            return output


def test_a_member_removed_is_let_go_at_once(workshop, leader, org_admin, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie)
        assert (await page.connect())[0]

        def remove():
            membership = Membership.objects.get(organization=workshop.organization, user=leader)
            people.remove_member(membership, by=org_admin)

        await database_sync_to_async(remove)()
        assert await closed(page) == {"type": "websocket.close", "code": REFUSED}

    run(scenario)


def test_a_member_demoted_sees_what_observers_see_at_once(workshop, leader, org_admin, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie)
        assert (await page.connect())[0]
        await database_sync_to_async(add_answer)(workshop, leader, "Mine")
        assert "item__own" in (await until(page, "room"))["parts"]["items"]

        def demote():
            membership = Membership.objects.get(organization=workshop.organization, user=leader)
            people.change_role(membership, Role.OBSERVER, by=org_admin)

        await database_sync_to_async(demote)()
        room = await until(page, "room")
        assert "Mine" in room["parts"]["items"]
        assert "item__own" not in room["parts"]["items"]  # no edit controls any more
        await page.disconnect()

    run(scenario)


def test_opening_and_closing_the_connection_is_who_is_here(workshop, leader, observer):
    observer_cookie, leader_cookie = signed_in(observer), signed_in(leader)

    async def scenario():
        watcher = await socket(workshop, observer_cookie, step="needs")
        assert (await watcher.connect())[0]
        await until(watcher, "presence")
        page = await socket(workshop, leader_cookie, step="persona")
        assert (await page.connect())[0]
        # The observer's page hears that someone arrived...
        arrived = await until(watcher, "presence")
        assert "Leo Leader" in arrived["html"] and "on Personas" in arrived["html"]
        assert live.present(workshop.pk) == {observer.pk: "needs", leader.pk: "persona"}
        await page.disconnect()
        # ...and that they left.
        left = await until(watcher, "presence")
        assert "on Personas" not in left["html"]
        assert live.present(workshop.pk) == {observer.pk: "needs"}
        await watcher.disconnect()

    run(scenario)


def test_two_pages_of_one_person_keep_them_here_until_both_close(workshop, leader, observer):
    cookie = signed_in(leader)

    async def scenario():
        first, second = await socket(workshop, cookie), await socket(workshop, cookie)
        assert (await first.connect())[0] and (await second.connect())[0]
        await first.disconnect()
        assert leader.pk in live.present(workshop.pk)
        await second.disconnect()
        assert leader.pk not in live.present(workshop.pk)

    run(scenario)


def test_a_change_without_a_new_revision_still_reaches_the_pages(workshop, leader, lead):
    cookie = signed_in(leader)
    add_answer(workshop, lead, title="Before the admin")

    async def scenario():
        page = await socket(workshop, cookie)
        assert (await page.connect())[0]
        await until(page, "presence")  # the connection has settled

        def edit_in_the_admin():
            # The admin saves the row itself: no revision, but a signal.
            persona = workshop.personas.get(title="Before the admin")
            persona.title = "Corrected in the admin"
            persona.save()

        await database_sync_to_async(edit_in_the_admin)()
        assert "Corrected in the admin" in (await until(page, "room"))["parts"]["items"]
        await page.disconnect()

    run(scenario)


LAYERS = {
    "memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    "redis": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "")], "prefix": "cvm-test-layers"},
    },
}


@pytest.fixture(params=sorted(LAYERS))
def layer(request, settings):
    """Each channel layer the project runs on: in memory (`make run`, one process)
    and Redis pub/sub (production, several processes), whichever the suite runs on."""
    if request.param == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("Redis pub/sub needs REDIS_URL (CI sets it)")
    settings.CHANNEL_LAYERS = {"default": LAYERS[request.param]}
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


def test_a_change_reaches_the_page_on_each_channel_layer(layer, workshop, leader, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie)
        assert (await page.connect())[0]
        await until(page, "presence")  # settled
        await database_sync_to_async(add_answer)(workshop, lead, f"Over {layer}")
        assert f"Over {layer}" in (await until(page, "room"))["parts"]["items"]
        await page.disconnect()

    run(scenario)
