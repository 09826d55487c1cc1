"""Keyset pagination: every page costs the same, the first or the millionth.

DRF's CursorPagination keeps the position of the first ordering column and
an offset among the rows that tie on it, so a sort with many ties (a
country, a fatality count) degrades into OFFSET scans, and a NULL date
breaks it. This variant keeps the whole sort key of the last row, the event
id included: the next page is "rows after (key, id)", answered by the index
in the sort's order without reading the pages before it, however deep.
There is no total count (a COUNT(*) over a million filtered rows is the slow
part of offset pagination) and no offset or page number to abuse: `limit`
is 1..MAX_PAGE_SIZE, the cursor comes from a `next` or `previous` link, and
anything else is a 400 naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, OrderBy, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_CURSOR_LENGTH = 1000
# Parameters of other pagination styles: refused, so a client never gets the first page when it asked for page 1000.
FOREIGN_PAGINATION_PARAMS = ("offset", "page", "page_size")
NOTHING = Q(pk__in=[])


class KeysetPagination(CursorPagination):
    """`?limit=N&cursor=...`; the response is `{"next", "previous", "results"}` as in DRF's cursor pagination.

    The queryset's ordering decides the key; its last term must be unique
    (the primary key), which the event FilterSet and the API views guarantee.
    """

    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "limit"
    page_size_query_description = f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    cursor_query_description = "Where the page starts: copy it from the `next` or `previous` link, never build it."

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        refuse_foreign_parameters(request)
        self.page_size = self.get_page_size(request)
        self.model = queryset.model
        self.terms = sort_terms(queryset)
        self.signature = sort_signature(self.terms)
        cursor = self.decode_cursor(request)
        self.backwards = bool(cursor and cursor["reverse"])
        terms = reversed_terms(self.terms) if self.backwards else self.terms
        rows = rows_from(queryset, terms, cursor["key"] if cursor else None, self.page_size + 1)
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if self.backwards:
            self.page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = cursor is not None, more
        return self.page

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"limit": [f"Give a whole number from 1 to {self.max_page_size} (got {raw[:40]!r})."]})
        return size

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self.encode_cursor({"reverse": False, "key": key_of(self.page[-1], self.terms)})

    def get_previous_link(self):
        if not self.has_previous or not self.page:
            return None
        return self.encode_cursor({"reverse": True, "key": key_of(self.page[0], self.terms)})

    def encode_cursor(self, cursor: dict) -> str:
        token = cursor_token(self.terms, cursor["key"], reverse=cursor["reverse"])
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request) -> dict | None:
        """The cursor of the request, checked against the page's sort; a 400 when it is not one of ours."""
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        try:
            if len(token) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
            key, signature, reverse = payload["k"], payload["o"], payload["r"]
            if signature != self.signature or not isinstance(key, list) or len(key) != len(self.terms) or not isinstance(reverse, bool):
                raise ValueError("another sort")
            key = [parse_key_value(self.model, name, value) for (name, _, _), value in zip(self.terms, key)]
        except (ValueError, TypeError, KeyError, binascii.Error, DjangoValidationError):
            raise ValidationError(
                {"cursor": ["Not a cursor of this listing and sort: follow the `next` or `previous` link as given."]}
            ) from None
        return {"reverse": reverse, "key": key}

    def get_schema_operation_parameters(self, view):
        cursor, size = super().get_schema_operation_parameters(view)
        cursor["schema"].update({"maxLength": MAX_CURSOR_LENGTH, "pattern": "^[A-Za-z0-9_-]+$"})
        size["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return [cursor, size]


def refuse_foreign_parameters(request) -> None:
    foreign = [p for p in FOREIGN_PAGINATION_PARAMS if p in request.query_params]
    if foreign:
        message = "This API pages with cursors: follow the `next` link of each page (and set `limit`); there is no offset or page number."
        raise ValidationError({name: [message] for name in foreign})


# --- the sort key ---------------------------------------------------------------------------------


def cursor_token(terms, key: list, *, reverse: bool = False) -> str:
    """The `cursor` value of the page after (or, reversed, before) the row with this sort key."""
    payload = json.dumps({"o": sort_signature(terms), "r": reverse, "k": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def sort_signature(terms) -> str:
    """The sort a cursor belongs to ("-event_date,-id~"): a cursor of another sort is refused."""
    return ",".join(f"{'-' if descending else ''}{name}{'' if nulls_last else '~'}" for name, descending, nulls_last in terms)


def sort_terms(queryset: QuerySet) -> list[tuple[str, bool, bool]]:
    """(column, descending, nulls last) of each ordering term, as PostgreSQL applies it."""
    terms = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            terms.append((item.lstrip("-"), descending, not descending))  # PostgreSQL: NULLs sort as the largest value
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            nulls_last = item.nulls_last or (not item.nulls_first and not item.descending)
            terms.append((item.expression.name, item.descending, nulls_last))
        else:
            raise ImproperlyConfigured(f"keyset pagination cannot page over the ordering {item!r}")
    if not terms or terms[-1][0] not in ("id", "pk"):
        raise ImproperlyConfigured("keyset pagination needs the primary key as the last ordering term")
    return terms


def reversed_terms(terms):
    return [(name, not descending, not nulls_last) for name, descending, nulls_last in terms]


def order_expression(term) -> OrderBy:
    name, descending, nulls_last = term
    nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
    return F(name).desc(**nulls) if descending else F(name).asc(**nulls)


def key_of(row, terms) -> list:
    """The sort key of a row, JSON-ready (dates and times as ISO strings)."""
    values = []
    for name, _, _ in terms:
        value = getattr(row, name)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def parse_key_value(model, name: str, value):
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"{name}: not a key value")
    return column(model, name).to_python(value)


def rows_from(queryset: QuerySet, terms, key: list | None, count: int) -> list:
    """Up to `count` rows after `key` (from the start when None) in the order of `terms`.

    When the first sort column can be NULL, its non-NULL values and its NULLs
    are read as two segments, one after the other: `ORDER BY event_date DESC
    NULLS LAST` matches no index, but `WHERE event_date IS NOT NULL ORDER BY
    event_date DESC` is a backward scan of (event_date, id) that stops after
    `count` rows instead of sorting the whole table.
    """
    model = queryset.model
    name, descending, nulls_last = terms[0]
    natural = [f"-{name}" if descending else name, *(order_expression(t) for t in terms[1:])]
    if not column(model, name).null:
        if key is not None:
            queryset = queryset.filter(rows_after(terms, key, model))
        return list(queryset.order_by(*natural)[:count])
    rows, started = [], key is None
    for is_null in ((False, True) if nulls_last else (True, False)):
        if not started and (key[0] is None) != is_null:
            continue  # the cursor is in the other segment, further on
        segment = queryset.filter(**{f"{name}__isnull": is_null})
        if not started:
            segment = segment.filter(rows_after(terms, key, model))
            if key[0] is not None:  # a range bound, where PostgreSQL starts its index scan
                segment = segment.filter(**{f"{name}__{'lte' if descending else 'gte'}": key[0]})
            started = True
        rows += segment.order_by(*natural)[: count - len(rows)]
        if len(rows) >= count:
            break
    return rows


def column(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def rows_after(terms, key: list, model) -> Q:
    """Rows strictly after `key` in the order of `terms` (NULLs where each term puts them).

    Lexicographic: after on the first column, or equal on it and after on the
    next ... The first column also gets a plain range bound when it is NOT
    NULL, so PostgreSQL starts its index scan at the cursor.
    """
    condition, equal = NOTHING, Q()
    for (name, descending, nulls_last), value in zip(terms, key):
        condition |= equal & after(name, descending, nulls_last, value)
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    first, descending, _ = terms[0]
    if key[0] is not None and not column(model, first).null:
        condition &= Q(**{f"{first}__{'lte' if descending else 'gte'}": key[0]})
    return condition


def after(name: str, descending: bool, nulls_last: bool, value) -> Q:
    if value is None:
        return NOTHING if nulls_last else Q(**{f"{name}__isnull": False})
    beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
    return beyond | Q(**{f"{name}__isnull": True}) if nulls_last else beyond
