"""What the reader's event page shows: every field with its precision, the sources and their evidence,
the figures each source reported, related events, and when a person last curated the event.

Merged events lead to their survivor (the old id keeps working); rejected
ones are gone for readers (the view answers 404 with the reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from django.db.models import Q

from extraction import taxonomy
from extraction.gazetteer import country_name

from .admin.evidence import evidence_item
from .choices import PUBLIC_STATUSES, ReviewStatus
from .curation import DATE_GROUP, FIGURE_PREFIXES, PLACE_GROUP, TYPE_GROUP
from .models import Event, EventSource

# ACLED's codebook, in a reader's words.
TIME_PRECISION_MEANING = {
    1: "Day: the sources give the day of the event.",
    2: "Week: the sources give only the week; the date recorded is the middle of that week.",
    3: "Month or wider: the sources give only the month (or a longer span); the date recorded is the middle of it.",
}
GEO_PRECISION_MEANING = {
    1: "Town: the event happened in the town or place named; the coordinates are that place's.",
    2: "Near a town, or in a small part of a region: the coordinates are those of the nearest named town.",
    3: "Larger region: only the region is known; the coordinates are those of its capital or centre.",
}
FIGURE_MEANING = (
    "Best is the most conservative credible figure (ACLED's convention); low and high are the lowest and "
    "highest figures the sources reported (UCDP's convention). Empty means not reported, 0 means reported as none."
)
EVIDENCE_LABELS = {
    "date": "Date", "event_date": "Date", "place": "Place", "location": "Place", "event_type": "Event type",
    "sub_event_type": "Sub-event type", "actor1": "Actor 1", "actor2": "Actor 2", "fatalities": "Fatalities",
    "injured": "Injured", "civilian_targeting": "Civilian targeting",
}
# Which rows of the page a curated field belongs to.
CURATED_ROWS = {
    "date": DATE_GROUP,
    "type": TYPE_GROUP + ("civilian_targeting",),
    "actor1": ("actor1", "assoc_actors1"),
    "actor2": ("actor2", "assoc_actors2"),
    "place": PLACE_GROUP,
    "fatalities": ("fatalities_best", "fatalities_low", "fatalities_high"),
    "injured": ("injured_best", "injured_low", "injured_high"),
    "notes": ("notes",),
}
RELATED_WITHIN_DAYS = 7
RELATED_LIMIT = 10
MAX_MERGE_HOPS = 20


class EventGone(Exception):
    """The event exists but is not shown to readers (rejected by a curator)."""

    def __init__(self, event: Event):
        super().__init__(f"event {event.pk} was rejected")
        self.event = event


# --- which event ------------------------------------------------------------------------------


def reader_event(pk: int) -> Event:
    """The event with its actors and place, without the curators' large columns (Event.DoesNotExist)."""
    return (
        Event.objects.select_related("actor1", "actor2", "place")
        .defer("extracted", "search_vector", "place__aliases")
        .prefetch_related("assoc_actors1", "assoc_actors2")
        .get(pk=pk)
    )


def survivor_id(event: Event) -> Optional[int]:
    """The event a merged event now lives in (following merges of merges); None when not merged."""
    if event.status != ReviewStatus.MERGED:
        return None
    current, seen = event.merged_into_id, {event.pk}
    for _ in range(MAX_MERGE_HOPS):
        row = Event.objects.filter(pk=current).values("status", "merged_into_id").first()
        if row is None or row["status"] != ReviewStatus.MERGED or row["merged_into_id"] in seen:
            return current
        seen.add(current)
        current = row["merged_into_id"]
    return current


# --- the page ---------------------------------------------------------------------------------


@dataclass
class Figures:
    low: Optional[int]
    best: Optional[int]
    high: Optional[int]

    @property
    def reported(self) -> bool:
        return any(v is not None for v in (self.low, self.best, self.high))

    @property
    def is_range(self) -> bool:
        return any(v is not None and v != self.best for v in (self.low, self.high))

    @property
    def text(self) -> str:
        """ "43", "43 (40–50)", or "not reported"."""
        if not self.reported:
            return "not reported"
        best = "?" if self.best is None else f"{self.best:,}"
        if not self.is_range:
            return best
        low = "?" if self.low is None else f"{self.low:,}"
        high = "?" if self.high is None else f"{self.high:,}"
        return f"{best} ({low}–{high})"


def figures(obj, prefix: str) -> Figures:
    return Figures(*(getattr(obj, f"{prefix}_{part}") for part in ("low", "best", "high")))


@dataclass
class SourcePanel:
    source: EventSource
    evidence: list[dict]
    fatalities: Figures
    injured: Figures


def source_panels(event: Event) -> list[SourcePanel]:
    """Each source story (oldest first) with its own figures and its evidence, spans marked."""
    sources = (
        EventSource.objects.filter(event=event)
        .select_related("story", "story__outlet")
        .defer("story__search_vector", "story__extra", "story__credit", "story__caption")
        .order_by("story__published", "id")
    )
    panels = []
    for source in sources:
        body = source.story.body
        items = []
        for item in source.evidence or []:
            if isinstance(item, dict):
                shown = evidence_item(body, item)
                shown["label"] = EVIDENCE_LABELS.get(shown["field"], shown["field"].replace("_", " ").capitalize())
                items.append(shown)
        panels.append(SourcePanel(source, items, figures(source, "fatalities"), figures(source, "injured")))
    return panels


