"""JSON lines: known keys, kept unknown keys, dates given or inferred, one-line errors."""

import datetime as dt

import pytest

from extraction.jsonlines import BadLine, parse_json_line
from extraction.splitter import parse_story

LINE = (
    '{"headline": "Rebels seize Kidal", "body": "KIDAL (Reuters) – Rebels seized Kidal.\\n\\nCalm returned.\\n\\n'
    '(Reporting by Jane Roe)", "published": "2016-07-19", "url": "https://example.org/a", "outlet": "Reuters", '
    '"caption": "Fighters", "byline": "By Jane Roe", "id": 17, "tags": ["mali"]}'
)


def test_known_keys_fill_the_record():
    r = parse_json_line(LINE, source_name="feed.jsonl", line_number=3)
    assert (r.headline, r.caption, r.byline, r.url, r.outlet) == ("Rebels seize Kidal", "Fighters", "By Jane Roe", "https://example.org/a", "Reuters")
    assert (r.published, r.published_basis) == (dt.date(2016, 7, 19), "given")
    assert (r.source_name, r.source_line) == ("feed.jsonl", 3)


def test_unknown_keys_are_kept():
    assert parse_json_line(LINE).extra == {"id": 17, "tags": ["mali"]}


def test_dateline_and_credit_are_read_from_the_body():
    r = parse_json_line(LINE)
    assert (r.dateline, r.agency, r.credit) == ("KIDAL", "Reuters", "(Reporting by Jane Roe)")
    assert r.body == "KIDAL (Reuters) – Rebels seized Kidal.\n\nCalm returned."


def test_same_story_from_a_feed_and_a_dump_has_one_fingerprint():
    pasted = parse_story("Rebels seize Kidal\n\nKIDAL (Reuters) - Rebels seized Kidal.\n\nCalm returned.\n\n(Reporting by Jane Roe)")
    assert parse_json_line(LINE).fingerprint == pasted.fingerprint


def test_text_is_an_alias_of_body_and_a_datetime_gives_its_date():
    r = parse_json_line('{"headline": "H", "text": "Something happened.", "published": "2016-07-19T08:30:00Z"}')
    assert (r.body, r.published) == ("Something happened.", dt.date(2016, 7, 19))


def test_date_is_inferred_when_not_given_and_recorded_as_such():
    r = parse_json_line('{"headline": "H", "body": "Clashes broke out on June 26, 2016, witnesses said."}')
    assert (r.published, r.published_basis, r.published_evidence) == (dt.date(2016, 6, 26), "inferred", "June 26, 2016")
    r = parse_json_line('{"headline": "H", "body": "Clashes broke out, witnesses said."}')
    assert (r.published, r.published_basis) == (None, "unknown")


def test_a_feed_key_named_encoding_is_kept_under_another_name():
    assert parse_json_line('{"headline": "H", "body": "B.", "encoding": "x"}').extra == {"encoding_field": "x"}


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"headline": "H" "body": "B"}', "not valid JSON (Expecting ',' delimiter)"),
        ("[1, 2]", "expected a JSON object with headline and body, got an array"),
        ('{"headline": "H"}', "story has no body (body or text is missing or empty)"),
        ('{"headline": "H", "body": "   "}', "story has no body (body or text is missing or empty)"),
        ('{"headline": "H", "body": 5}', "body must be a string, got a number"),
        ('{"headline": "H", "body": "B", "published": "19/07/2016"}', "published is not an ISO date (YYYY-MM-DD): '19/07/2016'"),
        ('{"headline": "H", "body": "B", "text": "C"}', "has both body and text; give one"),
    ],
)
def test_bad_lines_give_a_one_line_reason(line, reason):
    with pytest.raises(BadLine) as exc:
        parse_json_line(line)
    assert exc.value.reason == reason
