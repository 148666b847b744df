"""The report's figures: bars, the traceability matrix as tables that fit a page,
and the traceability figure's geometry. Plain values from the snapshot's views
in, plain values out: the templates draw them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Past this many columns a matrix table no longer fits an A4 page legibly: it is
# split into several tables with the same rows.
MATRIX_COLUMNS_PER_TABLE = 22
# The traceability figure gets at most this much height (in its own units, 480
# to the 170 mm text width: about 200 mm) and rows no tighter than this. When a
# column has more nodes than that allows, the figure would be a hairball and is
# left out: the matrix tables carry the same information.
FIGURE_HEIGHT = 570.0
FIGURE_MIN_ROW = 13.0


def bar(fraction) -> str:
    # A CSS width: a plain string, so the Italian decimal comma never reaches the CSS.
    try:
        share = min(max(float(fraction), 0.0), 1.0)
    except (TypeError, ValueError):
        share = 0.0
    return f"{share * 100:.1f}%"


def matrix_view(bets, kpis, high_mots, agreements) -> dict:
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


def figure_view(bets, kpis, high_mots, agreements) -> dict | None:
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
