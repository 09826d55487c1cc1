"""Several regexes searched in one scan of the text.

Detection runs some twenty trigger patterns over every sentence. Searched
one after the other, each scans the whole sentence, and nearly all that time
goes on positions where no pattern can start. A single lookahead of all of
them finds the few positions where at least one pattern matches; each
pattern is then tried only there, skipping positions inside its own previous
match, which is exactly what its own finditer would have returned.
"""

from __future__ import annotations

import re
from typing import Sequence


class PatternSet:
    """Compiled regexes that `finditer_each` searches together.

    The patterns must share their flags, use no backreferences, and never
    match the empty string (finditer treats empty matches differently).
    """

    def __init__(self, patterns: Sequence[re.Pattern]):
        if len({p.flags for p in patterns}) > 1:
            raise ValueError("the patterns of a PatternSet must share their flags")
        self.patterns = tuple(patterns)
        any_starts = "|".join(f"(?:{p.pattern})" for p in self.patterns)
        self._starts = re.compile(f"(?={any_starts})", self.patterns[0].flags if self.patterns else 0)

    def finditer_each(self, text: str) -> list[list[re.Match]]:
        """For each pattern, in order, the matches `pattern.finditer(text)` gives."""
        starts = [m.start() for m in self._starts.finditer(text)]
        found: list[list[re.Match]] = []
        for pattern in self.patterns:
            matches = []
            end = 0
            for position in starts:
                if position < end:
                    continue  # inside this pattern's previous match
                match = pattern.match(text, position)
                if match is not None:
                    if match.end() == position:
                        raise ValueError(f"empty match of {pattern.pattern!r}")
                    matches.append(match)
                    end = match.end()
            found.append(matches)
        return found
