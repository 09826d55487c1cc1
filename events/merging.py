"""Events made of several sources: merge them, split one off, recompute what sources determine.

An event's figures are a range over its sources (each EventSource keeps the
figures its story reported): low = the lowest low, high = the highest high,
best = the lowest best (ACLED codes the most conservative report). Its other
proposed values come from `extracted["stories"]`, one entry per story in
lead order (the first story wins). Curated fields are never overwritten.

Callers hold the event row lock (SELECT ... FOR UPDATE); `merge_events` and
`split_source` take it themselves, in primary-key order so that two merges
cannot deadlock each other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .choices import CURATABLE_FIELDS, ReviewStatus
from .curation import (
    FIGURE_FIELDS,
    FIGURE_PREFIXES,
    apply_proposal,
    auto_status,
    combine_proposals,
    normalise_count,
)
from .models import Event, EventSource

NOT_TARGETS = (ReviewStatus.MERGED, ReviewStatus.REJECTED)


def source_figures(sources) -> dict:
    """The event-level figures from its sources' figures; None where no source reported."""
    figures: dict = {}
    for prefix in FIGURE_PREFIXES:
        reports = [
            normalise_count(getattr(s, f"{prefix}_best"), getattr(s, f"{prefix}_low"), getattr(s, f"{prefix}_high"))
            for s in sources
        ]
        reports = [r for r in reports if r[0] is not None]
        figures[f"{prefix}_best"] = min((r[0] for r in reports), default=None)
        figures[f"{prefix}_low"] = min((r[1] for r in reports), default=None)
        figures[f"{prefix}_high"] = max((r[2] for r in reports), default=None)
    return figures


def recompute_figures(event: Event) -> None:
    """Set the event's uncurated figures from its sources, record them as proposed, save.

    An event without sources (typed in by a curator) keeps its figures.
    """
    refresh_event(event, fields=FIGURE_FIELDS)


def refresh_event(event: Event, *, fields=CURATABLE_FIELDS, user=None, reason: str = "", sources=None) -> bool:
    """Rebuild the event's proposal from its stories and sources, apply it to uncurated fields, save.

    Saves (bumping `version`, so a curator's form loaded before is seen as
    stale) only when the row differs from the database; returns whether it did.
    `sources` stands in for the event's sources (a new event's first, unsaved one).
    """
    if sources is None:
        sources = list(EventSource.objects.filter(event=event).order_by("id"))
    extracted = dict(event.extracted or {})
    entries = _entries_for(extracted, {s.story_id for s in sources})
    proposal = combine_proposals(entries) if entries else {}
    if sources:
        proposal.update(source_figures(sources))
    proposal_fields = [f for f in fields if f in proposal]
    if entries:
        extracted.update({k: v for k, v in proposal.items() if k not in FIGURE_FIELDS})
        event.confidence = proposal["confidence"]
    if sources:
        extracted.update({f: proposal[f] for f in FIGURE_FIELDS})
        extracted["evidence"] = [dict(item, story=s.story_id) for s in sources for item in (s.evidence or [])]
    extracted["stories"] = entries
    event.extracted = extracted
    apply_proposal(event, proposal, proposal_fields)
    if entries:
        auto_status(event, proposal.get("review_reasons", []))
    if event.pk and _stored(event) == _values(event):
        return False
    _save(event, user=user, reason=reason)
    return True


def merge_events(survivor: Event, others: list[Event], *, user=None) -> Event:
    """Merge `others` into `survivor`: every source moves, figures are recomputed, others become merged.

    A story that supports both the survivor and another event keeps one source
    row on the survivor with both evidence lists; its figures are the
    survivor's, filled from the other's where the survivor's are empty.
    Events merged earlier into one of `others` are re-pointed at the survivor.
    A rejected other may be merged (its sources become the survivor's).
    Raises ValueError for an empty list, a merge of an event into itself, a
    survivor that is merged or rejected, or an other that is already merged.
    """
    other_ids = list(dict.fromkeys(o.pk for o in others))
    if not other_ids:
        raise ValueError("nothing to merge: no other events given")
    if survivor.pk in other_ids:
        raise ValueError(f"cannot merge event {survivor.pk} into itself")
    with transaction.atomic():
        locked = {e.pk: e for e in Event.objects.select_for_update().filter(pk__in=[survivor.pk, *other_ids]).order_by("pk")}
        missing = {survivor.pk, *other_ids} - set(locked)
        if missing:
            raise ValueError(f"events not found: {sorted(missing)}")
        target = locked[survivor.pk]
        if target.status in NOT_TARGETS:
            raise ValueError(f"cannot merge into event {target.pk}: it is {target.status}")
        for pk in other_ids:
            if locked[pk].status == ReviewStatus.MERGED:
                raise ValueError(f"event {pk} is already merged into event {locked[pk].merged_into_id}")
        entries = list((target.extracted or {}).get("stories") or [])
        for pk in other_ids:
            other = locked[pk]
            _move_sources(other, target)
            known = {e.get("story") for e in entries}
            entries += [e for e in (other.extracted or {}).get("stories") or [] if e.get("story") not in known]
            target.assoc_actors1.add(*other.assoc_actors1.all())
            target.assoc_actors2.add(*other.assoc_actors2.all())
            # updated_at too: a sync client must learn that these tombstones now point at the survivor
            Event.objects.filter(merged_into=other).update(merged_into=target, updated_at=timezone.now())
            other.status = ReviewStatus.MERGED
            other.merged_into = target
            _save(other, user=user, reason=f"merged into event {target.pk}")
        target.extracted = {**(target.extracted or {}), "stories": entries}
        refresh_event(target, user=user, reason=f"merged events {', '.join(map(str, other_ids))}")
    return target


