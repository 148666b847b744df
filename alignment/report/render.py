"""The signed alignment report: HTML from the frozen snapshot, then a PDF by WeasyPrint.

`render_report_pdf` is the whole of it: the context (`context`), the templates,
and WeasyPrint with the safe fetcher (`fetcher`). Nothing here reads the
database, so the PDF shows exactly the content the leaders signed.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from alignment.report.context import certificate_context, report_context
from alignment.report.fetcher import BASE_URL, SafeURLFetcher


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
        context.update(
            certificate_context(certificate, sealed_by=sealed_by), draft=draft
        )
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

    The same arguments give the same bytes, however often and wherever it runs:
    the font subsets carry `generated_at`, not the time of the render."""
    with cyclic_gc_paused():
        html = render_report_html(
            snapshot,
            signatures=signatures,
            content_hash=content_hash,
            generated_at=generated_at,
            certificate=certificate,
            draft=draft,
        )
        with font_timestamps(generated_at):
            return render_with(html)


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
