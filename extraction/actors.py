"""Canonical actors found in text, from a curated alias dictionary.

The dictionary is data (`fixtures/actors.json`, a Django fixture of
`events.actor`) so curators extend it without code; the database passes its
Actor rows to `ActorMatcher(entries)` the same way. Country forces
("Turkish police", "Iraqi troops") are generated from demonyms rather than
listed one by one.

Matching walks a token trie once over the text: leftmost, then longest
alias wins, and matches never overlap. Case rules keep ordinary words out:
an all-caps alias ("IS", "SDF") matches only all-caps text, a capitalised
alias word ("Hawks", "Islamic State") only a capitalised word, so "is" and
"hawks" are never actors.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

from extraction.gazetteer import country_name, demonyms
from extraction.records import ActorMention

DEFAULT_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "actors.json"

STATE_FORCES = 1
EXTERNAL_FORCES = 8

# Words after a demonym that name a country's military or police.
MILITARY_WORDS = (
    "army", "military", "troops", "soldiers", "forces", "armed forces", "government forces",
    "government troops", "air force", "warplanes", "jets", "navy", "special forces", "marines",
)
POLICE_WORDS = ("police", "police forces", "security forces", "riot police", "police officers",
                "policemen", "gendarmerie", "counter-terrorism police", "counterterrorism police")
# Extra adjectival names of countries, beyond demonyms ("U.S. troops").
EXTRA_DEMONYMS = {"US": ["U.S.", "US"], "GB": ["UK", "U.K."]}
# Countries whose name takes "the": "Military Forces of the United States".
NAMES_WITH_THE = frozenset({"US", "GB", "NL", "PH", "CD", "CF", "AE", "CG", "GM", "BS"})

# Words that name a state force only through the story's country:
# "government forces" in a story about Iraq are Iraq's.
HINTED_MILITARY = ("government forces", "pro-government forces", "government troops",
                   "army", "the military", "troops", "soldiers", "regime forces")
HINTED_POLICE = ("police", "security forces", "police forces", "policemen", "counter-terrorism police",
                 "counterterrorism police")

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+|[^\w\s]")
_SKIPPED = frozenset({"-", "‐", "–"})  # "al-Qaeda" == "al Qaeda"
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "‘": "'"})


class ActorInfo(NamedTuple):
    name: str
    actor_type: int
    country: str


def military_name(iso2: str) -> str:
    return f"Military Forces of {_country(iso2)}"


def police_name(iso2: str) -> str:
    return f"Police Forces of {_country(iso2)}"


def _country(iso2: str) -> str:
    name = country_name(iso2)
    return f"the {name}" if iso2 in NAMES_WITH_THE else name


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) with hyphens dropped and apostrophes unified."""
    return [(m.group().translate(_APOSTROPHES), m.start(), m.end())
            for m in _TOKEN.finditer(text) if m.group() not in _SKIPPED]


def _edge(word: str) -> tuple[str, str]:
    """Trie edge of one alias word: its case rule and lowercase form."""
    lower = word.lower()
    if word.isupper() and any(c.isalpha() for c in word):
        return ("exact", word)
    if word[:1].isupper():
        return ("capital", lower)
    return ("any", lower)


@lru_cache(maxsize=16384)
def _edges_of(token: str) -> tuple[tuple[str, str], ...]:
    """The trie edges a text token may follow (cached: the same words recur in every story)."""
    lower = token.lower()
    edges = [("any", lower)]
    if token[:1].isupper():
        edges.append(("capital", lower))
    if token.isupper():
        edges.append(("exact", token))
    return tuple(edges)


