"""The ASGI application: Django for HTTP, Channels for the live pages' WebSockets.

Served by uvicorn (`make run`, and its workers in production). Connections are
authenticated from the session cookie and accepted only from the site's own
hosts."""

from __future__ import annotations

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cvm_align.settings")

# Django is set up first: the routing below imports the app's consumers.
http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from alignment.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far (Django, the app, its templates' code) lives as long as
# the process: the cyclic garbage collector need not walk it again on every full
# collection, which with a thousand open connections came as pauses in the live
# pages' delivery.
gc.freeze()
