"""Events that match a filter, as their few ids when there are few, else as a condition checked per event.

A rare word, a rare actor or a small outlet matches a few thousand events
spread over the whole list. Walking the list's index in order to find them
reads most of it, and a subquery that collects them is collected again by
the COUNT beside the page. Read once (at most `limit` rows, within
`timeout_ms`) and handed back as one array parameter, `id = ANY(%s)`, they
make the page, its count, the map and the export index look-ups of those
ids. A filter that matches many events is checked per event instead, while
PostgreSQL reads the list's index in order and stops after the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, F, Lookup, Q, QuerySet, Value
from django.db.models.functions import Cast

from . import timeouts


class AnyOf(Lookup):
    """`column = ANY(array)`: a list of ids as one parameter, not one placeholder per id."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def among(ids, field: str = "pk") -> Q:
    """The condition "`field` is one of `ids`" (no ids: matches nothing).

    The array goes as one text parameter, '{1,2,3}'::bigint[]: as a list, Django
    and psycopg prepare each of its thousands of ids on every compile of the
    query (4 ms for 2,500 ids, and a list page compiles its query three times).
    """
    text = "{" + ",".join(str(int(i)) for i in sorted(ids)) + "}"
    array = Cast(Value(text), output_field=ArrayField(BigIntegerField()))
    return Q(AnyOf(F(field), array))


@dataclass(frozen=True)
class Matches:
    """The events one filter matches: `ids` when they were collected, and the condition to filter with."""

    condition: Q
    ids: frozenset[int] | None = None

    @classmethod
    def collected(cls, ids) -> "Matches":
        ids = frozenset(ids)
        return cls(among(ids), ids)

    def __or__(self, other: "Matches") -> "Matches":
        if self.ids is not None and other.ids is not None:
            return Matches.collected(self.ids | other.ids)
        return Matches(self.condition | other.condition)


def collected_ids(*querysets: QuerySet, limit: int, timeout_ms: int, using: str = "default") -> frozenset[int] | None:
    """The distinct values of one-column `querysets` (`values_list(..., flat=True)`), read in one UNION ALL.

    None when they give more than `limit` rows, or when PostgreSQL takes longer than
    `timeout_ms`: the caller then checks its condition per event instead.
    """
    first, *rest = [qs.order_by() for qs in querysets]
    union = first.union(*rest, all=True) if rest else first

    def read() -> list:
        return list(union[: limit + 1])

    rows = timeouts.within(timeout_ms, read, using=using)
    if rows is None or len(rows) > limit:
        return None
    return frozenset(rows)
