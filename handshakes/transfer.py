"""Export and import of the handshake library (JSON or YAML).

The document holds every functional area and every template version:

    format: cvm-align/handshakes
    format_version: 1
    areas:     [{slug, name, order}, ...]                 ordered by order, slug
    templates: [{area, version, status, purpose, inputs, outputs, key_handshakes,
                 impact, impact_reason, stages, created, published_at,
                 retired_at}, ...]                        ordered by area, version

Who created or published a version is local to a site and is not exported.

Import is all or nothing. The whole file is validated first, against itself and
against the database; if anything is wrong, nothing is written and every problem
is reported, naming the entry and the field. What import does with what exists:

- Areas are matched by slug: new ones are created, existing ones take the
  file's name and order. Areas missing from the file are left alone.
- Template versions are matched by (area, version): new ones are created with
  the status and timestamps in the file. An existing draft takes the file's
  content and status. An existing published or retired version is frozen: its
  content must be identical, and its status may only move forward
  (published -> retired); anything else is refused.
- When the file publishes a version of an area whose published version in the
  database is not in the file, that version is retired, as publishing in the
  admin does. The final state must still have at most one published and one
  draft version per area.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from handshakes.models import (
    CONTENT_FIELDS,
    FunctionalArea,
    HandshakeTemplate,
    Impact,
    Stage,
    Status,
)

FORMAT = "cvm-align/handshakes"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024

AREA_FIELDS = ("slug", "name", "order")
TIMESTAMP_FIELDS = ("created", "published_at", "retired_at")
TEMPLATE_FIELDS = ("area", "version", "status", *CONTENT_FIELDS, *TIMESTAMP_FIELDS)
TEXT_LIST_FIELDS = ("inputs", "outputs", "key_handshakes")
SLUG_RE = re.compile(r"^[-a-z0-9_]+$")
# A version may only move forward; staying put is always allowed.
STATUS_MOVES = {
    Status.DRAFT: {Status.DRAFT, Status.PUBLISHED, Status.RETIRED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.RETIRED},
    Status.RETIRED: {Status.RETIRED},
}


class ImportRefused(Exception):
    """The file was refused whole; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


# Export


def export_document() -> dict:
    areas = FunctionalArea.objects.order_by("order", "slug")
    templates = HandshakeTemplate.objects.select_related("area").order_by(
        "area__order", "area__slug", "version"
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "areas": [{"slug": a.slug, "name": a.name, "order": a.order} for a in areas],
        "templates": [_export_template(t) for t in templates],
    }


def _export_template(template: HandshakeTemplate) -> dict:
    row = {"area": template.area.slug, "version": template.version, "status": template.status}
    row.update(template.content())
    for name in TIMESTAMP_FIELDS:
        value = getattr(template, name)
        row[name] = value.astimezone(dt.UTC).isoformat() if value else None
    return row


def dump(document: dict, fmt: str = "json") -> str:
    if fmt == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# Reading a file


