"""A signed quarter's actuals as CSV: read from a BI export, written for a spreadsheet.

Reading is in two steps, as a person checks a file before it counts: `read_actuals`
turns the text into rows, each with its parsed values or its errors, and records
nothing; `save_actuals` records every row or none. Between the two requests the
file travels back in a signed token (`sign_upload`), so the page that confirms
cannot change a value it was shown; the text is read again when it returns.

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" as a formula. The
export writes numbers itself, as numbers; every text a person typed gets a leading
apostrophe when it would start a formula (OWASP's "CSV injection").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.formats import get_format
from django.utils.translation import gettext, pgettext

from alignment import agenda
from alignment.models import Kpi, KpiReading, Status
from alignment.numbers import parse_number
from alignment.services import results
from alignment.services.errors import Refused
from alignment.text import clean_user_text

MAX_ROWS = 5000
SOURCE_MAX = 120
COMMENT_MAX = 500
# How long a preview can wait for its confirmation.
UPLOAD_MAX_AGE = 60 * 60
_SALT = "alignment.actuals_csv.upload"

# The columns a file may name, in English and Italian, as a BI tool or a person
# writes them; the export's own headers (in the reader's language) are added.
_COLUMNS = {
    "kpi": {"kpi", "key", "kpi key", "code", "kpi code", "chiave", "codice", "codice kpi"},
    "date": {"date", "taken on", "actual date", "data", "data rilevazione"},
    "value": {"value", "actual", "actual value", "valore", "valore effettivo", "effettivo"},
    "source": {"source", "fonte", "origine"},
    "comment": {"comment", "comments", "note", "notes", "commento", "commenti", "nota"},
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NO_READING, RECORDED = "no_reading", "recorded"


def _language(workshop) -> str:
    return workshop.language or settings.LANGUAGE_CODE


def _kpi_prefix() -> str:
    # The letter the snapshot and the results page number KPIs with (K1, K2...).
    return next(kind.prefix for kind in agenda.item_kinds() if kind.name == "kpis")


def numbered_kpis(workshop, *, with_readings: bool = False) -> list[tuple[str, Kpi]]:
    """The quarter's KPIs with their keys, in the order the results page shows them."""
    kpis = workshop.kpis.select_related("catalogue").order_by("order", "created")
    if with_readings:
        kpis = kpis.prefetch_related("readings")
    prefix = _kpi_prefix()
    return [(f"{prefix}{number}", kpi) for number, kpi in enumerate(kpis, start=1)]


# Reading a file --------------------------------------------------------------------


@dataclass
class Row:
    """One line of the file: what it records, or why it cannot."""

    number: int  # as a spreadsheet numbers it: the header is row 1
    kpi_text: str
    key: str = ""
    kpi: Kpi | None = None
    taken_on: date | None = None
    value: Decimal | None = None
    source: str = ""
    comment: str = ""
    errors: list[str] = field(default_factory=list)
    # Why a row that is not wrong records nothing: NO_READING (a KPI's plan
    # without a date or a value, as the export writes it) or RECORDED (this
    # reading is there already: the file was imported before).
    skipped: str = ""

    def refuse(self, refusal: Refused) -> None:
        """Notes why this row cannot be recorded; every message names the row."""
        refusal.params = {"row": self.number, **refusal.params}
        self.errors.append(refusal.message)


@dataclass
class Preview:
    file_name: str
    rows: list[Row]

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.errors and not row.skipped]

    @property
    def skipped(self) -> list[Row]:
        return [row for row in self.rows if row.skipped]

    @property
    def ok(self) -> bool:
        """Nothing wrong, and something to save."""
        return bool(self.new_rows) and not self.errors


def _column_titles() -> dict[str, str]:
    """The import's columns as the export names them, in the reader's language."""
    return {
        "kpi": pgettext("CSV column", "KPI"),
        "date": pgettext("CSV column", "Date"),
        "value": pgettext("CSV column", "Value"),
        "source": pgettext("CSV column", "Source"),
        "comment": pgettext("CSV column", "Comment"),
    }


def _header_names() -> dict[str, set[str]]:
    titles = _column_titles()
    return {name: {*aliases, titles[name].casefold()} for name, aliases in _COLUMNS.items()}


def _delimiter(text: str) -> str:
    # The header line decides: Italian Excel writes ";", most tools ",".
    header = text.split("\n", 1)[0]
    return max((";", ",", "\t"), key=lambda candidate: (header.count(candidate), candidate == ","))


