"""Signing in by email, with one generic message on failure and throttling."""

from __future__ import annotations

import pytest

from alignment.models import AuditEntry

pytestmark = pytest.mark.django_db

GENERIC = "That email and password do not match an account"


def test_a_member_signs_in_with_email_in_any_case(client, lead):
    response = client.post(
        "/accounts/login/", {"username": "LEAD@acme.test", "password": "test-pass-123"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code in (200, 302)
    assert "_auth_user_id" in client.session


def test_unknown_email_and_wrong_password_read_the_same(client, lead):
    wrong_password = client.post(
        "/accounts/login/", {"username": "lead@acme.test", "password": "nope"}
    )
    unknown_email = client.post(
        "/accounts/login/", {"username": "nobody@acme.test", "password": "nope"}
    )
    assert GENERIC in wrong_password.content.decode()
    assert GENERIC in unknown_email.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_with_a_clear_message(client, lead):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "lead@acme.test", "password": "nope"})
    response = client.post(
        "/accounts/login/", {"username": "lead@acme.test", "password": "test-pass-123"}
    )
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(as_lead):
    assert as_lead.post("/accounts/logout/").status_code == 302
    assert as_lead.get("/").status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_no_audit_entry_is_written_for_sign_in(client, lead):
    client.post("/accounts/login/", {"username": "lead@acme.test", "password": "test-pass-123"})
    assert not AuditEntry.objects.exists()
