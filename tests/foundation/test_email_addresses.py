"""One normalised form of an address for storage, sign-in, throttling and
uniqueness, and one rule that refuses addresses made to look like others."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from alignment.models import User
from alignment.models.accounts import axes_username, normalize_email, validate_email_address
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Victim@Demo.TEST", "victim@demo.test"),
        ("  victim@demo.test\t", "victim@demo.test"),
        ("\uff36ictim\uff20demo.test", "victim@demo.test"),  # full-width V and @
        ("\u3000victim@demo.test", "victim@demo.test"),  # an ideographic space around it
        # Lower-cased, not case-folded: "ß" and "ss" are different IDNA 2008 domains.
        ("anna@STRAßE.example", "anna@straße.example"),
    ],
)
def test_every_spelling_has_one_normal_form(typed, stored):
    assert normalize_email(typed) == stored
    assert normalize_email(stored) == stored


@pytest.mark.parametrize(
    "address",
    [
        "victim@demo.test",
        "First.Last+tag@sub.example.co.uk",
        "\uff36ictim@demo.test",  # full-width: normalised, not refused
        "anna@straße.example",
        "ivan@пример.рф".replace("ivan", "иван"),  # one script throughout
    ],
)
def test_ordinary_addresses_pass(address):
    validate_email_address(address)


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("victim@d\u0435mo.test", "mixed_scripts"),  # Cyrillic e
        ("vict\u0456m@demo.test", "mixed_scripts"),  # Cyrillic i
        ("victim@dem\u03bf.test", "mixed_scripts"),  # Greek omicron
        ("victim@xn--cme-5cd.test", "mixed_scripts"),  # Punycode of a Cyrillic a + "cme"
        ("vic\u200btim@demo.test", "invisible"),  # zero-width space
        ("victim@demo\u200d.test", "invisible"),  # zero-width joiner
        ("victim@demo.test\u202e", "invisible"),  # right-to-left override
        ("vic\u00adtim@demo.test", "invisible"),  # soft hyphen
        ("vic\u00a0tim@demo.test", "invisible"),  # no-break space
        ("vic\x07tim@demo.test", "invisible"),  # a control character
    ],
)
def test_look_alikes_are_refused_with_their_reason(address, code):
    with pytest.raises(ValidationError) as refusal:
        validate_email_address(address)
    assert refusal.value.code == code


def test_broken_punycode_is_refused():
    with pytest.raises(ValidationError):
        validate_email_address("victim@xn--zzzzzzzzz-.test")


@pytest.mark.django_db
def test_accounts_are_stored_normalised_and_unique_in_any_spelling():
    user = User.objects.create_user(email="Mixed@Case.TEST", password="x", display_name="M")
    assert user.email == "mixed@case.test"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="\uff2dixed@case.test", password="x", display_name="N")
    # Saved any other way (the admin, a script), the address is normalised too.
    user.email = " MIXED@case.test "
    user.save()
    assert User.objects.get(pk=user.pk).email == "mixed@case.test"


@pytest.mark.django_db
def test_sign_in_finds_the_account_by_the_normal_form():
    user = UserFactory(email="victim@demo.test")
    for spelling in ("VICTIM@demo.test", "\uff36ictim@demo.test", " victim@demo.test "):
        assert User.objects.get_by_natural_key(spelling) == user


def test_the_login_throttle_counts_the_normal_form():
    request = RequestFactory().post("/accounts/login/", {"username": "\uff36ICTIM@demo.test"})
    assert axes_username(request, None) == "victim@demo.test"
    assert axes_username(request, {"username": "Victim@Demo.test"}) == "victim@demo.test"
    assert axes_username(RequestFactory().post("/", {}), None) is None


@pytest.mark.django_db
def test_the_migration_normalises_existing_addresses():
    migration = importlib.import_module("alignment.migrations.0009_invitations")
    first, second = UserFactory(email="a@x.test"), UserFactory(email="b@x.test")
    # As stored before addresses were normalised on save.
    User.objects.filter(pk=first.pk).update(email="Anna@X.TEST")
    User.objects.filter(pk=second.pk).update(email="\uff42@x.test")
    migration.normalize_existing_emails(apps, None)
    assert set(User.objects.values_list("email", flat=True)) == {"anna@x.test", "b@x.test"}


@pytest.mark.django_db
def test_the_migration_stops_on_two_accounts_with_one_address():
    migration = importlib.import_module("alignment.migrations.0009_invitations")
    first = UserFactory(email="a@x.test")
    UserFactory(email="b@x.test")
    User.objects.filter(pk=first.pk).update(email="B@X.test")
    with pytest.raises(RuntimeError, match="same address"):
        migration.normalize_existing_emails(apps, None)
    assert User.objects.filter(email="B@X.test").exists()  # nothing half-done
