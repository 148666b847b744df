"""Step 12: the coherence review, its score and the traceability matrix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alignment import coherence, steps
from alignment.access import WorkshopAccess
from alignment.views.steps import step_context


def review_context(access: WorkshopAccess) -> dict:
    data = coherence.load(access.workshop)
    result = coherence.evaluate(data)
    matrix = coherence.traceability(data)
    by_slug = {s.slug: s for s in steps.all_steps()}
    return {
        "review": result,
        "matrix": matrix,
        "matrix_rows": [(bet, matrix.row(bet)) for bet in matrix.bets],
        "blockers": [(f, by_slug.get(f.step)) for f in result.blockers],
        "warnings": [(f, by_slug.get(f.step)) for f in result.warnings],
        "svg": _matrix_figure(matrix),
    }


def _matrix_figure(matrix: coherence.Matrix) -> dict:
    """Geometry for the SVG figure: one dot per traced cell, columns grouped by kind."""
    cell, left, top = 22, 28, 28
    width = left + max(len(matrix.columns), 1) * cell + 8
    height = top + max(len(matrix.bets), 1) * cell + 8
    dots = []
    for r, bet in enumerate(matrix.bets):
        for c, (kind, item) in enumerate(matrix.columns):
            dots.append(
                {
                    "x": left + c * cell + cell // 2,
                    "y": top + r * cell + cell // 2,
                    "kind": kind,
                    "on": (bet.pk, item.pk) in matrix.cells,
                }
            )
    headers = [
        {"x": left + c * cell + cell // 2, "kind": kind, "label": f"{kind[0].upper()}{c + 1}"}
        for c, (kind, _item) in enumerate(matrix.columns)
    ]
    rows = [
        {"y": top + r * cell + cell // 2, "label": f"B{r + 1}"} for r in range(len(matrix.bets))
    ]
    return {"width": width, "height": height, "dots": dots, "headers": headers, "rows": rows}


def review_step(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse:
    context = step_context(request, access, step)
    context.update(review_context(access))
    return render(request, "alignment/step_review.html", context)
