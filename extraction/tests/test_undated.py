"""Stories without a publication date: what the text fixes is kept, the rest stays unresolved and uncertain."""
import datetime as dt

import pytest

from extraction.dates import resolve_date, same_unresolved_day
from extraction.pipeline import UNDATED_CONFIDENCE, extract_events
from extraction.records import StoryRecord
from extraction.tests.test_pipeline import MANBIJ, NO_EVENT_STORIES

D = dt.date
# Below this confidence the event writer files an event under "needs review" (events.curation).
REVIEW_CONFIDENCE = 0.6


def undated(story: StoryRecord, basis: str = "unknown", published=None) -> StoryRecord:
    return StoryRecord(headline=story.headline, body=story.body, published=published, published_basis=basis)


# --- dates ----------------------------------------------------------------------------------


def test_an_explicit_full_date_needs_no_publication_date():
    r = resolve_date("Gunmen killed 12 people on July 19, 2016, in the town.", None)
    assert (r.event_date, r.time_precision, r.certain) == (D(2016, 7, 19), 1, True)


def test_month_and_day_without_a_year_stay_unresolved_with_the_phrase():
    r = resolve_date("An air strike on Feb. 19 killed dozens.", None)
    assert r.event_date is None and r.date_start is None and r.certain is False
    assert r.phrase == "Feb. 19" and "no year" in r.note and r.phrase_days == 1


def test_a_lower_bound_of_publication_lends_a_year_but_the_date_stays_uncertain():
    r = resolve_date("An air strike on Feb. 19 killed dozens.", None, year_hint=D(2016, 7, 11))
    assert (r.event_date, r.certain) == (D(2016, 2, 19), False)
    assert "2016-07-11" in r.note
    r = resolve_date("Moscow launched air strikes in September.", None, year_hint=D(2016, 7, 11))
    assert (r.date_start, r.date_end, r.certain) == (D(2015, 9, 1), D(2015, 9, 30), False)


def test_a_lower_bound_of_publication_anchors_no_weekday():
    r = resolve_date("Rebels advanced late on Tuesday.", None, year_hint=D(2016, 7, 11))
    assert r.event_date is None and r.certain is False
    assert "late on Tuesday" in r.note and "on or after 2016-07-11" in r.note


@pytest.mark.parametrize("phrase,days", [("on Tuesday", 1), ("yesterday", 1), ("last week", 7),
                                         ("last month", 31), ("last year", 366), ("two years ago", 366)])
def test_unresolved_phrases_keep_their_width(phrase, days):
    r = resolve_date(f"Fighting broke out {phrase}.", None)
    assert r.event_date is None and r.phrase_days == days


def test_the_event_phrase_is_chosen_as_if_the_publication_date_were_known():
    # With a publication date "on Tuesday" wins over the background "since 2014"; without one it must too.
    r = resolve_date("Militants, who have held the town since 2014, attacked it again on Tuesday.", None)
    assert r.phrase == "on Tuesday" and r.event_date is None


def test_unresolved_days_differ_when_they_name_different_days():
    monday, tuesday = resolve_date("on Monday", None), resolve_date("on Tuesday", None)
    tuesday_night = resolve_date("late on Tuesday night", None)
    assert not same_unresolved_day(monday, tuesday)
    assert same_unresolved_day(tuesday, tuesday_night)
    assert same_unresolved_day(tuesday, resolve_date("last week", None))


# --- events ---------------------------------------------------------------------------------


def test_without_a_publication_date_the_manbij_strikes_are_kept_undated():
    events = extract_events(undated(MANBIJ))
    strike = next(e for e in events if e.killed and e.killed.best == 56)
    assert (strike.sub_event_type, strike.place.name, strike.actor1.name) == ("Air/drone strike", "Manbij", "U.S.-led Coalition")
    assert strike.date.event_date is None and strike.date.certain is False
    assert strike.date.time_precision == 3 and strike.date.phrase == "on Tuesday"
    assert strike.confidence <= UNDATED_CONFIDENCE < REVIEW_CONFIDENCE
    evidence = next(e for e in strike.evidence if e.field == "date")
    assert MANBIJ.body[evidence.span_start:evidence.span_end] == "on Tuesday"
    assert "no publication date" in evidence.note
    assert strike.notes.startswith("On an unknown date (reported as 'on Tuesday')")


def test_without_a_publication_date_monday_and_tuesday_stay_two_events():
    events = extract_events(undated(MANBIJ))
    assert sorted(e.killed.best for e in events if e.killed) == [21, 56]
    assert {e.date.phrase for e in events} == {"on Tuesday", "On Monday"}


def test_an_inferred_publication_date_does_not_date_relative_phrases():
    # The latest full date in the text is a lower bound: the story may have run months later.
    events = extract_events(undated(MANBIJ, basis="inferred", published=D(2016, 2, 2)))
    assert events and all(e.date.event_date is None for e in events)
    assert all("on or after 2016-02-02" in e.date.note for e in events)


def test_a_given_publication_date_still_dates_the_events():
    events = extract_events(undated(MANBIJ, basis="given", published=D(2016, 7, 19)))
    assert sorted(e.date.event_date for e in events) == [D(2016, 7, 18), D(2016, 7, 19)]
    assert all(e.date.certain for e in events)


def test_an_event_with_an_explicit_date_is_dated_without_a_publication_date():
    story = StoryRecord(headline="Bomb kills 9 in Kabul", body=(
        "KABUL (AP) — A roadside bomb killed nine people in Kabul on Sept. 5, 2016, police said."))
    event = extract_events(story)[0]
    assert (event.date.event_date, event.date.time_precision, event.date.certain) == (D(2016, 9, 5), 1, True)


def test_background_stays_background_without_a_publication_date():
    story = StoryRecord(headline="Militants", body=(
        "BEIRUT (Reuters) – Islamic State militants seized the town of Palmyra last year, a monitoring group said."))
    assert extract_events(story) == []


@pytest.mark.parametrize("headline,published,paragraphs", NO_EVENT_STORIES)
def test_stories_without_events_have_none_without_a_publication_date(headline, published, paragraphs):
    assert extract_events(StoryRecord(headline=headline, body="\n\n".join(paragraphs))) == []
