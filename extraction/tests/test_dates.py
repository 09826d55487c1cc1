"""Event dates resolved against the publication date, on seed sentences and edge cases."""

import datetime as dt

import pytest

from extraction.dates import find_date_phrases, infer_publication_date, resolve_date

D = dt.date
# 2016-07-13 was a Wednesday.
WED = D(2016, 7, 13)


def test_weekday_is_the_last_such_day_on_or_before_publication():
    sentence = "At least 56 civilians were killed on Tuesday in air strikes north of Manbij."
    r = resolve_date(sentence, WED)
    assert (r.event_date, r.time_precision, r.phrase) == (D(2016, 7, 12), 1, "on Tuesday")
    assert "Tuesday" in r.note and "2016-07-13" in r.note


def test_weekday_equal_to_publication_weekday_is_the_publication_day():
    # dateparser #508 resolves this to a week earlier.
    r = resolve_date("Trucks entered two blockaded towns near Damascus on Wednesday.", WED)
    assert r.event_date == WED


def test_last_weekday_on_that_weekday_is_a_week_back():
    assert resolve_date("It happened last Wednesday.", WED).event_date == D(2016, 7, 6)


def test_weekday_across_the_year_boundary():
    # Published Monday 2 January 2017: "on Friday" is 30 December 2016 (dateparser #1249).
    r = resolve_date("Gunmen attacked a checkpoint on Friday.", D(2017, 1, 2))
    assert r.event_date == D(2016, 12, 30)


def test_explicit_date_without_year_takes_the_latest_past_year():
    sentence = "When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it reduced a building to rubble."
    assert resolve_date(sentence, WED).event_date == D(2016, 2, 19)
    assert resolve_date("Fighting broke out on Dec. 30.", D(2017, 1, 2)).event_date == D(2016, 12, 30)


def test_future_tense_allows_an_announced_date_after_publication():
    sentence = "The four will be detained in custody until July 19, when their case will be heard."
    assert resolve_date(sentence, D(2016, 7, 11)).event_date == D(2016, 7, 19)
    assert resolve_date("The case was heard on July 19.", D(2016, 7, 11)).event_date == D(2015, 7, 19)


def test_past_clause_before_a_future_one_stays_past():
    sentence = "The four, arrested in Johannesburg on Sunday, will be detained in custody until July 19."
    assert resolve_date(sentence, D(2016, 7, 11)).event_date == D(2016, 7, 10)


def test_range_with_year_on_the_end_only():
    sentence = ("“a regime of calm will be implemented across all territory of the Syrian Arab Republic "
                "for a period of 72 hours from 1 a.m. on July 6 until 2400 on July 8, 2016”.")
    r = resolve_date(sentence, D(2016, 7, 6))
    assert (r.date_start, r.date_end, r.event_date, r.time_precision) == (D(2016, 7, 6), D(2016, 7, 8), D(2016, 7, 7), 2)
    assert r.phrase.startswith("July 6") and r.phrase.endswith("2016")


def test_day_month_and_full_date():
    assert resolve_date("The truce started on 1 July.", WED).event_date == D(2016, 7, 1)
    r = resolve_date("in this handout picture provided by SANA on June 26, 2016.", None)
    assert (r.event_date, r.certain) == (D(2016, 6, 26), True)


