"""The signed alignment report: HTML from the frozen snapshot, then a PDF by WeasyPrint.

Everything here works on the snapshot dict (format "cvm-align/1") and never on
database rows, so the PDF shows exactly the content the leaders signed.

WeasyPrint is handed `SafeURLFetcher`: it serves the app's own static files
through the `cvmstatic:` scheme and small `data:` URLs, and refuses everything
else. User text is auto-escaped by the templates, so it cannot add a tag or a
`url()` in the first place; the fetcher makes sure that even if it ever did, the
server would fetch or read nothing.
"""

from __future__ import annotations

import base64
import binascii
import gc
import logging
import os
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, unquote_to_bytes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from alignment.models import HIGH_PRIORITY, Direction, Status, WorkshopRole
from handshakes.models import Impact

logger = logging.getLogger(__name__)

# Stylesheets, fonts and images of the report are addressed as
# `cvmstatic:css/report.css`. A scheme of our own (rather than /static/ or
# http://) means no URL can ever be mistaken for one the network could answer.
STATIC_SCHEME = "cvmstatic"
BASE_URL = f"{STATIC_SCHEME}:"
DATA_URL_LIMIT = 64 * 1024
STATIC_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}

# Past this many columns a matrix table no longer fits an A4 page legibly: it is
# split into several tables with the same rows.
MATRIX_COLUMNS_PER_TABLE = 22
# The traceability figure gets at most this much height (in its own units, 480
# to the 170 mm text width: about 200 mm) and rows no tighter than this. When a
# column has more nodes than that allows, the figure would be a hairball and is
# left out: the matrix tables carry the same information.
FIGURE_HEIGHT = 570.0
FIGURE_MIN_ROW = 13.0


class ResourceRefused(ValueError):
    """The report asked for something outside the app's own static files."""


# Fetching


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None, **kwargs) -> URLFetcherResponse:
    """Answer WeasyPrint's resource requests from the app's static files only.

    - `cvmstatic:<path>`: a file found by the staticfiles finders (or in
      STATIC_ROOT after collectstatic), with a known type; no `..`, no
      backslashes, no absolute paths.
    - `data:`: decoded in memory, at most DATA_URL_LIMIT bytes.
    - anything else (http, https, file, ftp, a relative path, ...): refused.

    Refusals raise `ResourceRefused`; WeasyPrint logs them and leaves the
    resource out. `timeout` and `ssl_context` are accepted for WeasyPrint's
    signature and unused: nothing here touches the network.
    """
    scheme, colon, _rest = url.partition(":")
    scheme = scheme.strip().lower() if colon else ""
    if scheme == STATIC_SCHEME:
        return _static_response(url)
    if scheme == "data":
        return _data_response(url)
    raise ResourceRefused(f"the report fetches only its own static files, not {url[:80]!r}")


class SafeURLFetcher(URLFetcher):
    """`safe_url_fetcher` in the class form WeasyPrint 70 requires.

    The base class is built with no allowed protocol and no redirects, so even
    its own network code would refuse if it were ever reached.
    """

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        try:
            return safe_url_fetcher(url)
        except ResourceRefused as refusal:
            logger.warning("Report resource refused: %s", refusal)
            raise


def _static_response(url: str) -> URLFetcherResponse:
    path = url.split(":", 1)[1].split("?", 1)[0].split("#", 1)[0]
    path = unquote(path).lstrip("/")
    parts = PurePosixPath(path).parts
    if (
        not parts
        or "\\" in path
        or "\x00" in path
        or ".." in parts
        or Path(path).suffix.lower() not in STATIC_TYPES
    ):
        raise ResourceRefused(f"not a static file of the app: {url[:80]!r}")
    found = _find_static(path)
    if found is None:
        raise ResourceRefused(f"no such static file: {path!r}")
    return URLFetcherResponse(
        url, found.read_bytes(), {"Content-Type": STATIC_TYPES[found.suffix.lower()]}
    )


