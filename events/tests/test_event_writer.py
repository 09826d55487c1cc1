"""Stories become sourced events: merged across stories, idempotent, and curated fields stay put.

Most tests feed hand-built EventRecords through a stand-in pipeline, so they
test the database side alone; one runs the real pipeline on a seed story.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

import pytest

from events import event_writer
from events.choices import ReviewStatus
from events.curation import StaleEvent, mark_curated, save_curation
from events.event_writer import extract_stories
from events.models import Actor, Event, EventSource, Place, Story
from extraction.records import ActorMention, Count, DateResolution, EventRecord, Evidence, PlaceResolution

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2016, 7, 19)
MANBIJ = PlaceResolution(
    name="Manbij", mention="Manbij", country="Syria", iso2="SY", admin1="Aleppo",
    latitude=36.5281, longitude=37.9549, kind="city", gazetteer_id="geonames:166365", geo_precision=2,
)
COALITION = ActorMention("Military Forces of the United States", "U.S.-led warplanes", 8, "US")
CIVILIANS = ActorMention("Civilians (Syria)", "civilians", 7, "SY")
STRIKE_BODY = "BEIRUT (Reuters) - At least {n} civilians were killed on Tuesday in air strikes north of Manbij."


def make_story(n: int, *, body: str = "", published=TUESDAY, headline: str = "") -> Story:
    return Story.objects.create(
        headline=headline or f"Air strikes kill civilians near Manbij ({n})",
        headline_key=f"air strikes {n}",
        body=body or STRIKE_BODY.format(n=n),
        published=published,
        published_basis="given" if published else "unknown",
        fingerprint=hashlib.sha256(str(n).encode()).hexdigest(),
        agency="Reuters",
        url=f"https://example.org/story/{n}",
    )


def strike(killed: int | None = 43, *, low=None, high=None, date=TUESDAY, place=MANBIJ, certain=True,
           confidence=0.8, sentence=0, sub_event_type="Air/drone strike", event_type="Explosions/Remote violence") -> EventRecord:
    """An air strike record as the pipeline would return it for STRIKE_BODY."""
    body = STRIKE_BODY.format(n=killed)
    return EventRecord(
        event_type=event_type,
        sub_event_type=sub_event_type,
        notes=f"Air strikes north of Manbij killed {killed} civilians.",
        date=DateResolution(date, date, date, 1, "on Tuesday", certain=certain) if date else None,
        place=place,
        actor1=COALITION,
        actor2=CIVILIANS,
        killed=Count(killed, low if low is not None else killed, high if high is not None else killed, phrase=f"At least {killed}") if killed is not None else None,
        civilian_targeting=True,
        confidence=confidence,
        evidence=[Evidence("fatalities", body, 0, len(body), body.index("At least"), body.index(" civilians"))],
        sentence_indexes=[sentence],
    )


def same_event_rule(a: EventRecord, b: EventRecord) -> bool:
    """Issue #4 item 7, for when extraction.matching is not written yet."""
    if a.event_type != b.event_type or not (a.date and b.date and a.place and b.place):
        return False
    slack = dt.timedelta(days=1)
    a0, a1 = a.date.date_start or a.date.event_date, a.date.date_end or a.date.event_date
    b0, b1 = b.date.date_start or b.date.event_date, b.date.date_end or b.date.event_date
    if a0 > b1 + slack or b0 > a1 + slack:
        return False
    if a.place.gazetteer_id and a.place.gazetteer_id == b.place.gazetteer_id:
        return True
    return bool(a.place.admin1) and a.place.admin1 == b.place.admin1 and max(a.place.geo_precision, b.place.geo_precision) > 1


@pytest.fixture(autouse=True)
def matching_rule(monkeypatch):
    """Use extraction.matching when it exists, else the rule the issue states."""
    try:
        import extraction.matching  # noqa: F401
    except ImportError:
        monkeypatch.setattr(event_writer, "same_event", same_event_rule)


class FakePipeline:
    """Returns the records given for each story id; raises for the ids in `fail`."""

    def __init__(self, by_story=None, fail=()):
        self.by_story = dict(by_story or {})
        self.fail = set(fail)
        self.calls = 0

    def __call__(self, record, *, actors=None):
        self.calls += 1
        story = Story.objects.get(body=record.body, headline=record.headline)
        if story.pk in self.fail:
            raise RuntimeError("the pipeline choked on this story")
        return self.by_story.get(story.pk, [])


