"""Restore a workshop from its JSON snapshot, as a new draft of an organisation.

The snapshot names items by key (P1, B2, ...) and handshake templates by area and
version, so it can move between installations; export, import and export again
gives the same content.
"""

from __future__ import annotations

import json
import math
import uuid

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from alignment.access import ROLE_FROM_MEMBERSHIP
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


def _create(model, **fields):
    """Validate a row as a form would, before it reaches the database."""
    item = model(**_texts(model, fields))
    item.full_clean(exclude=["workshop", "author", "lineage", "agreement"])
    item.save()
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


def _number(model, name: str, value, row: dict):
    """A number for `model.name` from the file, checked as the model field checks it
    (type, range, digits); None stays None where the field allows it."""
    field = model._meta.get_field(name)
    integer = isinstance(field, models.IntegerField)
    if value is None and field.null:
        return None
    valid = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and not (integer and isinstance(value, float) and not value.is_integer())
    ) or (not integer and isinstance(value, str))  # exports write decimals as text
    try:
        if not valid:
            raise ValidationError("")
        # A float through its shortest text: 12.5 is 12.5, not 12.4999999999999.
        number = field.to_python(str(value) if isinstance(value, float) else value)
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
        Participant.objects.bulk_create(
            Participant(workshop=workshop, user_id=user_id, role=ROLE_FROM_MEMBERSHIP[role])
            for user_id, role in organization.memberships.values_list("user_id", "role")
        )
        made: dict[str, object] = {}

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
            made[row["key"]] = _create(
                Persona,
                workshop=workshop,
                order=order,
                author=by,
                share_of_base=_number(Persona, "share_of_base", row.get("share_of_base"), row),
                **fields,
            )
        for order, row, fields in make(Need, aspects["needs"], persona="persona"):
            made[row["key"]] = _create(Need, workshop=workshop, order=order, author=by, **fields)
        for order, row, fields in make(Alternative, aspects["alternatives"], need="need"):
            made[row["key"]] = _create(
                Alternative, workshop=workshop, order=order, author=by, kind=row["kind"], **fields
            )
        for order, row, fields in make(StrategyStatement, aspects["strategies"]):
            made[row["key"]] = _create(
                StrategyStatement, workshop=workshop, order=order, author=by, **fields
            )
        for order, row, fields in make(
            BusinessObjective, aspects["objectives"], strategy="strategy"
        ):
            made[row["key"]] = _create(
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
            made[row["key"]] = _create(
                MajorInitiative,
                workshop=workshop,
                order=order,
                author=by,
                owner=row.get("owner", ""),
                due_quarter=row.get("due_quarter", ""),
                **fields,
            )
        for order, row, fields in make(StrategicBet, snapshot.get("bets", [])):
            bet = _create(StrategicBet, workshop=workshop, order=order, author=by, **fields)
            made[row["key"]] = bet
            for name in StrategicBet.LINK_FIELDS:
                getattr(bet, name).set([made[k] for k in row.get(name, [])])
        catalogue = {k.code: k for k in CatalogueKpi.objects.all()}
        for order, row, fields in make(Kpi, snapshot.get("kpis", [])):
            kpi = _create(
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
            kpi.bets.set([made[k] for k in row.get("bets", [])])
        for order, row, fields in make(MomentOfTruth, snapshot.get("mots", []), persona="persona"):
            moment = _create(
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
            moment.bets.set([made[k] for k in row.get("bets", [])])
            moment.kpis.set([made[k] for k in row.get("kpis", [])])
        for order, row, fields in make(HandshakeAgreement, snapshot.get("agreements", [])):
            template = templates[(row["area"], row["template_version"])]
            covers = [
                template.key_handshakes.index(text)
                for text in row.get("covers", [])
                if text in template.key_handshakes
            ]
            agreement = _create(
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
            agreement.bets.set([made[k] for k in row.get("bets", [])])
            _create(
                AgreementEvent,
                agreement=agreement,
                author=by,
                old_status="",
                new_status=agreement.status,
                comment=_("Imported from a cvm-align export."),
            )
        # Every row was validated as a form would before it was saved; the
        # workshop last (a refusal anywhere rolls the whole import back).
        workshop.full_clean(exclude=["organization", "facilitator", "previous", "override_by"])
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
