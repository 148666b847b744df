"""The signed alignment report: HTML from the frozen snapshot, then a PDF by WeasyPrint.

`render_report_pdf` is the whole of it: the context (`context`), the templates,
WeasyPrint with the safe fetcher (`fetcher`), and the seal (`seal`). Nothing here
reads the database, so the PDF shows exactly the content the leaders signed.

The PDF is PDF/A-3b and tagged, and carries the signed content itself: the
canonical JSON of the snapshot, embedded as the associated file `snapshot.json`
(relationship /Data), whose SHA-256 is the content hash printed on it. A signed
report is then sealed (PAdES, `seal.seal_pdf`); a draft is not.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from alignment.domain.snapshot import canonical_json
from alignment.models import Status
from alignment.report import seal
from alignment.report.context import certificate_context, report_context
from alignment.report.fetcher import BASE_URL, SafeURLFetcher

ATTACHMENT_NAME = "snapshot.json"
ATTACHMENT_DESCRIPTION = (
    "The signed content of this report: the canonical JSON whose SHA-256 is its content hash"
)


def render_report_html(
    snapshot: dict,
    *,
    signatures: list[dict],
    content_hash: str,
    generated_at,
    certificate: dict | None = None,
    draft: bool = False,
    sealed_by: dict | None = None,
) -> str:
    """The report as HTML, in the workshop's language, ready for WeasyPrint.

    `certificate` is the completion certificate (`Report.certificate`), printed
    as the last page; `draft` watermarks every page as not signed; `sealed_by`
    names the certificate the PDF is sealed with (fingerprint, subject)."""
    language = snapshot["workshop"].get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = report_context(snapshot, signatures, content_hash, generated_at)
        context.update(certificate_context(certificate, sealed_by=sealed_by), draft=draft)
        return render_to_string("report/report.html", context)


def render_report_pdf(
    snapshot: dict,
    *,
    signatures: list[dict],
    content_hash: str,
    generated_at,
    certificate: dict | None = None,
    draft: bool = False,
) -> bytes:
    """The report as PDF bytes; fetches nothing but the app's own static files.

    `snapshot` is the content as signed (`Report.snapshot`): the PDF embeds its
    canonical JSON verbatim, and shows the workshop as signed unless `draft`.
    A signed report is sealed with this instance's certificate; a draft (read
    before signing) is the same PDF/A file without the seal.

    The same arguments give the same bytes, however often and wherever it runs:
    the font subsets, the attachment and the seal carry `generated_at`, not the
    time of the render (but see `seal.seal_pdf` about a time-stamp server)."""
    shown = snapshot
    sealed_by = None
    if not draft:
        shown = {**snapshot, "workshop": {**snapshot["workshop"], "status": Status.SIGNED}}
        sealed_by = seal.identity()
    with cyclic_gc_paused():
        html = render_report_html(
            shown,
            signatures=signatures,
            content_hash=content_hash,
            generated_at=generated_at,
            certificate=certificate,
            draft=draft,
            sealed_by=sealed_by,
        )
        with font_timestamps(generated_at):
            pdf = _write_pdf_a(html, canonical_json(snapshot).encode("utf-8"), generated_at)
        if draft:
            return pdf
        return seal.seal_pdf(pdf, at=generated_at)


def _write_pdf_a(html: str, content: bytes, moment: datetime) -> bytes:
    """WeasyPrint's PDF/A-3b, tagged, with `content` as the associated file."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
    # An attachment is read once, by the render it is given to: a new one each time.
    # Its dates are the report's, so that the bytes do not change with the clock.
    moment = moment.astimezone(UTC)
    attachment = Attachment(
        string=content,
        url_fetcher=SafeURLFetcher(),
        name=ATTACHMENT_NAME,
        description=ATTACHMENT_DESCRIPTION,
        created=moment,
        modified=moment,
        relationship="Data",
    )
    return document.write_pdf(
        font_config=_font_config(),
        pdf_variant="pdf/a-3b",
        pdf_tags=True,
        attachments=[attachment],
        finisher=_serialise_once,
    )


class _Serialised(pydyf.Object):
    """A PDF object in its final bytes, standing in for the object it was made from."""

    def __init__(self, made_from: pydyf.Object):
        super().__init__()
        self.number = made_from.number
        self.generation = made_from.generation
        self._data = made_from.data
        self._compressible = made_from.compressible

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return self._compressible


def _serialise_once(document, pdf: pydyf.PDF) -> None:
    """Each object of the PDF turned into bytes once, not twice.

    PDF/A wants a file identifier, and pydyf makes it by hashing every object's
    bytes, then makes those bytes again to write them: every stream (pages, fonts)
    compressed twice at zlib's level 9, and every one of the thousands of
    structure elements the tags add serialised twice. WeasyPrint calls this right
    before pydyf writes the file; the bytes are the same, 2-3% of the render
    sooner."""
    for index, made in enumerate(pdf.objects):
        if made.free != "f":
            pdf.objects[index] = _Serialised(made)


def render_with(html: str) -> bytes:
    """WeasyPrint alone, with the safe fetcher: HTML in, PDF bytes out."""
    with cyclic_gc_paused():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
        return document.write_pdf(font_config=_font_config())


_epoch_lock = threading.Lock()


@contextmanager
def font_timestamps(moment: datetime):
    """Font subsets stamped with `moment` while a PDF renders, and the process
    environment left as it was found.

    fontTools stamps every subset with the current time unless SOURCE_DATE_EPOCH
    is set, and it reads only the environment. So the variable is set for the
    render and put back after (removed, if it was not set before). The
    environment is the whole process's: renders that pin it take turns."""
    with _epoch_lock:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off while a report renders, back as it was after.

    WeasyPrint allocates millions of short-lived objects for a report, and each
    allocation burst makes the collector walk every object the process holds
    (Django, fonts, ...: about half a million in a worker). Those walks were a
    third of the render time and find nothing alive to free: the render's own
    cycles (its boxes, about 170,000 objects, a few MB) become garbage only when
    the PDF is done, and the collector takes them at its next run once enabled
    again. Reference counting goes on freeing everything else meanwhile.

    The collector is process-wide: renders in several threads share one pause,
    and the state from before the first is restored when the last one ends.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept from one report to the next:
    WeasyPrint registers each @font-face once per configuration and keeps its line
    metrics, which saves about a tenth of every render after the first."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config
