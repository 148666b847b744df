"""The kinds of item a workshop holds, each described once.

A kind says what its items are (the model), what they are called where (the
workshop's related name, which is also the name of their list in the snapshot
and in the loaded workshop, and the letter of their snapshot keys: P1, P2, ...),
and which of their fields the snapshot holds. Each field is described by one
object that both writes it into the snapshot (`dump`) and reads it back from an
export (`load`), so the writer and the importer cannot drift apart.

The step registry gives every item step its kind (`alignment.agenda.steps`);
the snapshot, the import, the quarter's clone and comparison, the coherence
loading, the demo and the report all read the kinds from there.

Nothing here touches the database or a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from alignment.models.workshop import TEXT_MAX, TITLE_MAX

# How many items of one kind a workshop holds, added in its steps or imported.
# A real workshop has a handful of personas and strategy statements and a few
# dozen needs, KPIs or Moments of Truth; 200 of each is many times that, and
# keeps a step page, its edit forms and the PDF a reasonable size. Without a cap,
# 8,000 personas in a 232 KB file held the database's write lock for 23 s and
# made a 22 MB step page.
MAX_ITEMS_PER_KIND = 200


def decimal_text(value) -> str | None:
    """A decimal as the snapshot writes it: its exact digits, as text."""
    return None if value is None else f"{value:f}"


def natural(key: str) -> tuple[str, int]:
    """Snapshot keys in their natural order: B2 before B10."""
    return key[0], int(key[1:])


# Fields -----------------------------------------------------------------------------
#
# `dump(item, keys)` gives the field's entries in an item's snapshot row (`keys`:
# item id -> snapshot key). `load(row, reading, values)` gives the model values an
# import reads from such a row; `reading` is the import in progress (it finds the
# items made so far by key, checks numbers, knows the library and the catalogue),
# `values` what this row has given so far. A missing entry the import needs is a
# KeyError, which the import turns into "the file is incomplete".


@dataclass(frozen=True)
class Text:
    name: str
    required: bool = False
    default: str = ""
    # Title and description are cut to their length, whatever the file holds;
    # any other text is validated as the form validates it.
    clip: int = 0

    def dump(self, item, keys) -> dict:
        return {self.name: getattr(item, self.name)}

    def load(self, row, reading, values) -> dict:
        value = row[self.name] if self.required else row.get(self.name, self.default)
        if self.clip:
            value = str(value)[: self.clip]
        return {self.name: value}


@dataclass(frozen=True)
class Number:
    """A decimal (written as its digits) or a whole number."""

    name: str
    required: bool = False

    def dump(self, item, keys) -> dict:
        value = getattr(item, self.name)
        return {self.name: decimal_text(value) if isinstance(value, Decimal) else value}

    def load(self, row, reading, values) -> dict:
        value = row[self.name] if self.required else row.get(self.name)
        return {self.name: reading.number(self.name, value, row)}


@dataclass(frozen=True)
class Choice:
    """One of the model field's choices; `label` names the entry that carries its
    label in the workshop's language (the signed content shows it as read)."""

    name: str
    label: str = ""
    required: bool = False
    default: str = ""

    def dump(self, item, keys) -> dict:
        value = getattr(item, self.name)
        entries = {self.name: value}
        if self.label:
            display = getattr(item, f"get_{self.name}_display")
            entries[self.label] = str(display()) if value else ""
        return entries

    def load(self, row, reading, values) -> dict:
        return {self.name: row[self.name] if self.required else row.get(self.name, self.default)}


@dataclass(frozen=True)
class Flag:
    name: str

    def dump(self, item, keys) -> dict:
        return {self.name: getattr(item, self.name)}

    def load(self, row, reading, values) -> dict:
        return {self.name: bool(row.get(self.name))}


@dataclass(frozen=True)
class Parent:
    """The item this one sits under (a need's persona), by its snapshot key."""

    name: str

    def dump(self, item, keys) -> dict:
        return {self.name: keys.get(getattr(item, f"{self.name}_id"))}

    def load(self, row, reading, values) -> dict:
        key = row.get(self.name)
        return {self.name: reading.made.get(key) if key else None}


