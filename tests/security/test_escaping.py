"""Script and markup typed into any text field stay text: escaped in every page, literal
in the signed PDF, a plain JSON string in the export. And markup pointing at a server
makes the PDF renderer fetch nothing (a loopback listener proves it), through the real
sign-off and report task.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading

import pytest
from django.db.models import CharField, TextField
from pypdf import PdfReader

from alignment import agenda
from alignment.models import (
    AgreementEvent,
    Membership,
    Organization,
    Report,
    ReportStatus,
    Status,
    User,
    Workshop,
)
from alignment.services import items, signoff, workshops
from tests.security.conftest import client_for, world_of
from tests.security.routes import fill, tenant_routes
from tests.workshop.builders import build_coherent

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
SHORT = "<script>alert(2)</script>"  # for fields of 30 characters
ESCAPED = "&lt;script&gt;alert("
# Unescaped, any of these would be live markup in a page (the quotes would break out
# of an attribute); escaped, they read &lt;script&gt;, &lt;img and &quot;.
LIVE_MARKUP = re.compile(r'<script>alert|<img src=x|alert\("xss"\)', re.IGNORECASE)


def poison_every_text(workshop, texts: list[str]) -> None:
    """Put a payload into every text field of every answer, cycling through `texts`."""
    payloads = iter(texts * 1000)
    for step in agenda.item_steps():
        for item in step.model.objects.filter(workshop=workshop):
            for field in step.model._meta.concrete_fields:
                if not isinstance(field, CharField | TextField) or field.choices:
                    continue
                if field.name in ("due_quarter", "target_quarter") or field.max_length == 7:
                    continue
                payload = next(payloads)
                limit = field.max_length or 2000
                value = payload if len(payload) <= limit else SHORT[:limit]
                step.model.objects.filter(pk=item.pk).update(**{field.attname: value})


@pytest.fixture
def poisoned(workshop, lead, leader, observer, organization):
    """A coherent workshop whose every text (answers, names, titles, comments, the
    override reason) carries a script."""
    build_coherent(workshop, lead)
    poison_every_text(workshop, [SCRIPT])
    Organization.objects.filter(pk=organization.pk).update(name=f"Acme {SHORT}")
    Workshop.objects.filter(pk=workshop.pk).update(title=f"Q4 {SCRIPT}")
    for user in (lead, leader, observer):
        User.objects.filter(pk=user.pk).update(display_name=f"{user.display_name} {SHORT}")
    Membership.objects.filter(organization=organization).update(title=SHORT)
    agreement = agenda.get_step("collaboration").model.objects.filter(workshop=workshop).first()
    items.comment_on_agreement(workshop, agreement, f"Comment {SCRIPT}", by=leader)
    workshops.transition(workshop, Status.REVIEW, by=lead)
    signoff.set_override(workshop, f"Reason {SCRIPT}", by=lead)
    workshop.refresh_from_db()
    return workshop


def test_every_page_escapes_what_users_typed(poisoned, lead, leader, observer, organization):
    world = world_of(organization, [poisoned], members=[lead, observer])
    pages = 0
    shown = 0
    for user in (lead, leader):
        client = client_for(user)
        for route in tenant_routes():
            for path, _values in fill(route, world):
                for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                    response = client.get(path, **headers)
                    if response.streaming or "html" not in response.get("Content-Type", ""):
                        continue
                    body = response.content.decode()
                    assert not LIVE_MARKUP.search(body), (path, headers)
                    pages += 1
                    shown += ESCAPED in body
    assert pages > 50
    assert shown > 30  # the texts are on the pages, as text


def test_the_json_export_carries_the_text_as_json_strings(poisoned, as_lead):
    response = as_lead.get(f"/w/{poisoned.pk}/export.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)["snapshot"]
    assert data["workshop"]["title"] == f"Q4 {SCRIPT}"
    assert data["organization"]["name"] == f"Acme {SHORT}"
    assert data["coherence"]["override"]["reason"] == f"Reason {SCRIPT}"
    for item in (*data["aspects"]["personas"], *data["bets"], *data["kpis"], *data["mots"]):
        assert item["title"] == SCRIPT
        assert item["description"] == SCRIPT


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sign_all(workshop, lead, leaders, capture) -> Report:
    """The real sign-off: signing opens, each leader signs, the last one freezes the
    workshop and queues the report task, which runs (eagerly) on commit."""
    workshops.transition(workshop, Status.SIGNING, by=lead)
    report = None
    for leader in leaders:
        workshop.refresh_from_db()
        content_hash = signoff.current_content(workshop)[1]
        with capture(execute=True):
            report = (
                signoff.sign(workshop, unread_ok=True, by=leader, content_hash=content_hash)
                or report
            )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    return report


def test_the_signed_pdf_shows_the_text_literally(
    poisoned, lead, leader, django_capture_on_commit_callbacks
):
    report = sign_all(poisoned, lead, [leader], django_capture_on_commit_callbacks)
    pdf = report.pdf.read()
    text = flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert flat(SCRIPT) in text
    assert flat(f"Reason {SCRIPT}") in text
    assert flat(SHORT) in text  # names, titles
    # Nothing in the PDF runs or links anywhere.
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    assert b"/URI" not in pdf


# The renderer fetches nothing ------------------------------------------------------------


class Listener:
    """A TCP listener on a free loopback port that counts every connection."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _address = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def fetching_markup(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{target}/img.png">',
        f'<link rel="stylesheet" href="{target}/style.css">',
        f"<style>@import url({target}/import.css);</style>",
        f'<p style="background:url({target}/bg.png)">x</p>',
        f'<object data="{target}/o.svg"></object><iframe src="{target}/f"></iframe>',
        f'<svg><image href="{target}/s.png"/></svg>',
        f"url({target}/bare.png)",
        '<img src="file:///etc/passwd"><img src="/static/../../etc/passwd">',
        f'<a href="{target}/link">link</a>',
    ]


def test_the_report_task_fetches_nothing_that_user_text_points_at(
    workshop, lead, leader, listener, django_capture_on_commit_callbacks
):
    build_coherent(workshop, lead)
    markup = fetching_markup(listener.port)
    poison_every_text(workshop, markup)
    Workshop.objects.filter(pk=workshop.pk).update(title=markup[0])
    User.objects.filter(pk=leader.pk).update(display_name=markup[1][:120])
    agreement = agenda.get_step("collaboration").model.objects.filter(workshop=workshop).first()
    AgreementEvent.objects.create(agreement=agreement, author=leader, comment=markup[2])
    workshops.transition(workshop, Status.REVIEW, by=lead)
    signoff.set_override(workshop, markup[3], by=lead)

    report = sign_all(workshop, lead, [leader], django_capture_on_commit_callbacks)

    assert report.pdf.read().startswith(b"%PDF")
    assert listener.connections == 0
