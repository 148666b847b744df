"""`make messages` would find nothing new: the committed catalogue is current.

makemessages runs on a copy of the source tree (so the working tree is never
touched) and its message ids are compared with the committed .po. It needs GNU
gettext (`xgettext`): CI installs it and sets CVM_REQUIRE_REAL_SERVICES, so
there a missing xgettext fails; on a machine without it the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import polib
import pytest

from tests.i18n.catalogue import PO_PATH, ROOT, live_entries, load_po

# The same folders the Makefile's `messages` target leaves out, plus what is
# never source.
IGNORED = (
    ".git",
    ".venv",
    "staticfiles",
    "node_modules",
    "media",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.sqlite3",
    "*.mo",
    "*.pdf",
    "*.png",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed: apt-get install gettext"
        if os.environ.get("CVM_REQUIRE_REAL_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    copy = tmp_path_factory.mktemp("source") / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    env = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "cvm_align.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "it",
            "--ignore=.venv",
            "--ignore=staticfiles",
            "--ignore=node_modules",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return polib.pofile(str(copy / PO_PATH.relative_to(ROOT)))


def ids(po: polib.POFile) -> set[tuple]:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in live_entries(po) if e.msgid}


def test_makemessages_finds_no_new_or_changed_message(extracted):
    new = ids(extracted) - ids(load_po())
    assert not new, (
        f"{len(new)} message(s) in the code are not in the Italian catalogue. Run "
        "`make messages`, translate every new entry in locale/it/LC_MESSAGES/django.po "
        "(no empty or fuzzy ones), then `make messages` again to compile:\n"
        + "\n".join(repr(msgid[:80]) for _ctx, msgid, _plural in sorted(new, key=str)[:30])
    )


def test_the_catalogue_holds_no_message_the_code_dropped(extracted):
    gone = ids(load_po()) - ids(extracted)
    assert not gone, (
        f"{len(gone)} message(s) in the Italian catalogue are no longer in the code. "
        "Run `make messages` (it marks them obsolete) and commit the result:\n"
        + "\n".join(repr(msgid[:80]) for _ctx, msgid, _plural in sorted(gone, key=str)[:30])
    )