def read_document(path: str | Path) -> dict:
    """Parse a JSON or YAML file (by extension, else by its first character)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportRefused([_too_big(size)])
        with path.open("rb") as file:
            raw = file.read(MAX_IMPORT_BYTES + 1)
    except OSError as error:
        raise ImportRefused([f"cannot read {path}: {error.strerror or error}"]) from error
    if len(raw) > MAX_IMPORT_BYTES:  # the file grew while we looked
        raise ImportRefused([_too_big(len(raw))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([f"not UTF-8 text (byte {error.start})"]) from error
    suffix = path.suffix.lower()
    fmt = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)
    return parse(text, fmt)


def _too_big(size: int) -> str:
    return (
        f"file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB"
    )


def parse(text: str, fmt: str | None = None) -> dict:
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRefused(
                [f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"]
            ) from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = ""
        mark = getattr(error, "problem_mark", None)
        if mark is not None:
            where = f" (line {mark.line + 1}, column {mark.column + 1})"
        problem = getattr(error, "problem", None) or str(error)
        raise ImportRefused([f"not valid YAML: {problem}{where}"]) from error


# Validation


@dataclass
class AreaRow:
    number: int
    slug: str
    name: str
    order: int | None


@dataclass
class TemplateRow:
    number: int
    label: str
    area: str
    version: int
    status: str
    content: dict
    timestamps: dict


class _Errors(list):
    def add(self, where: str, field: str, message: str) -> None:
        self.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def validate_document(document) -> tuple[list[AreaRow], list[TemplateRow], list[str]]:
    """Check the document on its own and against the database. No writes."""
    errors = _Errors()
    if not isinstance(document, dict):
        return [], [], ["the file must hold a mapping with 'areas' and 'templates'"]
    for key in document:
        if key not in ("format", "format_version", "areas", "templates"):
            errors.append(f"{key}: unknown field")
    if document.get("format", FORMAT) != FORMAT:
        errors.append(f"format: must be {FORMAT!r}")
    if document.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        errors.append(f"format_version: must be {FORMAT_VERSION}")
    raw_areas = document.get("areas", [])
    raw_templates = document.get("templates", [])
    if not isinstance(raw_areas, list):
        errors.append("areas: must be a list")
        raw_areas = []
    if not isinstance(raw_templates, list):
        errors.append("templates: must be a list")
        raw_templates = []
    if not raw_areas and not raw_templates:
        errors.append("the file has no areas and no templates")

    areas = _validate_areas(raw_areas, errors)
    known_areas = {row.slug for row in areas} | set(
        FunctionalArea.objects.values_list("slug", flat=True)
    )
    templates = _validate_templates(raw_templates, known_areas, errors)
    if not errors:
        _validate_against_database(templates, errors)
    return areas, templates, list(errors)


def _validate_areas(raw_areas: list, errors: _Errors) -> list[AreaRow]:
    rows: list[AreaRow] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_areas, start=1):
        if not isinstance(raw, dict):
            errors.append(f"area {number}: must be a mapping")
            continue
        slug = raw.get("slug")
        where = f"area {number} ({slug if isinstance(slug, str) else '?'})"
        before = len(errors)
        _unknown_fields(raw, AREA_FIELDS, where, errors)
        if not isinstance(slug, str) or not slug:
            errors.add(where, "slug", "required")
        elif not SLUG_RE.match(slug) or len(slug) > 60:
            errors.add(where, "slug", "must be lower-case letters, digits and hyphens (at most 60)")
        elif slug in seen:
            errors.add(where, "slug", f"duplicate of area {seen[slug]}")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.add(where, "name", "required")
        elif len(name) > 120:
            errors.add(where, "name", "at most 120 characters")
        order = raw.get("order")
        if order is not None and (
            isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767
        ):
            errors.add(where, "order", "must be a whole number from 0 to 32767")
        if len(errors) == before:
            seen[slug] = number
            rows.append(AreaRow(number, slug, name.strip(), order))
    return rows


def _validate_templates(raw_templates: list, known_areas: set, errors: _Errors) -> list:
    rows: list[TemplateRow] = []
    seen: dict[tuple[str, int], int] = {}
    for number, raw in enumerate(raw_templates, start=1):
        if not isinstance(raw, dict):
            errors.append(f"entry {number}: must be a mapping")
            continue
        area, version = raw.get("area"), raw.get("version")
        label = (
            f"{area if isinstance(area, str) else '?'} v{version if _is_count(version) else '?'}"
        )
        where = f"entry {number} ({label})"
        before = len(errors)
        _unknown_fields(raw, TEMPLATE_FIELDS, where, errors)
        if not isinstance(area, str) or not area:
            errors.add(where, "area", "required")
        elif area not in known_areas:
            errors.add(where, "area", f"unknown functional area {area!r}")
        if version is None:
            errors.add(where, "version", "required")
        elif not _is_count(version):
            errors.add(where, "version", "must be a whole number from 1")
        elif isinstance(area, str) and (area, version) in seen:
            errors.add(where, "version", f"duplicate of entry {seen[(area, version)]}")
        status = raw.get("status")
        if status is None:
            errors.add(where, "status", "required")
        elif status not in Status.values:
            errors.add(where, "status", f"must be one of {', '.join(Status.values)}")
        content = {name: raw.get(name) for name in CONTENT_FIELDS}
        _validate_content(content, where, errors)
        timestamps = {}
        for name in TIMESTAMP_FIELDS:
            timestamps[name] = _timestamp(raw.get(name), where, name, errors)
        if len(errors) == before:
            seen[(area, version)] = number
            content["purpose"] = content["purpose"].strip()
            content["impact_reason"] = content["impact_reason"].strip()
            rows.append(TemplateRow(number, label, area, version, status, content, timestamps))
    _validate_one_per_area(rows, errors)
    return rows


def _validate_content(content: dict, where: str, errors: _Errors) -> None:
    for name in ("purpose", "impact_reason"):
        value = content[name]
        if value is None:
            errors.add(where, name, "required")
        elif not isinstance(value, str) or not value.strip():
            errors.add(where, name, "must be a non-empty text")
    for name in TEXT_LIST_FIELDS:
        value = content[name]
        if value is None:
            errors.add(where, name, "required")
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.add(where, name, "must be a list of texts")
        elif not value:
            errors.add(where, name, "must have at least one item")
        else:
            empty = [str(i) for i, item in enumerate(value, start=1) if not item.strip()]
            if empty:
                errors.add(where, name, f"item {', '.join(empty)} is empty")
    impact = content["impact"]
    if impact is None:
        errors.add(where, "impact", "required")
    elif impact not in Impact.values:
        errors.add(where, "impact", f"must be one of {', '.join(Impact.values)}")
    stages = content["stages"]
    if stages is None:
        errors.add(where, "stages", "required")
    elif not isinstance(stages, list) or not stages:
        errors.add(where, "stages", "must be a non-empty list")
    else:
        unknown = [repr(s) for s in stages if s not in Stage.values]
        if unknown:
            errors.add(
                where,
                "stages",
                f"unknown stage {', '.join(unknown)}; must be among {', '.join(Stage.values)}",
            )
        elif len(set(stages)) != len(stages):
            errors.add(where, "stages", "a stage is listed twice")


def _validate_one_per_area(rows: list[TemplateRow], errors: _Errors) -> None:
    for status in (Status.PUBLISHED, Status.DRAFT):
        first: dict[str, TemplateRow] = {}
        for row in rows:
            if row.status != status:
                continue
            if row.area in first:
                errors.add(
                    f"entry {row.number} ({row.label})",
                    "status",
                    f"area {row.area} already has a {status} version in this file "
                    f"(entry {first[row.area].number})",
                )
            else:
                first[row.area] = row


def _validate_against_database(rows: list[TemplateRow], errors: _Errors) -> None:
    existing = {
        (t.area.slug, t.version): t
        for t in HandshakeTemplate.objects.select_related("area").filter(
            area__slug__in={row.area for row in rows}
        )
    }
    in_file = {(row.area, row.version) for row in rows}
    for row in rows:
        where = f"entry {row.number} ({row.label})"
        stored = existing.get((row.area, row.version))
        if stored is None:
            continue
        if row.status not in STATUS_MOVES[stored.status]:
            errors.add(
                where,
                "status",
                f"is {stored.status} in the database and cannot become {row.status}",
            )
        if stored.is_frozen:
            for name in CONTENT_FIELDS:
                if getattr(stored, name) != row.content[name]:
                    errors.add(
                        where,
                        name,
                        f"differs from the {stored.status} version in the database, which "
                        "cannot change; import the change as a new version",
                    )
    # A draft in the database that the file leaves alone would make two drafts.
    drafts_in_file = {row.area: row for row in rows if row.status == Status.DRAFT}
    for (area, version), stored in existing.items():
        row = drafts_in_file.get(area)
        if stored.is_draft and row and (area, version) not in in_file:
            errors.add(
                f"entry {row.number} ({row.label})",
                "status",
                f"area {area} already has a draft (v{version}) in the database",
            )


def _unknown_fields(raw: dict, allowed: tuple, where: str, errors: _Errors) -> None:
    for key in raw:
        if key not in allowed:
            errors.add(where, str(key), "unknown field")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _timestamp(value, where: str, name: str, errors: _Errors) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            errors.add(where, name, "must be an ISO 8601 date and time")
            return None
    else:
        errors.add(where, name, "must be an ISO 8601 date and time")
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


# Import


@dataclass
class ImportResult:
    areas_created: int = 0
    areas_updated: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def __str__(self) -> str:
        return (
            f"areas: {self.areas_created} created, {self.areas_updated} updated; "
            f"versions: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.retired} retired by newer ones"
        )


@transaction.atomic
def import_document(document) -> ImportResult:
    """Validate the whole document, then write it; refuse it whole on any error."""
    # Lock every area row first, so a curator publishing in the admin meanwhile
    # cannot slip a second published version in between validation and writing.
    list(FunctionalArea.objects.select_for_update().values_list("pk", flat=True))
    areas, templates, errors = validate_document(document)
    if errors:
        raise ImportRefused(errors)
    result = ImportResult()
    area_by_slug = _write_areas(areas, result)
    area_by_slug.update(
        FunctionalArea.objects.exclude(slug__in=area_by_slug).in_bulk(
            {row.area for row in templates}, field_name="slug"
        )
    )
    _write_templates(templates, area_by_slug, result)
    return result


def _write_areas(rows: list[AreaRow], result: ImportResult) -> dict[str, FunctionalArea]:
    existing = FunctionalArea.objects.in_bulk([row.slug for row in rows], field_name="slug")
    by_slug = {}
    for row in rows:
        area = existing.get(row.slug)
        if area is None:
            area = FunctionalArea.objects.create(slug=row.slug, name=row.name, order=row.order or 0)
            result.areas_created += 1
        elif area.name != row.name or (row.order is not None and area.order != row.order):
            area.name = row.name
            area.order = area.order if row.order is None else row.order
            area.save(update_fields=["name", "order"])
            result.areas_updated += 1
        by_slug[row.slug] = area
    return by_slug


def _write_templates(rows: list[TemplateRow], areas: dict, result: ImportResult) -> None:
    now = timezone.now()
    existing = {
        (t.area.slug, t.version): t
        for t in HandshakeTemplate.objects.select_related("area").filter(area__slug__in=areas)
    }
    # Published versions the file replaces without mentioning them are retired,
    # first, because the database allows one published version per area.
    publishing = {row.area for row in rows if row.status == Status.PUBLISHED}
    in_file = {(row.area, row.version) for row in rows}
    for key, stored in existing.items():
        if stored.is_published and key[0] in publishing and key not in in_file:
            stored.status = Status.RETIRED
            stored.retired_at = now
            stored.save(update_fields=["status", "retired_at"])
            result.retired += 1
    # Existing rows move to their final state before new rows are added, and
    # within them a row leaves a single slot (published, draft) before another
    # takes it.
    rank = {Status.RETIRED: 0, Status.DRAFT: 1, Status.PUBLISHED: 2}
    updates = sorted(
        (row for row in rows if (row.area, row.version) in existing),
        key=lambda row: rank[row.status],
    )
    for row in updates:
        stored = existing[(row.area, row.version)]
        if _apply(stored, row, now):
            stored.save()
            result.updated += 1
        else:
            result.unchanged += 1
    for row in sorted(
        (row for row in rows if (row.area, row.version) not in existing),
        key=lambda row: rank[row.status],
    ):
        template = HandshakeTemplate(area=areas[row.area], version=row.version)
        _apply(template, row, now)
        template.save()
        result.created += 1


def _apply(template: HandshakeTemplate, row: TemplateRow, now) -> bool:
    """Copy the row onto the template; True if anything changed."""
    values = dict(row.content, status=row.status)
    stamps = row.timestamps
    values["created"] = stamps["created"] or template.created or now
    values["published_at"] = stamps["published_at"] or (
        template.published_at or now if row.status != Status.DRAFT else None
    )
    values["retired_at"] = stamps["retired_at"] or (
        template.retired_at or now if row.status == Status.RETIRED else None
    )
    changed = template._state.adding
    for name, value in values.items():
        if getattr(template, name) != value:
            setattr(template, name, value)
            changed = True
    return changed