@pytest.mark.parametrize(
    "sentence, start, end, precision",
    [
        ("The military killed two members at the weekend, sources said.", D(2016, 7, 9), D(2016, 7, 10), 2),
        ("Twins arrested over the weekend were planning attacks.", D(2016, 7, 9), D(2016, 7, 10), 2),
        ("Erdogan last week expressed regret.", D(2016, 7, 4), D(2016, 7, 10), 2),
        ("The attack at the airport this week killed 43.", D(2016, 7, 11), D(2016, 7, 13), 2),
        ("The base was hit twice earlier this month by Russian air strikes.", D(2016, 7, 1), D(2016, 7, 13), 3),
        ("the recapture of Falluja last month", D(2016, 6, 1), D(2016, 6, 30), 3),
        ("A U.S. Marine was killed in Makhmour in March when it was shelled by IS.", D(2016, 3, 1), D(2016, 3, 31), 3),
        ("In 2014, Islamic State militants declared a caliphate.", D(2014, 1, 1), D(2014, 12, 31), 3),
        ("Aid reached all areas since the beginning of this year.", D(2016, 1, 1), WED, 3),
        ("I could not find bread yesterday, he said.", D(2016, 7, 12), D(2016, 7, 12), 1),
        ("Nusra Front advanced near the Castello road late on Tuesday.", D(2016, 7, 12), D(2016, 7, 12), 1),
        ("Police detained 13 people in connection with Tuesday night’s attack.", D(2016, 7, 12), D(2016, 7, 12), 1),
        ("Today is the first time we are able to move a joint convoy.", WED, WED, 1),
    ],
)
def test_relative_phrases(sentence, start, end, precision):
    r = resolve_date(sentence, WED)
    assert (r.date_start, r.date_end, r.time_precision) == (start, end, precision)
    assert r.date_start <= r.event_date <= r.date_end


def test_in_a_month_after_publication_month_is_last_year():
    r = resolve_date("Moscow launched air strikes in September.", WED)
    assert (r.date_start, r.date_end) == (D(2015, 9, 1), D(2015, 9, 30))


def test_overnight_is_the_night_before_publication():
    r = resolve_date("The coalition conducted eight large air strikes near Al-Bukamal overnight.", WED)
    assert (r.date_start, r.date_end, r.time_precision) == (D(2016, 7, 12), WED, 1)


def test_statement_date_gives_way_to_the_event_date():
    sentence = "On Tuesday, the coalition said the SAC captured an IS command center in western Manbij on Sunday."
    assert resolve_date(sentence, WED).event_date == D(2016, 7, 10)
    r = resolve_date("Turkey said on Monday it wanted to cooperate with Moscow.", WED)
    assert r.event_date == D(2016, 7, 11) and "statement" in r.note


def test_without_publication_date_relative_phrases_are_not_invented():
    r = resolve_date("At least 56 civilians were killed on Tuesday.", None)
    assert r.event_date is None and r.date_start is None and r.certain is False
    assert "publication date" in r.note
    assert resolve_date("a strike on Feb. 19", None).event_date is None


def test_no_date_phrase_gives_none():
    assert resolve_date("The Syrian government describes all groups fighting against it as terrorists.", WED) is None


@pytest.mark.parametrize(
    "text",
    [
        "from 1 a.m. under a 72-hour truce",
        "Prime Minister Theresa May said the talks may be delayed",
        "protesters staged a march on the capital",
        "under Resolution 2254 the second round",
        "Syria's second biggest city",
    ],
)
def test_false_positives_are_not_dates(text):
    assert find_date_phrases(text) == []


def test_spans_are_offset_positions():
    sentence = "Rebels launched an operation on Tuesday aimed at Al-Bukamal."
    [(start, end, phrase)] = find_date_phrases(sentence, offset=1000)
    assert phrase == "on Tuesday" and sentence[start - 1000 : end - 1000] == phrase
    r = resolve_date(sentence, WED, offset=1000)
    assert (r.span_start, r.span_end) == (start, end)


def test_infer_publication_date_from_caption():
    assert infer_publication_date("Smoke rises in Fallujah, Iraq, June 26, 2016.") == (D(2016, 6, 26), "June 26, 2016")
    text = ("Syria July 11, 2016. Between Sept. 10, 2015 and Feb. 2, 2016, coalition air strikes killed 20 civilians.")
    assert infer_publication_date(text)[0] == D(2016, 7, 11)


def test_infer_publication_date_needs_a_year_and_skips_announced_dates():
    assert infer_publication_date("Fighting resumed on July 6 and again on Tuesday.") == (None, "")
    assert infer_publication_date("The truce will last until July 8, 2016.") == (None, "")


def test_afp_abbreviated_month_without_its_stop_before_a_day():
    r = resolve_date("The attack happened on Feb 19, 2017, officials said.", None)
    assert (r.event_date, r.time_precision) == (D(2017, 2, 19), 1)
    assert resolve_date("Mar Elias church was closed.", WED) is None  # no day number: not a month
