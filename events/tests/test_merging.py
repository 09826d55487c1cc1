"""Merging and splitting keep every source and every story's own figures."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from events.choices import ReviewStatus
from events.curation import save_curation
from events.merging import merge_events, recompute_figures, source_figures, split_source
from events.models import Event, EventSource
from events.tests.test_event_writer import MANBIJ, FakePipeline, make_story, matching_rule, run, strike  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

# Each report in its own place so that extraction keeps them apart until a curator merges them.
PLACES = [replace(MANBIJ, name=f"Village {n}", gazetteer_id=f"geonames:{900 + n}", geo_precision=1) for n in range(4)]


@pytest.fixture
def reports():
    """Three single-source events: 43, 45 and 50 killed, in three places."""
    stories = [make_story(n) for n in (43, 45, 50)]
    run(stories, FakePipeline({s.pk: [strike(n, place=PLACES[i])] for i, (s, n) in enumerate(zip(stories, (43, 45, 50)))}))
    return [Event.objects.get(sources__story=s) for s in stories]


def figures(event):
    event.refresh_from_db()
    return event.fatalities_low, event.fatalities_best, event.fatalities_high


def test_merge_moves_every_source_and_recomputes_the_range(reports, alice):
    survivor, *others = reports
    merged = merge_events(survivor, others, user=alice)
    assert merged.pk == survivor.pk
    assert EventSource.objects.filter(event=survivor).count() == 3
    assert sorted(EventSource.objects.values_list("fatalities_best", flat=True)) == [43, 45, 50]
    assert figures(survivor) == (43, 43, 50)
    for other in others:
        other.refresh_from_db()
        assert other.status == ReviewStatus.MERGED and other.merged_into_id == survivor.pk
        assert not other.sources.exists()
    assert survivor.location == "Village 0"  # the survivor's values lead
    assert [e["story"] for e in survivor.extracted["stories"]] == [s.story_id for s in survivor.sources.order_by("id")]
    assert survivor.history.first().history_user == alice


def test_merge_keeps_curated_figures(reports):
    survivor, *others = reports
    survivor.fatalities_best = 44
    save_curation(survivor, ["fatalities_best"])
    merge_events(survivor, others)
    assert figures(survivor) == (43, 44, 50)
    assert survivor.extracted["fatalities_best"] == 43


def test_merge_of_two_events_from_one_story_keeps_one_source_with_both_evidence_lists():
    story = make_story(1)
    first, second = strike(56, place=PLACES[0], sentence=0), strike(None, place=PLACES[1], sentence=3)
    second.evidence[0].start, second.evidence[0].end = 100, 140
    run([story], FakePipeline({story.pk: [first, second]}))
    a, b = Event.objects.order_by("pk")
    merge_events(a, [b])
    source = EventSource.objects.get()
    assert source.event_id == a.pk and len(source.evidence) == 2
    assert source.fatalities_best == 56


def test_merge_repoints_events_merged_into_an_other(reports):
    a, b, c = reports
    merge_events(b, [c])
    merge_events(a, [b])
    c.refresh_from_db()
    assert c.merged_into_id == a.pk
    assert figures(a) == (43, 43, 50)


@pytest.mark.parametrize(
    "case, message",
    [
        ("itself", "into itself"),
        ("nothing", "nothing to merge"),
        ("into_merged", "it is merged"),
        ("into_rejected", "it is rejected"),
        ("other_merged", "already merged"),
    ],
)
def test_merge_refuses_bad_input(reports, case, message):
    a, b, c = reports
    if case == "into_merged":
        merge_events(c, [a])
    if case == "into_rejected":
        Event.objects.filter(pk=a.pk).update(status=ReviewStatus.REJECTED)
    if case == "other_merged":
        merge_events(c, [b])
    survivor, others = {
        "itself": (a, [a, b]), "nothing": (a, []), "into_merged": (a, [b]), "into_rejected": (a, [b]), "other_merged": (a, [b]),
    }[case]
    before = list(EventSource.objects.order_by("pk").values_list("pk", "event_id"))
    with pytest.raises(ValueError, match=message):
        merge_events(survivor, others)
    assert list(EventSource.objects.order_by("pk").values_list("pk", "event_id")) == before


def test_split_moves_one_source_into_a_new_event_and_recomputes_both(reports):
    survivor, *others = reports
    merge_events(survivor, others)
    source = survivor.sources.get(fatalities_best=50)
    new = split_source(source)
    assert new.pk != survivor.pk and new.uid != survivor.uid
    assert list(new.sources.all()) == [source]
    assert figures(new) == (50, 50, 50)
    assert figures(survivor) == (43, 43, 45)
    assert EventSource.objects.count() == 3
    assert new.status == ReviewStatus.NEEDS_REVIEW
    assert new.location == "Village 2"  # the story's own proposal
    assert [e["story"] for e in new.extracted["stories"]] == [source.story_id]
    assert source.story_id not in [e["story"] for e in Event.objects.get(pk=survivor.pk).extracted["stories"]]


def test_split_keeps_a_curators_corrections_of_place_and_type(reports):
    survivor, *others = reports
    merge_events(survivor, others)
    survivor.refresh_from_db()
    survivor.location = "Hazawneh"
    save_curation(survivor, ["location"])
    new = split_source(survivor.sources.get(fatalities_best=45))
    assert new.location == "Hazawneh" and "location" in new.curated_fields


def test_split_refuses_the_only_source(reports):
    with pytest.raises(ValueError, match="only source"):
        split_source(reports[0].sources.get())


def test_recompute_figures_takes_the_lowest_best_and_the_widest_range(reports):
    event = reports[0]
    source = event.sources.get()
    EventSource.objects.create(event=event, story=make_story(99), fatalities_best=40, fatalities_low=38, fatalities_high=60)
    recompute_figures(event)
    assert figures(event) == (38, 40, 60)
    assert source.fatalities_best == 43


def test_source_figures_fill_blanks_conservatively():
    class S:
        def __init__(self, best, low, high):
            self.fatalities_best, self.fatalities_low, self.fatalities_high = best, low, high
            self.injured_best = self.injured_low = self.injured_high = None

    result = source_figures([S(None, 10, 20), S(12, None, None), S(None, None, None)])
    assert (result["fatalities_low"], result["fatalities_best"], result["fatalities_high"]) == (10, 10, 20)
    assert result["injured_best"] is None


def test_an_event_typed_in_by_a_curator_keeps_its_figures_without_sources():
    event = Event.objects.create(
        event_type="Battles", sub_event_type="Armed clash", event_date=dt.date(2016, 7, 20),
        fatalities_best=5, fatalities_low=5, fatalities_high=5,
    )
    recompute_figures(event)
    assert figures(event) == (5, 5, 5)
