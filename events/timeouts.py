"""Statements that give up: a query run under a short statement timeout, the connection usable afterwards.

A probe that decides a query's shape, or an exact COUNT beside a page, is
worth running only while it is cheap; past its time the caller keeps what
it already knows (an estimate, the other query shape).
"""

from __future__ import annotations

from typing import Callable, TypeVar

from django.db import DatabaseError, connections, transaction

T = TypeVar("T")


def within(timeout_ms: int, run: Callable[[], T], using: str = "default", settings: dict[str, str] | None = None) -> T | None:
    """`run()` with the statement timeout at `timeout_ms`, or None when PostgreSQL cancels it.

    JIT and parallel workers are off for it, and `settings` are other planner settings for `run()` alone
    (`{"enable_seqscan": "off"}`). All
    hold inside a savepoint (or a transaction of its own) and are put back afterwards, so the
    rest of an outer transaction keeps its own.
    """
    # JIT compiling takes tens of milliseconds, and starting a parallel worker about ten (measured:
    # a rare word's ids collected in 41 ms with a worker, 20 ms without), which a statement meant
    # to be short never wins back.
    changed = {
        "statement_timeout": f"{int(timeout_ms)}ms", "jit": "off", "max_parallel_workers_per_gather": "0",
        **(settings or {}),
    }
    names = list(changed)
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # One round trip to read and set them all, one to put them back.
                cursor.execute(
                    "SELECT " + ", ".join(["current_setting(%s), set_config(%s, %s, true)"] * len(names)),
                    [p for name in names for p in (name, name, changed[name])],
                )
                previous = cursor.fetchone()[::2]
                result = run()
                # Released savepoints keep SET LOCAL: restore it for the rest of an outer transaction.
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                    [p for name, value in zip(names, previous) for p in (name, value)],
                )
            return result
    except DatabaseError:
        # QueryCanceled; the savepoint (or transaction) was rolled back with it.
        return None
