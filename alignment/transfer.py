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

from alignment import signals
from alignment.models import (
    AgreementEvent,
    Alternative,
    BusinessObjective,
    CatalogueKpi,
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
from alignment.models.workshop import QUARTER_RE
from alignment.text import clean_user_text
from handshakes.models import HandshakeTemplate

# How many items of one kind a workshop holds, imported or added in its steps.
# A real workshop has a handful of personas and strategy statements and a few
# dozen needs, KPIs or Moments of Truth; 200 of each is many times that, and
# keeps a step page, its edit forms and the PDF a reasonable size. Without a cap,
# 8,000 personas in a 232 KB file held the database's write lock for 23 s and
# made a 22 MB step page.
MAX_ITEMS_PER_KIND = 200
# Links between items (a bet's personas, a KPI's bets, ...) in one import. A real
# workshop has a few hundred; the items' cap alone would let a 2 MB file ask for
# over 300,000, which took half a minute to write.
MAX_LINKS_PER_IMPORT = 10_000

# The lists of an export, where they are, and what they become.
ITEM_LISTS = (
    (("aspects", "personas"), Persona),
    (("aspects", "needs"), Need),
    (("aspects", "alternatives"), Alternative),
    (("aspects", "strategies"), StrategyStatement),
    (("aspects", "objectives"), BusinessObjective),
    (("aspects", "initiatives"), MajorInitiative),
    (("bets",), StrategicBet),
    (("kpis",), Kpi),
    (("mots",), MomentOfTruth),
    (("agreements",), HandshakeAgreement),
)


def too_many_items(model) -> str:
    """The one message for the cap, in a step and in an import."""
    return _("A workshop holds at most %(cap)s %(kind)s.") % {
        "cap": MAX_ITEMS_PER_KIND,
        "kind": model._meta.verbose_name_plural,
    }


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
            raise ImportRefused(
                _(
                    "The file has a value that should be text but is not (%(field)s); nothing was imported."
                )
                % {"field": name}
            )
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
        raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
    for key in ("workshop", "aspects"):
        if not isinstance(snapshot.get(key), dict):
            raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
    for key in ("flavor", "changes", "coherence"):
        if snapshot.get(key) is not None and not isinstance(snapshot[key], dict):
            raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
    override = (snapshot.get("coherence") or {}).get("override")
    if override is not None and not isinstance(override, dict):
        raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
    links = 0
    for path, model in ITEM_LISTS:
        rows = snapshot
        for key in path:
            rows = rows.get(key) if isinstance(rows, dict) else None
        if rows is None:
            continue
        if not isinstance(rows, list):
            raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
        if len(rows) > MAX_ITEMS_PER_KIND:
            raise ImportRefused(
                _("%(limit)s The file has %(count)s; nothing was imported.")
                % {"limit": too_many_items(model), "count": len(rows)}
            )
        links += sum(
            len(row[field.name])
            for row in rows
            if isinstance(row, dict)
            for field in model._meta.many_to_many
            if isinstance(row.get(field.name), list)
        )
    if links > MAX_LINKS_PER_IMPORT:
        raise ImportRefused(
            _(
                "An import holds at most %(cap)s links between items; the file has "
                "%(count)s. Nothing was imported."
            )
            % {"cap": MAX_LINKS_PER_IMPORT, "count": links}
        )

    def walk(value, depth=0):
        if depth > 12:
            raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
        if isinstance(value, str) and "\x00" in value:
            raise ImportRefused(
                _("The file contains invisible control characters; nothing was imported.")
            )
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k, depth + 1)
                walk(v, depth + 1)
        elif isinstance(value, list):
            for v in value:
                walk(v, depth + 1)

    walk(snapshot)


class ImportRefused(Exception):
    """A file that cannot be imported; `field` is the form field the message is about."""

    def __init__(self, message, field: str = "file"):
        super().__init__(str(message))
        self.message = message
        self.field = field


