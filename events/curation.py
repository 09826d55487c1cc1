"""Machines propose, curators decide: the line between `extracted` and curated fields.

`Event.extracted` holds the extractor's proposal (one entry per story under
"stories", combined into top-level field values); `Event.curated_fields`
names the fields a curator changed. Everything that writes proposals into an
event goes through `apply_proposal`, which skips curated fields and keeps the
row valid (low <= best <= high, start <= end, a sub-type of the type) when
only part of a group was curated. Curator saves go through `mark_curated`
(or `save_curation`, which also takes the row lock and detects stale forms).

Layout of `Event.extracted` (JSON, values as the columns hold them: dates
as ISO strings, actor1/actor2/place as primary keys):

    {<every CURATABLE_FIELD>: proposed value,      # figures = range over sources
     "assoc_actors1": [pk], "assoc_actors2": [pk],
     "labels": {"actor1": name, "actor2": name, "place": name},
     "confidence": 0.8, "date_certain": true, "review_reasons": ["..."],
     "evidence": [{Evidence fields..., "story": story pk}],
     "stories": [{"story": pk, <the same fields, that story's own proposal>,
                  "key": [...], "sentence_indexes": [...]}, ...]}   # lead story first
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from django.db import transaction

from extraction import taxonomy

from .choices import CURATABLE_FIELDS, ReviewStatus
from .models import Event

# A proposal with confidence below this, or with a review reason, waits for a curator.
REVIEW_CONFIDENCE = 0.6

FIGURE_PREFIXES = ("fatalities", "injured")
FIGURE_FIELDS = tuple(f"{p}_{k}" for p in FIGURE_PREFIXES for k in ("best", "low", "high"))
FK_FIELDS = ("actor1", "actor2", "place")
DATE_FIELDS = ("event_date", "date_start", "date_end")

# Fields that come from one story together: a date range and its precision,
# a place and its coordinates, a type and its sub-type.
DATE_GROUP = ("event_date", "date_start", "date_end", "time_precision", "date_certain")
PLACE_GROUP = ("place", "location", "admin1", "country", "country_code", "latitude", "longitude", "geo_precision")
TYPE_GROUP = ("event_type", "sub_event_type")


class StaleEvent(Exception):
    """The event changed since the curator's form was loaded."""


# --- Curator side -----------------------------------------------------------------------


def mark_curated(event: Event, changed_fields: Iterable[str]) -> list[str]:
    """Record that a curator changed these fields; bumps `version`. Does not save.

    Call it from the admin's save, inside the transaction that saves the row.
    Names that are not CURATABLE_FIELDS (status, merged_into ...) are ignored.
    Returns the curatable fields among `changed_fields`.
    """
    changed = [f for f in dict.fromkeys(changed_fields) if f in CURATABLE_FIELDS]
    if changed:
        event.curated_fields = sorted(set(event.curated_fields or ()) | set(changed))
    event.version = (event.version or 0) + 1
    return changed


def save_curation(event: Event, changed_fields: Iterable[str], *, expected_version: Optional[int] = None, user=None) -> Event:
    """Save a curator's edit of `changed_fields` (values taken from `event`) under the row lock.

    Re-reads the row with SELECT ... FOR UPDATE so an extraction running at the
    same moment is neither overwritten nor overwrites: only the changed fields
    are copied onto the fresh row, and uncurated figures or dates move to keep
    the row valid (a curated best of 60 lifts an uncurated high of 45). Raises StaleEvent when `expected_version`
    (the version the form was loaded at) is no longer the row's version.
    """
    changed = [f for f in dict.fromkeys(changed_fields)]
    with transaction.atomic():
        fresh = Event.objects.select_for_update().get(pk=event.pk)
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEvent(f"event {event.pk} changed since it was loaded (version {expected_version} -> {fresh.version})")
        for name in changed:
            attname = Event._meta.get_field(name).attname
            setattr(fresh, attname, getattr(event, attname))
        before = {f: _current(fresh, f) for f in CURATABLE_FIELDS}
        mark_curated(fresh, changed)
        _keep_consistent(fresh, set(fresh.curated_fields), before)
        if user is not None:
            fresh._history_user = user
        fresh.save()
    return fresh


# --- Machine side -------------------------------------------------------------------------


def combine_proposals(entries: list[dict]) -> dict:
    """One proposal from several stories' proposals, the first (lead) story first.

    Each group (date, place, type) comes whole from the first story that has
    it; single fields from the first story that has a value; civilian
    targeting if any story says so; confidence is the highest (corroboration).
    Figures are not combined here: they come from the sources' own figures.
    """
    combined: dict = {}
    for group, key in ((DATE_GROUP, "event_date"), (PLACE_GROUP, "country_code"), (TYPE_GROUP, "event_type")):
        lead = next((e for e in entries if e.get(key) not in (None, "")), entries[0] if entries else {})
        if group is PLACE_GROUP and not lead.get("country_code"):
            lead = next((e for e in entries if e.get("place") or e.get("location")), lead)
        combined.update({f: lead.get(f) for f in group})
        if group is PLACE_GROUP:
            combined["place_label"] = (lead.get("labels") or {}).get("place", "")
    for name in ("actor1", "actor2", "notes"):
        source = next((e for e in entries if e.get(name) not in (None, "")), {})
        combined[name] = source.get(name)
        if name != "notes":
            combined[f"{name}_label"] = (source.get("labels") or {}).get(name, "")
    lead_assoc = entries[0] if entries else {}
    for name in ("assoc_actors1", "assoc_actors2"):
        combined[name] = list(lead_assoc.get(name) or [])
    combined["civilian_targeting"] = any(e.get("civilian_targeting") for e in entries)
    combined["confidence"] = max((e.get("confidence") or 0.0 for e in entries), default=0.0)
    combined["labels"] = {
        "actor1": combined.pop("actor1_label"),
        "actor2": combined.pop("actor2_label"),
        "place": combined.pop("place_label"),
    }
    combined["review_reasons"] = review_reasons(combined)
    return combined


