"""Fixtures for the report tests: rendering needs no database, only settings."""

from __future__ import annotations

import copy
import http.server
import threading
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.report.sample_snapshot import CONTENT_HASH, MINIMAL, SAMPLE, SIGNATURES

GENERATED_AT = datetime(2026, 9, 30, 16, 5, tzinfo=UTC)


def render_kwargs(**overrides) -> dict:
    kwargs = {
        "signatures": copy.deepcopy(SIGNATURES),
        "content_hash": CONTENT_HASH,
        "generated_at": GENERATED_AT,
    }
    kwargs.update(overrides)
    return kwargs


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    """All the text of the PDF, whitespace collapsed, so wrapped lines still match."""
    reader = pdf_reader(pdf)
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def sample() -> dict:
    return copy.deepcopy(SAMPLE)


@pytest.fixture
def minimal() -> dict:
    return copy.deepcopy(MINIMAL)


class _RecordingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.connections: list[tuple] = []
        self.requests: list[str] = []

    def verify_request(self, request, client_address) -> bool:
        # Called for every accepted connection, before any HTTP is parsed: a
        # connection that never sends a request line is still counted.
        self.connections.append(client_address)
        return True


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = b"body { background: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A real HTTP server on a free loopback port that records what reaches it."""
    server = _RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
