"""StoryRecords into Story rows: the one bridge from parsed text to the database.

Rules, each for a reason a user relies on:

* Each story is written in its own transaction, so one bad story never stops
  a batch or leaves half a story behind; its failure is an IngestFailure row.
* "Already known" is decided by the database: `Story.fingerprint` is unique,
  and an insert that hits it is a duplicate. Two ingests of the same files at
  the same time therefore store each story once. (A look-up in the same
  statement keeps the common re-ingest from raising errors in the server log;
  it is only an optimisation.) The statement is in story_insert.py.
* A story whose headline key is already stored under another fingerprint is a
  new version and points at the earliest story with that key. A transaction
  advisory lock on the key makes two concurrent versions agree on that story.
* Dates: the story's own date wins, then `--published`, then a date inferred
  from the text; otherwise it is unknown. The basis is always recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Union

from django.db import IntegrityError, transaction
from django.utils import timezone

from extraction.fingerprint import headline_key
from extraction.records import StoryRecord
from extraction.sources import Failure

from .choices import IngestStatus, PublishedBasis
from .models import IngestFailure, IngestRun, Outlet, Story
from .story_insert import HISTORICAL_STORY, is_fingerprint_conflict, store_unless_known

logger = logging.getLogger(__name__)

NEW, DUPLICATE, NEW_VERSION, FAILED = "new", "duplicate", "new version", "failed"
EXTRACT_BATCH = 50
SAVE_COUNTS_EVERY = 500
KEPT_FAILURES = 1000  # failures kept in memory for the summary; all are in the database

Item = Union[StoryRecord, Failure]
OnItem = Optional[Callable[[str, Item, Optional[Story]], None]]


@dataclass
class IngestResult:
    """What a run did. `read` counts stories (stored, known or failed); file failures count as failed only."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    new_version: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories: list[int] = field(default_factory=list)  # ids of the first stories stored or matched (for the admin)

    def summary(self) -> str:
        return (
            f"{self.read} read, {self.new} new, {self.duplicate} already known, "
            f"{self.new_version} new version{'s' if self.new_version != 1 else ''}, {self.failed} failed"
        )

    @property
    def nothing_read(self) -> bool:
        """No story could be read at all (every input failed, or there was none)."""
        return self.new + self.duplicate + self.new_version == 0


# --- Runs ------------------------------------------------------------------------------------


def start_run(sources: Iterable[str], *, options: Optional[dict] = None, user=None, dry_run: bool = False) -> IngestRun:
    """An IngestRun for this call; unsaved for a dry run, which must write nothing."""
    run = IngestRun(sources="\n".join(map(str, sources)), options=options or {}, created_by=user)
    if not dry_run:
        run.save()
    return run


def finish_run(run: IngestRun, result: IngestResult, *, status: str = IngestStatus.FINISHED, message: str = "") -> None:
    _copy_counts(run, result)
    run.status, run.finished_at = status, timezone.now()
    run.message = message or result.summary()
    if run.pk:
        run.save()


# --- Storing ---------------------------------------------------------------------------------


def ingest_records(
    records: Iterable[Item],
    *,
    run: IngestRun,
    outlet: Optional[str] = None,
    published: Optional[dt.date] = None,
    dry_run: bool = False,
    extract: bool = False,
    on_item: OnItem = None,
) -> IngestResult:
    """Store each record (or record each failure) under `run`; returns the counts.

    `outlet` and `published` fill stories that carry none. `extract` hands new
    stories to `run_extraction_for` in batches. `on_item(status, item, story)`
    is called after each item (progress, dry-run listings). The run's counts
    are saved as it goes, so the admin shows a long run's progress.
    """
    result = IngestResult()
    writer = _Writer(run, outlet, published, dry_run)
    pending: list[Story] = []
    queued: set[int] = set()  # ids handed to extraction in this run
    for item in records:
        story = None
        if isinstance(item, Failure):
            status = FAILED
            result.read += item.scope == "story"
            _fail(result, run, item, dry_run)
        else:
            result.read += 1
            try:
                status, story = writer.store(item)
            except Exception as exc:  # one bad story must not stop the batch
                logger.warning("could not store %s:%s: %s", item.source_name, item.source_line, exc, exc_info=True)
                status = FAILED
                item = Failure(item.source_name, item.source_line or None, _one_line(exc), headline=item.headline[:500], excerpt=item.body[:300])
                _fail(result, run, item, dry_run)
        if status == NEW:
            result.new += 1
        elif status == DUPLICATE:
            result.duplicate += 1
        elif status == NEW_VERSION:
            result.new_version += 1
        if story is not None and len(result.stories) < 100:
            result.stories.append(story.pk)
        to_extract = story if status in (NEW, NEW_VERSION) else None
        if extract and status == DUPLICATE and writer.unextracted_duplicate not in (None, *queued):
            # stored by a run that was killed before it extracted the story
            to_extract = Story.objects.select_related("outlet").get(pk=writer.unextracted_duplicate)
        if extract and to_extract is not None and not dry_run:
            pending.append(to_extract)
            queued.add(to_extract.pk)
            if len(pending) >= EXTRACT_BATCH:
                run_extraction_for(pending)
                pending = []
        if on_item:
            on_item(status, item, story)
        if run.pk and (result.read + result.failed) % SAVE_COUNTS_EVERY == 0:
            _copy_counts(run, result)
            run.save(update_fields=_COUNT_FIELDS)
    if pending:
        run_extraction_for(pending)
    return result


