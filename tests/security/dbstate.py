"""What is in the database, table by table, to prove that a request wrote nothing."""

from __future__ import annotations

import hashlib

from django.db import connection

# Written by signing in and by the login throttle, never by the app's own views.
IGNORED_TABLE_PREFIXES = ("django_session", "axes_")


def _tables(cursor) -> list[str]:
    return sorted(
        t
        for t in connection.introspection.table_names(cursor)
        if not t.startswith(IGNORED_TABLE_PREFIXES)
    )


def database_state() -> dict[str, str]:
    """A digest of every row of every table (sorted, so row order does not matter)."""
    with connection.cursor() as cursor:
        tables = _tables(cursor)
        if connection.vendor == "postgresql":
            # One round trip: the server digests each table.
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, ',' "
                    f"ORDER BY t::text), '')) FROM {connection.ops.quote_name(table)} t"
                    for table in tables
                ),
                tables,
            )
            return {table: f"{count}:{digest}" for table, count, digest in cursor.fetchall()}
        state = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.blake2b("\n".join(rows).encode(), digest_size=12).hexdigest()
            state[table] = f"{len(rows)}:{digest}"
        return state


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
