"""Place mentions in text, resolved to the gazetteer with ACLED geo-precision.

A sentence is split into word tokens once; runs of capitalised tokens
(with Arabic articles and "of" allowed inside) are looked up longest first in
the gazetteer's name dict, so the cost is a few dict lookups per capitalised
word whatever the size of the gazetteer.

Relative forms resolve to their anchor place: "north of Manbij" and
"Manbij's northern Hazawneh quarter" give Manbij with a `relation` and
geo_precision 2; "Homs province" gives the governorate with precision 3.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple, Optional

from extraction.caseless import lowered
from extraction.gazetteer import (
    COUNTRY_ABBREVIATIONS,
    MIN_POPULATION_MULTI_WORD,
    MIN_POPULATION_SINGLE_WORD,
    STOP_NAMES,
    STOPWORDS,
    Gazetteer,
    Place,
    country_name,
    demonym_country,
    normalise,
    resolve_country,
)
from extraction.records import PlaceResolution

__all__ = [
    "Gazetteer",
    "find_places",
    "country_hint",
    "country_name",
    "resolve_country",
    "demonym_country",
]

# Words, abbreviations like "U.S." and "al-Tanf"-style names; apostrophes
# and hyphens stay inside a token so "Ra's" and "Al-Bukamal" are one word.
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w’'`ʼ-]*[^\W_])?")
_POSSESSIVE = ("’s", "'s", "`s")
_ARTICLE_PREFIXED = re.compile(r"^(?:al|el|ad|as|ash|ar|az|ez|at|an|ad-d|ath)[-‘’'`][A-Z]")
# "Islamic State-held", "Britain-based": the name is an adjective there.
_ADJECTIVE_SUFFIXES = frozenset(
    "held controlled based backed led run linked affiliated born bound allied aligned "
    "funded made owned trained armed supported sponsored style".split()
)
# Lowercase words allowed between capitalised words of one name.
_CONNECTORS = frozenset("al el ad as ash ar az ez at an de del la le di da du des of bin ibn".split())
# Lowercase words allowed to end a name: "Qayara air base".
_FACILITY_WORDS = frozenset("air base airbase airfield airport crossing".split())
# Words after a name that make it part of a facility or road name, whose
# namesake abroad must not be taken for the place meant ("Castello road").
_FACILITY_AFTER = frozenset(
    "road highway street avenue air airbase airport base crossing dam camp prison bridge "
    "square hospital university mosque church school stadium".split()
)
_PROVINCE_WORDS = frozenset({"province", "governorate", "provinces", "governorates"})
_SPEECH_VERBS = frozenset(
    "said says told added wrote declined asked urged confirmed denied warned tweeted "
    "stated explained noted compared spoke insisted argued recalled".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
# Words after "U.S." that show it stands alone as a place, not as an adjective.
_AFTER_STANDALONE = frozenset(
    "and or but has had have is was were will would said says in on to for with which that "
    "as at by".split()
)
# Capitalised words that may precede a place without making it part of a
# longer proper name: "In Iraq", "But Aleppo".
_FUNCTION_WORDS = frozenset(
    "a an the in on at from to of and but or for with near by as after before since during "
    "while when where across into inside outside around between until unlike like if so "
    "than then that this these those there both either neither not no yet also only even "
    "once since through throughout via toward towards against within without under over".split()
)
# Words before a name that describe the place rather than start another name.
_PLACE_MODIFIERS = frozenset("old new greater rural upper lower".split())
# Words after a name that make it a newspaper, a channel or a group.
_NOT_PLACE_AFTER = frozenset(
    "newspaper daily agency channel television broadcaster magazine website radio "
    "tribe clan".split()
)
_CREDIT = re.compile(r"\b(?:[Rr]eporting|[Ww]riting|[Ee]diting) by\b")
_PREPOSITIONS = frozenset("in to from into across throughout inside of the within".split())

_DIRECTION = r"north|south|east|west|north-?east|north-?west|south-?east|south-?west"
_CITY_OF = r"(?:(?:[\w’'-]+\s+){0,5}?(?:city|town|village|capital|port|province|governorate)\s+of\s+)?"
_DIRECTION_BEFORE = re.compile(
    rf"(?:\b\d[\d.,]*\s*(?:km|kms|kilometers|kilometres|miles)\b(?:\s*\([^)]*\))?\s+)?"
    rf"\b({_DIRECTION})\s+of\s+(?:the\s+)?{_CITY_OF}$",
    re.IGNORECASE,
)
_NEAR_BEFORE = re.compile(
    rf"\b(near|nearby|close to|outside|around|in and around|on the outskirts of|the outskirts of|"
    rf"outskirts of|in the vicinity of|the vicinity of|vicinity of|on the edge of|the edge of|"
    rf"fringes of|the countryside of|countryside of|suburbs of|the suburbs of)\s+(?:the\s+)?{_CITY_OF}$",
    re.IGNORECASE,
)
_NEAR_RELATIONS = {
    "near": "near", "nearby": "near", "close to": "near", "outside": "outside",
    "around": "around", "in and around": "around", "vicinity of": "near",
    "outskirts of": "outskirts of", "edge of": "outskirts of", "fringes of": "outskirts of",
    "countryside of": "countryside of", "suburbs of": "suburbs of",
}
_PART_BEFORE = re.compile(
    r"\b(northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western)\s+(?:parts?\s+of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
# Words one of which every match of these patterns holds (see _Cues).
_DIRECTION_CUES = ("north", "south", "east", "west")
_NEAR_CUES = ("near", "close", "outside", "around", "outskirts", "vicinity", "edge", "fringes", "countryside",
              "suburbs")
_PART_CUES = ("ern", "central")
_SUBPLACE = r"((?:(?:al|el|ad|as|ash|ar|az)[-\s])?[A-Z][\w’'-]*(?:\s+(?:(?:al|el)[-\s])?[A-Z][\w’'-]*){0,2})"
_SUBPLACE_KINDS = r"quarter|district|neighbourhood|neighborhood|suburb|area|camp"
_SUBPLACE_BEFORE = re.compile(
    rf"\b(?:the\s+)?(?:[\w’'-]+\s+){{0,3}}?{_SUBPLACE}\s+({_SUBPLACE_KINDS})\s+of\s+(?:the\s+)?"
    rf"(?:city\s+of\s+)?$"
)
# The end every _SUBPLACE_BEFORE match must have ("... district of "): a search
# for it skips to the few windows worth the full, much slower, search.
_SUBPLACE_BEFORE_TAIL = re.compile(rf"(?:{_SUBPLACE_KINDS})\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$")
_SUBPLACE_AFTER_POSSESSIVE = re.compile(
    rf"\s+(?:(?:northern|southern|eastern|western|central|old)\s+)?{_SUBPLACE}\s+({_SUBPLACE_KINDS})\b"
)
_AREA_AFTER = re.compile(r"\s+(countryside|outskirts|suburbs)\b", re.IGNORECASE)
_PROVINCE_AFTER = re.compile(r"\s+(province|governorate)s?\b", re.IGNORECASE)
_PROVINCE_BEFORE = re.compile(r"\b(?:province|governorate)\s+of\s+(?:the\s+)?$", re.IGNORECASE)

_DEMONYM_TOWN_BEFORE = re.compile(
    r"\b([A-Z][a-z]+)\s+(?:(?:border|coastal|frontier|northern|southern|eastern|western)\s+)?"
    r"(?:town|city|village|capital|province|governorate|region)\s+of\s+(?:the\s+)?$"
)
_COUNTRY_AFTER = re.compile(r",\s+([A-Z][A-Za-z]+(?: [A-Z][a-z]+)?)\b(?!\s+[A-Z])")

MAX_NAME_TOKENS = 6


class _Token(NamedTuple):
    text: str
    start: int
    end: int  # possessive "’s" and adjective suffixes excluded
    cap: bool
    possessive: bool
    adjective: bool  # "State-held": the token was followed by an adjective suffix


def _tokens(text: str) -> list[_Token]:
    # Called on every sentence and on every story's opening: the cheap tests
    # come first ("s" before the possessive forms, "a"/"e" before the
    # article regex, whose every article starts with one of them).
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        start, match_end = match.span()
        possessive = adjective = False
        if word[-1] == "s" and word.endswith(_POSSESSIVE) and len(word) > 2:
            word, possessive = word[:-2], True
        elif word.endswith(("’", "'")):
            word, possessive = word[:-1], True
        if "-" in word:
            head, _, tail = word.rpartition("-")
            if tail in _ADJECTIVE_SUFFIXES and head:
                word, adjective = head, True
        if not word:
            continue
        if word[-1] == "." and match_end < len(text) and text[match_end] == "-":
            adjective = True  # "U.S.-led"
        first = word[0]
        cap = first.isupper() or (first in "ae" and _ARTICLE_PREFIXED.match(word) is not None)
        tokens.append(_Token(word, start, start + len(word), cap, possessive, adjective))
    return tokens


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """True when only spaces (or one hyphen) separate two tokens."""
    gap = text[left.end:right.start]
    return not left.possessive and not left.adjective and (gap == " " or gap == "-" or (gap.isspace() and "\n" not in gap))


class _Scanner:
    """Finds and resolves place names in one text."""

    def __init__(self, gazetteer: Gazetteer, text: str, offset: int, hint: Optional[str]):
        self.gaz = gazetteer
        self.text = text
        self.offset = offset
        self.hint = hint
        self.tokens = _tokens(text)
        # Title Case headlines capitalise every word: neighbours say nothing there.
        words = [t for t in self.tokens if t.text.lower() not in _FUNCTION_WORDS]
        # A credit line names people; its places follow "in" ("Reporting by
        # Lisa Barrington in Beirut").
        self.credit = bool(_CREDIT.search(text))
        self.title_case = (not self.credit and len(words) >= 4
                           and sum(t.cap for t in words) >= 0.8 * len(words))

    def run(self) -> list[PlaceResolution]:
        found: list[PlaceResolution] = []
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            if not tokens[i].cap:
                i += 1
                continue
            # Longest run of tokens that could form one name.
            last = i
            while last + 1 < len(tokens) and last - i + 1 < MAX_NAME_TOKENS and _joined(
                self.text, tokens[last], tokens[last + 1]
            ) and (tokens[last + 1].cap or tokens[last + 1].text.lower() in _CONNECTORS
                   or tokens[last + 1].text.lower() in _FACILITY_WORDS):
                last += 1
            matched = None
            for j in range(last, i - 1, -1):
                if not tokens[j].cap and tokens[j].text.lower() not in _FACILITY_WORDS:
                    continue
                resolution = self._resolve(i, j)
                if resolution is not None:
                    matched = (j, resolution)
                    break
            if matched is None:
                i += 1
                continue
            j, resolution = matched
            found.append(resolution)
            i = self._after_index(resolution, j)
        return _drop_nested(found)

    def _after_index(self, resolution: PlaceResolution, j: int) -> int:
        end = resolution.span_end - self.offset
        k = j + 1
        while k < len(self.tokens) and self.tokens[k].start < end:
            k += 1
        return k

    # -- resolving one candidate name -------------------------------------------

    def _resolve(self, i: int, j: int) -> Optional[PlaceResolution]:
        tokens, text = self.tokens, self.text
        start, end = tokens[i].start, tokens[j].end
        written = text[start:end]
        key = normalise(written)
        if not key or (key not in self.gaz and key not in self.gaz.admin1_index
                       and written not in COUNTRY_ABBREVIATIONS):
            return None  # most capitalised words: admin1() and choose() know no such name, skip the context
        after = end + (2 if tokens[j].possessive else 0)
        # "X province", "the province of X": the governorate.
        province_after = _PROVINCE_AFTER.match(text, after)
        if province_after or _PROVINCE_BEFORE.search(text[max(0, start - 40):start]):
            place = self.gaz.admin1(key, self._local_country(start, end) or self.hint)
            if place is not None:
                stop = end + (province_after.end() - after) if province_after else end
                return self._resolution(place, start, stop, "", 3)
        if written in COUNTRY_ABBREVIATIONS:
            return self._abbreviation(i, j, written)
        next_word = tokens[j + 1].text if j + 1 < len(tokens) else ""
        hint = self._local_country(start, end) or self.hint
        place = self.gaz.choose(key, hint) if key in self.gaz else None
        if place is not None and not self._acceptable(place, key, i, j, next_word, hint):
            place = None
        if place is None or (hint and place.iso2 != hint):
            # "fighting in Anbar": a governorate of the story's country beats
            # a foreign namesake town.
            province = self._admin1_alone(key, hint)
            if province is not None and (place is None or province.iso2 == hint):
                place = province
        return self._relate(place, i, j) if place is not None else None

    def _abbreviation(self, i: int, j: int, written: str) -> Optional[PlaceResolution]:
        """"in the U.S." is a place; "U.S. officials", "U.S.-led" are not."""
        token = self.tokens[j]
        if token.adjective or i == 0 or self.tokens[i - 1].text.lower() not in _PREPOSITIONS:
            return None
        following = self.text[token.end:token.end + 1]
        if following == " " and j + 1 < len(self.tokens):
            if self.tokens[j + 1].text.lower() not in _AFTER_STANDALONE:
                return None  # "the U.S. military"
        elif following and following not in ",;:)\n":
            return None
        place = self.gaz.country(COUNTRY_ABBREVIATIONS[written])
        return self._resolution(place, token.start, token.end, "", 3) if place else None

    def _local_country(self, start: int, end: int) -> Optional[str]:
        """The country the text itself gives a name: "the Syrian town of
        al-Shadadi", "Manbij, Syria". It outranks the story's country."""
        before = _DEMONYM_TOWN_BEFORE.search(self.text, max(0, start - 60), start)
        if before:
            return demonym_country(before.group(1))
        after = _COUNTRY_AFTER.match(self.text, end)
        if after:
            return resolve_country(after.group(1))
        return None

    def _admin1_alone(self, key: str, hint: Optional[str]) -> Optional[Place]:
        """A governorate named without "province" ("fighting in Anbar")."""
        if key in STOPWORDS or key not in self.gaz.admin1_index:
            return None
        found = self.gaz.admin1_index[key]
        if hint:
            return next((p for p in found if p.iso2 == hint), None)
        return found[0] if len(found) == 1 and len(key) >= 5 else None

    def _acceptable(self, place: Place, key: str, i: int, j: int, next_word: str,
                    hint: Optional[str]) -> bool:
        tokens = self.tokens
        nxt = tokens[j + 1] if j + 1 < len(tokens) and _joined(self.text, tokens[j], tokens[j + 1]) else None
        prev = tokens[i - 1] if i > 0 and _joined(self.text, tokens[i - 1], tokens[i]) else None
        # A capitalised neighbour makes the name part of a longer proper name
        # ("Syria Democratic Forces", "Abu Bakr al-Baghdadi").
        cap_next = (nxt is not None and nxt.cap and not self.title_case
                    and nxt.text.lower() not in _MONTHS | _PROVINCE_WORDS)
        cap_prev = (prev is not None and prev.cap and not self.title_case
                    and prev.text.lower() not in _FUNCTION_WORDS | _PLACE_MODIFIERS)
        if tokens[j].adjective:
            return False
        if self.credit and (i == 0 or tokens[i - 1].text != "in"):
            return False
        if nxt is not None and nxt.text.lower() in _NOT_PLACE_AFTER and not place.curated:
            return False
        if place.kind == "country":
            return not cap_next and not cap_prev
        in_hint = hint is not None and place.iso2 == hint
        if nxt is not None and nxt.text.lower() in _FACILITY_AFTER and not (place.curated or in_hint):
            return False
        if place.curated:
            return not cap_next or in_hint
        if hint and not in_hint and normalise(place.name) != key and key not in self.gaz.index:
            return False  # a foreign place known only by an alternate name: "Boni" is not Bonn, "Cano" not Kano
        single = i == j
        if (single and (key in STOPWORDS or demonym_country(key))) or key in STOP_NAMES:
            return False
        if cap_prev or (cap_next and place.population < 1000000):
            return False  # part of a longer name: "Vladimir Putin", "Yeni Safak"
        if single and tokens[i].text.isupper():
            if place.population < MIN_POPULATION_SINGLE_WORD:
                return False  # subheads such as "REVIVAL" and "CLASHES"
            if len(tokens[i].text) <= 4 and not self._dateline(i):
                return False  # acronyms such as "SANA" (the agency, not Sanaa)
        if place.population < 100000 and not in_hint and next_word.lower() in _SPEECH_VERBS:
            return False  # a person: "Garver said"
        if in_hint:
            return True
        minimum = MIN_POPULATION_SINGLE_WORD if single else MIN_POPULATION_MULTI_WORD
        return place.population >= minimum

    def _dateline(self, i: int) -> bool:
        """"GAZA (Reuters)", "AMMAN/BEIRUT": an all-caps word in a dateline."""
        token = self.tokens[i]
        after = self.text[token.end:token.end + 2]
        before = self.text[token.start - 1:token.start] if token.start else ""
        return after.startswith(("/", " (", ",")) or before == "/"

    # -- relative forms -----------------------------------------------------------

    def _relate(self, place: Place, i: int, j: int) -> PlaceResolution:
        tokens, text = self.tokens, self.text
        start, end = tokens[i].start, tokens[j].end
        wide = place.kind in ("country", "province", "region")
        before = text[max(0, start - 120):start]
        base = start - len(before)
        if tokens[j].possessive:
            sub = _SUBPLACE_AFTER_POSSESSIVE.match(text, end + 2)
            if sub:
                kind = sub.group(2).lower().replace("neighborhood", "neighbourhood")
                return self._resolution(place, start, sub.end(), f"{kind} of", 2, sub.group(1))
        sub = not wide and _SUBPLACE_BEFORE_TAIL.search(before) and _SUBPLACE_BEFORE.search(before)
        if sub:
            kind = sub.group(2).lower().replace("neighborhood", "neighbourhood")
            return self._resolution(place, base + sub.start(1), end, f"{kind} of", 2, sub.group(1))
        cues = _Cues(before)
        area = _AREA_AFTER.match(text, end)
        if area and not wide:
            part = cues.may_hold(_PART_CUES) and _PART_BEFORE.search(before)
            begin = base + part.start() if part else start
            return self._resolution(place, begin, area.end(), f"{area.group(1).lower()} of", 2)
        direction = cues.may_hold(_DIRECTION_CUES) and _DIRECTION_BEFORE.search(before)
        if direction:
            relation = f"{direction.group(1).lower().replace('-', '')} of"
            return self._resolution(place, base + direction.start(), end, relation, 3 if wide else 2)
        near = cues.may_hold(_NEAR_CUES) and _NEAR_BEFORE.search(before)
        if near:
            phrase = near.group(1).lower()
            stripped = re.sub(r"^(on |in |the )+", "", phrase)
            relation = _NEAR_RELATIONS.get(phrase) or _NEAR_RELATIONS.get(stripped, stripped)
            return self._resolution(place, base + near.start(), end, relation, 3 if wide else 2)
        part = cues.may_hold(_PART_CUES) and _PART_BEFORE.search(before)
        if part:
            relation = f"{part.group(1).lower().replace('-', '')} part of"
            return self._resolution(place, base + part.start(), end, relation, 3 if wide else 2)
        return self._resolution(place, start, end, "", None)

    def _resolution(self, place: Place, start: int, end: int, relation: str,
                    precision: Optional[int], subplace: str = "") -> PlaceResolution:
        resolution = place.resolution(self.text[start:end], self.offset + start, self.offset + end,
                                      relation, precision)
        if subplace:
            resolution.aliases = [subplace]
        return resolution


