"""A changelist paginator that never counts a million rows.

Django's admin counts the filtered queryset on every page. At a million
events that COUNT alone takes longer than the whole page may. This paginator:

* unfiltered: reads the planner's row estimate from pg_class.reltuples
  (exact COUNT only when the table is small);
* filtered: asks the planner's estimate for the query (EXPLAIN, no rows
  read); below EXACT_BELOW rows it tries an exact COUNT under a short
  statement timeout, and keeps the estimate when PostgreSQL gives up.

`estimated` tells the template to write "about 120,000 events".
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import DatabaseError, connections, transaction
from django.utils.functional import cached_property

# Below this many rows an exact COUNT is cheap whatever the filter.
SMALL_TABLE_ROWS = 50_000
# The time an exact COUNT of a filtered changelist may take before we estimate.
COUNT_TIMEOUT_MS = 80
# A filtered result the planner expects to be smaller than this is counted exactly.
EXACT_BELOW = 10_000


class EstimatedCountPaginator(Paginator):
    estimated = False

    @property
    def count_display(self) -> str:
        """ "1,234" or "about 120,000" for the changelist footer."""
        count = self.count
        return f"about {count:,}" if self.estimated else f"{count:,}"

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        db = qs.db
        table = qs.model._meta.db_table
        if not qs.query.where:
            rows = table_estimate(table, db)
            if rows >= SMALL_TABLE_ROWS:
                self.estimated = True
                return rows
            return qs.count()
        if table_estimate(table, db) < SMALL_TABLE_ROWS:
            return qs.count()
        # The planner's guess first (no rows read): a big result is shown as "about N" at once.
        guess = query_estimate(qs)
        if guess < EXACT_BELOW:
            exact = count_with_timeout(qs, COUNT_TIMEOUT_MS)
            if exact is not None:
                return exact
        self.estimated = True
        return max(guess, 1)


def table_estimate(table: str, using: str = "default") -> int:
    """The planner's row count for a table: free, and right to a few percent after ANALYZE."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    # -1 means never analysed: treat it as small and count.
    return int(row[0]) if row and row[0] and row[0] > 0 else 0


def count_with_timeout(qs, timeout_ms: int):
    """COUNT(*) of `qs`, or None when it takes longer than `timeout_ms`."""
    connection = connections[qs.db]
    try:
        with transaction.atomic(using=qs.db):
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                previous = cursor.fetchone()[0]
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
                count = qs.count()
                # Released savepoints keep SET LOCAL: restore it for the rest of an outer transaction.
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return count
    except DatabaseError:
        # QueryCanceled; the savepoint (or transaction) was rolled back with it.
        return None


def query_estimate(qs) -> int:
    """The planner's estimate of the number of rows `qs` returns."""
    sql, params = qs.values("pk").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