class ActorMatcher:
    """Finds canonical actors in text with one pass of a token trie."""

    def __init__(self, entries: Iterable[dict], generated: bool = True):
        self._trie: dict = {}
        self._actors: dict[str, ActorInfo] = {}
        self._by_alias: dict[str, str] = {}
        explicit: set[tuple] = set()
        for entry in entries:
            info = ActorInfo(entry["name"], int(entry["actor_type"]), entry.get("country") or "")
            self._actors[info.name.lower()] = info
            for alias in [info.name, *(entry.get("aliases") or [])]:
                explicit.add(self._add(alias, info.name))
        if generated:
            self._add_country_forces(skip=explicit)
        for phrase in HINTED_MILITARY:
            self._add(phrase, "\0military")
        for phrase in HINTED_POLICE:
            self._add(phrase, "\0police")

    @classmethod
    def from_fixture(cls, path: Optional[str | Path] = None) -> "ActorMatcher":
        """Matcher over a Django fixture of events.actor (default fixtures/actors.json)."""
        rows = json.loads(Path(path or DEFAULT_FIXTURE).read_text(encoding="utf-8"))
        return cls(row["fields"] for row in rows if row.get("model", "events.actor") == "events.actor")

    def _add(self, alias: str, name: str, overwrite: bool = True) -> tuple:
        words = [t for t, _, _ in _tokens(alias)]
        path = tuple(_edge(w) for w in words)
        if not path:
            return path
        node = self._trie
        for edge in path:
            node = node.setdefault(edge, {})
        if overwrite or "" not in node:
            node[""] = name
        self._by_alias.setdefault(alias.lower(), name)
        return path

    def _add_country_forces(self, skip: set[tuple]) -> None:
        """"<Demonym> police" -> Police Forces of <Country>, and so on, for every demonym."""
        table = demonyms()
        for iso2, extra in EXTRA_DEMONYMS.items():
            table[iso2] = table.get(iso2, []) + extra
        for iso2, names in table.items():
            for kind_name, words in ((military_name(iso2), MILITARY_WORDS), (police_name(iso2), POLICE_WORDS)):
                if kind_name.lower() not in self._actors:
                    # Forces outside their own country are "external" (8) in ACLED;
                    # which country an event is in is the event's business.
                    self._actors[kind_name.lower()] = ActorInfo(kind_name, STATE_FORCES, iso2)
                for demonym in names:
                    for word in words:
                        alias = f"{demonym} {word}"
                        path = tuple(_edge(w) for w, _, _ in _tokens(alias))
                        if path not in skip:  # the fixture's own entry wins
                            self._add(alias, kind_name, overwrite=False)

    # -- lookup -----------------------------------------------------------------

    def get(self, name: str) -> Optional[ActorMention]:
        """The actor with this canonical name (or alias), without a text span."""
        if not name:
            return None
        info = self._actors.get(name.lower())
        if info is None:
            canonical = self._by_alias.get(name.lower())
            info = self._actors.get(canonical.lower()) if canonical and canonical[0] != "\0" else None
        if info is None:
            return None
        return ActorMention(name=info.name, mention="", actor_type=info.actor_type, country=info.country)

    @property
    def names(self) -> list[str]:
        return sorted(info.name for info in self._actors.values())

    def find(self, text: str, offset: int = 0, country_hint: Optional[str] = None) -> list[ActorMention]:
        """Actors named in `text`, in text order; spans are `offset` + position.

        `country_hint` (ISO2, the story's country) lets bare "government
        forces", "troops" or "police" name that country's forces; without it
        they are not reported.
        """
        if not text:
            return []
        tokens = _tokens(text)
        edges = [_edges_of(token) for token, _, _ in tokens]
        found: list[ActorMention] = []
        i = 0
        while i < len(tokens):
            match = self._longest(edges, i)
            if match is None:
                i += 1
                continue
            end, name = match
            info = self._resolve(name, country_hint)
            if info is not None:
                start, stop = tokens[i][1], tokens[end][2]
                found.append(ActorMention(
                    name=info.name, mention=text[start:stop], actor_type=info.actor_type,
                    country=info.country, span_start=offset + start, span_end=offset + stop,
                ))
            i = end + 1
        return found

    def _longest(self, edges: list[tuple], i: int) -> Optional[tuple[int, str]]:
        """(last token index, name) of the longest alias starting at token i."""
        best = None
        frontier = [self._trie]
        j = i
        while frontier and j < len(edges):
            next_frontier = []
            for node in frontier:
                for edge in edges[j]:
                    child = node.get(edge)
                    if child is not None:
                        next_frontier.append(child)
                        if "" in child:
                            best = (j, child[""])
            frontier = next_frontier
            j += 1
        return best

    def _resolve(self, name: str, country_hint: Optional[str]) -> Optional[ActorInfo]:
        if name == "\0military":
            return self._actors.get(military_name(country_hint).lower()) if country_hint else None
        if name == "\0police":
            return self._actors.get(police_name(country_hint).lower()) if country_hint else None
        return self._actors.get(name.lower())
