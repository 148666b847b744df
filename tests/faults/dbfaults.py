"""A database that fails at the n-th write, as a dropped connection would."""

from __future__ import annotations

from django.db import OperationalError, connection, transaction

WRITES = ("INSERT", "UPDATE", "DELETE")


class FailingWrite:
    """Lets the first n-1 writes through, then fails like a connection that dropped."""

    def __init__(self, n: int):
        self.n = n
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            self.writes += 1
            if self.writes == self.n:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


class CountingWrites(FailingWrite):
    def __init__(self):
        super().__init__(n=0)


class Rollback(Exception):
    pass


def writes_of(action) -> int:
    """How many write statements `action` makes when nothing fails (then undone)."""
    counter = CountingWrites()
    try:
        with transaction.atomic(), connection.execute_wrapper(counter):
            action()
            raise Rollback
    except Rollback:
        pass
    return counter.writes
