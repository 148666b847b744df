"""WebSocket routes: one live connection per open workshop page."""

from __future__ import annotations

from django.urls import path

from alignment.views.live import LiveConsumer

websocket_urlpatterns = [
    path("w/<uuid:workshop_id>/live", LiveConsumer.as_asgi(), name="live"),
]
