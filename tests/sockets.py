"""A page's live connection in a test, driven straight through the ASGI app.

Channels ships the same helper (`channels.testing.WebsocketCommunicator`), but
its package imports daphne, a server this project does not use: this is the
few lines of it the tests need, on asgiref's own ApplicationCommunicator."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from asgiref.testing import ApplicationCommunicator


class Socket(ApplicationCommunicator):
    def __init__(self, application, path: str, headers: list[tuple[bytes, bytes]]):
        parts = urlsplit(path)
        super().__init__(
            application,
            {
                "type": "websocket",
                "path": unquote(parts.path),
                "query_string": parts.query.encode(),
                "headers": headers,
                "subprotocols": [],
            },
        )

    async def connect(self, timeout: float = 2) -> tuple[bool, int | None]:
        """(True, None) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            return False, answer.get("code", 1000)
        assert answer["type"] == "websocket.accept", answer
        return True, None

    async def receive_from(self, timeout: float = 2) -> str:
        answer = await self.receive_output(timeout)
        assert answer["type"] == "websocket.send", answer
        return answer["text"]

    async def disconnect(self, code: int = 1000, timeout: float = 2) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
