"""Hole 5: after five failures `victim@demo.test` was locked, yet `Victim@demo.test`
or its full-width spelling signed in with the right password.

The throttle now counts the same normalised address that sign-in matches.
"""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "test-pass-123"
LOCKED = "Too many sign-in attempts"
SPELLINGS = [
    "Victim@demo.test",
    "VICTIM@DEMO.TEST",
    "\uff36ictim@demo.test",  # a full-width capital V
    "\uff56\uff49\uff43\uff54\uff49\uff4d\uff20\uff44\uff45\uff4d\uff4f.test",  # all full-width
    "  victim@demo.test ",
]


@pytest.fixture
def victim(db):
    return UserFactory(email="victim@demo.test", display_name="Vera Victim")


def fail_five_times(client, spelling="victim@demo.test"):
    for _ in range(5):
        client.post(LOGIN, {"username": spelling, "password": "wrong"})


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_locked_address_stays_locked_in_any_spelling(client, victim, spelling):
    fail_five_times(client)
    response = client.post(LOGIN, {"username": spelling, "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_in_different_spellings_add_up_to_one_lock(client, victim):
    for spelling in SPELLINGS:
        client.post(LOGIN, {"username": spelling, "password": "wrong"})
    response = client.post(LOGIN, {"username": "victim@demo.test", "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_any_spelling_signs_in_when_nothing_is_locked(client, victim, spelling):
    response = client.post(LOGIN, {"username": spelling, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_a_locked_address_does_not_lock_another_one(client, victim):
    UserFactory(email="other@demo.test")
    fail_five_times(client)
    client.post(LOGIN, {"username": "other@demo.test", "password": PASSWORD})
    assert "_auth_user_id" in client.session
