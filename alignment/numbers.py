"""Numbers as people write them in their language: 1,234.5 in English, 1.234,5 in
Italian. One reader for every place that takes a figure typed or exported by a
person (a KPI reading, a CSV of actuals)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str, language: str) -> Decimal | None:
    """The number `text` writes in `language`, or None if it is not one.

    Thousands are grouped by threes (with the language's separator, a space or
    an apostrophe); the decimal separator is the language's. A number with only
    the other language's decimal point is read too when it cannot be thousands
    ("1.5" in Italian, "2,75" in English): what a BI export often writes."""
    text = _SPACES.sub("", text or "")
    if not text:
        return None
    decimal = get_format("DECIMAL_SEPARATOR", lang=language)
    thousand = get_format("THOUSAND_SEPARATOR", lang=language)
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
    if text.count(decimal) > 1:
        return None
    whole, _sep, fraction = text.partition(decimal)
    if thousand and thousand in whole:
        groups = whole.split(thousand)
        if not (1 <= len(groups[0]) <= 3) or any(len(group) != 3 for group in groups[1:]):
            # Not thousands: perhaps the other convention's decimal point.
            if fraction or whole.count(thousand) > 1:
                return None
            whole, fraction = groups
        else:
            whole = "".join(groups)
    if not (whole or fraction) or not (whole + fraction).isdigit():
        return None
    try:
        number = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
