"""Figures as people write them, in each language the app speaks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alignment.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("1,234.5", "en", Decimal("1234.5")),
        ("1.234,5", "it", Decimal("1234.5")),
        ("1.234.567,89", "it", Decimal("1234567.89")),
        ("1 234,5", "it", Decimal("1234.5")),
        ("-3,5", "it", Decimal("-3.5")),
        ("1234", "en", Decimal("1234")),
        (".5", "en", Decimal("0.5")),
        # Only the other convention's decimal point, where it cannot be thousands.
        ("1.5", "it", Decimal("1.5")),
        ("2,75", "en", Decimal("2.75")),
    ],
)
def test_a_number_is_read_as_its_language_writes_it(text, language, number):
    assert parse_number(text, language) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1e5", "1.2.3,4,5", "--1", "NaN", "∞"])
def test_what_is_not_a_number_is_none(text):
    assert parse_number(text, "en") is None
