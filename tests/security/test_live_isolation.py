"""The live WebSocket routes keep organisations apart like the pages do: every
route of `alignment.routing`, pointed at one organisation's workshop, refuses
outsiders, signed-out visitors and other sites' pages, and lets its members in
(so the refusals prove the check, not a broken route)."""

from __future__ import annotations

import pytest

from alignment.models import Status
from alignment.routing import websocket_urlpatterns
from alignment.services import workshops
from alignment.views.live import REFUSED
from tests.workshop.test_push import run, signed_in, socket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def workshop(organization, lead):
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="en", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    return workshop


def test_the_live_route_is_the_only_websocket_route():
    # A WebSocket route added later must be added to these probes too.
    assert [str(p.pattern) for p in websocket_urlpatterns] == ["w/<uuid:workshop_id>/live"]


@pytest.mark.parametrize("who", ["outsider", "signed out", "other site", "member"])
def test_only_members_of_the_organisation_get_a_connection(request, workshop, leader, who):
    person = {"outsider": "outsider", "signed out": None}.get(who, "leader")
    cookie = signed_in(request.getfixturevalue(person)) if person else b""
    origin = "http://evil.example" if who == "other site" else "http://testserver"

    async def scenario():
        page = await socket(workshop, cookie, origin=origin)
        connected, code = await page.connect()
        if who == "member":
            assert connected
            await page.disconnect()
        elif who == "other site":
            assert not connected  # refused before the application sees it
        else:
            assert (connected, code) == (False, REFUSED)

    run(scenario)


def test_a_step_that_does_not_exist_gets_no_connection(workshop, leader):
    cookie = signed_in(leader)

    async def scenario():
        page = await socket(workshop, cookie, step="no-such-step")
        assert await page.connect() == (False, REFUSED)

    run(scenario)
