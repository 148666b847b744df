"""Restore a workshop from its JSON snapshot, as a new draft of an organisation.

The snapshot names items by key (P1, B2, ...) and handshake templates by area and
version, so it can move between installations; export, import and export again
gives the same content.
"""

from __future__ import annotations

import json
import math
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from alignment import agenda
from alignment.agenda.kinds import MAX_ITEMS_PER_KIND
from alignment.models import (
    AgreementEvent,
    AnswerGroup,
    CatalogueKpi,
    HandshakeAgreement,
    Participant,
    Workshop,
)
from alignment.models.workshop import QUARTER_RE
from alignment.realtime import signals
from alignment.services.audit import record
from alignment.services.errors import Refused
from alignment.services.items import too_many_items
from alignment.text import clean_user_text
from handshakes.models import HandshakeTemplate

# Links between items (a bet's personas, a KPI's bets, ...) in one import. A real
# workshop has a few hundred; the items' cap alone would let a 2 MB file ask for
# over 300,000, which took half a minute to write.
MAX_LINKS_PER_IMPORT = 10_000


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _texts(model, fields: dict) -> dict:
    """`fields` with every text checked to be text and cleaned as the forms clean it."""
    cleaned = dict(fields)
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if not isinstance(value, str):
            raise Refused("file_not_text", {"field": name}, field="file")
        cleaned[name] = clean_user_text(value, multiline=isinstance(field, models.TextField))
    return cleaned


def _valid(model, **fields):
    """A new row, validated as a form would validate it; not saved yet."""
    item = model(**_texts(model, fields))
    # Relations point to rows this import has just made or looked up (an instance of
    # the wrong model cannot even be assigned), and a new row's new UUID has nothing
    # to be unique against: checking either would cost a query per row for nothing.
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    item.full_clean(exclude=[*relations, "lineage"], validate_unique=False)
    return item


def _check_shape(snapshot) -> None:
    """Refuse what no cvm-align export looks like, before anything is written."""
    if not isinstance(snapshot, dict):
        raise Refused("file_damaged", field="file")
    for key in ("workshop", "aspects"):
        if not isinstance(snapshot.get(key), dict):
            raise Refused("file_damaged", field="file")
    for key in ("flavor", "changes", "coherence"):
        if snapshot.get(key) is not None and not isinstance(snapshot[key], dict):
            raise Refused("file_damaged", field="file")
    override = (snapshot.get("coherence") or {}).get("override")
    if override is not None and not isinstance(override, dict):
        raise Refused("file_damaged", field="file")
    links = 0
    for kind in agenda.item_kinds():
        model = kind.model
        rows = kind.rows_in(snapshot)
        if rows is None:
            continue
        if not isinstance(rows, list):
            raise Refused("file_damaged", field="file")
        if len(rows) > MAX_ITEMS_PER_KIND:
            raise Refused(
                "file_too_many_items",
                {"limit": too_many_items(model).message, "count": len(rows)},
                field="file",
            )
        links += sum(
            len(row[field.name])
            for row in rows
            if isinstance(row, dict)
            for field in model._meta.many_to_many
            if isinstance(row.get(field.name), list)
        )
    if links > MAX_LINKS_PER_IMPORT:
        raise Refused(
            "file_too_many_links", {"cap": MAX_LINKS_PER_IMPORT, "count": links}, field="file"
        )

    def walk(value, depth=0):
        if depth > 12:
            raise Refused("file_damaged", field="file")
        if isinstance(value, str) and "\x00" in value:
            raise Refused("file_control_characters", field="file")
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k, depth + 1)
                walk(v, depth + 1)
        elif isinstance(value, list):
            for v in value:
                walk(v, depth + 1)

    walk(snapshot)


def _refuse_number(text: str):
    raise Refused("file_not_a_number", {"value": text[:40]}, field="file")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity
        _refuse_number(text)
    return value


def read_export(text: str):
    """The JSON of an export. Infinity, NaN and numbers too large for a float are
    refused here, so no later step meets a number it cannot store or compare."""
    return json.loads(text, parse_constant=_refuse_number, parse_float=_finite)