def _refuse_number(text: str):
    raise ImportRefused(
        _(
            "The file contains %(value)s where a number should be; only ordinary numbers "
            "can be imported. Nothing was imported."
        )
        % {"value": text[:40]}
    )


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
        raise ImportRefused(
            _(
                "%(kind)s %(key)s: %(field)s must be %(expected)s, not %(value)s; "
                "nothing was imported."
            )
            % {
                "kind": capfirst(model._meta.verbose_name),
                "key": str(row.get("key", ""))[:20],
                "field": field.verbose_name,
                "expected": _("a whole number") if integer else _("a number"),
                "value": json.dumps(value, default=str)[:40],
            }
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
            raise ImportRefused(
                _("The file is incomplete or damaged; nothing was imported.")
            ) from None
        if not isinstance(area, str) or isinstance(version, bool) or not isinstance(version, int):
            raise ImportRefused(_("The file is incomplete or damaged; nothing was imported."))
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
        raise ImportRefused(
            _(
                "The handshake template %(area)s version %(version)s is not published in "
                "this library; nothing was imported."
            )
            % {"area": area, "version": version}
        )
    return found


@transaction.atomic
def import_snapshot(
    organization, snapshot: dict, *, quarter: str = "", by, lineage: dict | None = None
) -> Workshop:
    from alignment.services import record

    _check_shape(snapshot)
    try:
        header = snapshot["workshop"]
        quarter = quarter or header["quarter"]
        aspects = snapshot["aspects"]
    except (KeyError, TypeError):
        raise ImportRefused(_("The file is missing the workshop or its aspects.")) from None
    templates = _templates(snapshot.get("agreements") or [])
    if not QUARTER_RE.match(str(quarter)):
        raise ImportRefused(
            _("The quarter %(quarter)s is not valid.") % {"quarter": quarter}, field="quarter"
        )
    if Workshop.objects.filter(organization=organization, quarter=quarter).exists():
        raise ImportRefused(
            _("There is already a workshop for %(quarter)s; choose another quarter.")
            % {"quarter": quarter},
            field="quarter",
        )
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
        made: dict[str, object] = {}
        # Rows are validated one by one and saved together at the end, kind by kind
        # in the order they were made (parents first), then the links.
        rows_of: dict[type, list] = defaultdict(list)
        links: dict[models.ManyToManyField, set[tuple]] = defaultdict(set)

        def create(model, **fields):
            item = _valid(model, **fields)
            rows_of[model].append(item)
            return item

        def link(item, name: str, keys) -> None:
            """Note the links of `item` to the items the file names by key."""
            field = type(item)._meta.get_field(name)
            if not isinstance(keys, list):
                raise TypeError(name)
            for key in keys:
                target = made[key]
                if not isinstance(target, field.related_model):
                    raise TypeError(f"{name}: {key}")
                links[field].add((item.pk, target.pk))

        def make(model, rows, order_key="key", **parents):
            for order, row in enumerate(rows, start=1):
                fields = {
                    "title": str(row["title"])[:200],
                    "description": str(row.get("description", ""))[:2000],
                }
                known = _uuid((lineage or {}).get(row.get("key")))
                if known is not None:
                    fields["lineage"] = known
                for field, parent_key in parents.items():
                    fields[field] = made.get(row.get(parent_key)) if row.get(parent_key) else None
                yield order, row, fields

        for order, row, fields in make(Persona, aspects["personas"]):
            made[row["key"]] = create(
                Persona,
                workshop=workshop,
                order=order,
                author=by,
                share_of_base=_number(Persona, "share_of_base", row.get("share_of_base"), row),
                **fields,
            )
        for order, row, fields in make(Need, aspects["needs"], persona="persona"):
            made[row["key"]] = create(Need, workshop=workshop, order=order, author=by, **fields)
        for order, row, fields in make(Alternative, aspects["alternatives"], need="need"):
            made[row["key"]] = create(
                Alternative, workshop=workshop, order=order, author=by, kind=row["kind"], **fields
            )
        for order, row, fields in make(StrategyStatement, aspects["strategies"]):
            made[row["key"]] = create(
                StrategyStatement, workshop=workshop, order=order, author=by, **fields
            )
        for order, row, fields in make(
            BusinessObjective, aspects["objectives"], strategy="strategy"
        ):
            made[row["key"]] = create(
                BusinessObjective,
                workshop=workshop,
                order=order,
                author=by,
                metric=row.get("metric", ""),
                target=row.get("target", ""),
                **fields,
            )
        for order, row, fields in make(
            MajorInitiative, aspects["initiatives"], objective="objective"
        ):
            made[row["key"]] = create(
                MajorInitiative,
                workshop=workshop,
                order=order,
                author=by,
                owner=row.get("owner", ""),
                due_quarter=row.get("due_quarter", ""),
                **fields,
            )
        for order, row, fields in make(StrategicBet, snapshot.get("bets", [])):
            bet = create(StrategicBet, workshop=workshop, order=order, author=by, **fields)
            made[row["key"]] = bet
            for name in StrategicBet.LINK_FIELDS:
                link(bet, name, row.get(name, []))
        catalogue = {k.code: k for k in CatalogueKpi.objects.all()}
        for order, row, fields in make(Kpi, snapshot.get("kpis", [])):
            kpi = create(
                Kpi,
                workshop=workshop,
                order=order,
                author=by,
                catalogue=catalogue.get(row.get("catalogue")),
                category=row.get("category", ""),
                unit=row.get("unit", ""),
                direction=row.get("direction", "up"),
                baseline=_number(Kpi, "baseline", row.get("baseline"), row),
                target=_number(Kpi, "target", row.get("target"), row),
                target_quarter=row.get("target_quarter", ""),
                owner=row.get("owner", ""),
                **fields,
            )
            made[row["key"]] = kpi
            link(kpi, "bets", row.get("bets", []))
        for order, row, fields in make(MomentOfTruth, snapshot.get("mots", []), persona="persona"):
            moment = create(
                MomentOfTruth,
                workshop=workshop,
                order=order,
                author=by,
                journey_stage=row["journey_stage"],
                lifecycle_stage=row["lifecycle_stage"],
                channel=row["channel"],
                impact=_number(MomentOfTruth, "impact", row["impact"], row),
                performance=_number(MomentOfTruth, "performance", row["performance"], row),
                marked_high=bool(row.get("marked_high")),
                high_reason=row.get("high_reason", ""),
                **fields,
            )
            made[row["key"]] = moment
            link(moment, "bets", row.get("bets", []))
            link(moment, "kpis", row.get("kpis", []))
        for order, row, fields in make(HandshakeAgreement, snapshot.get("agreements", [])):
            template = templates[(row["area"], row["template_version"])]
            # Each handshake once, in the file's order.
            covers = list(
                dict.fromkeys(
                    template.key_handshakes.index(text)
                    for text in row.get("covers", [])
                    if text in template.key_handshakes
                )
            )
            agreement = create(
                HandshakeAgreement,
                workshop=workshop,
                order=order,
                author=by,
                template=template,
                owner=row.get("owner", ""),
                status=row["status"],
                quality=_number(HandshakeAgreement, "quality", row["quality"], row),
                covers=covers,
                **fields,
            )
            link(agreement, "bets", row.get("bets", []))
            create(
                AgreementEvent,
                agreement=agreement,
                author=by,
                old_status="",
                new_status=agreement.status,
                comment=_("Imported from a cvm-align export."),
            )
        # A few inserts per kind rather than a few queries per row: the import holds
        # the database's write lock for as short a time as it can. bulk_create skips
        # the items' save(), whose only addition is the frozen check (this workshop is
        # the draft made above) and their signals (caches: renewed below).
        for model, items in rows_of.items():
            model.objects.bulk_create(items, batch_size=500)
        for field, pairs in links.items():
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through = field.remote_field.through
            through.objects.bulk_create(
                (through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in sorted(pairs)),
                batch_size=500,
            )
        # Every row was validated as a form would before it was saved; the
        # workshop last (a refusal anywhere rolls the whole import back).
        workshop.full_clean(exclude=["organization", "facilitator", "previous", "override_by"])
        signals.workshop_changed(workshop.pk)
    except ValidationError as error:
        raise ImportRefused(
            _("The file has values this version cannot accept (%(detail)s); nothing was imported.")
            % {"detail": "; ".join(error.messages)[:300]}
        ) from None
    # Bad data, not a database outage: an OperationalError is a real error page.
    except (KeyError, TypeError, ValueError, AttributeError, DataError, IntegrityError) as error:
        raise ImportRefused(
            _("The file is incomplete or damaged (%(detail)s); nothing was imported.")
            % {"detail": error}
        ) from None
    record(
        organization,
        by,
        "workshop.imported",
        workshop,
        workshop=workshop,
        source_quarter=header.get("quarter"),
    )
    return workshop
