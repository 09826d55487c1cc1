"""Numbers written as words or digits in wire copy: "twenty-five", "1,200", "1.2 million".

Dates and casualties both need to read "three days ago" and "two hundred people";
keeping the word table here gives them one spelling of each number.
"""

from __future__ import annotations

import re
from functools import lru_cache

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

# "a dozen" is a number, unlike "dozens", which is a vague quantity (see casualties).
DOZEN_WORDS = {"dozen": 12}

_WORD = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_SCALE = "hundred|thousand|million"

_CARDINAL = rf"(?:{_WORD})(?:[- ](?:{_WORD}))?"
# One regex source for a number written in words, used inside larger patterns.
# A bare "a" is left out (it is a number only in context: "a week ago");
# "a hundred", "a dozen" and "half a dozen" are in.
NUMBER_WORDS_PATTERN = (
    rf"(?:half\s+a\s+dozen|(?:{_CARDINAL}|an?)\s+dozen"
    rf"|(?:(?:{_CARDINAL}|an?)\s+(?:{_SCALE})(?:\s+(?:and\s+)?{_CARDINAL})?)+|{_CARDINAL})"
)
# Digits with thousands separators or a decimal before a scale word: "1,200", "1.2 million".
DIGITS_PATTERN = rf"\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?(?:\s+(?:{_SCALE}))?|\d+"

_SPLIT = re.compile(r"[\s-]+")
_DIGITS = re.compile(rf"^(\d[\d,]*(?:\.\d+)?)(?:\s+({_SCALE}))?$")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> int | None:
    """The integer written in `text` ("two hundred", "1,200", "1.2 million", "a dozen"), else None.

    Cached: wire copy repeats the same few numbers, and callers parse per sentence.
    """
    phrase = text.strip().lower()
    if not phrase:
        return None
    if phrase == "half a dozen":
        return 6
    digits = _DIGITS.match(phrase)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        if digits.group(2):
            value *= SCALES[digits.group(2)]
        return int(round(value))
    total = 0
    current = 0
    seen = False
    for word in _SPLIT.split(phrase):
        if word == "and":
            continue
        if word in ("a", "an"):
            current = 1
            seen = True
        elif word in UNITS:
            current += UNITS[word]
            seen = True
        elif word in TENS:
            current += TENS[word]
            seen = True
        elif word in DOZEN_WORDS:
            current = (current or 1) * DOZEN_WORDS[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in ("thousand", "million"):
            total += (current or 1) * SCALES[word]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None