def _readable(value, *, integer: bool):
    """What a number field may read from the file: a JSON number (a whole one for a
    whole-number field) or, for a decimal, the text exports write it as."""
    if isinstance(value, bool):  # true is 1 to Python, not a number to a person
        raise ValidationError("")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        if not integer:
            return str(value)  # its shortest text: 12.5, not 12.4999999999999
        if value.is_integer():
            return int(value)
    if isinstance(value, str) and not integer:
        return value
    raise ValidationError("")


def _number(model, name: str, value, row: dict):
    """A number for `model.name` from the file, checked as the model field checks it
    (type, range, digits); None stays None where the field allows it."""
    field = model._meta.get_field(name)
    integer = isinstance(field, models.IntegerField)
    if value is None and field.null:
        return None
    try:
        number = field.to_python(_readable(value, integer=integer))
        field.run_validators(number)
    except ValidationError:
        raise Refused(
            "file_bad_number",
            {
                "kind": capfirst(model._meta.verbose_name),
                "key": str(row.get("key", ""))[:20],
                "field": field.verbose_name,
                "expected": _("a whole number") if integer else _("a number"),
                "value": json.dumps(value, default=str)[:40],
            },
            field="file",
        ) from None
    return number


def _templates(rows: list) -> dict:
    """The library versions the agreements name, by (area, version), looked up
    before anything is written. Only versions the library has released (published,
    or retired since) may be attached: a draft's text is unpublished, and an
    agreement would show it to every leader of the workshop. A draft or an unknown
    version get the same answer, so the import tells nothing about drafts."""
    wanted = set()
    for row in rows:
        try:
            area, version = row["area"], row["template_version"]
        except (KeyError, TypeError):
            raise Refused("file_damaged", field="file") from None
        if not isinstance(area, str) or isinstance(version, bool) or not isinstance(version, int):
            raise Refused("file_damaged", field="file")
        wanted.add((area, version))
    found = {
        (template.area.slug, template.version): template
        for template in HandshakeTemplate.objects.released()
        .filter(area__slug__in={area for area, _version in wanted})
        .select_related("area")
    }
    missing = sorted(wanted - found.keys())
    if missing:
        area, version = missing[0]
        raise Refused("file_unknown_template", {"area": area, "version": version}, field="file")
    return found


class _Reading:
    """An import in progress, as the kinds' fields read it (`alignment.agenda.kinds`):
    the items made so far by their key, the library and the catalogue, and the
    links noted to be written once every item exists."""

    def __init__(self, *, made: dict, catalogue: dict, templates: dict):
        self.made = made
        self.catalogue = catalogue
        self.templates = templates
        self.links: dict[models.ManyToManyField, set[tuple]] = defaultdict(set)
        self.model = None  # the model whose rows are being read

    def number(self, name: str, value, row: dict):
        return _number(self.model, name, value, row)

    def link(self, item, name: str, keys) -> None:
        """Note the links of `item` to the items the file names by key."""
        field = type(item)._meta.get_field(name)
        if not isinstance(keys, list):
            raise TypeError(name)
        for key in keys:
            target = self.made[key]
            if not isinstance(target, field.related_model):
                raise TypeError(f"{name}: {key}")
            self.links[field].add((item.pk, target.pk))


