"""Case-insensitive matching done by lowercasing the text once.

The re module's IGNORECASE folds the case of every character it compares,
which makes a search about twice as slow as a case-sensitive one. The
trigger lexicon runs some twenty searches on every sentence, so detection
lowercases each sentence once and matches lowercase patterns against it
case-sensitively instead; places does the same for substring tests.

That gives the same matches as IGNORECASE on the original text except for
a few characters: "İ", whose lowercase is two characters long (offsets
would shift), and "ı" and "ſ", which IGNORECASE matches to "i" and "s"
though str.lower() leaves them as they are. `lowered` returns None for a
text holding one of them, and callers then use IGNORECASE as before.
(extraction/tests/test_caseless.py checks this claim on every code point.)
"""

from __future__ import annotations

import re
from typing import Optional

# Characters for which str.lower() and re.IGNORECASE disagree on ASCII letters.
FOLDED_APART = ("İ", "ı", "ſ")

# Escapes that lowercasing a pattern would turn into others (\W into \w, ...).
_UPPERCASE_ESCAPE = re.compile(r"\\[A-Z]")


def lowered(text: str) -> Optional[str]:
    """`text` lowercased, or None when matching the lowercase would differ from IGNORECASE."""
    if any(c in text for c in FOLDED_APART):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


def lowercase_pattern(pattern: str) -> str:
    """A regex written for IGNORECASE, rewritten to match lowercased text case-sensitively.

    Only for patterns whose letters are ASCII: the equivalence is shown for those.
    """
    if _UPPERCASE_ESCAPE.search(pattern):
        raise ValueError(f"pattern has an escape that lowercasing would change: {pattern!r}")
    if any(c.isalpha() and not c.isascii() for c in pattern):
        raise ValueError(f"pattern has a non-ASCII letter: {pattern!r}")
    return pattern.lower()
