"""The step registry: one list of steps drives the step pages, forms, ordering
and navigation.

Adding a step is one `register()` call (`alignment.agenda.steps` makes them). A
step either collects items of one kind (the six aspects, the bets, ...) through
the generic item views, or brings its own page (`view`), such as the flavor
diagnostic or the coherence review. Views, forms and hooks are named by dotted
path and looked up when first used: the registry sits below the views, forms
and workflows that serve it, and never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import CharField, Count, Value
from django.http import Http404
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from alignment.agenda.kinds import Kind


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise
    question: str | Promise
    perspective: str | Promise
    # The kind of item this step collects (None for a step with its own page).
    kind: Kind | None = None
    # The form that adds and edits an item, by dotted path.
    form: str = ""
    # select_related / prefetch_related for listing the items of this step.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    item_template: str = "alignment/items/_generic.html"
    empty_hint: str | Promise = ""
    # Help shown beside the list: how to write a good answer.
    guidance: tuple[str | Promise, ...] = field(default_factory=tuple)
    # A step's own page, by dotted path: a view taking (request, access, step).
    view: str = ""
    # For steps without items: has the team done this step? (workshop -> bool)
    is_done: Callable | None = None
    # The form under the list; a step may offer its own way of adding.
    add_template: str = "alignment/step.html#add_form"
    # Extra context for the step page: (access, step) -> dict.
    extra_context: Callable | None = None
    # For steps with their own page: a partial (with a root id) that the live
    # pages swap whenever anything in the workshop changed, and its context, by
    # dotted path: a function taking the access and returning a dict.
    live_partial: str = ""
    live_context: str = ""
    # The live partial shows one person's own state (their signature): rendered for
    # each person on the step, not once for their rights class.
    live_personal: bool = False
    # Who may add items: leaders and the lead, or the lead alone.
    lead_adds_only: bool = False
    # Adjust the step's item queryset (annotations the list needs).
    items_hook: Callable | None = None
    # Called in the saving transaction, by dotted path: (workshop, item, form, by,
    # before) -> None, where `before` is the item as it was (None when added).
    after_save: str = ""
    # Whether a workshop has this step at all (workshop -> bool); None: every one.
    # A step some workshops lack is numbered 0 and stands before the numbered
    # agenda, which keeps its numbers whatever a workshop has.
    applies: Callable | None = None
    number: int = 0

    def applies_to(self, workshop) -> bool:
        return self.applies is None or bool(self.applies(workshop))

    @property
    def has_items(self) -> bool:
        return self.kind is not None

    @property
    def model(self) -> type | None:
        return self.kind.model if self.kind is not None else None

    @cached_property
    def form_class(self) -> type | None:
        return import_string(self.form) if self.form else None

    @cached_property
    def view_function(self) -> Callable | None:
        return import_string(self.view) if self.view else None

    @cached_property
    def live_context_function(self) -> Callable | None:
        return import_string(self.live_context) if self.live_context else None

    @cached_property
    def after_save_function(self) -> Callable | None:
        return import_string(self.after_save) if self.after_save else None

    def items(self, workshop):
        """The items of this step in a workshop, planned for the step page."""
        queryset = self.model.objects.filter(workshop=workshop).select_related(
            "author", *self.select_related
        )
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if self.items_hook is not None:
            queryset = self.items_hook(queryset)
        return queryset.order_by("order", "created")


_REGISTRY: dict[str, Step] = {}


def register(step: Step, *, position: int | None = None) -> Step:
    steps = list(_REGISTRY.values())
    if step.slug in _REGISTRY:
        raise ValueError(f"Step {step.slug!r} is already registered")
    steps.insert(len(steps) if position is None else position, step)
    _REGISTRY.clear()
    numbered = (s for s in steps if s.applies is None)
    numbers = {s.slug: n for n, s in enumerate(numbered, start=1)}
    for s in steps:
        object.__setattr__(s, "number", numbers.get(s.slug, 0))
        _REGISTRY[s.slug] = s
    return step


def all_steps() -> list[Step]:
    return list(_REGISTRY.values())


def item_steps() -> list[Step]:
    return [s for s in _REGISTRY.values() if s.has_items]


def item_kinds() -> list[Kind]:
    """Every kind of item, in agenda order: an item's parents and the items it
    links to come before it."""
    return [s.kind for s in item_steps()]


def get_step(slug: str) -> Step:
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise Http404(_("There is no such step in the agenda.")) from None


def first_step(workshop=None) -> Step:
    """The first step of this workshop's agenda; without one, of the agenda every
    workshop has (the first numbered step)."""
    if workshop is None:
        return next(s for s in _REGISTRY.values() if s.applies is None)
    return next(s for s in _REGISTRY.values() if s.applies_to(workshop))


def steps_of(workshop) -> list[Step]:
    """The steps this workshop has, in agenda order."""
    return [s for s in _REGISTRY.values() if s.applies_to(workshop)]


def neighbours(step: Step, workshop=None) -> tuple[Step | None, Step | None]:
    steps = all_steps() if workshop is None else steps_of(workshop)
    if step not in steps:
        steps = all_steps()
    index = steps.index(step)
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following


def count_items(workshop, narrow: Callable) -> dict[str, int]:
    """The number of items of every item step, `narrow(queryset)` chosen, in one
    query (a UNION of counts): step slug -> count, steps without any left out."""
    queries = [
        narrow(step.model.objects.filter(workshop=workshop))
        .order_by()
        .values("workshop")
        .annotate(step=Value(step.slug, output_field=CharField()), n=Count("pk"))
        .values_list("step", "n")
        for step in item_steps()
    ]
    if not queries:
        return {}
    return dict(queries[0].union(*queries[1:], all=True))


def step_for_model(model) -> Step | None:
    for step in _REGISTRY.values():
        if step.model is model:
            return step
    return None


def progress(workshop, current: Step | None = None, *, viewer) -> list[dict]:
    """The agenda as one person sees it: every step with the number of its items
    this person sees (counted in one query), whether it is done, the step the
    facilitator is on and the one this page shows."""
    counts = count_items(workshop, lambda items: items.visible_to(viewer))
    rows = []
    for step in steps_of(workshop):
        count = counts.get(step.slug, 0) if step.has_items else None
        done = bool(count) if step.has_items else bool(step.is_done and step.is_done(workshop))
        rows.append(
            {
                "step": step,
                "count": count,
                "done": done,
                "is_current": step.slug == workshop.current_step,
                "is_here": current is not None and step.slug == current.slug,
            }
        )
    return rows
