"""Reading the committed Italian catalogue, shared by the i18n tests."""

from __future__ import annotations

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
PO_PATH = LOCALE / "it" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE / "it" / "LC_MESSAGES" / "django.mo"

# What must survive translation unchanged: named printf placeholders (what
# blocktranslate variables become), positional ones, str.format fields and
# HTML tags. A literal "%%" is text, not a placeholder.
NAMED = re.compile(r"%\(\w+\)[sdif]")
POSITIONAL = re.compile(r"(?<!%)%[sdif]")
BRACES = re.compile(r"\{\w*\}")
TAGS = re.compile(r"<[^>]+>")


def load_po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    """Every entry except those makemessages keeps as obsolete (#~)."""
    return [entry for entry in po if not entry.obsolete]


def placeholders(text: str, *, formatted: bool, braces: bool) -> list[str]:
    found = NAMED.findall(text) + TAGS.findall(text)
    if formatted:
        found += POSITIONAL.findall(text)
    if braces:
        found += BRACES.findall(text)
    return sorted(found)


def translations(catalogue) -> dict:
    """{(context, msgid): msgstr or (plural forms...)} for a PO or MO file."""
    result = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        result[(entry.msgctxt, entry.msgid)] = value
    return result
