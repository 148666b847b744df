"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

The live server is the production kind: the ASGI application (HTTP and the live
pages' WebSockets) under uvicorn, in a thread of the test process, on the test
database.

No browser is downloaded: Chromium comes from `apt-get install chromium`. Without
it these tests are skipped locally, and fail in CI (CVM_REQUIRE_REAL_SERVICES).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from django.conf import settings
from django.test import Client
from django.test.utils import modify_settings

from tests.conftest import restore_shipped_data

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CVM_REQUIRE_REAL_SERVICES"):
            pytest.fail("Chromium is required: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are ordinary synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class AsgiLiveServer:
    """uvicorn serving cvm_align.asgi on a free loopback port, in a thread."""

    def __init__(self):
        from cvm_align.asgi import application

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(config)
        # pytest-django turns these on around each test that uses the live server.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        self.thread = threading.Thread(target=self.server.run, name="asgi-live-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("The ASGI live server did not start")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """Replaces pytest-django's (WSGI) live server: the pages' WebSockets need ASGI.
    It stops before the test database is dropped."""
    with django_db_blocker.unblock():
        server = AsgiLiveServer()
    yield server
    server.stop()


@pytest.fixture
def open_as(browser, live_server):
    """Open a browser context signed in as a user: `page = open_as(user)`."""
    contexts = []

    def _open(user, *, width: int = 1280):
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        # Generous: the last signature renders the report inside the request (tasks
        # are eager here), which takes up to ~20 s on a busy 2-core machine.
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None
        )
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests commit for real, so the database is emptied after each one.
    Django's serialized rollback would bring the migrations' data back, but it
    looks for it on the connection object, and Playwright's sync API runs the test
    in another greenlet with connection objects of its own; restore it here (and
    after each such test, tests/conftest.py)."""
    if "transactional_db" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("transactional_db")
    restore_shipped_data(request.config)


AXE = Path(__file__).parent / "vendor" / "axe-4.min.js"


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core (vendored from the npm registry) on the page; return the serious
    and critical violations as readable lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.help + " -> " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }"""
    )
    return violations
