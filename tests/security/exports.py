"""Workshop exports as the import tests take them apart: one shape, one place."""

from __future__ import annotations

from alignment.services import signoff

# Where an export carries numbers the import stores: (path to the list, field).
EXPORT_NUMBERS = [
    (("aspects", "personas"), "share_of_base"),
    (("kpis",), "baseline"),
    (("kpis",), "target"),
    (("mots",), "impact"),
    (("mots",), "performance"),
    (("agreements",), "quality"),
]


def export_of(workshop) -> dict:
    """The file the lead downloads from a workshop before sign-off."""
    data, content_hash = signoff.current_content(workshop)
    return {"content_hash": content_hash, "snapshot": data}


def rows_at(export: dict, path: tuple) -> list:
    """The list of rows at `path` inside an export's snapshot."""
    node = export["snapshot"]
    for key in path:
        node = node[key]
    return node
