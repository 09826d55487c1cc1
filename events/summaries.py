"""Counts of the filtered events: per week or month, per type and sub-type, per country.

One SQL statement reads the filtered set once and groups it three ways
(GROUP BY GROUPING SETS: the event date, the type and sub-type, the
country); weeks and months are then rolled up from the daily counts, so
the reader can switch between them without another scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from django.db import connections
from django.db.models import QuerySet

from extraction import taxonomy
from extraction.gazetteer import country_name

INTERVALS = ("week", "month")
# Spans up to this many days are drawn per week, longer ones per month (when the reader does not choose).
WEEKLY_UP_TO_DAYS = 550
MAX_PERIODS = 2000  # a chart of more bars than this says nothing; months then


class IntervalError(ValueError):
    """An `interval` parameter that is neither week nor month."""


def parse_interval(raw: Optional[str]) -> Optional[str]:
    if raw in (None, "", "auto"):
        return None
    if raw not in INTERVALS:
        raise IntervalError("interval: give week or month.")
    return raw


@dataclass
class Tally:
    label: str
    events: int = 0
    fatalities: int = 0
    children: list["Tally"] = field(default_factory=list)
    key: str = ""


@dataclass
class Summary:
    interval: str
    periods: list[Tally]
    types: list[Tally]
    countries: list[Tally]
    undated: Tally
    total_events: int
    total_fatalities: int

    def as_chart_data(self) -> dict:
        """What the charts script needs, JSON-ready."""
        return {
            "interval": self.interval,
            "periods": [p.label for p in self.periods],
            "events": [p.events for p in self.periods],
            "fatalities": [p.fatalities for p in self.periods],
            "types": [[t.label, t.events, t.fatalities] for t in self.types],
            "countries": [[c.label, c.events, c.fatalities] for c in self.countries],
        }


def summarize(queryset: QuerySet, interval: Optional[str] = None) -> Summary:
    """The three tallies of `queryset` (already filtered), in one scan of it."""
    by_day, by_type, by_country = grouped_counts(queryset)
    undated = by_day.pop(None, (0, 0))
    dated = sorted(by_day.items())
    if interval is None:
        span = (dated[-1][0] - dated[0][0]).days if dated else 0
        interval = "week" if span <= WEEKLY_UP_TO_DAYS else "month"
    if interval == "week" and dated and (dated[-1][0] - dated[0][0]).days / 7 > MAX_PERIODS:
        interval = "month"
    periods = roll_up(dated, interval)
    types = type_tallies(by_type)
    countries = sorted(
        (Tally(country_name(code) if code else "(no country)", n, f, key=code) for code, (n, f) in by_country.items()),
        key=lambda t: (-t.events, t.label),
    )
    return Summary(
        interval=interval,
        periods=periods,
        types=types,
        countries=countries,
        undated=Tally("Undated", *undated),
        total_events=sum(t.events for t in types),
        total_fatalities=sum(t.fatalities for t in types),
    )


def grouped_counts(queryset: QuerySet) -> tuple[dict, dict, dict]:
    """({date: (events, fatalities)}, {(type, sub_type): ...}, {country_code: ...}) from one GROUPING SETS query."""
    inner = queryset.order_by().values("event_date", "event_type", "sub_event_type", "country_code", "fatalities_best")
    sql, params = inner.query.sql_with_params()
    by_day, by_type, by_country = {}, {}, {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT GROUPING(event_date), GROUPING(event_type), GROUPING(country_code),"
            " event_date, event_type, sub_event_type, country_code, COUNT(*), COALESCE(SUM(fatalities_best), 0)"
            f" FROM ({sql}) AS filtered"
            " GROUP BY GROUPING SETS ((event_date), (event_type, sub_event_type), (country_code))",
            params,
        )
        for g_date, g_type, g_country, day, etype, sub_type, code, n, fatalities in cursor.fetchall():
            if not g_date:
                by_day[day] = (n, int(fatalities))
            elif not g_type:
                by_type[(etype, sub_type)] = (n, int(fatalities))
            elif not g_country:
                by_country[code] = (n, int(fatalities))
    return by_day, by_type, by_country


def period_start(day: dt.date, interval: str) -> dt.date:
    """The Monday of the ISO week, or the first of the month."""
    return day - dt.timedelta(days=day.weekday()) if interval == "week" else day.replace(day=1)


def next_period(start: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def roll_up(dated: list[tuple[dt.date, tuple[int, int]]], interval: str) -> list[Tally]:
    """Daily counts into consecutive weeks or months, empty ones included (a gap is information)."""
    if not dated:
        return []
    totals: dict[dt.date, list[int]] = {}
    for day, (n, fatalities) in dated:
        bucket = totals.setdefault(period_start(day, interval), [0, 0])
        bucket[0] += n
        bucket[1] += fatalities
    periods, cursor, last = [], period_start(dated[0][0], interval), period_start(dated[-1][0], interval)
    while cursor <= last:
        n, fatalities = totals.get(cursor, (0, 0))
        label = cursor.isoformat() if interval == "week" else cursor.strftime("%Y-%m")
        periods.append(Tally(label, n, fatalities, key=cursor.isoformat()))
        cursor = next_period(cursor, interval)
    return periods


def type_tallies(by_type: dict) -> list[Tally]:
    """Types in ACLED's order, each with its sub-types; only those with events."""
    tallies = []
    for etype in taxonomy.EVENT_TYPES:
        children = [
            Tally(sub, *by_type[(etype, sub)], key=sub) for sub in taxonomy.TAXONOMY[etype] if (etype, sub) in by_type
        ]
        if children:
            tallies.append(
                Tally(etype, sum(c.events for c in children), sum(c.fatalities for c in children), children, key=etype)
            )
    tallies.sort(key=lambda t: -t.events)
    return tallies