def run(stories, pipeline):
    return extract_stories(stories, matcher=object(), pipeline=pipeline)


@pytest.fixture
def two_reports():
    """Two stories about the same air strike: one says 43 dead, the other 45."""
    first, second = make_story(43), make_story(45)
    return first, second, FakePipeline({first.pk: [strike(43)], second.pk: [strike(45)]})


def test_two_stories_of_one_air_strike_become_one_event_with_two_sources(two_reports):
    first, second, pipeline = two_reports
    result = run([first, second], pipeline)
    assert (result.events_new, result.events_updated, result.sources_added, result.failed) == (1, 1, 2, 0)
    event = Event.objects.get()
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (43, 43, 45)
    by_story = {s.story_id: s.fatalities_best for s in event.sources.all()}
    assert by_story == {first.pk: 43, second.pk: 45}
    assert event.extracted["fatalities_high"] == 45
    assert [e["story"] for e in event.extracted["stories"]] == [first.pk, second.pk]


def test_event_fields_actors_and_place_come_from_the_record(two_reports):
    first, _, pipeline = two_reports
    run([first], pipeline)
    event = Event.objects.get()
    assert (event.event_type, event.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert event.event_date == event.date_start == event.date_end == TUESDAY
    assert event.actor1.name == COALITION.name and event.actor1.actor_type == 8
    assert event.actor2.name == CIVILIANS.name
    assert (event.location, event.admin1, event.country, event.country_code) == ("Manbij", "Aleppo", "Syria", "SY")
    assert event.geo_precision == 2 and event.latitude == pytest.approx(36.5281)
    assert event.place.gazetteer_id == "geonames:166365" and event.place.kind == "city"
    assert event.civilian_targeting is True
    assert event.status == ReviewStatus.EXTRACTED and event.confidence == 0.8
    source = event.sources.get()
    assert source.evidence[0]["field"] == "fatalities"
    span = source.evidence[0]
    assert first.body[span["span_start"]:span["span_end"]] == "At least 43"
    first.refresh_from_db()
    assert first.extracted_at is not None


def test_every_curatable_field_is_proposed_in_extracted(two_reports):
    from events.choices import CURATABLE_FIELDS

    first, _, pipeline = two_reports
    run([first], pipeline)
    extracted = Event.objects.get().extracted
    assert set(CURATABLE_FIELDS) <= set(extracted)
    assert extracted["event_date"] == "2016-07-19"
    assert extracted["labels"]["actor1"] == COALITION.name
    assert extracted["evidence"][0]["story"] == first.pk


def test_rerunning_extraction_adds_no_duplicates(two_reports):
    first, second, pipeline = two_reports
    run([first, second], pipeline)
    version = Event.objects.get().version
    again = run([first, second], pipeline)
    assert again.summary() == "2 stories, 0 events new, 0 updated, 0 sources added, 0 failed"
    assert Event.objects.count() == 1 and EventSource.objects.count() == 2
    assert Actor.objects.count() == 2 and Place.objects.count() == 1
    event = Event.objects.get()
    assert event.version == version  # nothing changed: a curator's open form stays valid
    assert event.history.count() == 2  # created, then the second source


def test_curated_fatalities_survive_reextraction_while_the_proposal_is_updated(two_reports):
    first, second, pipeline = two_reports
    run([first, second], pipeline)
    event = Event.objects.get()
    event.fatalities_best = 44
    event = save_curation(event, ["fatalities_best"], expected_version=event.version)
    assert event.curated_fields == ["fatalities_best"]

    pipeline.by_story[second.pk] = [strike(47)]  # the second story was corrected upstream
    run([first, second], pipeline)
    event.refresh_from_db()
    assert event.fatalities_best == 44
    assert (event.fatalities_low, event.fatalities_high) == (43, 47)
    assert event.extracted["fatalities_best"] == 43 and event.extracted["fatalities_high"] == 47
    assert event.sources.get(story=second).fatalities_best == 47


def test_a_curated_value_outside_the_sources_range_widens_the_uncurated_bounds(two_reports):
    first, second, pipeline = two_reports
    run([first, second], pipeline)
    event = Event.objects.get()
    event.fatalities_best = 60
    save_curation(event, ["fatalities_best"])
    run([first], pipeline)
    event.refresh_from_db()
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (43, 60, 60)


def test_curated_place_and_type_survive_reextraction(two_reports):
    first, _, pipeline = two_reports
    run([first], pipeline)
    event = Event.objects.get()
    event.location, event.event_type, event.sub_event_type = "Hazawneh", "Violence against civilians", "Attack"
    save_curation(event, ["location", "event_type", "sub_event_type"])
    run([first], pipeline)
    event.refresh_from_db()
    assert (event.location, event.event_type, event.sub_event_type) == ("Hazawneh", "Violence against civilians", "Attack")
    assert event.extracted["location"] == "Manbij" and event.extracted["sub_event_type"] == "Air/drone strike"


def test_a_curator_save_during_extraction_is_seen_under_the_lock(two_reports):
    """The pipeline runs before the write; a curator saving meanwhile must not be overwritten."""
    first, _, pipeline = two_reports
    run([first], pipeline)

    def curator_saves_meanwhile(record, *, actors=None):
        event = Event.objects.get()
        event.fatalities_best = 50
        save_curation(event, ["fatalities_best"])
        return [strike(43)]

    run([first], curator_saves_meanwhile)
    event = Event.objects.get()
    assert event.fatalities_best == 50 and event.fatalities_high == 50


@pytest.mark.django_db(transaction=True)
def test_extraction_waits_for_a_curator_holding_the_row_lock(two_reports):
    """Two connections: the curator's transaction holds the event; extraction waits, then keeps the edit."""
    import threading

    from django.db import connection, transaction

    first, _, pipeline = two_reports
    run([first], pipeline)
    locked, release = threading.Event(), threading.Event()

    def curator():
        try:
            with transaction.atomic():
                event = Event.objects.select_for_update().get()
                locked.set()
                release.wait(5)
                event.fatalities_best = 50
                mark_curated(event, ["fatalities_best"])
                event.fatalities_high = 50
                event.save()
        finally:
            connection.close()

    thread = threading.Thread(target=curator)
    thread.start()
    assert locked.wait(5)
    pipeline.by_story[first.pk] = [strike(45)]
    timer = threading.Timer(0.5, release.set)
    timer.start()
    result = run([first], pipeline)  # blocks on the row lock until the curator commits
    thread.join(5)
    assert result.failed == 0, result.failures
    event = Event.objects.get()
    assert event.curated_fields == ["fatalities_best"]
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (45, 50, 50)
    assert event.extracted["fatalities_best"] == 45


def test_save_curation_refuses_a_stale_form(two_reports):
    first, _, pipeline = two_reports
    run([first], pipeline)
    loaded = Event.objects.get()
    pipeline.by_story[first.pk] = [strike(44)]
    assert run([first], pipeline).events_updated == 1  # the writer saved in between: version moved on
    loaded.notes = "Checked against the Observatory's report."
    with pytest.raises(StaleEvent):
        save_curation(loaded, ["notes"], expected_version=loaded.version)


def test_mark_curated_adds_only_curatable_fields_and_bumps_the_version():
    event = Event(event_type="Battles", sub_event_type="Armed clash", version=3, curated_fields=["notes"])
    assert mark_curated(event, ["fatalities_best", "status", "notes"]) == ["fatalities_best", "notes"]
    assert event.curated_fields == ["fatalities_best", "notes"] and event.version == 4


def test_low_confidence_or_an_unanchored_date_needs_review():
    sure, unsure, unanchored, undated = (make_story(n) for n in (1, 2, 3, 4))
    places = [replace(MANBIJ, gazetteer_id=f"geonames:{n}", name=f"Town {n}", geo_precision=1) for n in range(4)]
    pipeline = FakePipeline({
        sure.pk: [strike(1, place=places[0])],
        unsure.pk: [strike(2, place=places[1], confidence=0.4)],
        unanchored.pk: [strike(3, place=places[2], certain=False)],
        undated.pk: [strike(4, place=places[3], date=None)],
    })
    run([sure, unsure, unanchored, undated], pipeline)
    status = {e.sources.get().story_id: e.status for e in Event.objects.all()}
    assert status == {sure.pk: "extracted", unsure.pk: "needs_review", unanchored.pk: "needs_review", undated.pk: "needs_review"}
    unanchored_event = Event.objects.get(sources__story=unanchored)
    assert "date not anchored to a publication date" in unanchored_event.extracted["review_reasons"]


def test_a_failing_story_is_reported_and_the_others_are_written(two_reports):
    first, second, pipeline = two_reports
    pipeline.fail = {first.pk}
    result = run([first, second], pipeline)
    assert result.stories == 2 and result.failed == 1
    assert result.failures[0].story_id == first.pk and "choked" in result.failures[0].reason
    assert Event.objects.get().sources.get().story == second
    first.refresh_from_db()
    assert first.extracted_at is None
    assert result.summary() == "2 stories, 1 events new, 0 updated, 1 sources added, 1 failed"


def test_a_database_error_in_one_story_rolls_back_only_that_story(two_reports):
    first, second, pipeline = two_reports
    pipeline.by_story[first.pk] = [strike(43), strike(44, event_type="Battles")]  # invalid type pair
    result = run([first, second], pipeline)
    assert result.failed == 1 and result.failures[0].story_id == first.pk
    assert Event.objects.count() == 1 and not EventSource.objects.filter(story=first).exists()
    assert (result.events_new, result.sources_added) == (1, 1)  # the rolled-back story counts nothing


def test_two_events_in_one_story_stay_apart_even_when_they_look_alike():
    story = make_story(1)
    monday = strike(21, date=TUESDAY - dt.timedelta(days=1), sentence=4)
    pipeline = FakePipeline({story.pk: [strike(56), monday]})
    run([story], pipeline)
    run([story], pipeline)
    assert Event.objects.count() == 2 and EventSource.objects.count() == 2
    assert sorted(Event.objects.values_list("fatalities_best", flat=True)) == [21, 56]


def test_events_far_apart_in_time_or_place_are_not_merged():
    stories = [make_story(n) for n in range(3)]
    elsewhere = replace(MANBIJ, name="Raqqa", gazetteer_id="geonames:163915", admin1="Raqqa")
    pipeline = FakePipeline({
        stories[0].pk: [strike(10)],
        stories[1].pk: [strike(11, date=TUESDAY + dt.timedelta(days=5))],
        stories[2].pk: [strike(12, place=elsewhere)],
    })
    run(stories, pipeline)
    assert Event.objects.count() == 3


def test_a_rejected_event_does_not_attract_new_sources(two_reports):
    first, second, pipeline = two_reports
    run([first], pipeline)
    Event.objects.update(status=ReviewStatus.REJECTED)
    run([second], pipeline)
    assert Event.objects.count() == 2
    assert Event.objects.get(status="extracted").sources.get().story == second


def test_a_verified_status_is_kept_by_reextraction(two_reports):
    first, _, pipeline = two_reports
    run([first], pipeline)
    Event.objects.update(status=ReviewStatus.VERIFIED)
    pipeline.by_story[first.pk] = [strike(43, confidence=0.3)]
    run([first], pipeline)
    assert Event.objects.get().status == ReviewStatus.VERIFIED


def test_records_without_figures_leave_the_figures_unreported(two_reports):
    first, _, pipeline = two_reports
    pipeline.by_story[first.pk] = [strike(None)]
    run([first], pipeline)
    event = Event.objects.get()
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (None, None, None)


def test_story_record_carries_what_the_pipeline_needs():
    story = make_story(7)
    story.dateline = "AMMAN/BEIRUT"
    record = event_writer.story_record(story)
    assert (record.body, record.published, record.dateline_places) == (story.body, TUESDAY, ["AMMAN", "BEIRUT"])


# --- The real pipeline on a seed story ------------------------------------------------------


def seed_story(seeds_dir) -> Story:
    """The Manbij air strike story (the first story of seed 003), published on Tuesday 19 July 2016."""
    lines = (seeds_dir / "003_4474610ca46a6ffc.txt").read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("(Reporting by Lisa Barrington"))
    paragraphs = [line for line in lines[4:end] if line.strip()]
    return Story.objects.create(
        headline=lines[0], headline_key=lines[0].lower(), caption=lines[2], dateline="BEIRUT", agency="Reuters",
        body="\n\n".join(paragraphs), credit=lines[end], published=TUESDAY, published_basis="given",
        fingerprint=hashlib.sha256(b"seed-003-manbij").hexdigest(),
    )


