import random
import re

import pytest

from extraction.detection import _LOWERCASE_TRIGGERS, _TRIGGERS
from extraction.patternset import PatternSet

TEXTS = [
    "",
    "Rebels recaptured the town, then retook it; the town was retaken by the army.",
    "Air strikes hit the city, taken by the rebels, after raids by Russian aircraft and shelling.",
    "SUICIDE BOMBER Blew Himself Up; a car bomb exploded; bombs, bombings and blasts.",
    "Police arrested 30 protesters after the riots; thousands marched in protest.",
]


def _spans(matches):
    return [(m.start(), m.end(), m.group()) for m in matches]


def test_each_pattern_finds_what_its_finditer_finds():
    patterns = [re.compile(p) for p in (r"ab", r"aba", r"b+", r"(?<=, )\w+", r"\ba\w*")]
    chosen = PatternSet(patterns)
    rng = random.Random(3)
    for _ in range(500):
        text = "".join(rng.choice("ab ,") for _ in range(rng.randint(0, 30)))
        assert [_spans(m) for m in chosen.finditer_each(text)] == [_spans(p.finditer(text)) for p in patterns]


@pytest.mark.parametrize("triggers", [_TRIGGERS, _LOWERCASE_TRIGGERS])
def test_trigger_lexicon(triggers):
    for text in TEXTS + [t.lower() for t in TEXTS]:
        assert ([_spans(m) for m in triggers.finditer_each(text)]
                == [_spans(p.finditer(text)) for p in triggers.patterns])


def test_refuses_mixed_flags_and_empty_matches():
    with pytest.raises(ValueError):
        PatternSet([re.compile("a"), re.compile("b", re.IGNORECASE)])
    with pytest.raises(ValueError):
        PatternSet([re.compile("a*")]).finditer_each("b")