class _Cues:
    """Case-insensitive substring tests on a window of text.

    Run before a slow case-insensitive search of the window for a pattern
    whose every match holds one of some words: most windows hold none, and a
    substring test costs a fraction of the search. Only a necessary
    condition: a window that cannot be lowercased safely (see
    extraction.caseless) always passes.
    """

    def __init__(self, window: str):
        self.lowered = lowered(window)

    def may_hold(self, words: tuple[str, ...]) -> bool:
        """Whether the window may hold one of `words` (lowercase)."""
        return self.lowered is None or any(word in self.lowered for word in words)


def _drop_nested(found: list[PlaceResolution]) -> list[PlaceResolution]:
    """A place inside another's relative phrase ("the Douma district of Damascus"
    keeps Damascus with relation) is not reported twice."""
    kept = []
    for place in found:
        if any(o is not place and o.span_start <= place.span_start and place.span_end <= o.span_end
               and (o.span_end - o.span_start) > (place.span_end - place.span_start) for o in found):
            continue
        kept.append(place)
    return kept


def find_places(text: str, offset: int = 0, country_hint: Optional[str] = None) -> list[PlaceResolution]:
    """Every place mention in `text`, in text order; spans are `offset` + position.

    `country_hint` (ISO2, usually `country_hint(story)`) picks among homonyms
    and admits small places of that country that would otherwise be taken
    for ordinary words.
    """
    if not text:
        return []
    hint = (country_hint or "").upper() or None
    return _Scanner(Gazetteer.load(), text, offset, hint).run()


def country_hint(text: str) -> Optional[str]:
    """ISO2 of the country a story is mostly about, or None.

    Counts countries named (twice: naming a country is a stronger signal
    than naming a capital where a story was filed or a summit held),
    demonyms ("Syrian forces") and the countries of resolved towns; ties go
    to the country mentioned first.
    """
    if not text:
        return None
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    scanner = _Scanner(Gazetteer.load(), text, 0, None)
    for place in scanner.run():
        votes[place.iso2] += 2 if place.kind == "country" else 1
        first_seen.setdefault(place.iso2, place.span_start)
    for token in scanner.tokens:  # tokenised once for both passes
        if token.cap and not token.possessive:
            iso2 = demonym_country(token.text)
            if iso2:
                votes[iso2] += 1
                first_seen.setdefault(iso2, token.start)
    if not votes:
        return None
    return max(votes, key=lambda iso2: (votes[iso2], -first_seen[iso2]))