def test_the_real_pipeline_writes_the_manbij_air_strike(seeds_dir):
    pytest.importorskip("extraction.pipeline", reason="extraction/pipeline.py is not written yet (issue #4, pipeline side)")
    story = seed_story(seeds_dir)
    result = extract_stories([story])
    assert result.failed == 0, result.failures
    strikes = Event.objects.filter(sub_event_type="Air/drone strike", fatalities_best=56)
    assert strikes.exists(), list(Event.objects.values("sub_event_type", "location", "fatalities_best"))
    event = strikes.first()
    assert event.country_code == "SY" and event.event_date == TUESDAY
    for item in event.sources.get().evidence:
        assert story.body[item["start"]:item["end"]] == item["sentence"]
    again = extract_stories([story])
    assert again.events_new == 0 and again.sources_added == 0


# --- Stories without a publication date ---------------------------------------------------------


def undated_strike(killed: int, *, place=MANBIJ, phrase="on Tuesday", sentence=0) -> EventRecord:
    """An air strike record as the pipeline returns it when no publication date anchors "on Tuesday"."""
    record = strike(killed, place=place, sentence=sentence, confidence=0.5)
    record.date = DateResolution(None, None, None, 3, phrase, certain=False,
                                 note=f"'{phrase}' is relative and no publication date anchors it", phrase_days=1)
    return record