def run_extraction_for(stories: list[Story]) -> None:
    """Extract events from stories just stored, or stored by an earlier run that never extracted them.

    Called outside the stories' transactions, in batches; a story the
    extractor fails on is reported by the event writer and stays stored.
    """
    from events.event_writer import extract_stories

    result = extract_stories(stories)
    for failure in result.failures:
        logger.warning("extraction failed for story %s: %s", failure.story_id, failure.reason)


class _Writer:
    """Writes one story per transaction; remembers outlets, and what a dry run has seen."""

    def __init__(self, run: IngestRun, outlet: Optional[str], published: Optional[dt.date], dry_run: bool):
        self.run, self.outlet, self.published, self.dry_run = run, (outlet or "").strip(), published, dry_run
        self.outlets: dict[str, Optional[int]] = {}
        self.seen_fingerprints: set[str] = set()  # dry run only
        self.seen_keys: set[str] = set()
        # A known story that a killed run stored but never extracted: the re-run extracts it.
        self.unextracted_duplicate: Optional[int] = None

    def store(self, record: StoryRecord) -> tuple[str, Optional[Story]]:
        story = self.build(record)
        if self.dry_run:
            return self.classify_dry(story), None
        outlet_name = self.outlet_name(record)
        story.outlet_id = self.outlet_id(outlet_name) if outlet_name else None
        self.unextracted_duplicate = None
        try:
            with transaction.atomic():
                outcome = store_unless_known(story, user_id=self.history_user_id(story))
        except IntegrityError as exc:
            if is_fingerprint_conflict(exc):  # stored meanwhile by another ingest
                return DUPLICATE, None
            raise
        if outcome.known_id is not None:
            self.unextracted_duplicate = outcome.known_id if outcome.known_unextracted else None
            return DUPLICATE, None
        return (NEW_VERSION if story.previous_version_id else NEW), story

    def history_user_id(self, story: Story) -> Optional[int]:
        """Who the "created" history row names: the run's user, else simple-history's default (the request's)."""
        if self.run.pk and self.run.created_by_id:
            return self.run.created_by_id
        user = HISTORICAL_STORY.get_default_history_user(story)
        return user.pk if user is not None else None

    def build(self, record: StoryRecord) -> Story:
        if not record.body.strip():
            raise ValueError("story has no body")
        extra = dict(record.extra)
        encoding = str(extra.pop("encoding", ""))[:32]
        if record.source_line:
            extra["source_line"] = record.source_line
        headline = record.headline.strip()
        if len(headline) > 500:
            extra["headline_full"] = headline
            headline = headline[:499] + "…"
        url = record.url.strip()
        if len(url) > 1000:
            extra["url_full"], url = url, ""
        published, basis, evidence = self.date_of(record)
        return Story(
            headline=headline,
            headline_key=headline_key(headline),
            caption=record.caption,
            byline=record.byline[:500],
            dateline=record.dateline[:200],
            agency=record.agency[:200],
            body=record.body,
            credit=record.credit,
            url=url,
            published=published,
            published_basis=basis,
            published_evidence=evidence[:500],
            fingerprint=record.fingerprint,
            extra=extra,
            source_name=record.source_name[-500:],
            source_encoding=encoding,
            ingest_run=self.run if self.run.pk else None,
        )

    def date_of(self, record: StoryRecord) -> tuple[Optional[dt.date], str, str]:
        if record.published is not None and record.published_basis == PublishedBasis.GIVEN:
            return record.published, PublishedBasis.GIVEN, record.published_evidence
        if self.published is not None:
            return self.published, PublishedBasis.GIVEN, "--published"
        if record.published is not None:
            return record.published, PublishedBasis.INFERRED, record.published_evidence
        return None, PublishedBasis.UNKNOWN, ""

    def outlet_name(self, record: StoryRecord) -> str:
        """The story's own outlet, else --outlet, else the agency in its dateline."""
        return (record.outlet.strip() or self.outlet or record.agency.strip())[:200]

    def outlet_id(self, name: str) -> int:
        if name not in self.outlets:
            self.outlets[name] = Outlet.objects.get_or_create(name=name)[0].pk
        return self.outlets[name]

    def classify_dry(self, story: Story) -> str:
        """What a real run would do, read-only (a dry run may only look)."""
        fingerprint, key = story.fingerprint, story.headline_key
        known = fingerprint in self.seen_fingerprints or Story.objects.filter(fingerprint=fingerprint).exists()
        self.seen_fingerprints.add(fingerprint)
        if known:
            return DUPLICATE
        version = bool(key) and (key in self.seen_keys or Story.objects.filter(headline_key=key).exists())
        if key:
            self.seen_keys.add(key)
        return NEW_VERSION if version else NEW


# --- Helpers ---------------------------------------------------------------------------------

_COUNT_FIELDS = ["stories_read", "stories_new", "stories_duplicate", "stories_new_version", "stories_failed"]


def _copy_counts(run: IngestRun, result: IngestResult) -> None:
    run.stories_read, run.stories_new, run.stories_duplicate = result.read, result.new, result.duplicate
    run.stories_new_version, run.stories_failed = result.new_version, result.failed


def _fail(result: IngestResult, run: IngestRun, failure: Failure, dry_run: bool) -> None:
    result.failed += 1
    if len(result.failures) < KEPT_FAILURES:
        result.failures.append(failure)
    if dry_run or not run.pk:
        return
    with transaction.atomic():
        IngestFailure.objects.create(
            run=run,
            source_name=_storable(failure.source_name)[-500:],
            source_line=failure.line,
            headline=_storable(failure.headline)[:500],
            reason=_storable(failure.reason),
            excerpt=_storable(failure.excerpt),
        )


def _storable(text: str) -> str:
    """Text PostgreSQL accepts: a failure's excerpt may hold the very NUL that made it fail."""
    return text.replace("\x00", "\ufffd")


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"[:1000]
