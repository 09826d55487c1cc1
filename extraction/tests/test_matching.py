"""Same event across stories, and figures merged as ranges."""
import datetime as dt

from extraction.matching import match_score, merge_counts, same_event
from extraction.records import Count, DateResolution, EventRecord, PlaceResolution

MANBIJ = PlaceResolution("Manbij", "Manbij", "Syria", "SY", "Aleppo", kind="city", gazetteer_id="geonames:166365")
ALEPPO_COUNTRYSIDE = PlaceResolution("Aleppo", "Aleppo countryside", "Syria", "SY", "Aleppo", kind="city",
                                     gazetteer_id="geonames:170063", geo_precision=2)
ISTANBUL = PlaceResolution("Istanbul", "Istanbul", "Turkey", "TR", "Istanbul", gazetteer_id="geonames:745044")


def event(place=MANBIJ, day=dt.date(2016, 7, 19), precision=1, start=None, end=None, sub="Air/drone strike",
          etype="Explosions/Remote violence"):
    date = DateResolution(day, start or day, end or day, precision, "")
    return EventRecord(etype, sub, "", date=date, place=place)


def test_same_place_and_day():
    assert same_event(event(), event())
    assert match_score(event(), event()) == 1.0


def test_week_precision_overlaps_the_day():
    week = event(day=dt.date(2016, 7, 20), precision=2, start=dt.date(2016, 7, 18), end=dt.date(2016, 7, 24))
    assert same_event(event(), week)


def test_vague_place_in_the_same_admin1():
    assert same_event(event(), event(place=ALEPPO_COUNTRYSIDE))


def test_different_place_day_or_type():
    assert not same_event(event(), event(place=ISTANBUL))
    assert not same_event(event(), event(day=dt.date(2016, 7, 10)))
    assert not same_event(event(sub="Arrests", etype="Strategic developments"), event())


def test_compatible_types():
    assert same_event(event(sub="Attack", etype="Violence against civilians"), event(sub="Suicide bomb"))


def test_merge_counts_gives_the_range():
    merged = merge_counts([Count(43, 43, 43), Count(45, 45, 45), None, Count(None, None, None)])
    assert (merged.best, merged.low, merged.high) == (43, 43, 45)
    at_least = merge_counts([Count(56, 56, None, phrase="at least 56"), Count(60, 60, 60)])
    assert (at_least.best, at_least.low, at_least.high) == (56, 56, 60)
    assert merge_counts([]) is None
