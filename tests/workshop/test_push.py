"""Live push: every open page of a workshop holds one WebSocket and hears of every
committed change at once; only members get in, and a member removed is let go.

The connections go through the real ASGI application (session authentication,
origin check, routing) and the configured channel layer: in memory here, Redis
pub/sub when REDIS_URL is set (CI)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from alignment import agenda
from alignment.models import Membership
from alignment.realtime import live
from alignment.views.live import REFUSED
from alignment.services import items, people
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


def socket(workshop, cookie: bytes = b"", *, step="persona", origin="http://testserver"):
    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie))
    return Socket(application, f"/w/{workshop.pk}/live?step={step}", headers)


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


def test_a_member_hears_of_a_change_at_once(
    workshop, leader, lead, django_capture_on_commit_callbacks
):
    cookie = signed_in(leader)

    async def scenario():
        page = socket(workshop, cookie)
        connected, _ = await page.connect()
        assert connected
        assert json.loads(await page.receive_from()) == {"changed": True}  # arrived

        def change():
            add_answer(workshop, lead)

        await database_sync_to_async(change)()
        assert json.loads(await page.receive_from(timeout=2)) == {"changed": True}
        await page.disconnect()

    run(scenario)


@pytest.mark.parametrize("who", ["outsider", "nobody"])
def test_no_one_outside_the_organisation_gets_a_connection(request, workshop, who):
    cookie = signed_in(request.getfixturevalue("outsider")) if who == "outsider" else b""

    async def scenario():
        connected, code = await socket(workshop, cookie).connect()
        assert (connected, code) == (False, REFUSED)

    run(scenario)


def test_a_page_of_another_site_gets_no_connection(workshop, leader):
    cookie = signed_in(leader)

    async def scenario():
        connected, _ = await socket(workshop, cookie, origin="http://evil.example").connect()
        assert not connected

    run(scenario)


def test_a_member_removed_is_let_go_at_once(workshop, leader, org_admin, lead):
    cookie = signed_in(leader)

    async def scenario():
        page = socket(workshop, cookie)
        assert (await page.connect())[0]
        await page.receive_from()  # arrived

        def remove():
            membership = Membership.objects.get(organization=workshop.organization, user=leader)
            people.remove_member(membership, by=org_admin)

        await database_sync_to_async(remove)()
        closed = await page.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": REFUSED}

    run(scenario)


def test_opening_and_closing_the_connection_is_who_is_here(workshop, leader, observer):
    observer_cookie, leader_cookie = signed_in(observer), signed_in(leader)

    async def scenario():
        watcher = socket(workshop, observer_cookie, step="needs")
        assert (await watcher.connect())[0]
        await watcher.receive_from()
        page = socket(workshop, leader_cookie, step="persona")
        assert (await page.connect())[0]
        # The observer's page hears that someone arrived...
        assert json.loads(await watcher.receive_from(timeout=2)) == {"changed": True}
        assert live.present(workshop.pk) == {observer.pk: "needs", leader.pk: "persona"}
        await page.disconnect()
        # ...and that they left.
        assert json.loads(await watcher.receive_from(timeout=2)) == {"changed": True}
        assert live.present(workshop.pk) == {observer.pk: "needs"}
        await watcher.disconnect()

    run(scenario)
