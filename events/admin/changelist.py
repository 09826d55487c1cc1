"""The review queue's ChangeList: a column sort that PostgreSQL can read from an index.

Sorted by a column, Django orders by that column, then the admin's default
ordering (`-event_date, -id`), then "-pk", with NULLs first when descending.
`fatalities_best DESC, event_date DESC, id DESC` matches no index, so sorting
a million events by "Killed" read every unreported (NULL) event first or
sorted a whole group of equal figures (290-800 ms). Here a column sort is
the column alone, NULLs last both ways for the columns in NULLS_LAST, ties
broken by the id in the column's direction: the reader's fatalities indexes
`(fatalities_best, id)` hold exactly that order, and PostgreSQL stops after
the page.
"""

from __future__ import annotations

from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import F
from django.db.models.expressions import OrderBy

# Columns whose NULL means "not reported": last, whichever way the curator sorts.
NULLS_LAST = frozenset({"fatalities_best"})


def descending(term) -> bool:
    """Is this ordering term ("-field", "field" or an OrderBy expression) descending?"""
    if isinstance(term, OrderBy):
        return term.descending
    return isinstance(term, str) and term.startswith("-")


def nulls_last(term):
    """The term with NULLs last when its column is in NULLS_LAST; other terms as they are."""
    if isinstance(term, str) and term.lstrip("-") in NULLS_LAST:
        column = F(term.lstrip("-"))
        return column.desc(nulls_last=True) if descending(term) else column.asc(nulls_last=True)
    return term


class QueueChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        clicked = [part for part in self.params.get(ORDER_VAR, "").split(".") if part]
        if not clicked:
            return ordering  # the admin's default ordering, which has its own index
        terms = [nulls_last(term) for term in ordering[: len(clicked)]]
        return [*terms, "-pk" if descending(terms[0]) else "pk"]
