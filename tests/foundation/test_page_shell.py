"""The page shell: accessible, self-contained, and under a strict CSP."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_has_a_skip_link_a_main_landmark_and_the_language(as_lead):
    body = as_lead.get("/o/acme/").content.decode()
    assert 'href="#main"' in body and 'id="main"' in body
    assert re.search(r'<html lang="en">', body)
    assert 'name="language"' in body  # the language switch


def test_htmx_is_served_from_our_static_files_with_the_csrf_header(as_lead):
    body = as_lead.get("/o/acme/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js"', body)
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_nothing_is_loaded_from_another_origin(as_lead, client):
    for response in (as_lead.get("/o/acme/"), client.get("/accounts/login/")):
        body = response.content.decode()
        for url in re.findall(r'(?:src|href)="([^"]+)"', body):
            assert not url.startswith(("http:", "https:", "//")), url


def test_the_csp_forbids_inline_script_and_style(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_script_or_style(as_lead, client):
    for response in (as_lead.get("/o/acme/members/"), client.get("/accounts/login/")):
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
        assert " style=" not in body
        assert "<style" not in body


def test_the_language_switch_changes_the_language(as_lead):
    response = as_lead.post("/i18n/setlang/", {"language": "it", "next": "/o/acme/"})
    assert response.status_code == 302
    assert as_lead.cookies["django_language"].value == "it"