@dataclass(frozen=True)
class Links:
    """Many-to-many links (a bet's personas), as the sorted keys of the items
    they reach. The import sets them once the item exists (`link`)."""

    name: str

    def dump(self, item, keys) -> dict:
        related = getattr(item, self.name).all()
        return {self.name: sorted((keys[i.pk] for i in related if i.pk in keys), key=natural)}

    def load(self, row, reading, values) -> dict:
        return {}

    def link(self, item, row, reading) -> None:
        reading.link(item, self.name, row.get(self.name, []))


@dataclass(frozen=True)
class Derived:
    """A value the snapshot shows but an import does not read: the model
    computes it from the other fields (a Moment of Truth's priority)."""

    name: str
    attribute: str

    def dump(self, item, keys) -> dict:
        return {self.name: getattr(item, self.attribute)}

    def load(self, row, reading, values) -> dict:
        return {}


@dataclass(frozen=True)
class CatalogueEntry:
    """The KPI catalogue entry a KPI was taken from, by its code."""

    name: str = "catalogue"

    def dump(self, item, keys) -> dict:
        entry = getattr(item, self.name)
        return {self.name: entry.code if entry else None}

    def load(self, row, reading, values) -> dict:
        return {self.name: reading.catalogue.get(row.get(self.name))}


@dataclass(frozen=True)
class LibraryTemplate:
    """The handshake template an agreement was taken from, by area and version:
    the snapshot can move to another installation with the same library."""

    def dump(self, item, keys) -> dict:
        template = item.template
        return {
            "area": template.area.slug,
            "area_name": template.area.name,
            "template_version": template.version,
            "impact": template.impact,
        }

    def load(self, row, reading, values) -> dict:
        return {"template": reading.templates[(row["area"], row["template_version"])]}


@dataclass(frozen=True)
class CoveredHandshakes:
    """Which of the template's key handshakes the agreement covers, by their text."""

    def dump(self, item, keys) -> dict:
        return {"covers": item.covered_handshakes}

    def load(self, row, reading, values) -> dict:
        key_handshakes = values["template"].key_handshakes
        # Each handshake once, in the file's order.
        return {
            "covers": list(
                dict.fromkeys(
                    key_handshakes.index(text)
                    for text in row.get("covers", [])
                    if text in key_handshakes
                )
            )
        }


TITLE = Text("title", required=True, clip=TITLE_MAX)
DESCRIPTION = Text("description", clip=TEXT_MAX)


# Kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    # The workshop's related name for these items, the name of their list in the
    # snapshot and of their attribute in the loaded workshop.
    name: str
    model: type
    # The letter of their snapshot keys.
    prefix: str
    # Where their list is in the snapshot: ("aspects", "personas") or ("bets",).
    path: tuple[str, ...]
    # What a snapshot row holds besides its key, in the order an import reads it.
    fields: tuple = ()
    # What the quarter-over-quarter comparison shows when it changed.
    compared: tuple[str, ...] = ()
    # What the coherence rules read with the items (foreign keys), and the
    # reverse links they also follow (a bet's KPIs), besides the kind's own links.
    load_related: tuple[str, ...] = ()
    load_reverse: tuple[str, ...] = ()

    @property
    def parents(self) -> tuple[Parent, ...]:
        return tuple(f for f in self.fields if isinstance(f, Parent))

    @property
    def links(self) -> tuple[Links, ...]:
        return tuple(f for f in self.fields if isinstance(f, Links))

    @property
    def in_aspects(self) -> bool:
        """One of the six aspects: an export must hold its list (maybe empty)."""
        return self.path[0] == "aspects"

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def dump(self, item, keys) -> dict:
        """The item's row in the snapshot."""
        row = {"key": keys[item.pk]}
        for spec in self.fields:
            row.update(spec.dump(item, keys))
        return row

    def rows_in(self, snapshot: dict):
        """The rows of this kind in a snapshot, or None where it has none (a
        snapshot from an older version, or an empty list left out)."""
        rows = snapshot
        for key in self.path:
            rows = rows.get(key) if isinstance(rows, dict) else None
        return rows
