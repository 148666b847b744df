"""Start the next quarter from this one.

The clone copies every revealed answer, bet, KPI (with its targets), Moment of
Truth, agreement (with its pinned template version) and the flavor answers into a
new draft; the original is not touched. Copies keep their item's `lineage`, which is
how the comparison recognises an edited answer across quarters.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alignment import agenda
from alignment.models import (
    AgreementEvent,
    AnswerGroup,
    HandshakeAgreement,
    Participant,
    Workshop,
)
from alignment.models.workshop import next_quarter
from alignment.services.audit import record
from alignment.services.errors import Refused

SKIPPED = {"id", "workshop", "created", "updated", "version"}


@transaction.atomic
def start_next_quarter(workshop: Workshop, *, by, quarter: str | None = None) -> Workshop:
    quarter = quarter or next_quarter(workshop.quarter)
    if Workshop.objects.filter(organization=workshop.organization, quarter=quarter).exists():
        raise Refused("quarter_taken", {"quarter": quarter})
    clone = Workshop.objects.create(
        organization=workshop.organization,
        quarter=quarter,
        title=_("%(quarter)s alignment") % {"quarter": quarter},
        language=workshop.language,
        facilitator=by,
        # It opens on the last quarter's results, then the flavor diagnostic.
        current_step="results",
        flavor_answers=dict(workshop.flavor_answers),
        previous=workshop,
    )
    Participant.objects.seat_members(clone)
    # The groups of similar answers come along with their answers (those of a
    # group the clone has none of are left behind).
    groups = {group.pk: group for group in AnswerGroup.objects.filter(workshop=workshop)}
    group_copies: dict = {}

    def group_copy(group_id):
        if group_id is None:
            return None
        if group_id not in group_copies:
            original = groups[group_id]
            group_copies[group_id] = AnswerGroup.objects.create(
                workshop=clone, step=original.step, title=original.title, order=original.order
            )
        return group_copies[group_id].pk

    # Kind by kind in agenda order, so an item's parents are copied before it.
    copies: dict[type, dict] = {}
    for kind in agenda.item_kinds():
        model = kind.model
        parents = {spec.name for spec in kind.parents}
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
            values["group_id"] = group_copy(values.get("group_id"))
            item = model(workshop=clone, **values)
            for name in parents:
                parent_model = model._meta.get_field(name).related_model
                setattr(item, name, copies[parent_model].get(getattr(original, f"{name}_id")))
            item.revealed = True
            mapping[original.pk] = item
            new_items.append(item)
        model.objects.bulk_create(new_items)
        copies[model] = mapping
    for kind in agenda.item_kinds():
        model = kind.model
        for spec in kind.links:
            link = model._meta.get_field(spec.name)
            target = link.related_model
            through = link.remote_field.through
            source_field = f"{link.m2m_field_name()}_id"
            target_field = f"{link.m2m_reverse_field_name()}_id"
            rows = through.objects.filter(**{f"{link.m2m_field_name()}__workshop": workshop})
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
