"""Precision, recall and per-field accuracy of extracted events against hand annotations.

Gold events live in fixtures/annotations/seed_events.json, one entry per story
version (headline + source files). A predicted event matches a gold event of
the same story when the event types agree and the place or the date agrees;
pairs are taken greedily, best first, so each gold event is matched at most
once. Fields are then compared on the matched pairs only; `*_also` lists in
the gold give other codings a careful coder could defend.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from extraction.records import EventRecord

FIELDS = ("event_type", "sub_event_type", "date", "place", "country", "actor1", "actor2", "fatalities")
# Below this confidence, or with an uncertain date, an event waits for a curator (events.curation).
REVIEW_CONFIDENCE = 0.6
DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "fixtures" / "annotations" / "seed_events.json"


@dataclass
class GoldStory:
    headline: str
    sources: list[str]
    published: Optional[dt.date]
    events: list[dict]


@dataclass
class Score:
    """Counts behind the figures, so that several runs can be added up."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0
    undated: int = 0  # predictions with no event date
    for_review: int = 0  # predictions that would wait in "needs review"
    field_right: dict = field(default_factory=lambda: {f: 0 for f in FIELDS})
    misses: list = field(default_factory=list)  # (story, gold event) not found
    false_alarms: list = field(default_factory=list)  # (story, EventRecord) not in gold
    pairs: list = field(default_factory=list)  # (story, gold, EventRecord)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        return self.field_right[name] / self.matched if self.matched else 0.0


def load_gold(path: Path | str = DEFAULT_GOLD) -> list[GoldStory]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [GoldStory(s["headline"], s["sources"], dt.date.fromisoformat(s["published"]) if s.get("published") else None,
                      s["events"]) for s in data["stories"]]


def find_gold(gold: list[GoldStory], headline: str, source: str) -> Optional[GoldStory]:
    """The gold entry of a story: same headline, and the source file when versions differ."""
    same = [g for g in gold if _key(g.headline) == _key(headline)]
    for g in same:
        if source in g.sources:
            return g
    return same[0] if len(same) == 1 else None


def score_story(story_label: str, predicted: list[EventRecord], gold_events: list[dict], total: Score) -> None:
    """Match one story's predictions to its gold events and add the counts to `total`."""
    total.predicted += len(predicted)
    total.gold += len(gold_events)
    total.undated += sum(1 for p in predicted if p.date is None or p.date.event_date is None)
    total.for_review += sum(1 for p in predicted if needs_review(p))
    candidates = []
    for gi, g in enumerate(gold_events):
        for pi, p in enumerate(predicted):
            if not _type_ok(p, g):
                continue
            place, date = place_ok(p, g), date_ok(p, g)
            if place or date:
                candidates.append((place + date + (p.sub_event_type in _subs(g)), gi, pi))
    used_g, used_p = set(), set()
    for _, gi, pi in sorted(candidates, key=lambda c: -c[0]):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g, p = gold_events[gi], predicted[pi]
        total.matched += 1
        total.pairs.append((story_label, g, p))
        for name, right in field_checks(p, g).items():
            total.field_right[name] += int(right)
    total.misses += [(story_label, g) for gi, g in enumerate(gold_events) if gi not in used_g]
    total.false_alarms += [(story_label, p) for pi, p in enumerate(predicted) if pi not in used_p]


def needs_review(p: EventRecord) -> bool:
    """Whether the event writer would file this prediction under "needs review" (events.curation.review_reasons)."""
    undated = p.date is None or p.date.event_date is None
    return (undated or not p.date.certain or p.place is None or p.actor1 is None
            or p.confidence < REVIEW_CONFIDENCE)


def field_checks(p: EventRecord, g: dict) -> dict[str, bool]:
    return {
        "event_type": p.event_type == g["event_type"],
        "sub_event_type": p.sub_event_type in _subs(g),
        "date": date_ok(p, g),
        "place": place_ok(p, g),
        "country": bool(p.place) and p.place.iso2 == g["country"],
        "actor1": _actor_ok(p.actor1, g, "actor1"),
        "actor2": _actor_ok(p.actor2, g, "actor2"),
        "fatalities": _fatalities_ok(p, g),
    }


def date_ok(p: EventRecord, g: dict) -> bool:
    """The predicted day is the gold day (±1), or lies in the gold span when the gold is not to the day."""
    if p.date is None or p.date.event_date is None:
        return False
    day = p.date.event_date
    gold_day = dt.date.fromisoformat(g["event_date"])
    if abs((day - gold_day).days) <= 1:
        return True
    start = dt.date.fromisoformat(g.get("date_start") or g["event_date"])
    end = dt.date.fromisoformat(g.get("date_end") or g["event_date"])
    return g.get("time_precision", 1) > 1 and start - dt.timedelta(days=1) <= day <= end + dt.timedelta(days=1)


def place_ok(p: EventRecord, g: dict) -> bool:
    if p.place is None:
        return False
    names = {_key(n) for n in [g["location"], *g.get("location_also", [])]}
    return bool({_key(p.place.name), _key(p.place.mention)} & names) and p.place.iso2 == g["country"]


def _type_ok(p: EventRecord, g: dict) -> bool:
    return p.event_type == g["event_type"] or p.sub_event_type in _subs(g)


def _subs(g: dict) -> set[str]:
    return {g["sub_event_type"], *g.get("sub_event_also", [])}


def _actor_ok(actor, g: dict, name: str) -> bool:
    allowed = {g.get(name), *g.get(f"{name}_also", [])}
    return (actor.name if actor else None) in allowed


def _fatalities_ok(p: EventRecord, g: dict) -> bool:
    gold = g.get("fatalities")
    best = p.killed.best if p.killed else None
    return best == (gold["best"] if gold else None)


def _key(name: str) -> str:
    """Names compared loosely: accents, case, punctuation and a leading "al" do not count."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"^(?:al|el|ash|as|at|ad|an|ar)[- ]", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def report(score: Score) -> str:
    """The figures as printed by scripts/score_extraction.py."""
    lines = [
        f"stories' events: gold {score.gold}, predicted {score.predicted}, matched {score.matched}",
        f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}",
        f"predicted events without a date: {score.undated}; that would wait for review: {score.for_review}",
        "per-field accuracy on matched events:",
    ]
    lines += [f"  {name:<15} {score.accuracy(name):.3f}  ({score.field_right[name]}/{score.matched})" for name in FIELDS]
    return "\n".join(lines)
