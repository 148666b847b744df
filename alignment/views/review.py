"""Step 12: the coherence review, its score and the traceability matrix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alignment import agenda
from alignment.access import WorkshopAccess
from alignment.domain import coherence
from alignment.domain.visibility import hidden_answers
from alignment.realtime import pagecache
from alignment.services.errors import message_for
from alignment.views.base import step_context

# The column headers' labels, by the kinds coherence.traceability() gives the columns.
KIND_LABELS = {
    "kpi": gettext_lazy("KPI"),
    "mot": gettext_lazy("MoT"),
    "agreement": gettext_lazy("Handshake"),
}


def review_context(access: WorkshopAccess) -> dict:
    data = coherence.load(access.workshop)
    result = coherence.evaluate(data)
    matrix = coherence.traceability(data)
    marks = [matrix.row(bet) for bet in matrix.bets]
    by_slug = {s.slug: s for s in agenda.all_steps()}
    hidden = hidden_answers(access.workshop)
    return {
        "review": result,
        # Not a rule of the review (it scores what the team sees), but it stands
        # between the team and sign-off just the same.
        "hidden_answers": message_for("hidden_answers", steps=hidden.steps_text) if hidden else "",
        "matrix": _matrix_table(matrix, marks),
        "blockers": [(f, by_slug.get(f.step)) for f in result.blockers],
        "warnings": [(f, by_slug.get(f.step)) for f in result.warnings],
        "svg": _matrix_figure(matrix, marks),
    }


# A large workshop's matrix has ten thousand cells, drawn twice (table and figure).
# A template spends 10 to 20 µs on each (a loop turn, its tags and variables): a
# third of a second for the page. So the cells and dots, which hold no user text,
# are joined here from markup built once; the template loops over rows and columns.


def _matrix_table(matrix: coherence.Matrix, marks: list[list[bool]]) -> dict:
    traced = format_html(
        '<td class="matrix__cell"><span aria-hidden="true">●</span>'
        '<span class="visually-hidden">{}</span></td>',
        _("traced"),
    )
    # An untraced cell stays empty (screen readers say "blank" under its headers):
    # a large workshop has ten thousand of them.
    untraced = mark_safe("<td></td>")
    labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
    return {
        "shown": bool(matrix.bets and matrix.columns),
        "columns": [
            {"kind": kind, "kind_label": labels[kind], "title": item.title}
            for kind, item in matrix.columns
        ],
        "rows": [
            {
                "key": f"B{number}",
                "title": bet.title,
                "cells": _join(traced if on else untraced for on in row),
            }
            for number, (bet, row) in enumerate(zip(matrix.bets, marks, strict=True), start=1)
        ],
    }


def _matrix_figure(matrix: coherence.Matrix, marks: list[list[bool]]) -> dict:
    """Geometry for the SVG figure: a small grey dot for every cell (one pattern
    for the whole grid) and a large coloured one per traced cell, columns grouped
    by kind. Drawn cell by cell, a large workshop's figure would weigh a megabyte."""
    cell, left, top = 22, 28, 28
    width = left + max(len(matrix.columns), 1) * cell + 8
    height = top + max(len(matrix.bets), 1) * cell + 8
    xs = [left + c * cell + cell // 2 for c in range(len(matrix.columns))]
    ys = [top + r * cell + cell // 2 for r in range(len(matrix.bets))]
    # Only numbers and the fixed kinds go into this markup: nothing to escape.
    dots = [
        f'<circle cx="{x}" cy="{y}" r="7" '
        f'class="matrix-figure__dot matrix-figure__dot--{kind} is-on"></circle>'
        for row, y in zip(marks, ys, strict=True)
        for (kind, _item), x, on in zip(matrix.columns, xs, row, strict=True)
        if on
    ]
    headers = [
        {"x": x, "label": f"{kind[0].upper()}{c + 1}"}
        for c, (x, (kind, _item)) in enumerate(zip(xs, matrix.columns, strict=True))
    ]
    rows = [{"label_y": y + 4, "label": f"B{r + 1}"} for r, y in enumerate(ys)]
    return {
        "width": width,
        "height": height,
        "grid": {
            "x": left,
            "y": top,
            "cell": cell,
            "middle": cell // 2,
            "width": len(matrix.columns) * cell,
            "height": len(matrix.bets) * cell,
        },
        "dots": _join(dots),
        "headers": headers,
        "rows": rows,
    }


def _join(markup) -> SafeString:
    # Safe: the parts are the escaped cells and the numeric dots built above.
    return mark_safe("".join(markup))


def review_html(access: WorkshopAccess, *, oob: bool = False) -> SafeString:
    """The review (score, findings, matrix): the same for everyone who looks at
    this state of the workshop, so rendered once and shared."""

    def render_review() -> SafeString:
        context = {"workshop": access.workshop, "oob": oob, **review_context(access)}
        return mark_safe(render_to_string("alignment/step_review.html#review", context))

    return pagecache.shared(access.workshop, f"review-html-{oob}", render_review)


def review_live_context(access: WorkshopAccess) -> dict:
    """What the live pages swap on the review step when anything changed."""
    return {"review_html": review_html(access, oob=True)}


def review_step(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse:
    context = step_context(request, access, step)
    context["review_html"] = review_html(access)
    return render(request, "alignment/step_review.html", context)
