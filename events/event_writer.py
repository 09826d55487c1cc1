"""EventRecords into Event and EventSource rows, one story per transaction.

For each story the pipeline runs outside any transaction (pure CPU), then the
rows are written in one transaction that locks the story, the story's
earlier events, and every event it touches (SELECT ... FOR UPDATE, so a
curator's save and an extraction never lose each other's changes; the lock
re-reads `curated_fields`). A record is written to, in this order:

1. the event this story already supports that is the same record (re-running
   extraction is idempotent: the source and proposal are updated in place);
2. an existing public event that is the same real event reported by another
   story (`extraction.matching.same_event` on a record rebuilt from the row),
   which gains a source and has its figure range recomputed;
3. a new event.

Cross-story matching holds a transaction-level advisory lock per country so
two workers extracting two reports of one air strike do not both create it.
Curated fields are never written; the proposal in `Event.extracted` always is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from extraction.records import (
    ActorMention,
    Count,
    DateResolution,
    EventRecord,
    PlaceResolution,
    StoryRecord,
)

from .choices import PUBLIC_STATUSES
from .curation import FIGURE_PREFIXES, json_value, normalise_count, review_reasons
from .merging import refresh_event
from .models import Actor, Event, EventSource, Place, Story

logger = logging.getLogger(__name__)

# How far apart two reports' date ranges may be and still be one event.
DATE_SLACK = dt.timedelta(days=1)
MAX_CANDIDATES = 50

Pipeline = Callable[..., list[EventRecord]]


@dataclass
class StoryFailure:
    story_id: int
    headline: str
    reason: str


@dataclass
class WriteResult:
    """What one call of `extract_stories` did."""

    stories: int = 0
    events_new: int = 0
    events_updated: int = 0  # existing events that changed (a no-op re-run updates none)
    sources_added: int = 0
    failures: list[StoryFailure] = field(default_factory=list)
    # Sources of re-extracted stories that the extractor no longer finds; kept for a curator.
    stale_sources: list[int] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)

    def add(self, other: "WriteResult") -> None:
        self.events_new += other.events_new
        self.events_updated += other.events_updated
        self.sources_added += other.sources_added
        self.failures += other.failures
        self.stale_sources += other.stale_sources
        self.event_ids += other.event_ids

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"{self.stories} stories, {self.events_new} events new, {self.events_updated} updated, "
            f"{self.sources_added} sources added, {self.failed} failed"
        )


# --- Entry point -----------------------------------------------------------------------------


def extract_stories(stories: Iterable[Story], *, matcher=None, pipeline: Optional[Pipeline] = None) -> WriteResult:
    """Extract events from each story and write them; a failing story is reported, the rest go on.

    `matcher` is an `extraction.actors.ActorMatcher` (default: built once from
    the Actor table); `pipeline` replaces `extraction.pipeline.extract_events`
    (tests). Sets `Story.extracted_at` on every story written.
    """
    pipeline = pipeline or _default_pipeline()
    matcher = matcher if matcher is not None else actor_matcher()
    result = WriteResult()
    for story in stories:
        result.stories += 1
        written = WriteResult()  # counted apart, so a story rolled back adds nothing
        try:
            records = pipeline(story_record(story), actors=matcher)
            with transaction.atomic():
                _write_story(story, records, written)
            result.add(written)
        except Exception as exc:  # one bad story must not stop the run
            logger.exception("extraction failed for story %s", story.pk)
            result.failures.append(StoryFailure(story.pk, story.headline[:200], f"{type(exc).__name__}: {exc}"))
    return result


def actor_matcher():
    """An ActorMatcher over the Actor table (the fixture when the table is empty)."""
    from extraction.actors import ActorMatcher

    entries = [
        {"name": a.name, "aliases": a.aliases, "actor_type": a.actor_type, "country": a.country}
        for a in Actor.objects.only("name", "aliases", "actor_type", "country")
    ]
    return ActorMatcher(entries) if entries else ActorMatcher.from_fixture()


def story_record(story: Story) -> StoryRecord:
    """The pipeline's view of a stored story; evidence offsets point into `story.body`."""
    return StoryRecord(
        headline=story.headline,
        body=story.body,
        caption=story.caption,
        byline=story.byline,
        dateline=story.dateline,
        dateline_places=[p.strip() for p in story.dateline.split("/") if p.strip()],
        agency=story.agency,
        credit=story.credit,
        outlet=story.outlet.name if story.outlet_id else "",
        url=story.url,
        published=story.published,
        published_basis=story.published_basis,
        published_evidence=story.published_evidence,
        extra=dict(story.extra or {}),
        source_name=story.source_name,
    )


