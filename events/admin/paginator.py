"""A changelist paginator that never counts a million rows.

Django's admin counts the filtered queryset on every page. At a million
events that COUNT alone takes longer than the whole page may. This paginator
asks `events.counting.estimated_count` instead (the planner's estimates, an
exact COUNT only when it is cheap), with the thresholds below.

`estimated` tells the template to write "about 120,000 events".
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from ..counting import count_with_timeout, estimated_count, query_estimate, table_estimate  # noqa: F401 (re-exported)

# Below this many rows an exact COUNT is cheap whatever the filter.
SMALL_TABLE_ROWS = 50_000
# The time an exact COUNT of a filtered changelist may take before the estimate is kept.
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
        result = estimated_count(
            self.object_list,
            small_table_rows=SMALL_TABLE_ROWS,
            exact_below=EXACT_BELOW,
            timeout_ms=COUNT_TIMEOUT_MS,
        )
        self.estimated = result.estimated
        return result.value
