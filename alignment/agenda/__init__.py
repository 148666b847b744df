"""The agenda: the workshop's steps in order, and the kinds of item they collect.

`registry` holds the `Step` type and the ordered registry; `kinds` describes a
kind of item once; `steps` registers the thirteen steps of the workshop. Import
the agenda from here: doing so registers the steps.
"""

from __future__ import annotations

from alignment.agenda import steps as _steps  # noqa: F401  (registers the steps)
from alignment.agenda.kinds import MAX_ITEMS_PER_KIND, Kind
from alignment.agenda.registry import (
    Step,
    all_steps,
    count_items,
    first_step,
    get_step,
    item_kinds,
    item_steps,
    neighbours,
    progress,
    register,
    step_for_model,
    steps_of,
)

__all__ = [
    "MAX_ITEMS_PER_KIND",
    "Kind",
    "Step",
    "all_steps",
    "count_items",
    "first_step",
    "get_step",
    "item_steps",
    "item_kinds",
    "neighbours",
    "steps_of",
    "progress",
    "register",
    "step_for_model",
]
