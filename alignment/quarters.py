"""Quarter over quarter: start the next quarter from this one, and compare two.

The clone copies every revealed answer, bet, KPI (with its targets), Moment of
Truth, agreement (with its pinned template version) and the flavor answers into a
new draft; the original is not touched. Copies keep their item's `lineage`, which is
how the comparison recognises an edited answer across quarters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from alignment.models import (
    AgreementEvent,
    Alternative,
    BusinessObjective,
    HandshakeAgreement,
    Kpi,
    MajorInitiative,
    MomentOfTruth,
    Need,
    Participant,
    Persona,
    StrategicBet,
    StrategyStatement,
    Workshop,
)
from alignment.models.workshop import next_quarter

# In dependency order: parents before the items that point at them.
CLONED = [
    (Persona, {}),
    (Need, {"persona": Persona}),
    (Alternative, {"need": Need}),
    (StrategyStatement, {}),
    (BusinessObjective, {"strategy": StrategyStatement}),
    (MajorInitiative, {"objective": BusinessObjective}),
    (StrategicBet, {}),
    (Kpi, {}),
    (MomentOfTruth, {"persona": Persona}),
    (HandshakeAgreement, {}),
]
# Many-to-many links: model -> {field: target model}.
LINKS = {
    StrategicBet: {
        "personas": Persona,
        "needs": Need,
        "alternatives": Alternative,
        "objectives": BusinessObjective,
        "initiatives": MajorInitiative,
    },
    Kpi: {"bets": StrategicBet},
    MomentOfTruth: {"bets": StrategicBet, "kpis": Kpi},
    HandshakeAgreement: {"bets": StrategicBet},
}
SKIPPED = {"id", "workshop", "created", "updated", "version"}


class CloneRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def start_next_quarter(workshop: Workshop, *, by, quarter: str | None = None) -> Workshop:
    from alignment.services import record

    quarter = quarter or next_quarter(workshop.quarter)
    if Workshop.objects.filter(organization=workshop.organization, quarter=quarter).exists():
        raise CloneRefused(_("There is already a workshop for %(quarter)s.") % {"quarter": quarter})
    clone = Workshop.objects.create(
        organization=workshop.organization,
        quarter=quarter,
        title=_("%(quarter)s alignment") % {"quarter": quarter},
        language=workshop.language,
        facilitator=by,
        current_step="flavor",
        flavor_answers=dict(workshop.flavor_answers),
        previous=workshop,
    )
    Participant.objects.seat_members(clone)
    copies: dict[type, dict] = {}
    for model, parents in CLONED:
        mapping = {}
        # Only what the team has seen: an answer a private brainstorm still hides
        # stays its author's, in this quarter, and is not carried over.
        originals = list(
            model.objects.filter(workshop=workshop).revealed().order_by("order", "created")
        )
        new_items = []
        for original in originals:
            values = {
                f.attname: getattr(original, f.attname)
                for f in model._meta.concrete_fields
                if f.name not in SKIPPED and f.name not in parents
            }
            item = model(workshop=clone, **values)
            for name, parent_model in parents.items():
                parent_id = getattr(original, f"{name}_id")
                setattr(item, name, copies[parent_model].get(parent_id))
            item.revealed = True
            mapping[original.pk] = item
            new_items.append(item)
        model.objects.bulk_create(new_items)
        copies[model] = mapping
    for model, links in LINKS.items():
        for name, target in links.items():
            through = getattr(model, name).through
            source_field = f"{model._meta.model_name}_id"
            target_field = f"{target._meta.model_name}_id"
            rows = through.objects.filter(**{f"{model._meta.model_name}__workshop": workshop})
            through.objects.bulk_create(
                through(
                    **{
                        source_field: copies[model][getattr(row, source_field)].pk,
                        target_field: copies[target][getattr(row, target_field)].pk,
                    }
                )
                for row in rows
                if getattr(row, source_field) in copies[model]
                and getattr(row, target_field) in copies[target]
            )
    AgreementEvent.objects.bulk_create(
        AgreementEvent(
            agreement=agreement,
            author=by,
            old_status=agreement.status,
            new_status=agreement.status,
            comment=_("Carried over from %(quarter)s.") % {"quarter": workshop.quarter},
        )
        for agreement in copies[HandshakeAgreement].values()
    )
    record(
        workshop.organization,
        by,
        "workshop.next_quarter",
        clone,
        workshop=clone,
        source=workshop.quarter,
    )
    return clone


# Comparison ---------------------------------------------------------------------------------


COMPARED_FIELDS = {
    Persona: ["title", "description", "share_of_base"],
    Need: ["title", "description"],
    Alternative: ["title", "description", "kind"],
    StrategyStatement: ["title", "description"],
    BusinessObjective: ["title", "description", "metric", "target"],
    MajorInitiative: ["title", "description", "owner", "due_quarter"],
    StrategicBet: ["title", "description"],
    Kpi: [
        "title",
        "description",
        "unit",
        "direction",
        "baseline",
        "target",
        "target_quarter",
        "owner",
    ],
    MomentOfTruth: [
        "title",
        "description",
        "journey_stage",
        "lifecycle_stage",
        "channel",
        "impact",
        "performance",
    ],
    HandshakeAgreement: ["title", "description", "owner", "status", "quality"],
}


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
    from alignment import steps

    def items(workshop, step):
        # The team's shared view, as in coherence.load: revealed answers only.
        return step.model.objects.filter(workshop=workshop).revealed().order_by("order", "created")

    results = []
    kpi_targets = []
    for step in steps.item_steps():
        model = step.model
        # Of the earlier quarter only what is compared: the last signature
        # builds this comparison under the workshop's lock.
        earlier = items(before, step).only("lineage", *COMPARED_FIELDS[model])
        old = {i.lineage: i for i in earlier}
        loaded = getattr(after_data, step.related_name) if after_data else items(after, step)
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
                    for name in COMPARED_FIELDS[model]
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
