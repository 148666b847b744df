"""The committed Italian catalogue is complete, well-formed and compiled.

Every message id has a translation (plural forms included), nothing is fuzzy,
placeholders and markup survive translation exactly, and the committed .mo is
what compiling the .po gives, so a fresh machine needs no gettext tools.
"""

from __future__ import annotations

import polib
import pytest

from tests.i18n.catalogue import (
    MO_PATH,
    PO_PATH,
    live_entries,
    load_po,
    placeholders,
    translations,
)


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return load_po()


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid[:70]!r} ({where})"


def test_the_catalogue_exists_for_italian(po):
    assert PO_PATH.is_file() and MO_PATH.is_file()
    assert po.metadata["Language"] == "it"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    # A fuzzy header would make msgfmt ignore it, plural forms included.
    assert not po.metadata_is_fuzzy
    assert len(live_entries(po)) > 1000


def test_every_message_is_translated(po):
    missing = []
    for entry in live_entries(po):
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(n, "") for n in (0, 1)]
            if not all(form.strip() for form in forms) or len(entry.msgstr_plural) != 2:
                missing.append(describe(entry))
        elif not entry.msgstr.strip():
            missing.append(describe(entry))
    assert not missing, (
        f"{len(missing)} untranslated entries; translate them in {PO_PATH.name}:\n"
        + "\n".join(missing[:30])
    )


def test_nothing_is_fuzzy(po):
    fuzzy = [describe(entry) for entry in live_entries(po) if "fuzzy" in entry.flags]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries: check each translation, then remove the flag:\n"
        + "\n".join(fuzzy[:30])
    )


def test_placeholders_and_markup_survive_translation(po):
    wrong = []
    for entry in live_entries(po):
        formatted = "python-format" in entry.flags
        braces = "python-brace-format" in entry.flags or bool(
            placeholders(entry.msgid, formatted=False, braces=True)
        )

        def of(text, formatted=formatted, braces=braces):
            return placeholders(text, formatted=formatted, braces=braces)

        if entry.msgid_plural:
            plural, singular = of(entry.msgid_plural), of(entry.msgid)
            # The "one" form may leave the count out ("One answer"), in either
            # language, but must keep everything else and add nothing.
            if of(entry.msgstr_plural.get(1, "")) != plural:
                wrong.append(f"plural form of {describe(entry)}")
            one = of(entry.msgstr_plural.get(0, ""))
            if not set(one) <= set(plural) or not set(singular) - {"%(counter)s", "%(n)s"} <= set(
                one
            ):
                wrong.append(f"singular form of {describe(entry)}")
        elif of(entry.msgstr) != of(entry.msgid):
            wrong.append(f"{describe(entry)}: {of(entry.msgid)} became {of(entry.msgstr)}")
    assert not wrong, "placeholders or markup changed in translation:\n" + "\n".join(wrong)


def test_the_committed_mo_is_the_compiled_po(po, tmp_path):
    # polib compiles the .po the way msgfmt does; comparing the two catalogues
    # (not the bytes) ignores harmless differences in hash tables and order.
    fresh = tmp_path / "django.mo"
    po.save_as_mofile(str(fresh))
    compiled = translations(polib.mofile(str(fresh)))
    committed = translations(polib.mofile(str(MO_PATH)))
    stale = sorted(
        str(key[1])[:70]
        for key in compiled.keys() | committed.keys()
        if compiled.get(key) != committed.get(key)
    )
    assert not stale, (
        "locale/it/LC_MESSAGES/django.mo is out of date: run `make messages` "
        f"(compilemessages) and commit it. {len(stale)} differences, e.g.:\n"
        + "\n".join(stale[:20])
    )
