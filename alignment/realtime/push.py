"""Push: a change in a workshop is announced at once to every page open on it.

Each open page keeps one WebSocket (`alignment.views.live.LiveConsumer`) in the
workshop's group of the channel layer. A committed change announces itself to the
group, once; each process then renders the room once per rights class and sends
it to its pages (`views.live`). With Redis the layer's pub/sub reaches the pages
held by every web process, on every machine, and the Celery worker announces
through it too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

ROOM_CHANGED = "room.changed"
PRESENCE_CHANGED = "presence.changed"


def group_name(workshop_id) -> str:
    return f"workshop.{workshop_id}"


def announce(workshop_id, *, members: bool = False) -> None:
    """Tell every open page of a workshop that it changed (each connection checks
    its person first); `members`: who may open it changed, nothing else.

    A layer that cannot be reached costs the pages their instant update, never the
    change: they still ask on their own every few seconds."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        # Synchronous code in a thread that runs an event loop (only a test does
        # that, with DJANGO_ALLOW_ASYNC_UNSAFE): it cannot wait for the layer here.
        # The pages catch up on their own.
        logger.debug("Not announcing a change of workshop %s from an event loop", workshop_id)
        return
    try:
        async_to_sync(layer.group_send)(
            group_name(workshop_id),
            # The id lets the pages of one process share what they fetch for it.
            {"type": ROOM_CHANGED, "id": uuid.uuid4().hex, "members": members},
        )
    except Exception:  # noqa: BLE001 - the change is committed; the poll catches up
        logger.exception("Could not announce a change of workshop %s", workshop_id)
