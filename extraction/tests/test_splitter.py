"""Splitting wire dumps into stories: the seed dumps, the general rules, and fuzzing."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.fingerprint import body_fingerprint, headline_key, normalise_text
from extraction.splitter import parse_story, split_dump, split_lines

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
SEED_000, SEED_001, SEED_003 = (sorted(SEEDS.glob(f"{n}_*.txt"))[0] for n in ("000", "001", "003"))


def stories(path: Path):
    return list(split_dump(path.read_text(encoding="utf-8"), source_name=path.name))


def by_headline(records, start: str):
    return next(r for r in records if r.headline.startswith(start))


# --- The seed dumps ------------------------------------------------------------------------


def test_each_seed_dump_splits_into_its_stories():
    assert [len(stories(p)) for p in (SEED_000, SEED_001, SEED_003)] == [10, 1, 10]


def test_the_three_seeds_hold_14_distinct_stories_and_one_later_version():
    records = stories(SEED_000) + stories(SEED_001) + stories(SEED_003)
    by_fingerprint = {r.fingerprint: r for r in records}
    assert len(by_fingerprint) == 15
    keys = Counter(headline_key(r.headline) for r in by_fingerprint.values())
    assert len(keys) == 14  # one headline carries two versions
    (shared,) = [k for k, n in keys.items() if n == 2]
    assert shared == "islamic state forces syria rebels to retreat from border area"


def test_stories_in_both_dumps_have_one_fingerprint():
    in_000 = {r.headline: r.fingerprint for r in stories(SEED_000)}
    in_003 = {r.headline: r.fingerprint for r in stories(SEED_003)}
    common = set(in_000) & set(in_003)
    assert len(common) == 6
    assert all(in_000[h] == in_003[h] for h in common)


def test_a_story_is_parsed_into_its_parts():
    turkey = by_headline(stories(SEED_000), "Turkey proposes cooperation")
    assert turkey.caption.startswith("Turkish President Tayyip Erdogan makes a speech")
    assert turkey.byline == "By Ece Toksabay and Dmitry Solovyov"
    assert (turkey.dateline, turkey.dateline_places, turkey.agency) == ("ANKARA/MOSCOW", ["ANKARA", "MOSCOW"], "Reuters")
    assert turkey.credit == "(Additional reporting by Daren Butler; Writing by David Dolan; Editing by Ralph Boulton)"
    assert turkey.body.startswith("ANKARA/MOSCOW (Reuters) – Turkey said on Monday")
    assert turkey.body.endswith("through their military experience.") or "Reporting" not in turkey.body
    assert "\n\nREVIVAL\n\n" in turkey.body and turkey.extra["subheads"] == ["REVIVAL"]
    assert turkey.source_name == SEED_000.name and turkey.source_line == 119


def test_agency_may_be_thomson_reuters_foundation():
    story = stories(SEED_000)[0]
    assert (story.dateline, story.agency, story.byline) == ("LONDON", "Thomson Reuters Foundation", "By Lin Taylor")
    assert story.caption == ""


def test_hyphen_dateline_and_repeated_headline_of_the_later_version():
    (version,) = stories(SEED_001)
    assert (version.dateline, version.agency, version.caption) == ("AMMAN/BEIRUT", "Reuters", "")
    assert version.extra["repeated_headline"] == [version.headline]
    assert version.body.startswith("AMMAN/BEIRUT (Reuters) - U.S.-backed")


def test_editor_note_is_kept_apart_from_the_body():
    truce = by_headline(stories(SEED_000), "Syrian military declares")
    assert truce.extra["editor_notes"] == ["(This version of the story recasts the headline)"]
    assert "This version" not in truce.body
    assert truce.credit == "(Reporting by Lisa Barrington; Editing by Kevin Liffey and Hugh Lawson)"


def test_publication_date_is_inferred_from_the_caption_and_says_so():
    assad = by_headline(stories(SEED_000), "West operating secretly")
    assert (assad.published, assad.published_basis, assad.published_evidence) == (dt.date(2016, 6, 26), "inferred", "June 26, 2016")


def test_publication_date_is_unknown_when_the_text_has_no_full_date():
    aid = by_headline(stories(SEED_000), "Aid reaches all besieged")
    assert (aid.published, aid.published_basis, aid.published_evidence) == (None, "unknown", "")


# --- General rules -------------------------------------------------------------------------

STORY_A = """Rebels seize town in the north

