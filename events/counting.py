"""How many rows a filtered queryset holds, without counting a million of them.

A COUNT(*) over a million events takes longer than a whole page may, so the
reader's list and the curators' changelist both ask `estimated_count`:

* unfiltered: the planner's row count of the table (pg_class.reltuples),
  exact COUNT only when the table is small;
* filtered: the planner's estimate for the query (EXPLAIN, no rows read);
  when it expects few rows, an exact COUNT under a short statement timeout,
  keeping the estimate when PostgreSQL gives up. A COUNT that gave up is not
  tried again for SLOW_COUNT_SECONDS: the same filters (the next page, a shared
  link) show the estimate at once instead of waiting out the timeout again.

The thresholds are arguments so that each caller (and its tests) can tune them.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from django.core.cache import cache
from django.db import connections

from . import timeouts

# Below this many rows an exact COUNT is cheap whatever the filter.
SMALL_TABLE_ROWS = 50_000
# The time an exact COUNT of a filtered query may take before the estimate is kept.
COUNT_TIMEOUT_MS = 80
# A filtered result the planner expects to be smaller than this is counted exactly.
EXACT_BELOW = 10_000
# How long a COUNT that ran out of time is not tried again (a filter's cost changes slowly).
SLOW_COUNT_SECONDS = 600


class RowCount(NamedTuple):
    """A number of rows, and whether it is the planner's estimate rather than a COUNT."""

    value: int
    estimated: bool

    @property
    def display(self) -> str:
        """ "1,234" or "about 120,000"."""
        return f"about {rounded(self.value):,}" if self.estimated else f"{self.value:,}"


def estimated_count(
    qs,
    *,
    small_table_rows: int | None = None,
    exact_below: int | None = None,
    timeout_ms: int | None = None,
) -> RowCount:
    """The number of rows of `qs`: exact when that is cheap, else the planner's estimate.

    Thresholds left out are this module's constants, read at each call.
    """
    small_table_rows = SMALL_TABLE_ROWS if small_table_rows is None else small_table_rows
    exact_below = EXACT_BELOW if exact_below is None else exact_below
    timeout_ms = COUNT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    db = qs.db
    table = qs.model._meta.db_table
    table_rows = table_estimate(table, db)
    if not qs.query.where:
        if table_rows >= small_table_rows:
            return RowCount(table_rows, True)
        return RowCount(qs.count(), False)
    if table_rows < small_table_rows:
        return RowCount(qs.count(), False)
    # The planner's guess first (no rows read): a big result is shown as "about N" at once.
    guess = query_estimate(qs)
    if guess < exact_below:
        exact = count_with_timeout(qs, timeout_ms)
        if exact is not None:
            return RowCount(exact, False)
    return RowCount(max(guess, 1), True)


def rounded(value: int) -> int:
    """An estimate to two significant figures (241,377 -> 240,000): no false precision."""
    if value < 100:
        return value
    digits = len(str(value)) - 2
    return round(value, -digits)


def table_estimate(table: str, using: str = "default") -> int:
    """The planner's row count for a table: free, and right to a few percent after ANALYZE."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    # -1 means never analysed: treat it as small and count.
    return int(row[0]) if row and row[0] and row[0] > 0 else 0


def count_with_timeout(qs, timeout_ms: int):
    """COUNT(*) of `qs`, or None when it takes longer than `timeout_ms` (now or in the last SLOW_COUNT_SECONDS)."""
    key = slow_count_key(qs, timeout_ms)
    if cache.get(key):
        return None
    exact = timeouts.within(timeout_ms, qs.count, using=qs.db)
    if exact is None:
        cache.set(key, True, SLOW_COUNT_SECONDS)
    return exact


def slow_count_key(qs, timeout_ms: int) -> str:
    """The cache key that marks this COUNT as slower than `timeout_ms`: its SQL and parameters."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    digest = hashlib.sha256(repr((qs.db, timeout_ms, sql, params)).encode()).hexdigest()[:32]
    return f"conflictdb:slow-count:{digest}"


def query_estimate(qs) -> int:
    """The planner's estimate of the number of rows `qs` returns."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