def test_an_undated_record_is_stored_without_dates_and_waits_for_review():
    story = make_story(43, published=None)
    run([story], FakePipeline({story.pk: [undated_strike(43)]}))
    event = Event.objects.get()
    assert (event.event_date, event.date_start, event.date_end, event.time_precision) == (None, None, None, 3)
    assert event.status == ReviewStatus.NEEDS_REVIEW
    assert "no event date" in event.extracted["review_reasons"]
    assert event.extracted["date_certain"] is False
    assert (event.location, event.fatalities_best, event.actor1.name) == ("Manbij", 43, COALITION.name)


def test_undated_reports_from_two_stories_are_not_merged_by_place_alone():
    first, second = make_story(43, published=None), make_story(45, published=None)
    pipeline = FakePipeline({first.pk: [undated_strike(43)], second.pk: [undated_strike(45)]})
    run([first, second], pipeline)
    assert Event.objects.count() == 2
    assert not Event.objects.filter(event_date__isnull=False).exists()


def test_an_undated_event_is_not_a_merge_target_for_a_dated_report():
    undated, dated = make_story(43, published=None), make_story(45)
    run([undated, dated], FakePipeline({undated.pk: [undated_strike(43)], dated.pk: [strike(45)]}))
    assert Event.objects.count() == 2
    assert Event.objects.get(event_date=TUESDAY).status == ReviewStatus.EXTRACTED