def _find_static(path: str) -> Path | None:
    # Resolved and checked against the folder it was found in, so a symlink
    # inside the static files cannot lead out of them.
    found = finders.find(path)
    if found:
        root = Path(found).parents[len(PurePosixPath(path).parts) - 1].resolve()
        candidate = Path(found).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
        return None
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _data_response(url: str) -> URLFetcherResponse:
    if len(url) > DATA_URL_LIMIT * 2:
        raise ResourceRefused("data: URL over the size limit")
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise ResourceRefused("malformed data: URL")
    media_type = header.split(";", 1)[0].strip() or "text/plain"
    try:
        if header.endswith(";base64"):
            body = base64.b64decode(unquote_to_bytes(payload), validate=True)
        else:
            body = unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as error:
        raise ResourceRefused("malformed data: URL") from error
    if len(body) > DATA_URL_LIMIT:
        raise ResourceRefused("data: URL over the size limit")
    return URLFetcherResponse(url, body, {"Content-Type": media_type})


# Rendering


def render_report_html(
    snapshot: dict, *, signatures: list[dict], content_hash: str, generated_at
) -> str:
    """The report as HTML, in the workshop's language, ready for WeasyPrint."""
    language = snapshot["workshop"].get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = _report_context(snapshot, signatures, content_hash, generated_at)
        return render_to_string("report/report.html", context)