def sources_disagree(panels: list[SourcePanel]) -> dict[str, bool]:
    """Per figure (fatalities, injured): whether the sources that reported it reported different numbers."""
    result = {}
    for prefix in FIGURE_PREFIXES:
        reported = {(f.low, f.best, f.high) for f in (getattr(p, prefix) for p in panels) if f.reported}
        result[prefix] = len(reported) > 1
    return result


@dataclass
class RelatedEvent:
    event: Event
    reasons: list[str] = field(default_factory=list)
    days_apart: Optional[int] = None


def related_events(event: Event, *, days: int = RELATED_WITHIN_DAYS, limit: int = RELATED_LIMIT) -> list[RelatedEvent]:
    """Public events at the same place or with the same actors, within `days` of this one, closest first."""
    actor_ids = [pk for pk in (event.actor1_id, event.actor2_id) if pk]
    same = Q()
    if event.place_id:
        same |= Q(place_id=event.place_id)
    elif event.location:
        same |= Q(location__iexact=event.location, country_code=event.country_code)
    if actor_ids:
        same |= Q(actor1_id__in=actor_ids) | Q(actor2_id__in=actor_ids)
    if not same or event.event_date is None:
        return []
    window = dt.timedelta(days=days)
    candidates = (
        Event.objects.filter(same, status__in=PUBLIC_STATUSES, event_date__range=(event.event_date - window, event.event_date + window))
        .exclude(pk=event.pk)
        .select_related("actor1", "actor2")
        .only(
            "id", "event_date", "time_precision", "event_type", "sub_event_type", "location", "country", "place_id",
            "country_code", "fatalities_best", "fatalities_low", "fatalities_high", "status",
            "actor1__name", "actor2__name", "actor1", "actor2",
        )
        .order_by("event_date", "id")[: limit * 5]
    )
    related = []
    for other in candidates:
        reasons = []
        if (event.place_id and other.place_id == event.place_id) or (
            not event.place_id and event.location and other.location.lower() == event.location.lower()
        ):
            reasons.append("same place")
        shared = {other.actor1_id, other.actor2_id} & set(actor_ids)
        if shared:
            reasons.append("same actor" if len(shared) == 1 else "same actors")
        related.append(RelatedEvent(other, reasons, abs((other.event_date - event.event_date).days)))
    related.sort(key=lambda r: (r.days_apart, -len(r.reasons), r.event.pk))
    return related[:limit]


@dataclass
class CurationRecord:
    """The event's change log as a reader needs it: first extracted, last curated, what changed."""

    created: Optional[dt.datetime]
    created_reason: str
    last_curated: Optional[dt.datetime]
    last_reason: str
    last_changes: list[str]
    curated_changes: int


def curation_record(event: Event) -> CurationRecord:
    """From django-simple-history: rows saved by a person (history_user set) are curation."""
    history = event.history.order_by("history_date", "history_id")
    first = history.only("history_date", "history_change_reason").first()
    human = event.history.filter(history_user__isnull=False)
    last = human.order_by("-history_date", "-history_id").first()
    changes: list[str] = []
    if last is not None:
        previous = last.prev_record
        if previous is not None:
            delta = last.diff_against(previous, excluded_fields=["version", "curated_fields", "confidence"])
            changes = [Event._meta.get_field(c.field).verbose_name for c in delta.changes]
    return CurationRecord(
        created=first.history_date if first else None,
        created_reason=(first.history_change_reason or "") if first else "",
        last_curated=last.history_date if last else None,
        last_reason=(last.history_change_reason or "") if last else "",
        last_changes=changes,
        curated_changes=human.count() if last is not None else 0,
    )


def curated_rows(event: Event) -> set[str]:
    """The rows of the page holding a field that a curator set (re-extraction leaves them alone)."""
    curated = set(event.curated_fields or ())
    return {row for row, names in CURATED_ROWS.items() if curated & set(names)}


def detail_context(event: Event) -> dict:
    """Everything the event page shows, for the template."""
    panels = source_panels(event)
    return {
        "event": event,
        "disorder_type": taxonomy.DISORDER_TYPE.get(event.event_type, ""),
        "actor1_type": taxonomy.ACTOR_TYPES.get(event.actor1.actor_type, "") if event.actor1 else "",
        "actor2_type": taxonomy.ACTOR_TYPES.get(event.actor2.actor_type, "") if event.actor2 else "",
        "country_label": event.country or country_name(event.country_code),
        "time_precision_meaning": TIME_PRECISION_MEANING.get(event.time_precision, ""),
        "geo_precision_meaning": GEO_PRECISION_MEANING.get(event.geo_precision, ""),
        "figure_meaning": FIGURE_MEANING,
        "fatalities": figures(event, "fatalities"),
        "injured": figures(event, "injured"),
        "panels": panels,
        "disagree": sources_disagree(panels),
        "related": related_events(event),
        "curation": curation_record(event),
        "curated_rows": curated_rows(event),
        "is_verified": event.status == ReviewStatus.VERIFIED,
    }