def _default_pipeline() -> Pipeline:
    from extraction.pipeline import extract_events

    return extract_events


# --- One story ------------------------------------------------------------------------------


def _write_story(story: Story, records: list[EventRecord], result: WriteResult) -> None:
    Story.objects.select_for_update().filter(pk=story.pk).values_list("pk").first()  # one writer per story
    for country in sorted({r.place.iso2 for r in records if r.place and r.place.iso2}):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"conflictdb.event_match:{country}"])
    previous = {
        s.event_id: s
        for s in EventSource.objects.select_for_update().filter(story=story).order_by("event_id")
    }
    events = {e.pk: e for e in Event.objects.select_for_update().filter(pk__in=previous).order_by("pk")}
    entries = [record_entry(r, story.pk) for r in records]
    assigned = _match_previous(records, entries, events)
    touched = []
    for record, entry, event in zip(records, entries, assigned):
        new = False
        if event is not None:
            source = previous[event.pk]
            _fill_source(source, record)
            source.save()
            _put_entry(event, entry)
        else:
            source = EventSource(story=story)
            _fill_source(source, record)
            event = _same_event_elsewhere(record, story)
            if event is not None:
                _put_entry(event, entry)
            else:
                event, new = _new_event(entry, source), True
            source.event = event
            source.save()
            result.sources_added += 1
            event.assoc_actors1.add(*entry["assoc_actors1"])
            event.assoc_actors2.add(*entry["assoc_actors2"])
        changed = refresh_event(event, reason=f"extracted from story {story.pk}")
        result.events_new += new
        result.events_updated += changed and not new
        touched.append(event.pk)
    result.stale_sources += [s.pk for pk, s in previous.items() if pk not in touched]
    result.event_ids += touched
    Story.objects.filter(pk=story.pk).update(extracted_at=timezone.now())


def _match_previous(records: list[EventRecord], entries: list[dict], events: dict[int, Event]) -> list[Optional[Event]]:
    """Pair each record with an event this story already supports, one to one.

    First by the same key (type, date, place, sentence), then by the same
    first sentence and type, then by `same_event`: a re-run of an unchanged
    extractor pairs every record, an improved one pairs most.
    """
    assigned: list[Optional[Event]] = [None] * len(records)
    free = dict(events)
    mine = {pk: (_story_entry(e, entries[0]["story"]) if entries else None) or {} for pk, e in events.items()}

    def first_sentence(entry: dict):
        return (entry.get("sentence_indexes") or [None])[0]

    tests = (
        lambda i, pk: mine[pk].get("key") == entries[i]["key"],
        lambda i, pk: first_sentence(entries[i]) is not None
        and first_sentence(mine[pk]) == first_sentence(entries[i])
        and mine[pk].get("event_type") == entries[i]["event_type"],
        lambda i, pk: same_event(records[i], event_record(free[pk])),
    )
    for test in tests:
        for i in range(len(records)):
            if assigned[i] is not None:
                continue
            pk = next((pk for pk in free if test(i, pk)), None)
            if pk is not None:
                assigned[i] = free.pop(pk)
    return assigned


def _story_entry(event: Event, story_id: int) -> Optional[dict]:
    return next((e for e in (event.extracted or {}).get("stories") or [] if e.get("story") == story_id), None)