def split_source(source: EventSource, *, user=None) -> Event:
    """Move one source off its event into a new event; recompute both. Returns the new event.

    The new event starts as a copy of the old one (a curator's corrections of
    place or type usually hold for both), then takes that story's own proposal
    and figures for every field not curated; it waits for review.
    Raises ValueError when the source is its event's only source.
    """
    with transaction.atomic():
        source = EventSource.objects.select_for_update().get(pk=source.pk)
        old = Event.objects.select_for_update().get(pk=source.event_id)
        if old.status == ReviewStatus.MERGED:
            raise ValueError(f"event {old.pk} is merged into event {old.merged_into_id}; split its survivor instead")
        if not EventSource.objects.filter(event=old).exclude(pk=source.pk).exists():
            raise ValueError(f"source {source.pk} is the only source of event {old.pk}: nothing to split")
        entries = list((old.extracted or {}).get("stories") or [])
        moved = [e for e in entries if e.get("story") == source.story_id]
        new = Event.objects.get(pk=old.pk)
        new.pk = new.id = None
        new._state.adding = True
        new.uid = Event._meta.get_field("uid").get_default()
        new.status = ReviewStatus.NEEDS_REVIEW
        new.merged_into = None
        new.version = 0
        new.curated_fields = [f for f in old.curated_fields if f not in FIGURE_FIELDS]
        new.extracted = {"stories": moved}
        new._history_user = user
        new.save()
        source.event = new
        source.save(update_fields=["event"])
        if moved:
            new.assoc_actors1.set(moved[0].get("assoc_actors1") or [])
            new.assoc_actors2.set(moved[0].get("assoc_actors2") or [])
        else:
            new.assoc_actors1.set(old.assoc_actors1.all())
            new.assoc_actors2.set(old.assoc_actors2.all())
        refresh_event(new, user=user, reason=f"split from event {old.pk}")
        if new.status != ReviewStatus.NEEDS_REVIEW:  # a split always waits for a curator
            new.status = ReviewStatus.NEEDS_REVIEW
            _save(new, user=user, reason="")
        old.extracted = {**(old.extracted or {}), "stories": [e for e in entries if e.get("story") != source.story_id]}
        refresh_event(old, user=user, reason=f"source {source.pk} split off into event {new.pk}")
    return new


def _entries_for(extracted: dict, story_ids: set) -> list[dict]:
    """The per-story proposals of the stories that still support the event, in lead order."""
    return [e for e in extracted.get("stories") or [] if e.get("story") in story_ids]


def _move_sources(other: Event, target: Event) -> None:
    existing = {s.story_id: s for s in EventSource.objects.select_for_update().filter(event=target)}
    for source in EventSource.objects.select_for_update().filter(event=other).order_by("id"):
        kept = existing.get(source.story_id)
        if kept is None:
            source.event = target
            source.save(update_fields=["event"])
            continue
        kept.evidence = merge_evidence(kept.evidence, source.evidence)
        for prefix in FIGURE_PREFIXES:
            names = [f"{prefix}_{k}" for k in ("best", "low", "high")]
            if all(getattr(kept, n) is None for n in names):
                for n in names:
                    setattr(kept, n, getattr(source, n))
        kept.claimed_by = kept.claimed_by or source.claimed_by
        source.delete()
        kept.save()


def merge_evidence(a: list, b: list) -> list:
    """Both evidence lists, each piece of evidence once (same field and offsets)."""
    seen, merged = set(), []
    for item in [*(a or []), *(b or [])]:
        key = (item.get("field"), item.get("start"), item.get("end"), item.get("span_start"), item.get("span_end"))
        if key not in seen:
            seen.add(key)
            merged.append(item)
    return merged


_UNCOMPARED = ("version", "updated_at", "created_at")


def _values(event: Event) -> dict:
    return {f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields if f.name not in _UNCOMPARED}


def _stored(event: Event) -> dict:
    return Event.objects.filter(pk=event.pk).values(*_values(event)).first() or {}


def _save(event: Event, *, user=None, reason: str = "") -> None:
    event.version = (event.version or 0) + 1
    if user is not None:
        event._history_user = user
    if reason:
        event._change_reason = reason
    event.save()
