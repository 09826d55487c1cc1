"""Is this the same real event? Matching EventRecords across stories, and merging their figures.

Two wire stories about one air strike rarely agree on everything: one says
"on Tuesday", the other "this week"; one names the village, the other the
district; one counts 43 dead, the other 45. An event matches when the places
agree (the same gazetteer entry, or the same admin1 when one of the two is
vague), the date ranges overlap (a day of slack for time zones and night
raids), and the types agree or are compatible. Pure functions: the database
layer calls them inside its own locking.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from extraction.records import Count, DateResolution, EventRecord, PlaceResolution

# Slack between date ranges: a night raid is "Monday" in one story and "Tuesday" in another.
DATE_SLACK = dt.timedelta(days=1)
# Score at or above which two records are the same event (all hard conditions met).
SAME_EVENT_THRESHOLD = 0.6
# Event types reporters confuse for one event: a bombing that kills civilians is an
# explosion in one story and an attack on civilians in another.
COMPATIBLE_TYPES = frozenset({frozenset({"Explosions/Remote violence", "Violence against civilians"})})
TERRITORY_SUBS = frozenset({"Government regains territory", "Non-state actor overtakes territory", "Armed clash"})
VAGUE_KINDS = frozenset({"country", "region", "province", "governorate", "state", "admin1", "area"})


def place_score(a: Optional[PlaceResolution], b: Optional[PlaceResolution]) -> float:
    """1 for the same place, 0.6 for the same admin1 when one is vague, else 0."""
    if a is None or b is None:
        return 0.0
    if a.gazetteer_id and a.gazetteer_id == b.gazetteer_id:
        return 1.0
    if a.name.casefold() == b.name.casefold() and a.iso2 == b.iso2:
        return 1.0
    vague = max(a.geo_precision, b.geo_precision) > 1 or a.kind in VAGUE_KINDS or b.kind in VAGUE_KINDS
    if vague and a.iso2 == b.iso2 and a.admin1 and a.admin1 == b.admin1:
        return 0.6
    return 0.0


def date_range(d: DateResolution) -> tuple[dt.date, dt.date]:
    """The span a resolution allows, falling back on the event date."""
    return (d.date_start or d.event_date, d.date_end or d.event_date)


def dates_overlap(a: Optional[DateResolution], b: Optional[DateResolution]) -> bool:
    """Whether the two date ranges overlap, with DATE_SLACK on each side."""
    if a is None or b is None or a.event_date is None or b.event_date is None:
        return False
    a0, a1 = date_range(a)
    b0, b1 = date_range(b)
    return a0 <= b1 + DATE_SLACK and b0 <= a1 + DATE_SLACK


def type_score(a: EventRecord, b: EventRecord) -> float:
    """1 for the same sub-event type, 0.8 same type, 0.5 compatible types, else 0."""
    if a.sub_event_type == b.sub_event_type:
        return 1.0
    if a.event_type == b.event_type:
        if a.event_type == "Strategic developments":
            return 0.0  # an arrest and an agreement are never one event
        return 0.8 if {a.sub_event_type, b.sub_event_type} <= TERRITORY_SUBS or a.event_type != "Battles" else 0.6
    if frozenset({a.event_type, b.event_type}) in COMPATIBLE_TYPES:
        return 0.5
    return 0.0


def match_score(a: EventRecord, b: EventRecord) -> float:
    """How likely two records describe the same event, 0..1 (0 when a hard condition fails)."""
    places, types = place_score(a.place, b.place), type_score(a, b)
    if not places or not types or not dates_overlap(a.date, b.date):
        return 0.0
    precise = a.date.time_precision == 1 and b.date.time_precision == 1 and a.date.event_date == b.date.event_date
    return round(0.4 * places + 0.3 * (1.0 if precise else 0.7) + 0.3 * types, 3)


def same_event(a: EventRecord, b: EventRecord) -> bool:
    """True when `a` and `b` (from two stories) report one real event."""
    return match_score(a, b) >= SAME_EVENT_THRESHOLD


def merge_counts(counts: list[Optional[Count]]) -> Optional[Count]:
    """The range over sources: low = min of lows (or bests), high = max of highs (or bests),
    best = the smallest best (ACLED's conservative figure). None when no source gives a figure."""
    given = [c for c in counts if c is not None and c.best is not None]
    if not given:
        return None
    best = min(c.best for c in given)
    lows = [c.low if c.low is not None else c.best for c in given]
    highs = [c.high for c in given if c.high is not None] + [c.best for c in given]
    return Count(
        best=best,
        low=min(lows),
        high=max(highs),
        phrase="; ".join(dict.fromkeys(c.phrase for c in given if c.phrase)),
        civilians=all(c.civilians for c in given),
        claimed_by="; ".join(dict.fromkeys(c.claimed_by for c in given if c.claimed_by)),
        vague=all(c.vague for c in given),
    )