def _put_entry(event: Event, entry: dict) -> None:
    """Replace (or append) this story's proposal in the event's list, keeping lead order."""
    entries = list((event.extracted or {}).get("stories") or [])
    at = next((i for i, e in enumerate(entries) if e.get("story") == entry["story"]), None)
    if at is None:
        entries.append(entry)
    else:
        entries[at] = entry
    event.extracted = {**(event.extracted or {}), "stories": entries}


def _new_event(entry: dict, source: EventSource) -> Event:
    """An event inserted with its first story's proposal (one history row, not two)."""
    event = Event(event_type=entry["event_type"], sub_event_type=entry["sub_event_type"], version=0)
    event.extracted = {"stories": [entry]}
    refresh_event(event, sources=[source], reason=f"extracted from story {entry['story']}")
    return event


def _fill_source(source: EventSource, record: EventRecord) -> None:
    source.evidence = [dataclasses.asdict(e) for e in record.evidence]
    for prefix, count in (("fatalities", record.killed), ("injured", record.injured)):
        best, low, high = _count(count)
        setattr(source, f"{prefix}_best", best)
        setattr(source, f"{prefix}_low", low)
        setattr(source, f"{prefix}_high", high)
    claims = [c.claimed_by for c in (record.killed, record.injured) if c and c.claimed_by]
    source.claimed_by = claims[0][:200] if claims else ""


def _count(count: Optional[Count]) -> tuple:
    return normalise_count(count.best, count.low, count.high) if count else (None, None, None)


# --- Records to proposals ------------------------------------------------------------------


def record_entry(record: EventRecord, story_id: int) -> dict:
    """One story's proposal for an event, as stored in `Event.extracted["stories"]`.

    Resolves (and creates when new) the Actor and Place rows, so the values
    are what the columns would hold: dates as ISO strings, rows as keys.
    """
    date, place = record.date, record.place
    actor1, actor2 = _actor(record.actor1), _actor(record.actor2)
    assoc1 = [a for a in (_actor(m) for m in record.assoc_actors1) if a]
    assoc2 = [a for a in (_actor(m) for m in record.assoc_actors2) if a]
    place_row = _place(place)
    entry = {
        "story": story_id,
        "event_date": json_value(date.event_date) if date else None,
        "date_start": json_value(date.date_start or date.event_date) if date else None,
        "date_end": json_value(date.date_end or date.event_date) if date else None,
        "time_precision": date.time_precision if date else None,
        "date_certain": date.certain if date else None,
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "actor1": actor1.pk if actor1 else None,
        "actor2": actor2.pk if actor2 else None,
        "assoc_actors1": [a.pk for a in assoc1],
        "assoc_actors2": [a.pk for a in assoc2],
        "place": place_row.pk if place_row else None,
        "location": place.name if place else "",
        "admin1": place.admin1 if place else "",
        "country": place.country if place else "",
        "country_code": place.iso2 if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.geo_precision if place else None,
        "civilian_targeting": bool(record.civilian_targeting),
        "notes": record.notes,
        "confidence": float(record.confidence),
        "sentence_indexes": list(record.sentence_indexes),
        "labels": {
            "actor1": actor1.name if actor1 else "",
            "actor2": actor2.name if actor2 else "",
            "place": place.name if place else "",
            "assoc_actors1": [a.name for a in assoc1],
            "assoc_actors2": [a.name for a in assoc2],
        },
    }
    for prefix, count in (("fatalities", record.killed), ("injured", record.injured)):
        entry[f"{prefix}_best"], entry[f"{prefix}_low"], entry[f"{prefix}_high"] = _count(count)
    first_sentence = record.sentence_indexes[0] if record.sentence_indexes else None
    entry["key"] = [record.sub_event_type, entry["date_start"], place.gazetteer_id or place.name if place else "", first_sentence]
    entry["review_reasons"] = review_reasons(entry)
    return entry


def _actor(mention: Optional[ActorMention]) -> Optional[Actor]:
    if mention is None or not mention.name:
        return None
    actor, _ = Actor.objects.get_or_create(
        name=mention.name[:200], defaults={"actor_type": mention.actor_type, "country": (mention.country or "")[:2]}
    )
    return actor


