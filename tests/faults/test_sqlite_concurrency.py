"""Hole 10: on the embedded default (SQLite), concurrent writes get a normal answer.

Before, two requests writing at the same moment could end in a 500 "database is
locked": a transaction that had read first could not wait for SQLite's write lock.
Now every transaction takes the lock when it begins and waits for it (settings:
`transaction_mode` IMMEDIATE, `timeout`). The scenarios run in a process of their
own on a SQLite file, whatever database the suite itself uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> dict:
    db_file = tmp_path_factory.mktemp("sqlite-writers") / "db.sqlite3"
    media = tmp_path_factory.mktemp("sqlite-writers-media")
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.sqlite_writers", str(db_file)],
        cwd=ROOT,
        env={**os.environ, "MEDIA_ROOT": str(media)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_answers_added_together_are_all_saved(outcome):
    assert all(status == 302 for status in outcome["answers"]), outcome["answers"]
    assert outcome["answers_saved"] == len(outcome["answers"])


def test_two_edits_at_once_one_saves_and_one_gets_the_conflict(outcome):
    # The second writer is shown the first one's text (409), never a server error.
    assert sorted(outcome["edits"]) == [302, 409], outcome["edits"]
    assert outcome["edit_version"] == 1


def test_dots_cast_together_are_all_counted(outcome):
    assert all(status == 302 for status in outcome["dots"]), outcome["dots"]
    assert outcome["dots_saved"] == len(outcome["dots"])


def test_the_two_last_signatures_at_once_freeze_once(outcome):
    assert outcome["signatures"] == [302, 302], outcome["signatures"]
    assert outcome["signed"] is True
    assert outcome["reports"] == 1