def render_report_pdf(
    snapshot: dict, *, signatures: list[dict], content_hash: str, generated_at
) -> bytes:
    """The report as PDF bytes; fetches nothing but the app's own static files.

    The same arguments give the same bytes, however often and wherever it runs:
    the font subsets carry `generated_at`, not the time of the render."""
    with cyclic_gc_paused():
        html = render_report_html(
            snapshot, signatures=signatures, content_hash=content_hash, generated_at=generated_at
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


# The view of the snapshot the templates render. Only plain values and lists:
# every user string stays a str, so the templates auto-escape it.

SECTIONS = (
    ("summary", _("Executive summary")),
    ("aspects", _("The six alignment aspects")),
    ("bets", _("Strategic bets")),
    ("matrix", _("Traceability matrix")),
    ("kpis", _("CVM KPIs")),
    ("mots", _("Moments of Truth")),
    ("collaboration", _("Collaboration setup")),
    ("changes", _("Changes since last quarter")),
    ("coherence", _("Coherence review")),
    ("signoff", _("Sign-off")),
)


def _report_context(snapshot: dict, signatures, content_hash: str, generated_at) -> dict:
    aspects = snapshot.get("aspects") or {}
    personas = aspects.get("personas") or []
    needs = aspects.get("needs") or []
    alternatives = aspects.get("alternatives") or []
    strategies = aspects.get("strategies") or []
    objectives = aspects.get("objectives") or []
    initiatives = aspects.get("initiatives") or []
    bets = snapshot.get("bets") or []
    kpis = [_kpi_view(kpi) for kpi in snapshot.get("kpis") or []]
    mots = [_mot_view(mot) for mot in snapshot.get("mots") or []]
    agreements = [_agreement_view(agreement) for agreement in snapshot.get("agreements") or []]
    high_mots = [mot for mot in mots if mot["high"]]

    titles = {
        item["key"]: item["title"]
        for group in (personas, needs, alternatives, strategies, objectives, initiatives, bets)
        for item in group
    }
    titles.update({item["key"]: item["title"] for item in (*kpis, *mots, *agreements)})
    for mot in mots:
        mot["persona_title"] = titles.get(mot["persona"] or "", "")

    signers = [_signature_view(signature) for signature in signatures]
    generated = _as_datetime(generated_at) or timezone.now()
    signed_on = max((s["signed_at"] for s in signers if s["signed_at"]), default=None)
    content_hash = (content_hash or "").strip()
    coherence = _coherence_view(snapshot.get("coherence") or {})

    return {
        "organization": snapshot.get("organization") or {},
        "workshop": snapshot.get("workshop") or {},
        "status_label": _label(Status, (snapshot.get("workshop") or {}).get("status", "")),
        "flavor": _flavor_view(snapshot.get("flavor")),
        "sections": [{"id": key, "title": title} for key, title in SECTIONS],
        "customer": _customer_view(personas, needs, alternatives),
        "business": _business_view(strategies, objectives, initiatives),
        "bets": [_bet_view(bet, titles, kpis, mots, agreements) for bet in bets],
        "matrix": _matrix_view(bets, kpis, high_mots, agreements),
        "figure": _figure_view(bets, kpis, high_mots, agreements),
        "kpis": kpis,
        "mots": sorted(mots, key=lambda mot: -mot["priority"]),
        "agreements": agreements,
        "high_threshold": HIGH_PRIORITY,
        "counts": {
            "bets": len(bets),
            "kpis": len(kpis),
            "high_mots": len(high_mots),
            "high_mots_traced": sum(1 for mot in high_mots if mot["bets"]),
            "agreements": len(agreements),
            "agreed": sum(1 for a in agreements if a["status"] == "agreed"),
            "at_risk": sum(1 for a in agreements if a["status"] == "at_risk"),
            "proposed": sum(1 for a in agreements if a["status"] == "proposed"),
            "kpis_traced": sum(1 for kpi in kpis if kpi["bets"]),
        },
        "coherence": coherence,
        "changes": _changes_view(snapshot.get("changes")),
        "signers": signers,
        "signed_on": signed_on,
        "generated_at": generated,
        "content_hash": content_hash,
        "hash_lines": [content_hash[i : i + 32] for i in range(0, len(content_hash), 32)],
        "hash_short": content_hash[:12],
    }


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number_format(*values: Decimal | None) -> str:
    """A floatformat argument shared by the numbers of one row, grouped by locale.

    Whole numbers print without decimals (212,000 households); otherwise every
    number of the row keeps the snapshot's decimals, so 1.00 -> 0.80 does not
    read as 1 -> 0.80.
    """
    present = [value for value in values if value is not None]
    if all(value == value.to_integral_value() for value in present):
        return "0g"
    places = max(-min(value.as_tuple().exponent, 0) for value in present)
    return f"{places}g"


def _percent(value) -> int:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return 0


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _bar(fraction) -> str:
    # A CSS width: a plain string, so the Italian decimal comma never reaches the CSS.
    try:
        share = min(max(float(fraction), 0.0), 1.0)
    except (TypeError, ValueError):
        share = 0.0
    return f"{share * 100:.1f}%"


def _flavor_view(flavor: dict | None) -> dict | None:
    if not flavor:
        return None
    names = {
        "product_centric": _("Product-centric"),
        "coordinated": _("Coordinated"),
        "segment_centric": _("Segment-centric"),
    }
    scores = flavor.get("scores") or {}
    return {
        "name": flavor.get("name", ""),
        "headline": flavor.get("headline") or flavor.get("name", ""),
        "confidence": _percent(flavor.get("confidence")),
        "scores": [
            {
                "code": code,
                "name": names.get(code, code),
                "percent": _percent(score),
                "bar": _bar(score),
                "chosen": code == flavor.get("code"),
            }
            for code, score in scores.items()
        ],
        "activities": flavor.get("activities") or [],
        "challenges": flavor.get("challenges") or [],
    }


def _customer_view(personas, needs, alternatives) -> dict:
    persona_keys = {p["key"] for p in personas}
    need_keys = {n["key"] for n in needs}
    alternatives_by_need = defaultdict(list)
    for alternative in alternatives:
        alternatives_by_need[alternative.get("need")].append(alternative)
    needs_by_persona = defaultdict(list)
    for need in needs:
        needs_by_persona[need.get("persona")].append(
            {**need, "alternatives": alternatives_by_need.get(need["key"], [])}
        )
    return {
        "personas": [
            {
                **persona,
                "share": _decimal(persona.get("share_of_base")),
                "bar": _bar((_decimal(persona.get("share_of_base")) or 0) / 100),
                "needs": needs_by_persona.get(persona["key"], []),
            }
            for persona in personas
        ],
        "loose_needs": [
            need
            for persona, group in needs_by_persona.items()
            if persona not in persona_keys
            for need in group
        ],
        "loose_alternatives": [
            alternative
            for need, group in alternatives_by_need.items()
            if need not in need_keys
            for alternative in group
        ],
        "answered": bool(personas or needs or alternatives),
    }


def _business_view(strategies, objectives, initiatives) -> dict:
    strategy_keys = {s["key"] for s in strategies}
    objective_keys = {o["key"] for o in objectives}
    initiatives_by_objective = defaultdict(list)
    for initiative in initiatives:
        initiatives_by_objective[initiative.get("objective")].append(initiative)
    objectives_by_strategy = defaultdict(list)
    for objective in objectives:
        objectives_by_strategy[objective.get("strategy")].append(
            {**objective, "initiatives": initiatives_by_objective.get(objective["key"], [])}
        )
    return {
        "strategies": [
            {**strategy, "objectives": objectives_by_strategy.get(strategy["key"], [])}
            for strategy in strategies
        ],
        "loose_objectives": [
            objective
            for strategy, group in objectives_by_strategy.items()
            if strategy not in strategy_keys
            for objective in group
        ],
        "loose_initiatives": [
            initiative
            for objective, group in initiatives_by_objective.items()
            if objective not in objective_keys
            for initiative in group
        ],
        "answered": bool(strategies or objectives or initiatives),
    }


def _kpi_view(kpi: dict) -> dict:
    direction = kpi.get("direction", "")
    baseline, target = _decimal(kpi.get("baseline")), _decimal(kpi.get("target"))
    return {
        **kpi,
        "baseline_value": baseline,
        "target_value": target,
        "number_format": _number_format(baseline, target),
        "direction_label": _label(Direction, direction),
        "direction_arrow": {"up": "\u2191", "down": "\u2193"}.get(direction, ""),
        "bets": kpi.get("bets") or [],
    }


def _mot_view(mot: dict) -> dict:
    return {
        **mot,
        "priority": int(mot.get("priority") or 0),
        "high": bool(mot.get("high")),
        "bets": mot.get("bets") or [],
        "kpis": mot.get("kpis") or [],
    }


def _agreement_view(agreement: dict) -> dict:
    # 0-5; the report draws it with the image of that many filled squares.
    quality = min(max(int(agreement.get("quality") or 0), 0), 5)
    return {
        **agreement,
        # An agreement is usually named after its functional area; older or
        # hand-made snapshots may carry no title of their own.
        "title": agreement.get("title") or agreement.get("area_name") or agreement.get("area", ""),
        "impact_label": _label(Impact, agreement.get("impact", "")),
        "quality_level": quality,
        "bets": agreement.get("bets") or [],
        "covers": agreement.get("covers") or [],
    }


def _bet_view(bet: dict, titles: dict, kpis, mots, agreements) -> dict:
    def linked(keys):
        return [{"key": key, "title": titles.get(key, "")} for key in keys or []]

    key = bet["key"]
    return {
        **bet,
        # A bet must name a persona, a need and an objective; the rest is optional.
        "links": [
            {"label": _("Personas"), "items": linked(bet.get("personas")), "required": True},
            {"label": _("Needs"), "items": linked(bet.get("needs")), "required": True},
            {"label": _("Alternatives"), "items": linked(bet.get("alternatives"))},
            {"label": _("Objectives"), "items": linked(bet.get("objectives")), "required": True},
            {"label": _("Initiatives"), "items": linked(bet.get("initiatives"))},
        ],
        "kpis": [kpi for kpi in kpis if key in kpi["bets"]],
        "mots": sorted((mot for mot in mots if key in mot["bets"]), key=lambda m: -m["priority"]),
        "agreements": [agreement for agreement in agreements if key in agreement["bets"]],
    }


def _matrix_view(bets, kpis, high_mots, agreements) -> dict:
    groups = (
        ("kpis", _("CVM KPIs"), kpis),
        ("mots", _("High-priority MoTs"), high_mots),
        ("agreements", _("Agreements"), agreements),
    )
    columns = [
        {"group": group, "key": item["key"], "title": item["title"], "bets": set(item["bets"])}
        for group, _label_, items in groups
        for item in items
    ]
    for column in columns:
        column["untraced"] = not column["bets"]
    labels = {group: label for group, label, _items in groups}
    # Split evenly (25 columns make 13 + 12, not 22 + 3).
    count = -(-len(columns) // MATRIX_COLUMNS_PER_TABLE)
    per_table = -(-len(columns) // count) if count else 0
    tables = []
    for start in range(0, len(columns), per_table or 1):
        chunk = columns[start : start + per_table]
        spans = []
        for column in chunk:
            if spans and spans[-1]["group"] == column["group"]:
                spans[-1]["span"] += 1
            else:
                spans.append(
                    {"group": column["group"], "label": labels[column["group"]], "span": 1}
                )
        rows = [
            {
                "key": bet["key"],
                "title": bet["title"],
                "cells": [
                    {"group": c["group"], "key": c["key"], "linked": bet["key"] in c["bets"]}
                    for c in chunk
                ],
            }
            for bet in bets
        ]
        tables.append({"spans": spans, "columns": chunk, "rows": rows})
    return {
        "tables": tables if bets and columns else [],
        "legend": [
            {"label": label, "items": [c for c in columns if c["group"] == group]}
            for group, label, _items in groups
        ],
    }


def _figure_view(bets, kpis, high_mots, agreements) -> dict | None:
    """Coordinates for the traceability figure: KPIs | bets | MoTs and agreements.

    All numbers leave as strings: Django would localise floats, and an Italian
    decimal comma inside an SVG attribute breaks the drawing.
    """
    right = [("mots", mot) for mot in high_mots] + [("agreements", a) for a in agreements]
    gap = 1 if high_mots and agreements else 0
    tallest = max(len(kpis), len(right) + gap, 2 * len(bets))
    if not bets:
        return None
    row = min(19.0, FIGURE_HEIGHT / tallest)
    if row < FIGURE_MIN_ROW:
        return None
    top, width = 26.0, 480.0
    height = top + tallest * row + 4
    kpi_x, bet_left, bet_right, right_x = 124.0, 160.0, 292.0, 328.0
    bet_height = 24.0

    def fmt(number: float) -> str:
        return f"{number:.1f}"

    def centred(count: int, gap_after: int | None = None) -> list[float]:
        # A column of `count` nodes, one row apart, centred against the tallest.
        block = (count + (1 if gap_after is not None else 0)) * row
        start = top + (tallest * row - block) / 2 + row / 2
        return [
            start + (i + (1 if gap_after is not None and i >= gap_after else 0)) * row
            for i in range(count)
        ]

    # Bets are few and carry two lines of text: spread them over the full height.
    bet_step = tallest * row / len(bets)
    bet_y = {bet["key"]: top + bet_step * (i + 0.5) for i, bet in enumerate(bets)}
    edges = []

    def place(group, items_with_y, x, side):
        # About 3.2 units per character at 6pt: what fits beside each column.
        limit = 34 if side == "left" else 42
        nodes = []
        for item, y in items_with_y:
            nodes.append(
                {
                    "group": group,
                    "key": item["key"],
                    "label": _shorten(item["title"], limit),
                    "x": fmt(x),
                    "y": fmt(y),
                    "text_y": fmt(y + 2.2),
                    "untraced": not item["bets"],
                }
            )
            end_x = x - 4.5 if side == "right" else x + 4.5
            from_x = bet_right if side == "right" else bet_left
            for key in item["bets"]:
                if key in bet_y:
                    middle = (end_x + from_x) / 2
                    edges.append(
                        {
                            "group": group,
                            "d": (
                                f"M{fmt(from_x)},{fmt(bet_y[key])} "
                                f"C{fmt(middle)},{fmt(bet_y[key])} {fmt(middle)},{fmt(y)} "
                                f"{fmt(end_x)},{fmt(y)}"
                            ),
                        }
                    )
        return nodes

    left_nodes = place("kpis", zip(kpis, centred(len(kpis)), strict=True), kpi_x, "left")
    right_ys = centred(len(right), gap_after=len(high_mots) if gap else None)
    right_nodes = []
    for (group, item), y in zip(right, right_ys, strict=True):
        right_nodes += place(group, [(item, y)], right_x, "right")
    return {
        "width": fmt(width),
        "height": fmt(height),
        "header_y": fmt(12),
        "kpi_x": fmt(kpi_x),
        "bet_left": fmt(bet_left),
        "bet_width": fmt(bet_right - bet_left),
        "bet_height": fmt(bet_height),
        "bet_center": fmt((bet_left + bet_right) / 2),
        "right_x": fmt(right_x),
        "left_nodes": left_nodes,
        "right_nodes": right_nodes,
        "bets": [
            {
                "key": bet["key"],
                "lines": _label_lines(bet["title"], bet_y[bet["key"]], fmt),
                "top": fmt(bet_y[bet["key"]] - bet_height / 2),
                "key_y": fmt(bet_y[bet["key"]] + 2.2),
            }
            for bet in bets
        ],
        "edges": edges,
    }


def _label_lines(title: str, middle: float, fmt) -> list[dict]:
    """One or two lines of a bet's title, vertically centred on `middle`."""
    lines = _wrap(title, 32, 2)
    first = middle + 2.0 - 3.8 * (len(lines) - 1)
    return [{"text": line, "y": fmt(first + 7.6 * n)} for n, line in enumerate(lines)]


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Split a title into at most `lines` lines of about `width` characters."""
    words = " ".join((text or "").split()).split(" ")
    result = [""]
    for word in words:
        candidate = f"{result[-1]} {word}".strip()
        if len(candidate) <= width or not result[-1]:
            result[-1] = candidate
        elif len(result) < lines:
            result.append(word)
        else:
            result[-1] = _shorten(f"{result[-1]} {word}", width)
            break
    return [_shorten(line, width) for line in result]


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _coherence_view(coherence: dict) -> dict:
    findings = coherence.get("findings") or []
    override = coherence.get("override")
    return {
        "percent": _percent(coherence.get("score")),
        "rules_met": coherence.get("rules_met", 0),
        "rules_total": coherence.get("rules_total", 0),
        "blockers": [f for f in findings if f.get("severity") == "blocker"],
        "warnings": [f for f in findings if f.get("severity") != "blocker"],
        "override": ({**override, "at": _as_datetime(override.get("at"))} if override else None),
    }


def _changes_view(changes: dict | None) -> dict | None:
    if not changes:
        return None
    return {
        "previous_quarter": changes.get("previous_quarter", ""),
        "flavor": changes.get("flavor"),
        "steps": [
            step
            for step in changes.get("steps") or []
            if step.get("added") or step.get("removed") or step.get("changed")
        ],
        "kpi_targets": [_target_change_view(c) for c in changes.get("kpi_targets") or []],
    }


def _target_change_view(change: dict) -> dict:
    before, after = _decimal(change.get("from")), _decimal(change.get("to"))
    return {
        **change,
        "from_value": before,
        "to_value": after,
        "number_format": _number_format(before, after),
    }


def _signature_view(signature: dict) -> dict:
    return {
        "name": signature.get("name", ""),
        "role": _label(WorkshopRole, signature.get("role", "")),
        "title": signature.get("title", ""),
        "signed_at": _as_datetime(signature.get("signed_at")),
    }
