import re
import string
import sys

import pytest

from extraction.caseless import FOLDED_APART, lowercase_pattern, lowered
from extraction.detection import _LOWERCASE_TRIGGERS, _TRIGGERS

# Every code point but the surrogates, which a str can hold but not encode.
ALL = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
SAFE = "".join(c for c in ALL if c not in FOLDED_APART)


def test_lowering_keeps_offsets():
    assert len(SAFE.lower()) == len(SAFE)


def test_ignorecase_on_ascii_letters_is_lowercase_equality():
    low = SAFE.lower()
    for letter in string.ascii_lowercase:
        ignorecase = {m.start() for m in re.finditer(letter, SAFE, re.IGNORECASE)}
        lowercase = {m.start() for m in re.finditer(letter, low)}
        assert ignorecase == lowercase, letter


@pytest.mark.parametrize("pattern", [r"\w", r"\d", r"\s", r"\b", r"[^\W\d_]"] + list(string.punctuation + " “”’"))
def test_lowering_keeps_character_classes(pattern):
    regex = re.compile(re.escape(pattern) if len(pattern) == 1 else pattern)
    low = SAFE.lower()
    assert [m.start() for m in regex.finditer(SAFE)] == [m.start() for m in regex.finditer(low)]


def test_lowered_refuses_texts_that_fold_apart():
    assert lowered("Al-Bukamal’s") == "al-bukamal’s"
    for c in FOLDED_APART:
        assert lowered(f"Dİyarbakır{c}") is None


def test_lowercase_pattern():
    assert lowercase_pattern(r"IEDs?|\bair ?strikes?") == r"ieds?|\bair ?strikes?"
    with pytest.raises(ValueError):
        lowercase_pattern(r"\W+")
    with pytest.raises(ValueError):
        lowercase_pattern("Şam")


def test_lowercase_triggers_match_as_ignorecase_ones():
    texts = [
        "SUICIDE BOMBER Blew Himself Up near the IED-laden Car Bombs, Rebels RECAPTURED the town.",
        "Government forces said they had recovered the air base; Warplanes Struck ISIS positions.",
        "An Air Raid, then raids by Russian aircraft; Police ARRESTED 30 protesters after the RIOTS.",
    ]
    for text in texts:
        low = lowered(text)
        for regex, lowercase in zip(_TRIGGERS.patterns, _LOWERCASE_TRIGGERS.patterns):
            assert [m.span() for m in regex.finditer(text)] == [m.span() for m in lowercase.finditer(low)]