Fighters stand near a checkpoint

By Jane Roe

KIDAL (Reuters) – Rebels seized the town of Kidal on Monday, residents said.

“We saw them arrive at dawn,” one resident said.

(Reporting by Jane Roe; Editing by John Doe)"""

STORY_B = """Army retakes airport after clashes

GAO/BAMAKO (Reuters) - The army retook the airport on Tuesday after clashes that killed 12 soldiers.

The ministry said the situation was calm.

(Reporting by Ann Poe; Editing by Tim Moe)"""


def drop_credit(story: str) -> str:
    return story.rsplit("\n\n", 1)[0]


def test_missing_credit_at_the_end_of_a_file():
    a, b = split_dump(STORY_A + "\n\n" + drop_credit(STORY_B))
    assert b.headline == "Army retakes airport after clashes"
    assert b.credit == "" and b.body.endswith("The ministry said the situation was calm.")


def test_missing_credit_between_two_stories():
    a, b = split_dump(drop_credit(STORY_A) + "\n\n" + STORY_B)
    assert a.headline == "Rebels seize town in the north"
    assert a.body.endswith("one resident said.")
    assert (b.headline, b.dateline_places) == ("Army retakes airport after clashes", ["GAO", "BAMAKO"])


def test_caption_ending_with_a_full_stop_after_a_missing_credit():
    b = STORY_B.replace("clashes\n\n", "clashes\n\nSoldiers patrol in Gao, Mali July 11, 2016.\n\n", 1)
    a, b = split_dump(drop_credit(STORY_A) + "\n\n" + b)
    assert b.caption == "Soldiers patrol in Gao, Mali July 11, 2016."
    assert b.published == dt.date(2016, 7, 11)


def test_em_dash_title_case_and_dated_datelines():
    text = "Headline here\n\nWASHINGTON, July 7 (Reuters) — Officials said.\n\nMore.\n\n(Editing by A B)\n\nSecond one\n\nGaza (AFP) - Something happened.\n\n"
    first, second = split_dump(text)
    assert (first.dateline, first.extra["dateline_date"], first.agency) == ("WASHINGTON", "July 7", "Reuters")
    assert (second.dateline, second.agency) == ("Gaza", "AFP")


def test_body_paragraph_starting_with_by_is_not_a_byline():
    record = parse_story("Headline\n\nBAGHDAD (Reuters) – Something.\n\nBy 2115, half will be gone.")
    assert record.byline == "" and record.body.endswith("By 2115, half will be gone.")


def test_a_parenthesis_in_a_body_is_not_a_dateline():
    (record,) = split_dump(
        "Headline\n\nBRUSSELS (Reuters) – Allies met.\n\nNATO (North Atlantic Treaty Organization) – the alliance – agreed.\n\n(Editing by X Y)"
    )
    assert "NATO (North" in record.body


def test_crlf_and_hard_wrapped_paragraphs():
    text = (
        "Rebels seize town in the north\r\n\r\n"
        "KIDAL (Reuters) – Rebels seized the town of Kidal on Monday after a\r\n"
        "night of fighting with the army, residents and officials said on Tuesday.\r\n\r\n"
        "(Reporting by Jane Roe)\r\n"
    )
    (record,) = split_dump(text)
    assert record.body == (
        "KIDAL (Reuters) – Rebels seized the town of Kidal on Monday after a night of fighting with the army, "
        "residents and officials said on Tuesday."
    )


def test_single_newline_paragraphs():
    (record,) = split_dump("Headline\nBy A B\nKIDAL (Reuters) – Rebels seized Kidal.\nTHE AFTERMATH\nCalm returned.\n(Editing by X)")
    assert (record.headline, record.byline, record.credit) == ("Headline", "By A B", "(Editing by X)")
    assert record.body == "KIDAL (Reuters) – Rebels seized Kidal.\n\nTHE AFTERMATH\n\nCalm returned."


def test_story_without_dateline_uses_its_first_line_as_headline():
    record = parse_story("Quiet day in the capital\n\nNothing happened today, officials said.\n\nShops opened.")
    assert (record.headline, record.dateline) == ("Quiet day in the capital", "")
    assert record.body == "Nothing happened today, officials said.\n\nShops opened."


def test_headline_alone_has_no_body():
    assert parse_story("Just a headline").body == ""


def test_boilerplate_trailer_stays_with_its_story():
    (record,) = split_dump(STORY_A + "\n\nOur Standards: The Thomson Reuters Trust Principles.")
    assert record.extra["trailer"] == ["Our Standards: The Thomson Reuters Trust Principles."]


def test_split_lines_streams_a_file(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(STORY_A + "\n\n" + STORY_B, encoding="utf-8")
    with path.open(encoding="utf-8") as lines:
        records = split_lines(lines, source_name="dump.txt")
        first = next(records)
        assert first.headline == "Rebels seize town in the north" and first.source_line == 1
        second = next(records)
        assert second.source_line == 13


# --- Fingerprints ---------------------------------------------------------------------------


def test_fingerprint_ignores_dashes_quotes_spacing_and_case():
    a = "BEIRUT (Reuters) – He said “no”.\n\nIt’s over…"
    b = "BEIRUT  (Reuters) - he said \"no\".\nIt's over..."
    assert body_fingerprint(a) == body_fingerprint(b)
    assert body_fingerprint(a) != body_fingerprint(a + " More.")
    assert len(body_fingerprint(a)) == 64


def test_headline_key_drops_punctuation():
    assert headline_key("Mass killings threaten “eradication”: group") == headline_key("MASS KILLINGS THREATEN 'ERADICATION' - GROUP")
    assert headline_key("") == "" and headline_key("!!!") == ""
    assert normalise_text("A\u00a0B") == "a b"


def _normalise_by_definition(text: str) -> str:
    """normalise_text as first written; stored fingerprints depend on it never changing."""
    import unicodedata

    from extraction.fingerprint import _TRANSLATE

    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(_TRANSLATE)).strip().casefold()


def test_normalised_text_is_unchanged_by_the_faster_folding():
    every_character = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for start in range(0, len(every_character), 4096):
        chunk = every_character[start:start + 4096]
        assert normalise_text(chunk) == _normalise_by_definition(chunk)
    rng = random.Random(7)
    pieces = ["a", "B", " ", "\n", "\u00a0", "\u2013", "\u201c", "`", "\u00ad", "\u200b", "\ufeff", "\u2003", "ﬁ", "İ", "ß", "\t\t"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert normalise_text(text) == _normalise_by_definition(text), repr(text)
    for paragraph in SEED_PARAGRAPHS:
        assert normalise_text(paragraph) == _normalise_by_definition(paragraph)


# --- Fuzzing --------------------------------------------------------------------------------

SEED_PARAGRAPHS = [p for path in (SEED_000, SEED_001, SEED_003) for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def kept_words(records) -> Counter:
    words = Counter()
    for r in records:
        for part in (r.headline, r.caption, r.byline, r.body, r.credit):
            words.update(part.split())
        for key in ("editor_notes", "trailer", "repeated_headline"):
            for text in r.extra.get(key, []):
                words.update(text.split())
    return words


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fuzz_never_raises_and_never_loses_text(text):
    records = list(split_dump(text))
    assert kept_words(records) == Counter(text.split())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(SEED_PARAGRAPHS) | st.text(min_size=1, max_size=60), min_size=1, max_size=40),
    st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n"]),
)
def test_fuzz_shuffled_seed_paragraphs_lose_nothing(paragraphs, separator):
    text = separator.join(paragraphs)
    records = list(split_dump(text))
    assert kept_words(records) == Counter(text.split())
    assert all(r.fingerprint and (r.published is None) == (r.published_basis == "unknown") for r in records)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_fuzz_parse_story_never_raises_or_loses_text(text):
    assert kept_words([parse_story(text)]) == Counter(text.split())


def test_a_dated_dateline_gives_the_publication_date():
    record = parse_story("Bomb kills nine\n\nKABUL, June 20, 2017 (AFP) - A bomb killed nine people on Tuesday.")
    assert (record.published, record.published_basis) == (dt.date(2017, 6, 20), "given")
    assert "June 20, 2017" in record.published_evidence


def test_a_date_in_the_body_only_bounds_publication():
    record = parse_story("Bomb kills nine\n\nKABUL (AFP) - A bomb that killed nine people on June 20, 2017 was followed by arrests on Tuesday.")
    assert (record.published, record.published_basis) == (dt.date(2017, 6, 20), "inferred")
