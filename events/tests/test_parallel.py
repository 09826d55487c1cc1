"""`ingest --workers N` and `extract --workers N`: the same stories and events as one process, in several."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events import parallel
from events.models import Actor, Event, EventSource, IngestRun, Place, Story

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"

# The workers are other processes: they see committed rows only.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of a few stories, so that the 21 seed stories keep both workers busy."""
    monkeypatch.setattr(parallel, "INGEST_BATCH", 4)
    monkeypatch.setattr(parallel, "EXTRACT_CHUNK", 3)


def run(command, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def written() -> tuple:
    """What extraction wrote, independent of ids and of the order stories were extracted in."""
    events = sorted(Event.objects.values_list("sub_event_type", "location", "fatalities_best"), key=str)
    return Event.objects.count(), EventSource.objects.count(), events


def test_ingest_with_workers_stores_each_story_once_and_counts_like_one_process(small_batches):
    out, err = run("ingest", SEEDS, "--no-extract", "--workers", "2", "--quiet")
    assert (out, err) == ("21 read, 14 new, 6 already known, 1 new version, 0 failed\n", "")
    assert Story.objects.count() == 15
    stored = IngestRun.objects.get()
    assert (stored.stories_read, stored.stories_new, stored.stories_duplicate, stored.status) == (21, 14, 6, "finished")
    out, _ = run("ingest", SEEDS, "--no-extract", "--workers", "2", "--quiet")
    assert out == "21 read, 0 new, 21 already known, 0 new versions, 0 failed\n"


def test_extract_with_workers_writes_what_one_process_writes(small_batches):
    run("ingest", SEEDS, "--no-extract", "--quiet")
    out, err = run("extract", "--quiet")
    assert err == "" and out.endswith(" 0 failed\n")
    single = written()
    Event.objects.all().delete()  # sources go with their events
    Actor.objects.all().delete()  # the first run added actors and places: start from the same state
    Place.objects.all().delete()
    Story.objects.update(extracted_at=None)

    out, err = run("extract", "--workers", "2", "--quiet")
    assert err == "" and out.startswith("15 stories, ") and out.endswith(" 0 failed\n")
    assert not Story.objects.filter(extracted_at__isnull=True).exists()
    assert written() == single


def test_ingest_with_workers_extracts_too(small_batches, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"GIF89a\x00\x00")
    out, err = run("ingest", SEEDS, broken, "--workers", "2", "--quiet")
    assert out == "21 read, 14 new, 6 already known, 1 new version, 1 failed\n"
    assert err == f"{broken}: binary file (NUL byte at offset 6), not text\n"
    assert not Story.objects.filter(extracted_at__isnull=True).exists()
    assert Event.objects.exists()


def test_workers_must_be_at_least_one():
    with pytest.raises(CommandError, match="--workers"):
        run("extract", "--workers", "0")
    with pytest.raises(CommandError, match="--workers"):
        run("ingest", SEEDS, "--workers", "0")
