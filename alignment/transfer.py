"""Restore a workshop from its JSON snapshot, as a new draft of an organisation.

The snapshot names items by key (P1, B2, ...) and handshake templates by area and
version, so it can move between installations; export, import and export again
gives the same content.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils.translation import gettext as _

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


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _create(model, **fields):
    """Validate a row as a form would, before it reaches the database."""
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if isinstance(field, (models.CharField, models.TextField)) and not isinstance(value, str):
            raise ImportRefused(
                _(
                    "The file has a value that should be text but is not (%(field)s); nothing was imported."
                )
                % {"field": name}
            )
    item = model(**fields)
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
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _decimal(value):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ImportRefused(
            _("A number in the file is not a number: %(value)s") % {"value": value}
        ) from None


@transaction.atomic
def import_snapshot(
    organization, snapshot: dict, *, quarter: str = "", by, lineage: dict | None = None
) -> Workshop:
    from alignment.services import record
    from handshakes.models import HandshakeTemplate

    _check_shape(snapshot)
    try:
        header = snapshot["workshop"]
        quarter = quarter or header["quarter"]
        aspects = snapshot["aspects"]
    except (KeyError, TypeError):
        raise ImportRefused(_("The file is missing the workshop or its aspects.")) from None
    if not QUARTER_RE.match(str(quarter)):
        raise ImportRefused(_("The quarter %(quarter)s is not valid.") % {"quarter": quarter})
    if Workshop.objects.filter(organization=organization, quarter=quarter).exists():
        raise ImportRefused(
            _("There is already a workshop for %(quarter)s; choose another quarter.")
            % {"quarter": quarter}
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
            title=str(header["title"])[:200],
            language=header.get("language", "en")
            if header.get("language") in ("en", "it")
            else "en",
            facilitator=by,
            current_step="flavor",
            flavor_answers=dict(flavor.get("answers") or {}),
            previous=previous,
            override_reason=(override or {}).get("reason", "")[:500],
            override_by=by if override else None,
        )
        Participant.objects.seat_members(workshop)
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
                share_of_base=_decimal(row.get("share_of_base")),
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
                baseline=_decimal(row.get("baseline")),
                target=_decimal(row.get("target")),
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
                impact=int(row["impact"]),
                performance=int(row["performance"]),
                marked_high=bool(row.get("marked_high")),
                high_reason=row.get("high_reason", ""),
                **fields,
            )
            made[row["key"]] = moment
            moment.bets.set([made[k] for k in row.get("bets", [])])
            moment.kpis.set([made[k] for k in row.get("kpis", [])])
        for order, row, fields in make(HandshakeAgreement, snapshot.get("agreements", [])):
            template = HandshakeTemplate.objects.filter(
                area__slug=row["area"], version=row["template_version"]
            ).first()
            if template is None:
                raise ImportRefused(
                    _("The handshake template %(area)s version %(version)s is not in this library.")
                    % {"area": row["area"], "version": row["template_version"]}
                )
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
                quality=int(row["quality"]),
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
