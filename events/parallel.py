"""Ingest and extraction spread over a pool of processes, on one machine.

Both are CPU-bound (splitting, fingerprinting, the extraction pipeline) and
already safe to run concurrently: a story's fingerprint is unique in the
database, each story and each story's events are written in one
transaction, and the event writer takes an advisory lock per country while
it matches events across stories. So the parent only reads and hands out
work: story ids to extract, or batches of StoryRecords read from the files;
each worker process stores and extracts them exactly as the single-process
path does and returns its counts, which the parent adds up.

Workers are started with `spawn` (a fresh interpreter, no database
connection or thread inherited from the parent) and use the parent's
database, by name, so that a test database is a test database in the
workers too. Work is handed out a few batches ahead of the workers, so a
folder of any size is read in flat memory.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from typing import Callable, Iterable, Iterator, Optional

# What a worker keeps between batches: the actor matcher (built once) and the ingest run.
_worker_state: dict = {}

EXTRACT_CHUNK = 25  # stories per task: small enough to spread, large enough to amortise the round trip
INGEST_BATCH = 200  # records per task; below events.ingest.SAVE_COUNTS_EVERY, so only the parent saves run counts
AHEAD = 2  # tasks queued per worker
RUN_COUNT_FIELDS = ["stories_read", "stories_new", "stories_duplicate", "stories_new_version", "stories_failed"]


def _setup_worker(settings_module: str, database_name: str) -> None:
    """In each new worker: set Django up on the parent's database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = database_name
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database_name


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    from django.conf import settings
    from django.db import connection

    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_setup_worker,
        initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE), connection.settings_dict["NAME"]),
    )


def _run(pool, function: Callable, tasks: Iterable[tuple], workers: int) -> Iterator:
    """The results of function(*task) for each task, as they finish, with at most AHEAD tasks queued per worker."""
    pending: set = set()
    for task in tasks:
        pending.add(pool.submit(function, *task))
        if len(pending) >= AHEAD * workers:
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            yield from (future.result() for future in done)
    for future in concurrent.futures.as_completed(pending):
        yield future.result()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- extraction ----------------------------------------------------------------------------------


def extract_in_pool(story_ids: Iterable[int], workers: int, on_done: Optional[Callable[[int], None]] = None):
    """Extract these stories over `workers` processes; returns one `WriteResult` for them all.

    `on_done(n)` is called in the parent as each chunk of n stories is written.
    """
    from events.event_writer import WriteResult

    total = WriteResult()
    with _pool(workers) as pool:
        for result in _run(pool, _extract_chunk, ((chunk,) for chunk in _batches(story_ids, EXTRACT_CHUNK)), workers):
            total.stories += result.stories
            total.add(result)
            if on_done:
                on_done(result.stories)
    return total


def _extract_chunk(story_ids: list[int]):
    from events.event_writer import actor_matcher, extract_stories
    from events.models import Story

    if "matcher" not in _worker_state:
        _worker_state["matcher"] = actor_matcher()
    stories = Story.objects.select_related("outlet").filter(pk__in=story_ids).order_by("id")
    result = extract_stories(stories, matcher=_worker_state["matcher"])
    result.event_ids = []  # not needed by the parent; keeps the answer small
    return result


# --- ingest --------------------------------------------------------------------------------------


def ingest_in_pool(items: Iterable, *, run, workers: int, outlet=None, published=None, extract: bool = False,
                   on_batch: Optional[Callable] = None):
    """Store (and extract) StoryRecords and Failures over `workers` processes; returns one `IngestResult`.

    The parent reads `items` and saves the run's counts as batches finish
    (`on_batch(result_so_far)` is called after each); workers store each
    story in its own transaction under `run`, as `events.ingest.ingest_records` does.
    """
    from events.ingest import KEPT_FAILURES, IngestResult

    total = IngestResult()
    tasks = ((run.pk, batch, outlet, published, extract) for batch in _batches(items, INGEST_BATCH))
    with _pool(workers) as pool:
        for result in _run(pool, _ingest_batch, tasks, workers):
            for name in ("read", "new", "duplicate", "new_version", "failed"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            total.failures += result.failures[: max(0, KEPT_FAILURES - len(total.failures))]
            total.stories += result.stories[: max(0, 100 - len(total.stories))]
            if run.pk:
                run.stories_read, run.stories_new, run.stories_duplicate = total.read, total.new, total.duplicate
                run.stories_new_version, run.stories_failed = total.new_version, total.failed
                run.save(update_fields=RUN_COUNT_FIELDS)
            if on_batch:
                on_batch(total)
    return total


def _ingest_batch(run_id, records: list, outlet, published, extract: bool):
    from events.ingest import ingest_records
    from events.models import IngestRun

    run = _worker_state.get("run")
    if run is None or run.pk != run_id:
        run = _worker_state["run"] = IngestRun.objects.get(pk=run_id)
    return ingest_records(records, run=run, outlet=outlet, published=published, extract=extract)
