"""The scorer matches by story, type and place/date, and counts fields on matched pairs."""
import datetime as dt

from extraction.records import ActorMention, Count, DateResolution, EventRecord, PlaceResolution
from extraction.scoring import Score, find_gold, load_gold, score_story

GOLD = {
    "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
    "event_date": "2016-07-19", "date_start": "2016-07-19", "date_end": "2016-07-19", "time_precision": 1,
    "location": "Manbij", "country": "SY", "actor1": "U.S.-led Coalition", "actor2": "Civilians",
    "fatalities": {"best": 56, "low": 56, "high": None},
}


def predicted(day=dt.date(2016, 7, 19), name="Manbij", killed=56):
    return EventRecord("Explosions/Remote violence", "Air/drone strike", "",
                       date=DateResolution(day, day, day, 1, ""),
                       place=PlaceResolution(name, name, "Syria", "SY"),
                       actor1=ActorMention("U.S.-led Coalition", "", 8), actor2=ActorMention("Civilians", "", 7),
                       killed=Count(killed, killed, None))


def test_perfect_match():
    score = Score()
    score_story("s", [predicted()], [GOLD], score)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert all(score.accuracy(f) == 1.0 for f in score.field_right)


def test_false_alarm_and_miss():
    score = Score()
    score_story("s", [predicted(day=dt.date(2016, 1, 1), name="Raqqa")], [GOLD], score)
    assert (score.matched, score.precision, score.recall) == (0, 0.0, 0.0)


def test_wrong_figure_is_a_field_error_not_a_miss():
    score = Score()
    score_story("s", [predicted(killed=21)], [GOLD], score)
    assert score.matched == 1 and score.accuracy("fatalities") == 0.0


def test_gold_file_covers_fourteen_distinct_stories():
    gold = load_gold()
    assert len({g.headline for g in gold}) == 14
    assert find_gold(gold, "Islamic State forces Syria rebels to retreat from border area", "001_d1b2bd05794ba603.txt").sources == ["001_d1b2bd05794ba603.txt"]


def test_an_undated_prediction_matches_by_place_and_misses_the_date():
    undated = predicted()
    undated.date = DateResolution(None, None, None, 3, "on Tuesday", certain=False, phrase_days=1)
    undated.confidence = 0.5
    score = Score()
    score_story("s", [undated], [GOLD], score)
    assert score.matched == 1 and score.accuracy("date") == 0.0 and score.accuracy("place") == 1.0
    assert (score.undated, score.for_review) == (1, 1)


def test_an_undated_prediction_elsewhere_is_a_false_alarm():
    undated = predicted(name="Raqqa")
    undated.date = DateResolution(None, None, None, 3, "on Tuesday", certain=False, phrase_days=1)
    score = Score()
    score_story("s", [undated], [GOLD], score)
    assert (score.matched, len(score.false_alarms), len(score.misses)) == (0, 1, 1)


def test_the_holdout_annotation_is_complete_and_distinct_from_the_seeds():
    from extraction.scoring import DEFAULT_GOLD

    holdout = load_gold(DEFAULT_GOLD.parent / "holdout_events.json")
    seeds = {g.headline for g in load_gold()}
    assert len(holdout) >= 12 and not seeds & {g.headline for g in holdout}
    for story in holdout:
        for event in story.events:
            assert {"event_type", "sub_event_type", "event_date", "location", "country"} <= set(event)


def test_as_ingested_the_seeds_keep_their_events_undated():
    from scripts.score_extraction import run

    assumed, ingested = run("seeds"), run("seeds", as_ingested=True)
    assert ingested.predicted >= 25 and ingested.recall >= assumed.recall - 0.05
    assert ingested.undated >= ingested.predicted - 4  # only dated datelines or full dates in the text give a date
    assert ingested.for_review == ingested.predicted
    assert assumed.undated == 0
