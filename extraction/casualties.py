"""Killed and wounded figures of one event sentence, as UCDP-style best / low / high.

A figure counts only when the sentence's structure ties it to a casualty word
("At least 56 civilians were killed", "killing dozens of militants", "the
death toll rose to 45", "43 dead and more than 230 wounded"); the nearest
number is not enough, since wire copy is full of troop numbers, ages, hours
and distances. Cumulative tolls ("have died since the start of the
offensive") describe a war, not an event, and are kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extraction.numbers import DIGITS_PATTERN, NUMBER_WORDS_PATTERN, parse_number
from extraction.records import Count

# --- conventions ----------------------------------------------------------------------

VAGUE_QUANTITIES: dict[str, tuple[int, int | None]] = {
    "tens of thousands": (10_000, 99_999),
    "hundreds of thousands": (100_000, 999_999),
    "thousands": (1_000, 9_999),
    "hundreds": (100, 999),
    "scores": (20, 199),
    "dozens": (12, 99),
    "tens": (10, 99),
    "a handful": (3, 9),
    "several": (3, 9),
    "a few": (3, 9),
    "a number": (3, None),
    "numerous": (3, None),
    "many": (3, None),
    "some": (3, None),
}
"""Vague quantity words as (best, high); low is always the best figure.

ACLED records the most conservative figure a report allows: its fatality
guidance codes "tens" as 10, "dozens" as 12 and "hundreds" as 100 (and so on
up the scale, "thousands" as 1,000). The other words follow that rule: the
smallest number the word can honestly mean ("several", "a few", "some" = 3;
"scores" = 20, one score). `high` is the largest number the word can mean
before a bigger word would be used ("dozens" stays below 100, else the report
would say "hundreds"); None where the word sets no ceiling ("many").
Counts built from this table are marked vague=True.
"""

# Qualifiers and what they do to a figure N (see parse_quantity).
_FLOOR = r"at\s+least|more\s+than|over|upwards\s+of|in\s+excess\s+of|no\s+fewer\s+than|a\s+minimum\s+of|well\s+over|just\s+over"
_CEILING = r"nearly|almost|up\s+to|as\s+many\s+as|close\s+to|fewer\s+than|less\s+than|under|at\s+most|just\s+under|no\s+more\s+than"
_APPROX = r"about|around|some|roughly|approximately|an\s+estimated|estimated|an\s+approximate|perhaps|possibly|reportedly"
_EXACT = r"a\s+further|another|a\s+total\s+of|all|exactly"

_NUM = rf"(?:{DIGITS_PATTERN}|{NUMBER_WORDS_PATTERN})"
_VAGUE = "|".join(w.replace(" ", r"\s+") for w in VAGUE_QUANTITIES)
# What a number must not be followed by to be a head count: ages, hours, distances, money, shares.
_NOT_A_COUNT = (
    r"(?![\w%]|-(?:year|hour|day|month|week|km|mile|kilo|strong|man|member|truck|vehicle)|[.,]\d"
    r"|\s*(?:per\s*cent|percent|km\b|kilomet|miles?\b|metres?\b|meters?\b|hours?\b|a\.m\.|p\.m\.|years?\b|months?\b"
    r"|days?\b|weeks?\b|minutes?\b|dollars?\b|million\s+(?:dollars|euros|pounds)|GMT|EDT|EST|BST|GMT))"
)
QUANTITY_PATTERN = (
    rf"(?<![\w,.$£€-])(?:(?P<qual>{_FLOOR}|{_CEILING}|{_APPROX}|{_EXACT})\s+)?"
    rf"(?:between\s+(?P<lo1>{_NUM})\s+and\s+(?P<hi1>{_NUM})"
    rf"|(?P<lo2>{_NUM})\s+(?:to|or)\s+(?P<hi2>{_NUM})"
    rf"|(?P<lo3>\d+)\s*[-–]\s*(?P<hi3>\d+)"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<num>{_NUM}))"
    rf"{_NOT_A_COUNT}"
)
_QUANTITY_FULL = re.compile(rf"\s*{QUANTITY_PATTERN}\s*", re.IGNORECASE)
_PRECEDED_BY_NON_COUNT = re.compile(
    r"(?:[$£€]|\b[Nn]o\s+|\b(?:Resolution|No\.|number|page|article|route|highway|flight|aged?|age\s+of|[A-Z][a-z]+\.)\s*)$"
)

# --- sentence structure -----------------------------------------------------------------

_KILLED_WORD = r"killed|dead|died|slain|murdered|executed|beheaded|massacred|perished|shot\s+dead|lost\s+their\s+lives|deaths|fatalities"
_INJURED_WORD = r"wounded|injured|hurt|maimed|injuries"
# Words that end a noun phrase: a head count is the subject of its own clause only.
_NP_STOP = (
    r"who|which|that|and|or|but|were|was|had|have|has|are|is|will|would|in|on|at|from|by|with|after|"
    r"during|when|while|said|says|to|for|as|since|than|killed|dead|died|wounded|injured"
)
_NP_WORD = rf"\s+(?!(?:{_NP_STOP})\b)[\w’'.-]+"
_INCLUDING = r"(?P<incl>\s*,?\s*including\s[^,;]{1,60}(?:,|$))?"
_NP = rf"(?P<np>(?:{_NP_WORD}){{0,6}}?){_INCLUDING}"
# After a verb the object runs as far as it can: "killed 43 people in ..." keeps "people".
_NP_OBJECT = rf"(?P<np>(?:{_NP_WORD}){{0,6}}){_INCLUDING}"
_PASSIVE_AUX = (
    r"(?:\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been|been|being|got|have|has|had|were\s+left|was\s+left))?"
    r"(?:\s+(?:also|reportedly|all|later|allegedly|initially|confirmed|believed\s+to\s+have\s+been|thought\s+to\s+have\s+been))?"
)
# "At least 56 civilians were killed", "43 dead and more than 230 wounded", "104 civilians have died"
_SUBJECT_RE = re.compile(
    rf"(?P<qty>{QUANTITY_PATTERN}){_NP}(?P<aux>{_PASSIVE_AUX})\s+(?P<word>(?P<k>{_KILLED_WORD})|(?P<i>{_INJURED_WORD}))\b",
    re.IGNORECASE,
)
# "killing dozens of militants", "killed 43 people", "wounding 239"
_OBJECT_RE = re.compile(
    rf"\b(?P<verb>(?P<k>kill(?:s|ed|ing)?|massacred|executed|shot\s+dead|claimed\s+the\s+lives\s+of)"
    rf"|(?P<i>wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)))\s+(?P<qty>{QUANTITY_PATTERN}){_NP_OBJECT}",
    re.IGNORECASE,
)
# "the death toll rose to 45", "a toll of 12 dead"
_TOLL_RE = re.compile(
    rf"\b(?P<word>(?:death|casualty|fatality)\s+)?toll\s+(?:\w+\s+){{0,3}}?(?:to|at|of|reached|is|was|stands|stood)\s+"
    rf"(?P<qty>{QUANTITY_PATTERN})",
    re.IGNORECASE,
)
# A passive clause right after the subject count means the count is the victims;
# an active object ("Two gunmen killed 5 people") means it is the attackers.
_ACTIVE_OBJECT = re.compile(rf"^\s+(?:(?:the|a|an|his|her|their|its|at\s+least)\b|{_NUM}\b|[A-Z])", re.IGNORECASE)
_SINGLE_VICTIM = re.compile(
    r"\b(?:an?|one)\s+(?P<np>(?:(?!(?:who|which|that|and|was|were)\b)[\w’'.-]+\s+){1,5}?)"
    r"(?:was|has\s+been|had\s+been)\s+(?:(?:also|reportedly)\s+)?(?P<word>(?P<k>killed|shot\s+dead|slain|murdered|executed)|(?P<i>wounded|injured|hurt))\b",
    re.IGNORECASE,
)
# "killing a senior commander": one victim named as the object.
_SINGLE_OBJECT = re.compile(
    r"\b(?P<verb>(?P<k>kill(?:s|ed|ing)?|shot\s+dead)|(?P<i>wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)))\s+"
    r"(?:an?|one)\s+(?!number\b|few\b|handful\b|dozen\b|hundred\b|thousand\b|total\b|further\b)(?P<np>(?:[\w’'.-]+\s+){0,3}?[\w’'.-]+)\b",
    re.IGNORECASE,
)
# "Nobody was killed", "no casualties": a reported zero, unlike a missing figure.
_ZERO = re.compile(
    r"\b(?:no\s+one|nobody|none)\s+(?:\w+\s+)?(?:was|were|had\s+been|has\s+been)\s+(?:\w+ly\s+)?(?P<word>(?P<k>killed)|(?P<i>injured|wounded|hurt))\b"
    r"|\bno\s+(?:(?P<zk>deaths|fatalities|one\s+died)|(?P<zi>injuries)|casualties)\b"
    r"|\bwithout\s+(?:causing\s+)?casualties\b",
    re.IGNORECASE,
)
# Deaths reported without a number, in the simple past only: "have been killed"
# and "have died" are mostly general statements about a war.
_UNQUANTIFIED_KILLED = re.compile(r"\b(?:were|was)\s+(?:\w+ly\s+)?(?:killed|shot\s+dead|slain)\b", re.IGNORECASE)

CIVILIAN_WORDS = frozenset(
    "civilian civilians child children kids boy boys girl girls woman women resident residents villager "
    "villagers worshipper worshippers worshiper worshipers passenger passengers student students pupil pupils "
    "shopper shoppers farmer farmers journalist journalists patient patients doctor doctors nurse nurses "
    "refugee refugees migrant migrants pilgrim pilgrims mourners tourists tourist family families "
    "infants babies elderly protesters demonstrators".split()
)
FIGHTER_WORDS = frozenset(
    "fighter fighters militant militants soldier soldiers troops trooper troopers rebel rebels insurgent "
    "insurgents gunman gunmen member members policeman policemen police officer officers jihadist jihadists "
    "combatant combatants personnel guard guards bomber bombers attacker attackers militiaman militiamen "
    "militia militias marine marines commander commanders recruits servicemen jihadis".split()
)
# "people" are civilians when the text puts them where civilians are.
_CIVILIAN_PLACE = re.compile(
    r"\b(?:market|marketplace|mosque|church|school|hospital|wedding|funeral|bus|airport|caf[eé]|restaurant|"
    r"bakery|bread\s+queue|residential|neighbou?rhood|village|camp\s+for|shelter|homes?)\b",
    re.IGNORECASE,
)

# --- aggregates and claims ---------------------------------------------------------------

_MONTHS = r"Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|April|May|June|July|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?"
_AGGREGATE_STRONG = re.compile(
    rf"\bsince\s+(?:the\s+(?:start|beginning|outbreak|onset)|(?:19|20)\d\d|{_MONTHS}|the\s+(?:war|conflict|uprising|revolt|insurgency|fighting)"
    rf"|last\s+\w+|then|it\s+began|fighting\s+began)"
    rf"|\bbetween\s+(?:{_MONTHS})\s*\d{{0,2}},?\s*(?:\d{{4}}\s+)?and\b"
    r"|\bso\s+far\b|\bto\s+date\b|\b(?:overall|total|cumulative)\s+(?:death\s+)?toll\b"
    r"|\b(?:in|during|over)\s+the\s+(?:first|second|last|past)\s+(?:\w+\s+){0,2}(?:months?|weeks?|half|quarter)\s+of\b"
    r"|\b(?:in|during)\s+the\s+(?:same\s+)?period\b|\bmid-year\s+report\b",
    re.IGNORECASE,
)
_AGGREGATE_PERIOD = re.compile(
    r"\b(?:in|during|throughout)\s+the\s+(?:[\w-]+\s+){0,2}(?:war|conflict|insurgency|uprising|crisis)\b"
    r"|\bthis\s+year\b|\bin\s+recent\s+(?:weeks|months|years)\b|\bover\s+the\s+(?:past|last)\s+\w+|\bsince\b"
    r"|\bin\s+(?:the\s+)?(?:past|last)\s+(?:few\s+)?(?:weeks|months|years)\b",
    re.IGNORECASE,
)
_PERFECT_CASUALTY = re.compile(
    r"\b(?:have|has)\s+(?:\w+\s+)?(?:been\s+(?:\w+ly\s+)?(?:killed|wounded|injured)|died|killed|lost\s+their\s+lives)\b",
    re.IGNORECASE,
)
_SUPERLATIVE_SINCE = re.compile(r"\b(?:deadliest|worst|bloodiest|biggest|largest|first|most\s+\w+|highest)\b[^.;]{0,60}\bsince\b", re.IGNORECASE)
_CASUALTY_ANY = re.compile(rf"\b(?:{_KILLED_WORD}|{_INJURED_WORD}|casualties|kill(?:s|ing)?|toll|wound(?:s|ing)?|injur(?:e|es|ing))\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|\s[–—]\s|\s-\s|,\s+(?:and|but|while|whereas)\s+")

_SPEECH = r"said|says|claimed|claims|announced|stated|reported"
# "the army said it killed", "the group said it had killed", "Amaq ... said the group had killed"
_SELF_CLAIM = re.compile(
    rf"\b(?P<verb>{_SPEECH})(?:\s+in\s+a\s+statement)?(?:\s+on\s+\w+day)?\s+(?:that\s+)?(?:it|they|we|its\s+\w+|their\s+\w+|the\s+group|the\s+militants)"
    r"\s+(?:had\s+|has\s+|have\s+)?(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
_CLAIMED = re.compile(r"\bclaim(?:ed|s)\b(?!\s+responsibility)", re.IGNORECASE)
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:had|has|have|earlier|later|also|then|on\s+\w+day|in\s+a\s+statement|separately|previously|now|again))+\s*$",
    re.IGNORECASE,
)


@dataclass
class CasualtyCounts:
    """The killed and wounded figures an event sentence reports.

    `aggregate_tolls` holds figures that were recognised as cumulative tolls
    ("since the start of the offensive") and therefore left out of
    killed/injured, so that a caller can still mention them.
    """

    killed: Count | None = None
    injured: Count | None = None
    aggregate_tolls: list[Count] = field(default_factory=list)


# --- public API -----------------------------------------------------------------------------


def parse_quantity(phrase: str) -> Count | None:
    """A Count for a quantity phrase ("nearly 300", "dozens", "at least 56", "two"), else None.

    Rules, each conservative in ACLED's sense:
    exact "56" → 56/56/56; "at least 56", "more than 56" → best 56, low 56, high None;
    "nearly 300", "up to 70" → best N, low None, high N (vague);
    "about 50", "some 50" → best 50, low and high None (vague);
    "between 10 and 15", "10 to 15" → best 10, low 10, high 15;
    vague words follow VAGUE_QUANTITIES (vague).
    """
    match = _QUANTITY_FULL.fullmatch(re.sub(r"\s+of\s*$", "", phrase))
    if match is None:
        return None
    return _count_from(match, phrase.strip())


def is_aggregate_toll(sentence: str) -> bool:
    """Whether the sentence reports a cumulative toll (a war, an offensive, a period), not one event."""
    return _clause_is_aggregate(sentence)


def extract_counts(sentence: str, *, offset: int = 0) -> CasualtyCounts:
    """The killed and injured Counts of `sentence`; spans are `offset` + position."""
    return _extract(sentence, offset)


# --- implementation ---------------------------------------------------------------------------


def _count_from(match: re.Match, phrase: str) -> Count | None:
    qualifier = " ".join((match.group("qual") or "").lower().split())
    if match.group("vague"):
        word = " ".join(match.group("vague").lower().split())
        best, high = VAGUE_QUANTITIES[word]
        return Count(best, best, high, phrase=phrase, vague=True)
    if match.group("lo1") or match.group("lo2") or match.group("lo3"):
        low = parse_number(match.group("lo1") or match.group("lo2") or match.group("lo3"))
        high = parse_number(match.group("hi1") or match.group("hi2") or match.group("hi3"))
        if low is None or high is None or low > high:
            return None
        return Count(low, low, high, phrase=phrase)
    value = parse_number(match.group("num"))
    if value is None:
        return None
    if qualifier and re.fullmatch(_FLOOR, qualifier):
        return Count(value, value, None, phrase=phrase)
    if qualifier and re.fullmatch(_CEILING, qualifier):
        return Count(value, None, value, phrase=phrase, vague=True)
    if qualifier and re.fullmatch(_APPROX, qualifier):
        return Count(value, None, None, phrase=phrase, vague=True)
    return Count(value, value, value, phrase=phrase)


def _clause_is_aggregate(clause: str) -> bool:
    if not _CASUALTY_ANY.search(clause):
        return False
    strong = _AGGREGATE_STRONG.search(clause)
    if strong and not (strong.group(0).lower().startswith("since") and _SUPERLATIVE_SINCE.search(clause)):
        return True
    return bool(_PERFECT_CASUALTY.search(clause) and _AGGREGATE_PERIOD.search(clause))


def _clause_around(sentence: str, start: int, end: int) -> str:
    left = 0
    for brk in _CLAUSE_BREAK.finditer(sentence, 0, start):
        left = brk.end()
    right_break = _CLAUSE_BREAK.search(sentence, end)
    right = right_break.start() if right_break else len(sentence)
    return sentence[left:right]


@dataclass
class _Candidate:
    kind: str  # "killed" | "injured"
    count: Count
    rank: int  # lower wins: tolls beat first mentions
    start: int


@lru_cache(maxsize=4096)
def _extract_cached(sentence: str) -> tuple[tuple[_Candidate, ...], tuple[Count, ...]]:
    if not _CASUALTY_ANY.search(sentence):
        return (), ()
    candidates: list[_Candidate] = []
    aggregates: list[Count] = []

    def add(kind: str, qty: re.Match, rank: int, noun_phrase: str, anchor: int, anchor_end: int) -> None:
        start, end = qty.start("qty"), qty.end("qty")
        if _PRECEDED_BY_NON_COUNT.search(sentence[max(0, start - 20) : start]):
            return
        count = parse_quantity(qty.group("qty"))
        if count is None:
            return
        count.span_start, count.span_end = start, end
        count.civilians = _is_civilian(noun_phrase, sentence)
        count.claimed_by = _claimant(sentence, min(start, anchor))
        clause = _clause_around(sentence, min(start, anchor), max(end, anchor_end))
        if _clause_is_aggregate(clause):
            aggregates.append(count)
            return
        candidates.append(_Candidate(kind, count, rank, start))

    for m in _TOLL_RE.finditer(sentence):
        add("killed", m, 0, "", m.start(), m.end())
    for m in _SUBJECT_RE.finditer(sentence):
        after = sentence[m.end() :]
        if not m.group("aux").strip() and m.group("k") and m.group("word").lower() == "killed" and _ACTIVE_OBJECT.match(after):
            continue  # "Two gunmen killed 5 people": the count is the attackers
        if m.group("aux").strip().lower() in ("have", "has", "had") and m.group("word").lower() != "died":
            continue  # "militants have killed ...": active, the count is the killers
        kind = "killed" if m.group("k") else "injured"
        add(kind, m, 1, (m.group("np") or "") + (m.group("incl") or ""), m.start("word"), m.end("word"))
    for m in _OBJECT_RE.finditer(sentence):
        kind = "killed" if m.group("k") else "injured"
        add(kind, m, 1, (m.group("np") or "") + (m.group("incl") or ""), m.start("verb"), m.end("verb"))
    kinds = {c.kind for c in candidates}
    for m in _ZERO.finditer(sentence):
        zero_kinds = ["killed"] if (m.group("k") or m.group("zk")) else ["injured"] if (m.group("i") or m.group("zi")) else ["killed", "injured"]
        for kind in zero_kinds:
            if kind not in kinds:
                candidates.append(_Candidate(kind, Count(0, 0, 0, phrase=m.group(0), span_start=m.start(), span_end=m.end()), 2, m.start()))
        kinds.update(zero_kinds)
    for m in _SINGLE_OBJECT.finditer(sentence):
        kind = "killed" if m.group("k") else "injured"
        if kind in kinds or _clause_is_aggregate(_clause_around(sentence, m.start(), m.end())):
            continue
        article = m.group(0)[m.end("verb") - m.start() :].split()[0]
        start = sentence.index(article, m.end("verb"))
        count = Count(1, 1, 1, phrase=article, span_start=start, span_end=start + len(article))
        count.civilians = _is_civilian(m.group("np"), sentence)
        count.claimed_by = _claimant(sentence, m.start())
        candidates.append(_Candidate(kind, count, 2, m.start()))
        kinds.add(kind)
    for m in _SINGLE_VICTIM.finditer(sentence):
        kind = "killed" if m.group("k") else "injured"
        if kind in kinds or _clause_is_aggregate(_clause_around(sentence, m.start(), m.end())):
            continue
        count = Count(1, 1, 1, phrase=m.group(0).split()[0], span_start=m.start(), span_end=m.start() + len(m.group(0).split()[0]))
        count.civilians = _is_civilian(m.group("np"), sentence)
        candidates.append(_Candidate(kind, count, 2, m.start()))
        kinds.add(kind)
    if "killed" not in kinds:
        for m in _UNQUANTIFIED_KILLED.finditer(sentence):
            if _inside_quote(sentence, m.start()) or _clause_is_aggregate(_clause_around(sentence, m.start(), m.end())):
                continue
            # Deaths without a number: at least one, best unknown.
            count = Count(None, 1, None, phrase=m.group(0), span_start=m.start(), span_end=m.end(), vague=True)
            count.claimed_by = _claimant(sentence, m.start())
            candidates.append(_Candidate("killed", count, 3, m.start()))
            break
    return tuple(candidates), tuple(aggregates)


def _extract(sentence: str, offset: int) -> CasualtyCounts:
    candidates, aggregates = _extract_cached(sentence)
    result = CasualtyCounts(aggregate_tolls=[_shifted(c, offset) for c in aggregates])
    for kind in ("killed", "injured"):
        chosen = min((c for c in candidates if c.kind == kind), key=lambda c: (c.rank, c.start), default=None)
        if chosen is not None:
            setattr(result, kind, _shifted(chosen.count, offset))
    return result


def _shifted(count: Count, offset: int) -> Count:
    # Cached Counts are shared between calls: hand out copies.
    return Count(
        count.best, count.low, count.high, count.phrase,
        count.span_start + offset if count.span_start >= 0 else -1,
        count.span_end + offset if count.span_end >= 0 else -1,
        count.civilians, count.claimed_by, count.vague,
    )


def _inside_quote(sentence: str, position: int) -> bool:
    # Odd number of opening quotes before the position: a quotation is still open.
    before = sentence[:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _is_civilian(noun_phrase: str, sentence: str) -> bool:
    words = set(re.findall(r"[a-z]+", noun_phrase.lower()))
    if words & FIGHTER_WORDS and not (words & CIVILIAN_WORDS and "including" in words):
        return False
    if words & CIVILIAN_WORDS:
        return True
    return "people" in words and bool(_CIVILIAN_PLACE.search(sentence))


def _claimant(sentence: str, position: int) -> str:
    """Who claims the figure: the speaker of "X said it had killed", or of "X claimed"."""
    before = sentence[:position]
    self_claim = _SELF_CLAIM.search(before)
    if self_claim:
        return _subject(before[: self_claim.start()])
    claimed = None
    for claimed in _CLAIMED.finditer(before):
        pass
    if claimed is not None:
        return _subject(before[: claimed.start()])
    return ""


def _subject(text: str) -> str:
    """The noun phrase ending `text`, skipping appositives (", affiliated with IS,") and adverbs."""
    text = _TRAILING_ADVERBS.sub("", text)
    segments = [s.strip(" “”\"'") for s in re.split(r"[,;:(]", text)]
    for segment in reversed(segments):
        segment = _TRAILING_ADVERBS.sub("", segment).strip()
        if segment and (segment[0].isupper() or segment.lower().startswith(("the ", "a ", "an "))):
            return segment
    return ""
