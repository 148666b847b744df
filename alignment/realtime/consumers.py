"""The live connection of an open workshop page.

Authorised when it connects and again for every event: only a member of the
workshop's organisation is let in, and a person removed meanwhile is let go the
moment the change of members is announced (`access.py` holds the rule).

Opening and closing it is also how "who is here" learns that someone arrived on
a step or left: the room hears of it at once.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from alignment import access
from alignment.realtime import live, push

# The close code a page sees when it may not (or no longer) follow the workshop.
REFUSED = 4403
CHANGED = json.dumps({"changed": True})


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.workshop_id = str(self.scope["url_route"]["kwargs"]["workshop_id"])
        self.group = push.group_name(self.workshop_id)
        if not await self._may_open():
            await self.close(code=REFUSED)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode())
        step = (query.get("step") or [""])[0][:50]
        await sync_to_async(live.touch)(self.workshop_id, self.user_id, step)
        await self._room_changed()

    async def disconnect(self, code) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "readers", None) and access.may_open(self.user_id, self.readers):
            await sync_to_async(live.leave)(self.workshop_id, self.user_id)
            await self._room_changed()

    async def _room_changed(self) -> None:
        await self.channel_layer.group_send(self.group, {"type": push.ROOM_CHANGED})

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """Pages only listen; what they change goes through ordinary requests."""

    async def room_changed(self, event: dict) -> None:
        # Asked again for every event, from the workshop's cached state (which a
        # change of members drops): someone removed hears nothing more.
        self.readers = await sync_to_async(live.readers)(self.workshop_id)
        if not access.may_open(self.user_id, self.readers):
            await self.close(code=REFUSED)
            return
        await self.send(text_data=CHANGED)

    async def _may_open(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return False
        self.user_id = user.pk
        self.readers = await database_sync_to_async(live.readers)(self.workshop_id)
        return access.may_open(self.user_id, self.readers)
