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
import os
import threading
import uuid
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

ROOM_CHANGED = "room.changed"
PRESENCE_CHANGED = "presence.changed"


def group_name(workshop_id) -> str:
    return f"workshop.{workshop_id}"


def announce(workshop_id) -> None:
    """Tell every open page of a workshop that it changed: its content, or who may
    open it (each connection asks its person again for every announcement).

    A layer that cannot be reached costs the pages their instant update, never the
    change: they still ask on their own every now and then."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": ROOM_CHANGED,
        # The id lets the pages of one process share what they fetch for it.
        "id": uuid.uuid4().hex,
    }
    if isinstance(layer, InMemoryChannelLayer):
        _announce_in_process(layer, workshop_id, message)
        return
    # Redis: published from one event loop of this process, kept for it, so that
    # a write does not open a connection to Redis (a new loop would need one) and
    # does not wait for the publish.
    future = asyncio.run_coroutine_threadsafe(
        layer.group_send(group_name(workshop_id), message), _publishing_loop()
    )
    future.add_done_callback(partial(_published, workshop_id))


def _announce_in_process(layer, workshop_id, message: dict) -> None:
    # In one process the pages' queues live on the server's event loop, where
    # async_to_sync runs this from a request's thread.
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
        async_to_sync(layer.group_send)(group_name(workshop_id), message)
    except Exception:  # noqa: BLE001 - the change is committed; the pages catch up
        logger.exception("Could not announce a change of workshop %s", workshop_id)


_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0
_loop_lock = threading.Lock()


def _publishing_loop() -> asyncio.AbstractEventLoop:
    """This process's event loop for publishing, in a thread of its own (started
    on first use, so a forked worker starts its own)."""
    global _loop
    with _loop_lock:
        if _loop is None or _loop.is_closed() or _loop_pid != os.getpid():
            _start_loop()
        return _loop


def _start_loop() -> None:
    global _loop, _loop_pid
    _loop = asyncio.new_event_loop()
    _loop_pid = os.getpid()
    threading.Thread(target=_loop.run_forever, name="cvm-push", daemon=True).start()


def _published(workshop_id, future) -> None:
    if future.cancelled() or future.exception() is None:
        return
    logger.error(
        "Could not announce a change of workshop %s",
        workshop_id,
        exc_info=future.exception(),
    )