def _place(place: Optional[PlaceResolution]) -> Optional[Place]:
    """The Place row of a resolution: by gazetteer id, else by name, admin1 and country."""
    if place is None or not place.name:
        return None
    values = {
        "name": place.name[:200],
        "aliases": [a[:200] for a in place.aliases],
        "kind": (place.kind or "")[:40],
        "admin1": place.admin1[:200],
        "country": place.country[:100],
        "country_code": place.iso2[:2],
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
    if place.gazetteer_id:
        row, created = Place.objects.get_or_create(gazetteer_id=place.gazetteer_id[:100], defaults=values)
    else:
        row = Place.objects.filter(name=values["name"], admin1=values["admin1"], country_code=values["country_code"], gazetteer_id="").first()
        created = row is None
        if created:
            row = Place.objects.create(**values)
    if not created:
        blanks = [k for k, v in values.items() if v not in (None, "", []) and getattr(row, k) in (None, "", [])]
        if blanks:  # fill what the row lacks, never change what it has (a curator may have)
            for k in blanks:
                setattr(row, k, values[k])
            row.save(update_fields=blanks)
    return row


# --- Same real event, other story ------------------------------------------------------


def _same_event_elsewhere(record: EventRecord, story: Story) -> Optional[Event]:
    """A public event of another story that reports the same real event, locked; or None."""
    place, date = record.place, record.date
    start = date and (date.date_start or date.event_date)
    end = date and (date.date_end or date.event_date)
    if place is None or not place.iso2 or start is None or end is None:
        return None
    where = Q(place__gazetteer_id=place.gazetteer_id) if place.gazetteer_id else Q(location=place.name)
    if place.admin1:
        where |= Q(admin1=place.admin1)
    candidates = (
        Event.objects.annotate(start=Coalesce("date_start", "event_date"), end=Coalesce("date_end", "event_date"))
        .filter(where, status__in=PUBLIC_STATUSES, country_code=place.iso2, start__lte=end + DATE_SLACK, end__gte=start - DATE_SLACK)
        .exclude(sources__story=story)
        .select_related("place", "actor1", "actor2")
        .order_by("pk")[:MAX_CANDIDATES]
    )
    for candidate in candidates:
        if same_event(record, event_record(candidate)):
            return Event.objects.select_for_update().get(pk=candidate.pk)
    return None


def event_record(event: Event) -> EventRecord:
    """An EventRecord rebuilt from an Event row (current, curated values), for `same_event`."""
    place = None
    if event.place_id or event.location or event.country_code:
        row = event.place
        place = PlaceResolution(
            name=event.location or (row.name if row else ""),
            mention=event.location,
            country=event.country,
            iso2=event.country_code,
            admin1=event.admin1,
            latitude=event.latitude,
            longitude=event.longitude,
            kind=row.kind if row else "",
            gazetteer_id=row.gazetteer_id if row else "",
            geo_precision=event.geo_precision,
        )
    date = None
    if event.event_date or event.date_start:
        date = DateResolution(event.event_date or event.date_start, event.date_start, event.date_end, event.time_precision, phrase="")
    counts = {}
    for prefix in FIGURE_PREFIXES:
        best, low, high = (getattr(event, f"{prefix}_{k}") for k in ("best", "low", "high"))
        counts[prefix] = Count(best, low, high) if best is not None or low is not None or high is not None else None
    return EventRecord(
        event_type=event.event_type,
        sub_event_type=event.sub_event_type,
        notes=event.notes,
        date=date,
        place=place,
        actor1=_mention(event.actor1),
        actor2=_mention(event.actor2),
        killed=counts["fatalities"],
        injured=counts["injured"],
        civilian_targeting=event.civilian_targeting,
        confidence=event.confidence,
    )


def _mention(actor: Optional[Actor]) -> Optional[ActorMention]:
    return ActorMention(actor.name, actor.name, actor.actor_type, actor.country) if actor else None


def same_event(a: EventRecord, b: EventRecord) -> bool:
    """`extraction.matching.same_event`; imported late so this module loads while it is written."""
    from extraction.matching import same_event as rule

    return rule(a, b)
