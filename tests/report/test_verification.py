"""Checking a report PDF tells apart every way it can fail to be the sealed report
it claims to be, and never gives way on a hostile file."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc

import pytest

from alignment.report import seal, verification
from alignment.report.verification import Verdict, inspect_pdf
from tests.report.conftest import GENERATED_AT
from tests.report.pdf_tools import (
    flate_bomb_attachment,
    flip_in_signature,
    flip_in_signed_range,
    pages_copied,
    qpdf_rewrite,
    render_signed,
    swap_attachment,
    tool,
)
from tests.report.sample_snapshot import CONTENT_HASH


@pytest.fixture(scope="module")
def draft() -> bytes:
    return render_signed(draft=True)


@pytest.fixture(scope="module")
def sealed(draft) -> bytes:
    return seal.seal_pdf(draft, at=GENERATED_AT)


def test_a_sealed_report_passes_every_check(sealed):
    result = inspect_pdf(sealed)
    assert result.verdict == Verdict.OK and result.ok
    assert result.readable and result.signed and result.pades
    assert result.intact and result.valid and result.trusted and result.ours
    assert result.whole_file
    assert result.signer_fingerprint == seal.identity()["fingerprint"]
    assert result.signer_subject == "CN=cvm-align report seal, O=cvm-align"
    assert result.signed_at == GENERATED_AT
    assert result.content_present and result.content_readable
    assert result.content_sha256 == result.printed_hash == CONTENT_HASH
    assert result.file_sha256 == hashlib.sha256(sealed).hexdigest()
    assert all(check.passed for check in result.checks())


def test_a_byte_changed_where_the_seal_covers_breaks_it(sealed):
    result = inspect_pdf(flip_in_signed_range(sealed))
    assert result.verdict == Verdict.BROKEN
    assert result.signed and not result.intact


def test_a_byte_changed_in_the_signature_breaks_it(sealed):
    result = inspect_pdf(flip_in_signature(sealed))
    assert result.verdict == Verdict.BROKEN
    assert result.signed and result.intact and not result.valid


def test_an_update_after_the_seal_that_swaps_the_content_is_a_change_after_signing(sealed):
    forged = b'{"organization":{"name":"Someone else"}}'
    changed = swap_attachment(sealed, forged)
    assert changed.startswith(sealed)  # the seal itself is untouched...
    result = inspect_pdf(changed)
    assert result.intact and result.valid and result.ours
    assert not result.whole_file  # ...but it no longer covers the file
    assert result.verdict == Verdict.CHANGED
    assert result.content_sha256 == hashlib.sha256(forged).hexdigest() != result.printed_hash


def test_anything_appended_after_the_seal_is_a_change_after_signing(sealed):
    assert inspect_pdf(sealed + b"\n%edited\n").verdict == Verdict.CHANGED


def test_a_file_written_anew_by_another_program_has_no_valid_seal(sealed):
    tool("qpdf")
    # qpdf keeps the signature but moves every byte it covered; a copy of the
    # pages alone keeps no signature at all.
    assert inspect_pdf(qpdf_rewrite(sealed)).verdict == Verdict.BROKEN
    copied = inspect_pdf(pages_copied(sealed))
    assert copied.verdict == Verdict.NO_SIGNATURE
    assert copied.readable and not copied.signed


def test_a_draft_has_no_signature_but_carries_its_content(draft):
    result = inspect_pdf(draft)
    assert result.verdict == Verdict.NO_SIGNATURE
    assert result.content_sha256 == CONTENT_HASH == result.printed_hash


def test_a_pdf_signed_with_another_certificate_is_told_apart(draft, tmp_path, settings):
    settings.REPORT_SIGNING_P12 = str(
        seal.create_self_signed(tmp_path / "other.p12", organisation="Impostor", passphrase=b"x")
    )
    settings.REPORT_SIGNING_PASSPHRASE = "x"
    other = seal.seal_pdf(draft, at=GENERATED_AT)
    impostor = seal.identity()["fingerprint"]
    settings.REPORT_SIGNING_P12 = ""
    result = inspect_pdf(other)
    assert result.verdict == Verdict.OTHER_CERTIFICATE
    assert result.intact and result.valid and not result.ours and not result.trusted
    assert result.signer_fingerprint == impostor != result.seal_fingerprint
    assert result.signer_subject == "CN=cvm-align report seal, O=Impostor"


def test_a_sealed_pdf_without_the_signed_content_says_so(draft):
    # Sealed here, but carrying no snapshot.json (the pages alone, then sealed).
    result = inspect_pdf(seal.seal_pdf(pages_copied(draft), at=GENERATED_AT))
    assert result.ours and result.whole_file
    assert result.verdict == Verdict.NO_CONTENT
    assert not result.content_present


def test_a_sealed_pdf_whose_content_is_not_what_it_prints_says_so(draft):
    # Another snapshot.json put in before sealing: the seal holds, the content does not.
    other = swap_attachment(draft, b'{"workshop":{}}')
    result = inspect_pdf(seal.seal_pdf(other, at=GENERATED_AT))
    assert result.ours and result.whole_file and result.content_readable
    assert result.verdict == Verdict.CONTENT_MISMATCH
    assert result.printed_hash == CONTENT_HASH != result.content_sha256


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-",
        b"%PDF-1.7\n" + bytes(range(256)) * 12,
        b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF",
        b"%PDF-1.7\n" + b"[" * 100_000,
    ],
    ids=["empty", "header", "noise", "tiny", "deep"],
)
def test_garbage_is_unreadable_or_unsigned_never_an_error(data):
    result = inspect_pdf(data)
    assert result.verdict in (Verdict.UNREADABLE, Verdict.NO_SIGNATURE)
    assert not result.ok


def test_a_flate_bomb_is_not_inflated_past_the_cap(sealed):
    # 64 MB of zeros in 64 KB; and the same deflated twice over, in under 1 KB.
    for layers in (1, 2):
        bomb = flate_bomb_attachment(sealed, 64 * 1024 * 1024, layers=layers)
        assert len(bomb) < len(sealed) + 100_000
        tracemalloc.start()
        try:
            result = inspect_pdf(bomb)
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.verdict == Verdict.CHANGED
        assert result.content_present and not result.content_readable
        assert peak < 2 * verification.MAX_CONTENT_BYTES + 8 * 1024 * 1024


def test_every_verdict_has_a_sentence():
    for verdict in Verdict:
        assert str(verification.VERDICTS[verdict])


def test_it_seals_and_checks_where_an_event_loop_is_running(draft):
    # As in a caller from async code, or a browser test's process: pyHanko's own
    # event loop runs elsewhere instead of failing.
    async def inside_a_loop():
        return inspect_pdf(seal.seal_pdf(draft, at=GENERATED_AT))

    assert asyncio.run(inside_a_loop()).verdict == Verdict.OK
