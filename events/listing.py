"""The rows of the reader's event list: one page, only the columns shown, no COUNT per page.

A page is read with LIMIT page_size + 1: the extra row says whether there is
a next page, so paging never needs the total. The total shown above the
table is `events.counting.estimated_count` (exact when cheap, "about N"
otherwise). Pages stop at MAX_PAGE: an OFFSET deeper than that reads rows
only to skip them, and a reader who needs them all downloads the export.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .models import Event, EventSource

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 events; beyond that, the export
# What the table shows; the large columns (extracted, search_vector, notes) stay in the database.
LIST_FIELDS = (
    "id", "event_date", "date_start", "date_end", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor1__name", "actor2", "actor2__name", "location", "admin1", "country", "country_code",
    "geo_precision", "fatalities_best", "fatalities_low", "fatalities_high", "status",
)


class PageError(ValueError):
    """A `page` parameter that is not a page of the list."""


@dataclass
class SortColumn:
    """A sortable column: its `sort` value and the direction of a first click."""

    key: str
    label: str
    first: str = "asc"  # fatalities and dates read best from the top down


SORT_COLUMNS = {
    "date": SortColumn("date", "Date", first="desc"),
    "type": SortColumn("type", "Type"),
    "location": SortColumn("location", "Location"),
    "country": SortColumn("country", "Country"),
    "fatalities": SortColumn("fatalities", "Fatalities", first="desc"),
    "status": SortColumn("status", "Status"),
}
DEFAULT_SORT = "-date"  # the filterset's order when `sort` is absent


@dataclass
class ListPage:
    number: int
    events: list[Event]
    has_next: bool
    page_size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.events else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.page_size + len(self.events)


def page_number(raw: str | None) -> int:
    """The `page` parameter as a number in 1..MAX_PAGE (PageError otherwise)."""
    if raw in (None, ""):
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise PageError(f"page: {raw[:20]!r} is not a page number (1, 2, 3 ...).")
    number = int(raw)
    if number > MAX_PAGE:
        raise PageError(
            f"page: pages stop at {MAX_PAGE} ({MAX_PAGE * PAGE_SIZE:,} events). "
            "Narrow the filters, or download the export for every event."
        )
    return number


def list_page(queryset: QuerySet, number: int, page_size: int | None = None) -> ListPage:
    """Page `number` of the filtered, ordered `queryset`; each event gets `source_count`."""
    page_size = page_size or PAGE_SIZE
    offset = (number - 1) * page_size
    rows = list(
        queryset.select_related("actor1", "actor2").only(*LIST_FIELDS)[offset : offset + page_size + 1]
    )
    events, has_next = rows[:page_size], len(rows) > page_size
    counts = source_counts(events)
    for event in events:
        event.source_count = counts.get(event.pk, 0)
    return ListPage(number=number, events=events, has_next=has_next, page_size=page_size)


def source_counts(events: list[Event]) -> dict[int, int]:
    """{event id: number of source stories} for the events of one page (one GROUP BY over their ids)."""
    if not events:
        return {}
    rows = (
        EventSource.objects.filter(event_id__in=[e.pk for e in events])
        .order_by()
        .values_list("event_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def current_sort(cleaned_sort) -> str:
    """The `sort` value in force ("-date" when none was given)."""
    return (cleaned_sort or [DEFAULT_SORT])[0]


def sort_headers(cleaned_sort) -> dict[str, dict]:
    """For each sortable column: the `sort` value of its link and its aria-sort state."""
    active = current_sort(cleaned_sort)
    headers = {}
    for key, column in SORT_COLUMNS.items():
        if active == key:
            state, link = "ascending", f"-{key}"
        elif active == f"-{key}":
            state, link = "descending", key
        else:
            state, link = "none", f"-{key}" if column.first == "desc" else key
        headers[key] = {"label": column.label, "sort": link, "state": state}
    return headers
