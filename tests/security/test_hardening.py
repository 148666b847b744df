"""Hardening: a strict Content Security Policy that no page needs to relax, the usual
security headers and cookie flags (in production mode too), and login throttling
that says so plainly, on the app's sign-in and the admin's alike."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.foundation.test_settings import PRODUCTION, run_manage
from tests.security.conftest import client_for, world_of
from tests.security.routes import fill, tenant_routes

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_CODE = re.compile(r"<[^>]*\shx-on[:-]|javascript:", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def inline_code(html: str) -> list[str]:
    """Everything on a page that a policy without 'unsafe-inline' would block."""
    found = [
        m.group(0)
        for m in SCRIPT_TAG.finditer(html)
        if "src=" not in m.group(1) and 'type="application/json"' not in m.group(1)
    ]
    found += [m.group(0)[:80] for m in STYLE_ATTRIBUTE.finditer(html)]
    found += [m.group(0)[:80] for m in EVENT_HANDLER.finditer(html)]
    found += [m.group(0)[:80] for m in INLINE_CODE.finditer(html)]
    return found


def test_the_policy_allows_only_our_own_origin_and_nothing_inline(as_lead, room):
    for path in ("/accounts/login/", "/o/acme/", f"/w/{room.workshop.pk}/s/persona/", "/nope/"):
        directives = policy(as_lead.get(path))
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        everything = " ".join(v for values in directives.values() for v in values)
        assert "unsafe-inline" not in everything and "unsafe-eval" not in everything


def test_no_page_needs_inline_script_or_style(room, lead, observer, organization, client, as_staff):
    world = world_of(organization, [room.workshop], members=[lead, observer])
    as_lead = client_for(lead)
    pages = {}
    for route in tenant_routes():
        for path, _values in fill(route, world):
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = as_lead.get(path, **headers)
                if not response.streaming and "html" in response.get("Content-Type", ""):
                    pages[(path, bool(headers))] = response.content.decode()
    for path in ("/flavors/", "/flavors/diagnostic/", "/handshakes/", "/handshakes/pricing/"):
        pages[(path, False)] = as_lead.get(path).content.decode()
    pages[("login", False)] = client.get("/accounts/login/").content.decode()
    pages[("404", False)] = as_lead.get("/no-such-page/").content.decode()
    assert len(pages) > 80
    problems = {page: found for page, html in pages.items() if (found := inline_code(html))}
    assert problems == {}


def test_the_admin_works_under_the_same_policy(as_staff, room):
    # The admin's own templates put no inline script on the pages staff use; its
    # data travels in <script type="application/json">, which the policy allows.
    for path in (
        reverse("admin:index"),
        reverse("admin:alignment_workshop_change", args=[room.workshop.pk]),
        reverse("admin:alignment_organization_change", args=[room.workshop.organization_id]),
        reverse("admin:handshakes_handshaketemplate_changelist"),
    ):
        html = as_staff.get(path).content.decode()
        scripts = [m.group(1) for m in SCRIPT_TAG.finditer(html)]
        assert all("src=" in s or 'type="application/json"' in s for s in scripts), path


def test_every_response_carries_the_security_headers(as_lead, room, client):
    for response in (
        as_lead.get(f"/w/{room.workshop.pk}/"),
        as_lead.get(f"/w/{room.workshop.pk}/export.json"),
        client.get("/accounts/login/"),
        as_lead.get("/no-such-page/"),
    ):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_out_of_reach_of_scripts(client, lead):
    client.post("/accounts/login/", {"username": "lead@acme.test", "password": "test-pass-123"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_sends_hsts_and_secure_cookies_and_redirects_to_https():
    """`check --deploy` (tests/foundation/test_settings.py) checks the settings; this
    checks what production actually answers."""
    code = (
        "from django.test import Client, override_settings\n"
        "import json\n"
        # The static files manifest is made by collectstatic on deploy; not needed here.
        "override_settings(STORAGES={'default': {'BACKEND': 'django.core.files.storage."
        "FileSystemStorage'}, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles."
        "storage.StaticFilesStorage'}}).enable()\n"
        "c = Client(HTTP_HOST='cvm.example.com')\n"
        "plain = c.get('/accounts/login/')\n"
        "secure = c.get('/accounts/login/', secure=True)\n"
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location', '')],"
        " 'hsts': secure.get('Strict-Transport-Security', ''),"
        " 'csrf_secure': bool(secure.cookies['csrftoken']['secure']),"
        " 'csp': secure.get('Content-Security-Policy', '')}))\n"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["plain"] == [301, "https://cvm.example.com/accounts/login/"]
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["csrf_secure"] is True
    assert "script-src 'self'" in answer["csp"]


# Login throttling -------------------------------------------------------------------------

LOCKED = "Too many sign-in attempts"


def fail_five_times(client, url: str, email: str) -> None:
    for _ in range(5):
        client.post(url, {"username": email, "password": "wrong"})


def test_a_locked_account_gets_a_clear_429_and_no_session(client, lead):
    fail_five_times(client, "/accounts/login/", "lead@acme.test")
    response = client.post(
        "/accounts/login/", {"username": "lead@acme.test", "password": "test-pass-123"}
    )
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locking_reads_the_same_for_an_unknown_email(client, lead):
    fail_five_times(client, "/accounts/login/", "nobody@acme.test")
    response = client.post("/accounts/login/", {"username": "nobody@acme.test", "password": "x"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_one_locked_account_does_not_lock_out_the_others(client, lead, leader):
    fail_five_times(client, "/accounts/login/", "lead@acme.test")
    response = client.post(
        "/accounts/login/", {"username": "leader@acme.test", "password": "test-pass-123"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_admin_sign_in_is_throttled_too(client, staff):
    fail_five_times(client, reverse("admin:login"), "staff@site.test")
    response = client.post(
        reverse("admin:login"), {"username": "staff@site.test", "password": "test-pass-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
