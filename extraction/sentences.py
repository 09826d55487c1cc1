"""Sentences of a story body, with character offsets into that body.

Evidence points into `StoryRecord.body`, so sentences keep their offsets
instead of being copied out. Wire copy is regular enough for a rule-based
splitter: a sentence ends at `.`, `!` or `?` (plus any closing quote or
bracket) followed by white space and a capital, a digit or an opening quote,
unless the word before the stop is an abbreviation. Paragraphs (separated by
blank lines) always end a sentence.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Abbreviations that never end a sentence: titles and ranks precede a name.
TITLE_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "brig", "adm",
    "gov", "sen", "rep", "rev", "st", "prof", "pres", "sheikh", "no", "nos", "vs", "v", "etc.,",
    "jr", "sr", "messrs", "hon", "cmdr", "ft", "mt", "pt", "fig", "approx", "inc", "corp", "co", "ltd",
})
# Month abbreviations end a sentence only when no day number follows ("Feb. 19").
MONTH_ABBREVIATIONS = frozenset({
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
# Dotted abbreviations ("U.S.", "a.m.") end a sentence only before a word
# that usually opens one.
SENTENCE_OPENERS = frozenset({
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "But", "And", "In", "On", "At", "This",
    "That", "There", "These", "Those", "His", "Her", "Their", "Its", "Our", "After", "Before",
    "When", "While", "Since", "However", "Meanwhile", "Earlier", "Later", "Officials", "Police",
})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A stop, then closing quotes/brackets, then space, then what may open a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"\s+[\"“‘(\[]?([A-Za-z0-9]+)")


class Sentence(NamedTuple):
    """A sentence as `body[start:end]`; `paragraph` counts from 0."""

    text: str
    start: int
    end: int
    paragraph: int


def split_sentences(body: str) -> list[Sentence]:
    """Every sentence of `body` in order, stripped of surrounding white space."""
    sentences: list[Sentence] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraph_spans(body)):
        cursor = p_start
        for match in _BOUNDARY.finditer(body, p_start, p_end):
            if not _ends_sentence(body, match):
                continue
            _append(sentences, body, cursor, match.end(), paragraph)
            cursor = match.end()
        _append(sentences, body, cursor, p_end, paragraph)
    return sentences


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    return [(s, e) for s, e in spans if body[s:e].strip()]


def _ends_sentence(body: str, match: re.Match) -> bool:
    stop = match.group(0)
    if not stop.startswith("."):
        return True
    before = _WORD_BEFORE.search(body, max(0, match.start() - 30), match.start() + 1)
    if before is None:
        return True
    word = before.group(1)
    key = word.lower().rstrip(".")
    next_word = _NEXT_WORD.match(body, match.end())
    following = next_word.group(1) if next_word else ""
    if key in TITLE_ABBREVIATIONS:
        return False
    if key in MONTH_ABBREVIATIONS:
        return not following[:1].isdigit()
    if "." in word or (len(word) == 1 and word.isupper()):  # "U.S.", "a.m.", an initial "J."
        return following in SENTENCE_OPENERS
    return True


def _append(sentences: list[Sentence], body: str, start: int, end: int, paragraph: int) -> None:
    text = body[start:end]
    stripped = text.strip()
    if not stripped:
        return
    lead = len(text) - len(text.lstrip())
    start += lead
    sentences.append(Sentence(stripped, start, start + len(stripped), paragraph))