def _unescaped(cell: str) -> str:
    """A cell as the person wrote it: the apostrophe `safe_text` put before a
    formula's first character is taken off again, so an export imports as is."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def _records(text: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            yield [_unescaped(clean_user_text(cell, multiline=True).strip()) for cell in cells]
    except csv.Error:
        # The module's own wording is English and technical; the line is what helps.
        raise Refused("csv_damaged", {"line": max(reader.line_num, 1)}, field="file") from None


def _kpi_names(workshop) -> dict[str, list]:
    """Every name a row may give a KPI by (its key, catalogue code, title as
    stored and as the reader's language shows it), folded, to the KPIs it names."""
    names: dict[str, list] = {}
    for key, kpi in numbered_kpis(workshop):
        aliases = {key, kpi.title, gettext(kpi.title) if kpi.title else ""}
        if kpi.catalogue is not None:
            aliases.add(kpi.catalogue.code)
        for alias in aliases:
            alias = " ".join(alias.split()).casefold()
            if alias and (key, kpi) not in names.setdefault(alias, []):
                names[alias].append((key, kpi))
    return names


def _date(text: str, language: str) -> date | None:
    # ISO first, with a time of day a BI tool may add; then the language's short form.
    iso = text[:10] if len(text) > 10 and text[10] in "T " else text
    formats = ["%Y-%m-%d"]
    formats += ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"] if language == "it" else ["%m/%d/%Y"]
    for number, pattern in enumerate(formats):
        try:
            return datetime.strptime(iso if number == 0 else text, pattern).date()
        except ValueError:
            continue
    return None


def _value(text: str, language: str, row: Row) -> Decimal | None:
    number = parse_number(text, language)
    if number is None:
        row.refuse(Refused("csv_bad_number", {"value": text}))
        return None
    number = number.quantize(Decimal("0.01"))
    if len(number.as_tuple().digits) > 14:
        row.refuse(Refused("csv_number_too_large", {"value": text}))
        return None
    return number


def read_actuals(workshop, text: str, *, file_name: str) -> Preview:
    """The file's rows as they would be recorded, each with its errors. Refused
    as a whole when it cannot be read as a table of actuals at all."""
    if workshop.status != Status.SIGNED:
        raise Refused("results_before_signing", field="file")
    language = _language(workshop)
    # Numbered as a spreadsheet shows them, blank lines included: row 1 is the header.
    records = enumerate(_records(text.removeprefix("\ufeff")), start=1)
    header = next((cells for _number, cells in records if any(cells)), None)
    if header is None:
        raise Refused("csv_empty", field="file")
    wanted = _header_names()
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = " ".join(cell.split()).casefold()
        for column, aliases in wanted.items():
            if name in aliases and column not in columns:
                columns[column] = index
    missing = [column for column in ("kpi", "date", "value") if column not in columns]
    if missing:
        titles = _column_titles()
        named = ", ".join(titles[column] for column in missing)
        raise Refused("csv_missing_columns", {"columns": named}, field="file")

    kpis = _kpi_names(workshop)
    rows = []
    for number, cells in records:
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise Refused("csv_too_many_rows", {"cap": MAX_ROWS}, field="file")

        def cell(column: str, cells=cells) -> str:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        row = Row(number=number, kpi_text=cell("kpi"))
        if not cell("date") and not cell("value"):
            # A KPI's plan without a reading, as the export lists one.
            row.skipped = NO_READING
            rows.append(row)
            continue
        if not row.kpi_text:
            row.refuse(Refused("csv_no_kpi"))
        else:
            named = kpis.get(" ".join(row.kpi_text.split()).casefold(), [])
            if not named:
                row.refuse(Refused("csv_unknown_kpi", {"kpi": row.kpi_text}))
            elif len(named) > 1:
                row.refuse(Refused("csv_ambiguous_kpi", {"kpi": row.kpi_text}))
            else:
                row.key, row.kpi = named[0]
        taken_on = cell("date")
        row.taken_on = _date(taken_on, language) if taken_on else None
        if not taken_on:
            row.refuse(Refused("csv_no_date"))
        elif row.taken_on is None:
            row.refuse(Refused("csv_bad_date", {"value": taken_on}))
        value = cell("value")
        if not value:
            row.refuse(Refused("csv_no_value"))
        else:
            row.value = _value(value, language, row)
        row.source = " ".join(cell("source").split())
        if len(row.source) > SOURCE_MAX:
            row.refuse(Refused("csv_source_too_long", {"cap": SOURCE_MAX}))
        row.comment = cell("comment")
        if len(row.comment) > COMMENT_MAX:
            row.refuse(Refused("csv_comment_too_long", {"cap": COMMENT_MAX}))
        rows.append(row)
    if not rows:
        raise Refused("csv_empty", field="file")
    _skip_recorded(workshop, rows)
    return Preview(file_name=file_name, rows=rows)


def _skip_recorded(workshop, rows: list[Row]) -> None:
    """Marks the rows whose reading (KPI, date, value) is recorded already, so a
    file imported twice, or an export with new rows added, saves only what is new."""
    recorded = set(
        KpiReading.objects.filter(kpi__workshop=workshop).values_list("kpi_id", "taken_on", "value")
    )
    for row in rows:
        if row.errors or row.skipped:
            continue
        if (row.kpi.pk, row.taken_on, row.value) in recorded:
            row.skipped = RECORDED


# Between the preview and the confirmation ------------------------------------------


def sign_upload(workshop, user, text: str, *, file_name: str) -> str:
    """The file, for the confirming page to send back unchanged: only to this
    quarter, by this person, within the hour."""
    payload = {"w": str(workshop.pk), "u": user.pk, "n": file_name, "t": text}
    return signing.dumps(payload, salt=_SALT, compress=True)


def unsign_upload(workshop, user, token: str) -> tuple[str, str]:
    """The text and file name `sign_upload` signed, or a refusal to upload again."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused("csv_preview_expired") from None
    except signing.BadSignature:
        raise Refused("csv_preview_invalid") from None
    if payload.get("w") != str(workshop.pk) or payload.get("u") != user.pk:
        raise Refused("csv_preview_invalid")
    return payload["t"], payload["n"]


@transaction.atomic
def save_actuals(workshop, preview: Preview, *, by) -> int:
    """Every row of a preview without errors as a reading, or none of them."""
    if preview.errors:
        raise Refused("csv_has_errors", {"count": len(preview.errors)})
    if not preview.new_rows:
        raise Refused("csv_nothing_new")
    source = preview.file_name[:SOURCE_MAX]
    for row in preview.new_rows:
        results.add_reading(
            row.kpi,
            value=row.value,
            taken_on=row.taken_on,
            source=row.source or source,
            comment=row.comment,
            by=by,
        )
    return len(preview.new_rows)


# Writing a file --------------------------------------------------------------------


def safe_text(value: str) -> str:
    """A person's text as a cell that a spreadsheet shows and never runs."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _number(value: Decimal | None, decimal_separator: str) -> str:
    return "" if value is None else str(value).replace(".", decimal_separator)


def export_actuals(workshop) -> str:
    """Every KPI of the quarter with its plan and each actual reading, one row a
    reading (a KPI without readings has one row with empty actuals). Numbers as
    the workshop's language writes them, without thousands, so a spreadsheet in
    that language reads them as numbers."""
    language = _language(workshop)
    decimal_separator = get_format("DECIMAL_SEPARATOR", lang=language)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if decimal_separator == "," else ",")
    writer.writerow(
        [
            pgettext("CSV column", "KPI"),
            pgettext("CSV column", "Title"),
            pgettext("CSV column", "Catalogue code"),
            pgettext("CSV column", "Unit"),
            pgettext("CSV column", "Direction"),
            pgettext("CSV column", "Baseline"),
            pgettext("CSV column", "Target"),
            pgettext("CSV column", "Target quarter"),
            pgettext("CSV column", "Date"),
            pgettext("CSV column", "Value"),
            pgettext("CSV column", "Source"),
            pgettext("CSV column", "Comment"),
        ]
    )
    for key, kpi in numbered_kpis(workshop, with_readings=True):
        plan = [
            key,
            safe_text(gettext(kpi.title) if kpi.title else ""),
            safe_text(kpi.catalogue.code if kpi.catalogue else ""),
            safe_text(gettext(kpi.unit) if kpi.unit else ""),
            str(kpi.get_direction_display()),
            _number(kpi.baseline, decimal_separator),
            _number(kpi.target, decimal_separator),
            kpi.target_quarter,
        ]
        readings: list[KpiReading] = sorted(kpi.readings.all(), key=lambda r: (r.taken_on, r.pk))
        for reading in readings:
            writer.writerow(
                [
                    *plan,
                    reading.taken_on.isoformat(),
                    _number(reading.value, decimal_separator),
                    safe_text(reading.source),
                    safe_text(reading.comment),
                ]
            )
        if not readings:
            writer.writerow([*plan, "", "", "", ""])
    return out.getvalue()
