"""The bench's own databases, never the developer's.

SQLite by default: files in the run's temporary directory. PostgreSQL when
DATABASE_URL says so: on that server, databases named `cvm_align_bench_<name>`
are created for the run and dropped after it. The database DATABASE_URL names is
never opened for writing, and no database without the bench prefix is touched.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PREFIX = "cvm_align_bench_"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


class BenchDatabases:
    def __init__(self, database_url: str, directory: Path, *, keep: bool = False):
        self.source = urlsplit(database_url) if database_url else None
        self.directory = directory
        self.keep = keep
        self.created: list[str] = []
        if self.source is not None and self.source.scheme not in (*POSTGRES_SCHEMES, "sqlite"):
            raise SystemExit(
                f"bench: DATABASE_URL must be postgres:// or sqlite:// (got {self.source.scheme}://)"
            )

    @property
    def is_postgres(self) -> bool:
        return self.source is not None and self.source.scheme in POSTGRES_SCHEMES

    @property
    def vendor(self) -> str:
        return "postgresql" if self.is_postgres else "sqlite"

    def _url(self, database: str) -> str:
        assert self.source is not None
        return urlunsplit(self.source._replace(path=f"/{database}"))

    def _admin(self, sql: str) -> None:
        """Run one statement on the server's maintenance database."""
        import psycopg

        assert self.source is not None
        # The server's "postgres" database, else the one DATABASE_URL names (only
        # connected to, to run the statement; nothing in it is read or written).
        failure: Exception | None = None
        for maintenance in ("postgres", self.source.path.lstrip("/")):
            try:
                with psycopg.connect(self._url(maintenance), autocommit=True) as conn:
                    conn.execute(sql)
                return
            except psycopg.OperationalError as error:
                failure = error
        raise SystemExit(f"bench: cannot reach PostgreSQL: {failure}")

    def sqlite(self, name: str) -> str:
        """The DATABASE_URL of a fresh SQLite file for `name`, in the run's directory."""
        return f"sqlite:///{self.directory / f'bench-{name}.sqlite3'}"

    def create(self, name: str) -> str:
        """A fresh, empty database for `name`; returns its DATABASE_URL."""
        if not self.is_postgres:
            return self.sqlite(name)
        database = f"{PREFIX}{name}"
        if self.source is not None and self.source.path.lstrip("/") == database:
            raise SystemExit(f"bench: DATABASE_URL names {database}, the bench's own database")
        self._drop(database)  # left over from an interrupted run
        self._admin(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return self._url(database)

    def _drop(self, database: str) -> None:
        assert database.startswith(PREFIX) and database.replace("_", "").isalnum()
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def drop_all(self) -> None:
        if self.keep:
            return
        for database in self.created:
            self._drop(database)
        self.created.clear()

    def describe(self) -> str:
        if self.is_postgres:
            assert self.source is not None
            return f"PostgreSQL on {self.source.hostname}:{self.source.port or 5432}, {PREFIX}*"
        return f"SQLite files in {self.directory}"
