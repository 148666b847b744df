"""Quarter over quarter: what was added, removed and changed between two workshops.

Items are matched by their `lineage`, which a quarter's clone keeps, so an edited
answer shows as changed rather than as one removed and one added. Each kind of
item compares the fields its declaration names (`alignment.agenda.kinds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignment import agenda
from alignment.models import Kpi, Workshop


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class StepComparison:
    step: object
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (before item, after item, [FieldChange])

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Comparison:
    before: Workshop
    after: Workshop
    steps: list
    flavor_before: object
    flavor_after: object
    kpi_targets: list  # (title, before target, after target)

    @property
    def flavor_changed(self) -> bool:
        before = self.flavor_before.headline if self.flavor_before else None
        after = self.flavor_after.headline if self.flavor_after else None
        return str(before) != str(after)


def _display(item, name) -> str:
    value = getattr(item, name)
    getter = getattr(item, f"get_{name}_display", None)
    if getter is not None:
        return str(getter())
    return "" if value is None else str(value)


def compare(before: Workshop, after: Workshop, *, after_data=None) -> Comparison:
    """What was added, removed and changed per step between two quarters.
    `after_data`: the later quarter's items, when already loaded (coherence.load)."""

    def items(workshop, step):
        # The team's shared view, as in coherence.load: revealed answers only.
        return step.model.objects.filter(workshop=workshop).revealed().order_by("order", "created")

    results = []
    kpi_targets = []
    for step in agenda.item_steps():
        model, compared = step.model, step.kind.compared
        # Of the earlier quarter only what is compared: the last signature
        # builds this comparison under the workshop's lock.
        earlier = items(before, step).only("lineage", *compared)
        old = {i.lineage: i for i in earlier}
        loaded = getattr(after_data, step.kind.name) if after_data else items(after, step)
        new = {i.lineage: i for i in loaded}
        comparison = StepComparison(step=step)
        comparison.added = [new[k] for k in new if k not in old]
        comparison.removed = [old[k] for k in old if k not in new]
        for key in new:
            if key in old:
                changes = [
                    FieldChange(
                        str(model._meta.get_field(name).verbose_name),
                        _display(old[key], name),
                        _display(new[key], name),
                    )
                    for name in compared
                    if _display(old[key], name) != _display(new[key], name)
                ]
                if changes:
                    comparison.changed.append((old[key], new[key], changes))
                if model is Kpi and old[key].target != new[key].target:
                    kpi_targets.append((new[key].title, old[key].target, new[key].target))
        results.append(comparison)
    return Comparison(
        before=before,
        after=after,
        steps=results,
        flavor_before=before.flavor_result,
        flavor_after=after.flavor_result,
        kpi_targets=kpi_targets,
    )