def review_reasons(values: dict) -> list[str]:
    """Why a proposal needs a curator even when the extractor is confident."""
    reasons = []
    if not values.get("event_date") and not values.get("date_start"):
        reasons.append("no event date")
    elif values.get("date_certain") is False:
        reasons.append("date not anchored to a publication date")
    if not values.get("country_code") and not values.get("place"):
        reasons.append("no place")
    if not values.get("actor1"):
        reasons.append("no actor")
    if (values.get("confidence") or 0.0) < REVIEW_CONFIDENCE:
        reasons.append(f"confidence below {REVIEW_CONFIDENCE}")
    return reasons


def apply_proposal(event: Event, proposal: dict, fields: Iterable[str] = CURATABLE_FIELDS) -> list[str]:
    """Write the proposal's values into the event's uncurated `fields`. Does not save.

    Values are JSON (dates as ISO strings, actors and places as primary keys).
    Returns the names of the fields whose value changed.
    """
    curated = set(event.curated_fields or ())
    before = {f: _current(event, f) for f in CURATABLE_FIELDS}
    for name in fields:
        if name in curated or name not in proposal:
            continue
        field = Event._meta.get_field(name)
        value = proposal[name]
        if value is None and not field.null:
            continue  # a NOT NULL column without a proposal keeps its value
        setattr(event, field.attname, field.to_python(value) if value is not None else None)
    _keep_consistent(event, curated, before)
    return [f for f in CURATABLE_FIELDS if _current(event, f) != before[f]]


def auto_status(event: Event, reasons: list[str]) -> None:
    """Move between extracted and needs_review; a curator's status is never changed."""
    if event.status in (ReviewStatus.EXTRACTED, ReviewStatus.NEEDS_REVIEW):
        low = (event.confidence or 0.0) < REVIEW_CONFIDENCE
        event.status = ReviewStatus.NEEDS_REVIEW if (low or reasons) else ReviewStatus.EXTRACTED


def json_value(value):
    """A model value as stored in `extracted`."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _current(event: Event, name: str):
    return getattr(event, Event._meta.get_field(name).attname)


def _keep_consistent(event: Event, curated: set, before: dict) -> None:
    """Move uncurated values so the row passes its checks whatever part of a group is curated."""
    _keep_type_pair(event, curated, before)
    _keep_date_order(event, curated)
    for prefix in FIGURE_PREFIXES:
        _keep_range(event, prefix, curated)


def _keep_type_pair(event: Event, curated: set, before: dict) -> None:
    """A curated event type with a proposed sub-type of another type keeps its old sub-type."""
    if taxonomy.is_valid_pair(event.event_type, event.sub_event_type) or not {"event_type", "sub_event_type"} & curated:
        return  # an invalid pair from the extractor is its bug: the database refuses it
    if "event_type" not in curated and taxonomy.is_valid_pair(before["event_type"], event.sub_event_type):
        event.event_type = before["event_type"]
    elif taxonomy.is_valid_pair(event.event_type, before["sub_event_type"]):
        event.sub_event_type = before["sub_event_type"]
    elif "event_type" not in curated and event.sub_event_type in taxonomy.SUB_EVENT_TYPES:
        event.event_type = taxonomy.event_type_of(event.sub_event_type)


def _keep_date_order(event: Event, curated: set) -> None:
    start, end = event.date_start, event.date_end
    if start is None or end is None or start <= end:
        return
    if "date_end" not in curated:
        event.date_end = start
    elif "date_start" not in curated:
        event.date_start = end


def _keep_range(event: Event, prefix: str, curated: set) -> None:
    """low <= best <= high, moving only the uncurated values toward the curated ones."""
    names = {k: f"{prefix}_{k}" for k in ("low", "best", "high")}
    fixed = {k for k, n in names.items() if n in curated}
    low, best, high = (getattr(event, names[k]) for k in ("low", "best", "high"))
    if best is not None and "best" not in fixed:
        if "low" in fixed and low is not None:
            best = max(best, low)
        if "high" in fixed and high is not None:
            best = min(best, high)
    if low is not None and "low" not in fixed:
        if best is not None:
            low = min(low, best)
        if high is not None and "high" in fixed:
            low = min(low, high)
    if high is not None and "high" not in fixed:
        for floor in (best, low):
            if floor is not None:
                high = max(high, floor)
    setattr(event, names["low"], low)
    setattr(event, names["best"], best)
    setattr(event, names["high"], high)


def normalise_count(best: Optional[int], low: Optional[int], high: Optional[int]) -> tuple:
    """(best, low, high) with the blanks filled conservatively and low <= best <= high.

    A figure with no best takes its low (ACLED's conservative reading); a
    missing low or high is the best. All None stays None: not reported.
    """
    if best is None and low is None and high is None:
        return None, None, None
    if best is None:
        best = low if low is not None else high
    low = best if low is None else min(low, best)
    high = best if high is None else max(high, best)
    return best, low, high
