"""When an event happened: date phrases of a sentence resolved against the publication date.

Wire copy dates events relative to the day the story ran ("on Tuesday", "last
week"), so a phrase only becomes a date once the publication date anchors it.
Phrases are found with compiled regexes rather than dateparser.search_dates,
which splits "Feb. 19" apart and reads "1 a.m.", "72-hour" or "Theresa May" as
dates; once a phrase is found its parts (month, day, year, weekday) are read
from the regex groups, so no general-purpose parser is needed, and weekday
arithmetic is done here because dateparser gets the publication weekday
(dateparser #508) and the year boundary (#1249) wrong.

Precision follows ACLED's time_precision: 1 the day is known, 2 the week (or
weekend) is known, 3 the month or a wider span is known. `date_start` and
`date_end` always bound the real span; `event_date` is the middle day of that
span (the earlier day when the span has an even length) at every precision,
so that a month-precision event sits mid-month instead of piling up on the
1st, and one rule covers weeks, months and years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from extraction.numbers import NUMBER_WORDS_PATTERN, parse_number
from extraction.records import DateResolution

DAY, WEEK, MONTH = 1, 2, 3

# Days a future-tense sentence may point past publication ("will be heard on
# July 19"); past-tense sentences never resolve after publication.
FUTURE_WINDOW_DAYS = 14

MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAY_NUMBERS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}

# Capitalised names only: "may be" and "a march on" are not months. Abbreviations
# need their full stop except the unambiguous ones, so "Mar" or "Jun" in a name
# does not pass for a month.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|Sept"
    # AFP writes "Feb 21": an abbreviation without its stop counts only before a day number.
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?=\s+\d))"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:early|late|mid-?|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
# No digit, ":" or hour mark may follow a day number: "July 6" yes, "6:30" or "1 a.m." no.
_NOT_MORE = r"(?![\d:]|\s*[ap]\.?m\b|-)"

_PATTERNS: list[tuple[str, str]] = [
    # "July 6 until 2400 on July 8, 2016", "between Sept. 10, 2015 and Feb. 2, 2016"
    (
        "range",
        rf"(?:(?:between|from)\s+)?(?P<r1m>{_MONTH})\s+(?P<r1d>{_DAY})(?:,?\s+(?P<r1y>{_YEAR}))?{_NOT_MORE}"
        rf"(?P<rgap>[^.;\n]{{0,20}}?\b(?:until|till|to|through|and)\b[^.;\n]{{0,12}}?|\s*[-–]\s*)"
        rf"(?P<r2m>{_MONTH})\s+(?P<r2d>{_DAY})(?:,?\s+(?P<r2y>{_YEAR}))?{_NOT_MORE}",
    ),
    ("month_day", rf"(?P<mdm>{_MONTH})\s+(?P<mdd>{_DAY})(?:,?\s+(?P<mdy>{_YEAR}))?{_NOT_MORE}\b"),
    ("day_month", rf"\b(?P<dmd>{_DAY})\s+(?:of\s+)?(?P<dmm>{_MONTH})(?:,?\s+(?P<dmy>{_YEAR}))?(?!\w)"),
    ("month_year", rf"(?:(?P<myp>{_PART})\s+)?(?P<mym>{_MONTH})\s+(?P<myy>{_YEAR})\b"),
    # A bare month needs a preposition before it: "in March", not "Theresa May".
    (
        "month",
        rf"\b(?P<mop>in|since|until|by|during|from|through|last|this|of|(?:in\s+)?{_PART})\s+"
        rf"(?:(?P<mopart>{_PART})\s+)?(?P<mom>{_MONTH})(?!\s*\d)(?!\w)",
    ),
    (
        "year",
        rf"\b(?P<yp>[Ii]n|[Ss]ince|[Dd]uring|[Ff]rom|[Uu]ntil|[Tt]hroughout|[Bb]y|(?:[Ii]n\s+)?{_PART})\s+"
        rf"(?:(?P<ypart>{_PART})\s+)?(?P<yy>{_YEAR})(?![\d-])",
    ),
    ("since_year_start", r"\b[Ss]ince\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year\b"),
    (
        "ago",
        rf"\b(?P<agon>\d+|{NUMBER_WORDS_PATTERN}|an?)\s+(?P<agou>day|week|month|year)s?\s+ago\b",
    ),
    (
        "weekday",
        rf"(?:\b(?P<wdp>(?i:(?:early|late)(?:\s+on)?|on|last|this|next|overnight\s+on))\s+)?"
        rf"\b(?P<wd>{_WEEKDAY})(?:['’]s)?(?:\s+(?P<wdt>night|morning|afternoon|evening|overnight))?\b",
    ),
    (
        "relative_day",
        r"\b(?P<rel>[Tt]he\s+day\s+before\s+yesterday|[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast\s+night"
        r"|[Tt]his\s+(?:morning|afternoon|evening)|[Oo]vernight)\b",
    ),
    ("weekend", r"\b(?P<wep>(?:at|over|during)\s+the|[Ll]ast|[Tt]his)\s+weekend\b"),
    ("week", r"\b(?P<wkp>[Ll]ast|[Tt]his|[Ee]arlier\s+this|[Ll]ater\s+this|[Nn]ext|[Tt]he\s+past)\s+week\b"),
    ("rel_month", r"\b(?P<rmp>[Ll]ast|[Tt]his|[Ee]arlier\s+this|[Ll]ater\s+this|[Nn]ext)\s+month\b"),
    ("rel_year", r"\b(?P<ryp>[Ll]ast|[Tt]his|[Ee]arlier\s+this|[Ll]ater\s+this|[Nn]ext)\s+year\b"),
]
_PHRASE_RE = re.compile("|".join(f"(?P<{kind}>{source})" for kind, source in _PATTERNS))
_KINDS = [kind for kind, _ in _PATTERNS]

# A quick test that lets most sentences skip the full pattern.
_MAYBE_DATE = re.compile(
    r"day|night|week|month|year|ago|[Jj]an|[Ff]eb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|1[89]\d\d|20\d\d"
)

# Phrases tied to a reporting verb date the report, not the event: "said on Tuesday".
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told\s+\w+|announced|reported|stated|added|declared|confirmed)"
    r"(?:\s+in\s+a\s+statement)?\s*$"
)
_SPEECH_AFTER = re.compile(r"^\s*,?\s*(?:[\w’'.-]+\s+){0,6}?(?:said|says|told|announced)\b")
_FUTURE = re.compile(
    r"\b(?:will|shall|won[’']t)\b|\b(?:is|are)\s+(?:due|expected|scheduled|set|going)\s+to\b"
    r"|\bto\s+be\s+(?:broadcast|held|heard|released|published|implemented)\b"
)
_QUOTE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
# How far before a phrase a future marker still governs it: "will be heard ... on July 19".
_FUTURE_REACH = 100
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")


@dataclass(frozen=True)
class _Span:
    """A resolved span before it becomes a DateResolution."""

    start: dt.date
    end: dt.date
    precision: int
    note: str


def find_date_phrases(text: str, *, offset: int = 0) -> list[tuple[int, int, str]]:
    """Every date phrase in `text` as (start, end, phrase); offsets are `offset` + position."""
    return [(offset + m.start(), offset + m.end(), m.group(0)) for m in _matches(text)]


def resolve_date(sentence: str, published: dt.date | None, *, offset: int = 0,
                 year_hint: dt.date | None = None) -> DateResolution | None:
    """The event date of `sentence`, or None when it has no date phrase.

    Of several phrases the most precise one wins (the first on a tie), and a
    phrase that only dates a statement ("said on Tuesday") is used only when
    nothing else dates the sentence. "since ..." phrases start a period and
    are used last for the same reason. The phrase is chosen the same way
    whether or not `published` is known, so a story without a publication
    date keeps "on Tuesday" (unresolved) rather than falling back on a
    background "in 2014".

    `published` anchors relative phrases. `year_hint` is a publication date
    known only as a lower bound (inferred from a date in the text): it lends
    a year to "Feb. 19" or "in March" (marked uncertain) but anchors no
    weekday, since the story may have run days or months later.
    """
    matches = _matches(sentence)
    if not matches:
        return None
    best: tuple[tuple[int, ...], DateResolution] | None = None
    for order, match in enumerate(matches):
        resolution = _resolve_match(match, published, _is_future(sentence, match.start()), year_hint)
        if resolution is None:
            continue
        statement = _dates_statement(sentence, match)
        resolution.span_start = offset + match.start()
        resolution.span_end = offset + match.end()
        if statement:
            resolution.note += "; dates the statement, not necessarily the event"
        since = match.group(0).lower().startswith("since")
        unresolved = resolution.event_date is None
        precision = _width_precision(resolution.phrase_days) if unresolved else resolution.time_precision
        rank = (int(statement) + int(since), precision, int(unresolved), order)
        if best is None or rank < best[0]:
            best = (rank, resolution)
    return best[1] if best else None


def same_unresolved_day(a: DateResolution, b: DateResolution) -> bool:
    """Whether two unresolved day phrases can name the same day ("Tuesday" and "Tuesday night" can,
    "Monday" and "Tuesday" cannot). Phrases wider than a day, or unreadable, may always overlap."""
    key_a, key_b = _day_key(a.phrase), _day_key(b.phrase)
    return key_a is None or key_b is None or key_a == key_b


def _day_key(phrase: str) -> str | None:
    """What day an unanchored phrase names, as a comparable key; None when it names no single day."""
    match = next(iter(_PHRASE_RE.finditer(phrase or "")), None)
    if match is None:
        return None
    kind = match.lastgroup
    if kind == "weekday":
        return "weekday:" + match.group("wd").lower()
    if kind == "relative_day":
        word = " ".join(match.group("rel").lower().split())
        back = {"yesterday": 1, "last night": 1, "overnight": 1, "the day before yesterday": 2}.get(word, 0)
        return f"back:{back}"
    if kind == "ago" and match.group("agou").lower() == "day":
        return f"back:{parse_number(match.group('agon'))}"
    if kind in ("month_day", "day_month"):
        prefix = "md" if kind == "month_day" else "dm"
        return f"date:{_month_of(match.group(prefix + 'm'))}-{_day_of(match.group(prefix + 'd'))}"
    return None


def infer_publication_date(text: str) -> tuple[dt.date | None, str]:
    """The latest full date (with a year) in `text`, a lower bound for publication.

    Used when a story carries no date of its own: a caption such as "...in
    Fallujah, Iraq, June 26, 2016." fixes the year. Dates in a future-tense
    clause are skipped, since an announced date ("until July 8, 2016") may
    lie after publication. Returns (None, "") when no full date is written.
    """
    latest: tuple[dt.date, str] | None = None
    for sentence in _SENTENCE_END.split(text):
        for match in _matches(sentence):
            if _is_future(sentence, match.start()):
                continue
            for full in _full_dates(match):
                if latest is None or full[0] > latest[0]:
                    latest = full
    return latest if latest else (None, "")


# --- finding ------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _matches_cached(text: str) -> tuple[re.Match, ...]:
    if not _MAYBE_DATE.search(text):
        return ()
    return tuple(m for m in _PHRASE_RE.finditer(text) if _is_date(m))


def _matches(text: str) -> tuple[re.Match, ...]:
    return _matches_cached(text)


def _is_date(match: re.Match) -> bool:
    kind = match.lastgroup
    if kind == "month_day" and match.group("mdm") == "May" and _preceded_by_name(match):
        return False
    return True


_FUNCTION_WORDS = frozenset(
    "on in by since until from the between before after of and to during early late mid".split()
)


def _preceded_by_name(match: re.Match) -> bool:
    # "Theresa May 5" reads as a name followed by a number, "On May 5" as a date.
    before = match.string[: match.start()].rstrip()
    if not before or not before[-1].isalpha():
        return False
    word = before.split()[-1]
    return word[:1].isupper() and word.lower() not in _FUNCTION_WORDS


def _dates_statement(sentence: str, match: re.Match) -> bool:
    before = sentence[max(0, match.start() - 40) : match.start()]
    if _SPEECH_BEFORE.search(before):
        return True
    prefix = sentence[: match.start()].strip(" “\"")
    if prefix == "" or prefix.endswith(("“", "\"")):
        return bool(_SPEECH_AFTER.match(sentence[match.end() :]))
    return False


def _is_future(sentence: str, position: int) -> bool:
    """Whether the clause leading up to `position` is in the future tense.

    Only the words before the phrase count ("arrested on Sunday, will be
    detained" dates a past arrest), and a quotation is read on its own, so that
    a quoted "we will" does not make the narrator's "Sunday's remarks" future.
    """
    for quote in _QUOTE.finditer(sentence):
        if quote.start() <= position < quote.end():
            return bool(_FUTURE.search(sentence[quote.start() : position]))
    before = _QUOTE.sub(" ", sentence[max(0, position - _FUTURE_REACH) : position])
    return bool(_FUTURE.search(before))


# --- resolving ------------------------------------------------------------------------


def _resolve_match(match: re.Match, published: dt.date | None, future: bool,
                   year_hint: dt.date | None = None) -> DateResolution | None:
    kind = match.lastgroup
    phrase = match.group(0)
    resolver = _RESOLVERS[kind]
    try:
        span = resolver(match, published, future)
    except ValueError:
        span = None
    certain = True
    if isinstance(span, str) and published is None and year_hint is not None:
        if kind in _YEARLESS_KINDS:
            # The text fixes month and day; the lower bound of publication lends the year.
            try:
                span = resolver(match, year_hint + dt.timedelta(days=YEAR_HINT_REACH_DAYS), False)
            except ValueError:
                span = None
            if isinstance(span, _Span):
                certain = False
                span = _Span(span.start, span.end, span.precision,
                             f"'{phrase}' has no year: taken as {span.start.year}, the latest such date up to "
                             f"{YEAR_HINT_REACH_DAYS} days after {year_hint.isoformat()}, a lower bound of publication "
                             f"inferred from the text")
        else:
            span = f"{span}; the text only shows the story ran on or after {year_hint.isoformat()}"
    if isinstance(span, str) or span is None:
        note = span or f"'{phrase}' is not a valid date"
        return DateResolution(None, None, None, MONTH, phrase, certain=False, note=note,
                              phrase_days=_phrase_days(match))
    middle = span.start + (span.end - span.start) // 2
    return DateResolution(middle, span.start, span.end, span.precision, phrase, certain=certain, note=span.note)


# Phrases that fix a month (and day) but borrow the year from the publication date.
_YEARLESS_KINDS = frozenset({"month_day", "day_month", "range", "month"})
# How far past an inferred lower bound of publication a yearless date may lie.
YEAR_HINT_REACH_DAYS = 31

_PHRASE_DAYS = {
    "weekday": 1, "relative_day": 1, "month_day": 1, "day_month": 1, "weekend": 2, "week": 7,
    "rel_month": 31, "month": 31, "month_year": 31, "rel_year": 366, "year": 366, "since_year_start": 366,
}
_AGO_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}


def _phrase_days(match: re.Match) -> int:
    """How many days an unresolved phrase covers: a day, a week, a month or a year."""
    kind = match.lastgroup
    if kind == "ago":
        return _AGO_DAYS[match.group("agou").lower()]
    if kind == "range":
        try:  # month and day fix the width even without a year (a leap year holds 29 February)
            start = dt.date(2000, _month_of(match.group("r1m")), _day_of(match.group("r1d")))
            end = dt.date(2000, _month_of(match.group("r2m")), _day_of(match.group("r2d")))
        except ValueError:
            return 31
        return (end - start).days % 366 + 1
    return _PHRASE_DAYS.get(kind, 1)


def _width_precision(days: int) -> int:
    return DAY if days <= 1 else WEEK if days <= 7 else MONTH


def _no_anchor(phrase: str) -> str:
    return f"'{phrase}' is relative and no publication date anchors it"


def _month_of(name: str) -> int:
    return MONTH_NUMBERS[name.lower().rstrip(".")]


def _day_of(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


def _latest_on_or_before(month: int, day: int, limit: dt.date) -> dt.date:
    """The latest month/day on or before `limit` (29 February steps back to a leap year)."""
    year = limit.year
    for _ in range(8):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            if day > 29 or month != 2:
                raise
            year -= 1
            continue
        if candidate <= limit:
            return candidate
        year -= 1
    raise ValueError("no such date")


def _explicit(month: int, day: int, year: int | None, published: dt.date | None, future: bool, phrase: str):
    if year is not None:
        return dt.date(year, month, day), f"explicit date '{phrase}'"
    if published is None:
        return None, f"'{phrase}' has no year and no publication date fixes one"
    limit = published + dt.timedelta(days=FUTURE_WINDOW_DAYS if future else 0)
    date = _latest_on_or_before(month, day, limit)
    tense = "future-tense sentence, up to" if future else "on or before"
    return date, f"'{phrase}' without a year → latest such date {tense} {limit.isoformat()}"


def _resolve_month_day(match, published, future):
    month, day = _month_of(match.group("mdm")), _day_of(match.group("mdd"))
    year = int(match.group("mdy")) if match.group("mdy") else None
    date, note = _explicit(month, day, year, published, future, match.group(0))
    return _Span(date, date, DAY, note) if date else note


def _resolve_day_month(match, published, future):
    month, day = _month_of(match.group("dmm")), _day_of(match.group("dmd"))
    year = int(match.group("dmy")) if match.group("dmy") else None
    date, note = _explicit(month, day, year, published, future, match.group(0))
    return _Span(date, date, DAY, note) if date else note


def _resolve_range(match, published, future):
    m1, d1 = _month_of(match.group("r1m")), _day_of(match.group("r1d"))
    m2, d2 = _month_of(match.group("r2m")), _day_of(match.group("r2d"))
    y2 = int(match.group("r2y")) if match.group("r2y") else None
    y1 = int(match.group("r1y")) if match.group("r1y") else None
    phrase = match.group(0)
    if y2 is None:
        end, note = _explicit(m2, d2, None, published, future, phrase)
        if end is None:
            return note
        y2 = end.year
    end = dt.date(y2, m2, d2)
    if y1 is None:
        # The first date borrows the second's year, or the year before when it
        # names a later month ("Dec. 28 to Jan. 3, 2016").
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    start = dt.date(y1, m1, d1)
    if start > end:
        return f"range '{phrase}' ends before it starts"
    precision = DAY if start == end else WEEK if (end - start).days <= 6 else MONTH
    return _Span(start, end, precision, f"range '{phrase}' → {start.isoformat()} to {end.isoformat()}")


def _part_of_month(part: str | None, year: int, month: int) -> tuple[dt.date, dt.date]:
    """Days 1-10, 11-20 or 21-end for "early", "mid" and "late"; the whole month otherwise."""
    last = calendar.monthrange(year, month)[1]
    part = (part or "").lower()
    if part.startswith("early") or "beginning" in part or "start" in part:
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if part.startswith("mid") or "middle" in part:
        return dt.date(year, month, 11), dt.date(year, month, 20)
    if part.startswith("late") or "end" in part:
        return dt.date(year, month, 21), dt.date(year, month, last)
    return dt.date(year, month, 1), dt.date(year, month, last)


def _cap(start: dt.date, end: dt.date, published: dt.date | None, future: bool) -> tuple[dt.date, dt.date]:
    # A past event cannot end after the story ran.
    if published is not None and not future and start <= published < end:
        return start, published
    return start, end


def _resolve_month_year(match, published, future):
    year, month = int(match.group("myy")), _month_of(match.group("mym"))
    start, end = _cap(*_part_of_month(match.group("myp"), year, month), published, future)
    return _Span(start, end, MONTH, f"month '{match.group(0)}'")


def _resolve_month(match, published, future):
    phrase = match.group(0)
    if published is None:
        return f"'{phrase}' has no year and no publication date fixes one"
    month = _month_of(match.group("mom"))
    prep = match.group("mop").lower()
    part = match.group("mopart") or (prep if re.match(_PART, prep) else None)
    year = published.year if month <= published.month else published.year - 1
    if prep == "last" and month == published.month:
        year -= 1
    if future and month > published.month and prep not in ("last", "since"):
        year = published.year
    start, end = _cap(*_part_of_month(part, year, month), published, future)
    return _Span(start, end, MONTH, f"month '{phrase}' → the latest such month not after publication ({year})")


def _resolve_year(match, published, future):
    year = int(match.group("yy"))
    part = match.group("ypart") or (match.group("yp") if re.match(_PART, match.group("yp"), re.I) else None)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    part = (part or "").lower()
    if part.startswith("early") or "beginning" in part or "start" in part:
        end = dt.date(year, 4, 30)
    elif part.startswith("mid") or "middle" in part:
        start, end = dt.date(year, 5, 1), dt.date(year, 8, 31)
    elif part.startswith("late") or "end" in part:
        start = dt.date(year, 9, 1)
    start, end = _cap(start, end, published, future)
    return _Span(start, end, MONTH, f"year '{match.group(0)}' (ACLED has no year precision: 3 with the year's span)")


def _resolve_since_year_start(match, published, future):
    if published is None:
        return _no_anchor(match.group(0))
    start = dt.date(published.year, 1, 1)
    return _Span(start, published, MONTH, f"'{match.group(0)}' → 1 January to publication {published.isoformat()}")


def _resolve_ago(match, published, future):
    if published is None:
        return _no_anchor(match.group(0))
    count = parse_number(match.group("agon"))
    if count is None:
        return None
    unit = match.group("agou").lower()
    if unit == "day":
        date = published - dt.timedelta(days=count)
        return _Span(date, date, DAY, f"'{match.group(0)}' → {count} days before {published.isoformat()}")
    if unit == "week":
        centre = published - dt.timedelta(weeks=count)
        start, end = centre - dt.timedelta(days=3), min(published, centre + dt.timedelta(days=3))
        return _Span(start, end, WEEK, f"'{match.group(0)}' → the week around {centre.isoformat()}")
    if unit == "month":
        months = published.year * 12 + published.month - 1 - count
        year, month = divmod(months, 12)
        start, end = _cap(*_part_of_month(None, year, month + 1), published, False)
        return _Span(start, end, MONTH, f"'{match.group(0)}' → {year}-{month + 1:02d}")
    year = published.year - count
    return _Span(dt.date(year, 1, 1), dt.date(year, 12, 31), MONTH, f"'{match.group(0)}' → the year {year}")


def _resolve_weekday(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    weekday = WEEKDAY_NUMBERS[match.group("wd").lower()]
    prefix = (match.group("wdp") or "").lower()
    back = (published.weekday() - weekday) % 7
    if prefix == "last" and back == 0:
        # "last Tuesday" said on a Tuesday is a week ago, not today.
        back = 7
    if (future or prefix == "next") and prefix != "last" and back != 0:
        date = published + dt.timedelta(days=7 - back)
        note = f"weekday '{match.group('wd')}' in a future-tense sentence → next {match.group('wd')} after {published.isoformat()}"
    else:
        date = published - dt.timedelta(days=back)
        note = f"weekday '{match.group('wd')}' → last {match.group('wd')} on or before {published.isoformat()}"
    return _Span(date, date, DAY, note)


def _resolve_relative_day(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    word = " ".join(phrase.lower().split())
    if word in ("yesterday", "last night"):
        date = published - dt.timedelta(days=1)
        return _Span(date, date, DAY, f"'{phrase}' → the day before {published.isoformat()}")
    if word == "the day before yesterday":
        date = published - dt.timedelta(days=2)
        return _Span(date, date, DAY, f"'{phrase}' → two days before {published.isoformat()}")
    if word == "overnight":
        # The night before the story ran, dated by the evening it began.
        start = published - dt.timedelta(days=1)
        return _Span(start, published, DAY, f"'overnight' → the night of {start.isoformat()} to {published.isoformat()}")
    return _Span(published, published, DAY, f"'{phrase}' → the publication day {published.isoformat()}")


def _resolve_weekend(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    if saturday == published and not future:
        saturday -= dt.timedelta(days=7)
    sunday = saturday + dt.timedelta(days=1)
    if future and phrase.lower().startswith(("this", "at", "over")) and published.weekday() < 5:
        saturday = published + dt.timedelta(days=5 - published.weekday())
        sunday = saturday + dt.timedelta(days=1)
    elif phrase.lower().startswith("last") and sunday >= published:
        saturday -= dt.timedelta(days=7)
        sunday -= dt.timedelta(days=7)
    return _Span(saturday, sunday, WEEK, f"'{phrase}' → the weekend of {saturday.isoformat()}")


def _resolve_week(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    monday = published - dt.timedelta(days=published.weekday())
    which = match.group("wkp").lower().split()[0]
    if which == "last":
        start, end = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
        note = f"'{phrase}' → the Monday-Sunday week before {published.isoformat()}"
    elif which == "the":  # "the past week": the seven days up to publication
        start, end = published - dt.timedelta(days=6), published
        note = f"'{phrase}' → the seven days to {published.isoformat()}"
    elif which == "next":
        start, end = monday + dt.timedelta(days=7), monday + dt.timedelta(days=13)
        note = f"'{phrase}' → the week after {published.isoformat()}"
    else:
        start, end = monday, published if which != "later" else monday + dt.timedelta(days=6)
        note = f"'{phrase}' → the week of {monday.isoformat()} up to publication"
    return _Span(start, end, WEEK, note)


def _resolve_rel_month(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    which = match.group("rmp").lower().split()[0]
    first = published.replace(day=1)
    if which == "last":
        end = first - dt.timedelta(days=1)
        start = end.replace(day=1)
    elif which == "next":
        start = (first + dt.timedelta(days=32)).replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    elif which == "later":
        start, end = published, published.replace(day=calendar.monthrange(published.year, published.month)[1])
    else:
        start, end = first, published
    return _Span(start, end, MONTH, f"'{phrase}' → {start.isoformat()} to {end.isoformat()}")


def _resolve_rel_year(match, published, future):
    phrase = match.group(0)
    if published is None:
        return _no_anchor(phrase)
    which = match.group("ryp").lower().split()[0]
    year = published.year - 1 if which == "last" else published.year + 1 if which == "next" else published.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if which in ("this", "earlier"):
        end = published
    elif which == "later":
        start = published
    return _Span(start, end, MONTH, f"'{phrase}' → {start.isoformat()} to {end.isoformat()}")


_RESOLVERS = {
    "range": _resolve_range,
    "month_day": _resolve_month_day,
    "day_month": _resolve_day_month,
    "month_year": _resolve_month_year,
    "month": _resolve_month,
    "year": _resolve_year,
    "since_year_start": _resolve_since_year_start,
    "ago": _resolve_ago,
    "weekday": _resolve_weekday,
    "relative_day": _resolve_relative_day,
    "weekend": _resolve_weekend,
    "week": _resolve_week,
    "rel_month": _resolve_rel_month,
    "rel_year": _resolve_rel_year,
}
assert set(_RESOLVERS) == set(_KINDS)


def _full_dates(match: re.Match) -> list[tuple[dt.date, str]]:
    """Dates written with day, month and year inside one phrase."""
    kind = match.lastgroup
    found = []
    try:
        if kind == "month_day" and match.group("mdy"):
            found.append((dt.date(int(match.group("mdy")), _month_of(match.group("mdm")), _day_of(match.group("mdd"))), match.group(0)))
        elif kind == "day_month" and match.group("dmy"):
            found.append((dt.date(int(match.group("dmy")), _month_of(match.group("dmm")), _day_of(match.group("dmd"))), match.group(0)))
        elif kind == "range" and match.group("r2y"):
            span = _resolve_range(match, None, False)
            if isinstance(span, _Span):
                found.append((span.end, match.group(0)))
    except ValueError:
        pass
    return found
