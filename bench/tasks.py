"""The report tasks the bench's own processes queue: never run, never delivered.

The sign-off queues the report render when the last leader signs (and the demo
seed signs Q3). In the bench the queue is not eager, so the request is measured
as in production; the tasks go to a queue of the bench's own, on whatever broker
is configured (kombu's in-memory transport by default), and that queue is
deleted at the end, so a real worker on the same broker never sees them.
"""

from __future__ import annotations

from kombu import Exchange, Queue

from cvm_align.celery import app

QUEUE = Queue("cvm-align-bench", Exchange("cvm-align-bench", type="direct"), "cvm-align-bench")


def hold_tasks() -> None:
    """Queue tasks instead of running them, on the bench's queue."""
    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE.name
    app.conf.task_queues = [QUEUE]


def drop_tasks() -> None:
    """Delete the bench's queue, with what it holds, from the broker."""
    with app.connection_for_write() as connection:
        queue = QUEUE(connection.default_channel)
        queue.declare()  # binds it in this connection, so delete() unbinds it too
        queue.purge()
        queue.delete()
        queue.exchange.delete()
