"""The sample report prints the hash of the sample itself, not a made-up one."""

from __future__ import annotations

from alignment.domain import snapshot
from tests.report.sample_snapshot import CONTENT_HASH, SAMPLE


def test_the_sample_hash_is_the_sha256_of_the_sample_as_signed():
    # The snapshot leaders sign has no status: the report adds "signed" to show it.
    signed = {**SAMPLE, "workshop": {k: v for k, v in SAMPLE["workshop"].items() if k != "status"}}
    assert snapshot.content_hash(signed) == CONTENT_HASH


def test_the_hash_changes_with_a_single_character():
    changed = {**SAMPLE, "organization": {**SAMPLE["organization"], "name": "Aurora Telecom."}}
    assert snapshot.content_hash(changed) != CONTENT_HASH