@transaction.atomic
def import_snapshot(
    organization, snapshot: dict, *, quarter: str = "", by, lineage: dict | None = None
) -> Workshop:
    _check_shape(snapshot)
    try:
        header = snapshot["workshop"]
        quarter = quarter or header["quarter"]
        aspects = snapshot["aspects"]
    except (KeyError, TypeError):
        raise Refused("file_missing_parts", field="file") from None
    templates = _templates(snapshot.get("agreements") or [])
    if not QUARTER_RE.match(str(quarter)):
        raise Refused("file_bad_quarter", {"quarter": quarter}, field="quarter")
    if Workshop.objects.filter(organization=organization, quarter=quarter).exists():
        raise Refused("file_quarter_taken", {"quarter": quarter}, field="quarter")
    flavor = snapshot.get("flavor") or {}
    changes = snapshot.get("changes") or {}
    previous = None
    if changes.get("previous_quarter"):
        previous = Workshop.objects.filter(
            organization=organization, quarter=changes["previous_quarter"]
        ).first()
    override = (snapshot.get("coherence") or {}).get("override")
    try:
        workshop = Workshop.objects.create(
            organization=organization,
            quarter=quarter,
            language=header.get("language", "en")
            if header.get("language") in ("en", "it")
            else "en",
            facilitator=by,
            current_step="flavor",
            flavor_answers=dict(flavor.get("answers") or {}),
            previous=previous,
            override_by=by if override else None,
            **_texts(
                Workshop,
                {
                    "title": str(header["title"])[:200],
                    "override_reason": (override or {}).get("reason", "")[:500],
                },
            ),
        )
        Participant.objects.seat_members(workshop)
        reading = _Reading(
            made={},
            catalogue={k.code: k for k in CatalogueKpi.objects.all()},
            templates=templates,
        )
        # Rows are validated one by one and saved together at the end, kind by kind
        # in the order they were made (parents first), then the links.
        rows_of: dict[type, list] = defaultdict(list)
        for kind in agenda.item_kinds():
            rows = aspects[kind.name] if kind.in_aspects else snapshot.get(kind.name, [])
            reading.model = kind.model
            for order, row in enumerate(rows, start=1):
                values = {}
                for spec in kind.fields:
                    values.update(spec.load(row, reading, values))
                known = _uuid((lineage or {}).get(row.get("key")))
                if known is not None:
                    values["lineage"] = known
                item = _valid(kind.model, workshop=workshop, order=order, author=by, **values)
                rows_of[kind.model].append(item)
                reading.made[row["key"]] = item
                for spec in kind.links:
                    spec.link(item, row, reading)
                if kind.model is HandshakeAgreement:
                    # An agreement's history starts with the import.
                    rows_of[AgreementEvent].append(
                        _valid(
                            AgreementEvent,
                            agreement=item,
                            author=by,
                            old_status="",
                            new_status=item.status,
                            comment=_("Imported from a cvm-align export."),
                        )
                    )
        # A few inserts per kind rather than a few queries per row: the import holds
        # the database's write lock for as short a time as it can. bulk_create skips
        # the items' save(), whose only addition is the frozen check (this workshop is
        # the draft made above) and their signals (caches: renewed below).
        for model, items in rows_of.items():
            model.objects.bulk_create(items, batch_size=500)
        for field, pairs in reading.links.items():
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through = field.remote_field.through
            through.objects.bulk_create(
                (through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in sorted(pairs)),
                batch_size=500,
            )
        _import_groups(workshop, snapshot.get("groups"), reading.made)
        # Every row was validated as a form would before it was saved; the
        # workshop last (a refusal anywhere rolls the whole import back).
        workshop.full_clean(exclude=["organization", "facilitator", "previous", "override_by"])
        signals.workshop_changed(workshop.pk)
    except ValidationError as error:
        raise Refused(
            "file_bad_values", {"detail": "; ".join(error.messages)[:300]}, field="file"
        ) from None
    # Bad data, not a database outage: an OperationalError is a real error page.
    except (KeyError, TypeError, ValueError, AttributeError, DataError, IntegrityError) as error:
        raise Refused("file_damaged_detail", {"detail": str(error)}, field="file") from None
    record(
        organization,
        by,
        "workshop.imported",
        workshop,
        workshop=workshop,
        source_quarter=header.get("quarter"),
    )
    return workshop


def _import_groups(workshop: Workshop, groups, made: dict) -> None:
    """The groups of similar answers, by kind, each naming its answers by key: an
    answer of another kind, or one the file does not hold, is refused."""
    if not groups:
        return
    if not isinstance(groups, dict):
        raise Refused("file_missing_parts", field="file")
    steps = {step.kind.name: step for step in agenda.item_steps()}
    for kind_name, rows in groups.items():
        step = steps.get(kind_name)
        if step is None or not isinstance(rows, list):
            raise Refused("file_missing_parts", field="file")
        for order, row in enumerate(rows, start=1):
            members = [made.get(key) for key in row.get("answers") or []]
            if not members or any(not isinstance(m, step.model) for m in members):
                raise Refused("file_missing_parts", field="file")
            group = _valid(
                AnswerGroup, workshop=workshop, step=step.slug, title=row.get("title"), order=order
            )
            group.save()
            step.model.objects.filter(pk__in=[m.pk for m in members]).update(group=group)