def test_rerunning_extraction_on_an_undated_story_adds_no_duplicates():
    story = make_story(43, published=None)
    pipeline = FakePipeline({story.pk: [undated_strike(43)]})
    run([story], pipeline)
    again = run([story], pipeline)
    assert (again.events_new, again.sources_added, Event.objects.count()) == (0, 0, 1)


def test_seed_dumps_ingested_without_dates_give_their_events_for_review(seeds_dir):
    """`manage.py ingest fixtures/seeds` with no --published: most stories carry no date of their own."""
    from events.ingest import finish_run, ingest_records, start_run
    from extraction.scoring import find_gold, load_gold
    from extraction.sources import iter_story_inputs

    ingest_run = start_run([str(seeds_dir)])
    finish_run(ingest_run, ingest_records(iter_story_inputs([seeds_dir]), run=ingest_run, extract=True))
    assert Story.objects.filter(published__isnull=True).count() >= 10
    gold = load_gold()
    for story in Story.objects.all():
        entry = find_gold(gold, story.headline, story.source_name.replace("\\", "/").rsplit("/", 1)[-1])
        assert entry is not None, story.headline
        if entry is not None and entry.events:
            assert EventSource.objects.filter(story=story).exists(), f"no event from {story.headline!r}"
    assert Event.objects.count() >= 25
    undated = Event.objects.filter(event_date__isnull=True)
    assert undated.count() >= 20
    for event in undated:
        assert event.status == ReviewStatus.NEEDS_REVIEW
        assert (event.date_start, event.date_end, event.time_precision) == (None, None, 3)
        assert event.place_id is not None and event.sub_event_type
        source = event.sources.get()
        evidence = [item for item in source.evidence if item["field"] == "date"]
        assert evidence and evidence[0]["note"], event
        if evidence[0]["span_start"] >= 0:  # the raw phrase, e.g. "on Tuesday", is kept as evidence
            phrase = source.story.body[evidence[0]["span_start"]:evidence[0]["span_end"]]
            assert phrase and phrase in evidence[0]["note"]
