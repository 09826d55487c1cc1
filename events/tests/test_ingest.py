"""Storing stories: one transaction each, uniqueness in the database, versions, dates, dry runs."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from events import ingest
from events.ingest import finish_run, ingest_records, start_run
from events.models import IngestFailure, IngestRun, Outlet, Story
from extraction.sources import Failure, iter_story_inputs
from extraction.splitter import parse_story, split_dump

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
STORY = "Rebels seize Kidal\n\nKIDAL (Reuters) – Rebels seized Kidal on Monday.\n\n(Reporting by Jane Roe)"


def seed_items():
    return list(iter_story_inputs([SEEDS]))


def run_ingest(items, **kw):
    run = start_run(["test"], dry_run=kw.get("dry_run", False))
    result = ingest_records(items, run=run, **kw)
    finish_run(run, result)
    return run, result


@pytest.mark.django_db
def test_the_seeds_give_14_distinct_stories_and_one_linked_version():
    run, result = run_ingest(seed_items())
    assert (result.read, result.new, result.duplicate, result.new_version, result.failed) == (21, 14, 6, 1, 0)
    assert Story.objects.count() == 15
    assert Story.objects.filter(previous_version__isnull=True).count() == 14
    version = Story.objects.get(previous_version__isnull=False)
    assert version.source_name.endswith(("001_d1b2bd05794ba603.txt"))
    assert version.previous_version.source_name.endswith("000_c12da3ac6ee20b99.txt")
    assert version.previous_version.headline == version.headline
    assert (run.stories_read, run.stories_new, run.stories_duplicate, run.stories_new_version, run.status) == (21, 14, 6, 1, "finished")
    assert set(Story.objects.values_list("ingest_run", flat=True)) == {run.pk}


@pytest.mark.django_db
def test_each_stored_story_has_its_created_row_in_history_and_later_edits_are_recorded(django_user_model):
    uploader = django_user_model.objects.create_user("uma")
    run = start_run(["upload"], user=uploader)
    ingest_records([parse_story(STORY)], run=run)
    story = Story.objects.get()
    (created,) = story.history.all()
    assert created.history_type == "+" and created.history_user == uploader
    assert (created.headline, created.body, created.fingerprint, created.published_basis) == (
        story.headline, story.body, story.fingerprint, story.published_basis)
    story.headline = "Rebels seize Kidal, army says"
    story.save()
    assert [h.history_type for h in story.history.all()] == ["~", "+"]
    assert story.history.first().diff_against(created).changed_fields == ["headline"]


@pytest.mark.django_db
def test_ingesting_twice_adds_nothing():
    run_ingest(seed_items())
    _, again = run_ingest(seed_items())
    assert (again.new, again.duplicate, again.new_version) == (0, 21, 0)
    assert "0 new, 21 already known" in again.summary()
    assert Story.objects.count() == 15


@pytest.mark.django_db
def test_parts_and_provenance_are_stored():
    run_ingest(seed_items())
    turkey = Story.objects.get(headline__startswith="Turkey proposes")
    assert (turkey.byline, turkey.dateline, turkey.agency, turkey.outlet.name) == ("By Ece Toksabay and Dmitry Solovyov", "ANKARA/MOSCOW", "Reuters", "Reuters")
    assert turkey.credit.startswith("(Additional reporting by Daren Butler")
    assert (turkey.source_encoding, turkey.extra["source_line"], turkey.extra["subheads"]) == ("utf-8", 119, ["REVIVAL"])
    assert (turkey.published, turkey.published_basis, turkey.published_evidence) == (dt.date(2016, 6, 27), "inferred", "June 27, 2016")
    unknown = Story.objects.get(headline__startswith="Aid reaches")
    assert (unknown.published, unknown.published_basis) == (None, "unknown")


@pytest.mark.django_db
def test_a_story_differing_only_in_typography_is_already_known():
    run_ingest([parse_story(STORY)])
    _, result = run_ingest([parse_story(STORY.replace("–", "-").replace("  ", " ").upper().replace("KIDAL (REUTERS)", "KIDAL (Reuters)"))])
    assert (result.new, result.duplicate) == (0, 1)


@pytest.mark.django_db
def test_a_failing_story_is_recorded_and_the_rest_stored():
    good, bad, other = split_dump(STORY + "\n\n" + STORY.replace("Kidal", "Gao") + "\n\n" + STORY.replace("Kidal", "Menaka"))
    bad.body += "\x00"  # PostgreSQL refuses NUL characters in text
    run, result = run_ingest([good, bad, other, Failure("feed.jsonl", 7, "not valid JSON (Expecting value)", excerpt="{oops")])
    assert (result.read, result.new, result.failed) == (4, 2, 2)
    assert set(Story.objects.values_list("headline", flat=True)) == {"Rebels seize Kidal", "Rebels seize Menaka"}
    failures = list(run.failures.order_by("id").values_list("source_line", "headline", "reason"))
    assert failures[0][:2] == (7, "Rebels seize Gao") and "NUL" in failures[0][2]
    assert failures[1] == (7, "", "not valid JSON (Expecting value)")
    assert run.stories_failed == 2


@pytest.mark.django_db
def test_publication_date_precedence():
    given = parse_story(STORY)
    given.published, given.published_basis = dt.date(2016, 7, 18), "given"
    inferred = parse_story(STORY.replace("Monday", "June 26, 2016").replace("Kidal", "Gao"))
    unknown = parse_story(STORY.replace("Kidal", "Menaka"))
    run_ingest([given, inferred, unknown], published=dt.date(2016, 7, 20))
    rows = dict(Story.objects.values_list("headline", "published"))
    assert rows == {"Rebels seize Kidal": dt.date(2016, 7, 18), "Rebels seize Gao": dt.date(2016, 7, 20), "Rebels seize Menaka": dt.date(2016, 7, 20)}
    assert set(Story.objects.values_list("published_basis", flat=True)) == {"given"}
    assert Story.objects.get(headline="Rebels seize Gao").published_evidence == "--published"


@pytest.mark.django_db
def test_outlet_is_the_storys_own_then_the_option_then_the_agency():
    own = parse_story(STORY)
    own.outlet = "Reuters Africa"
    run_ingest([own, parse_story(STORY.replace("Kidal", "Gao"))], outlet="Wire Archive")
    run_ingest([parse_story(STORY.replace("Kidal", "Menaka"))])
    assert dict(Story.objects.values_list("headline", "outlet__name")) == {
        "Rebels seize Kidal": "Reuters Africa", "Rebels seize Gao": "Wire Archive", "Rebels seize Menaka": "Reuters",
    }


@pytest.mark.django_db
def test_dry_run_stores_nothing_but_tells_what_would_happen():
    run_ingest([parse_story(STORY)])
    before = [m.objects.count() for m in (Story, IngestRun, IngestFailure, Outlet)]
    run, result = run_ingest(seed_items() + [parse_story(STORY), Failure("x.txt", None, "empty file", scope="file")], dry_run=True)
    assert [m.objects.count() for m in (Story, IngestRun, IngestFailure, Outlet)] == before
    assert run.pk is None
    assert (result.new, result.duplicate, result.new_version, result.failed) == (14, 7, 1, 1)


@pytest.mark.django_db
def test_new_stories_are_handed_to_extraction_in_batches(monkeypatch):
    batches = []

    def extract(stories):  # records the batch and marks it extracted, as the event writer does
        batches.append([s.headline for s in stories])
        Story.objects.filter(pk__in=[s.pk for s in stories]).update(extracted_at=timezone.now())

    monkeypatch.setattr(ingest, "run_extraction_for", extract)
    monkeypatch.setattr(ingest, "EXTRACT_BATCH", 4)
    run_ingest(seed_items(), extract=True)
    assert [len(b) for b in batches] == [4, 4, 4, 3]
    _, result = run_ingest(seed_items(), extract=True)
    assert len(batches) == 4  # nothing new, nothing extracted


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ingests_store_each_story_once():
    items = seed_items()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(run_ingest(items)[1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Story.objects.count() == 15
    assert Story.objects.filter(previous_version__isnull=True).count() == 14
    assert sum(r.new for r in results) == 14 and sum(r.new_version for r in results) == 1
    assert sum(r.duplicate for r in results) == 42 - 15
    version = Story.objects.get(previous_version__isnull=False)
    assert version.previous_version.previous_version is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_versions_link_to_one_earliest_story():
    """Both processes see the same story as the earliest: the advisory lock serialises the key."""
    first = parse_story(STORY)
    others = [parse_story(STORY.replace("Monday", day)) for day in ("Tuesday", "Wednesday", "Thursday", "Friday")]
    run_ingest([first])
    barrier = threading.Barrier(2)

    def worker(records):
        barrier.wait()
        run_ingest(records)
        connection.close()

    threads = [threading.Thread(target=worker, args=(others[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(Story.objects.exclude(pk=Story.objects.earliest("id").pk).values_list("previous_version", flat=True)) == {
        Story.objects.earliest("id").pk
    }
