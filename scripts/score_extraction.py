#!/usr/bin/env python
"""Score event extraction against the hand-annotated seed stories.

    .venv/bin/python scripts/score_extraction.py [--verbose]

Splits fixtures/seeds/*.txt with extraction.splitter (a plain fallback is used
while that module is not written), gives each story the publication date of
its annotation, runs extraction.pipeline.extract_events and prints event
precision, recall, F1 and per-field accuracy (extraction.scoring).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction.pipeline import extract_events  # noqa: E402
from extraction.records import StoryRecord  # noqa: E402
from extraction.scoring import Score, find_gold, load_gold, report  # noqa: E402

SEEDS = ROOT / "fixtures" / "seeds"


def split_file(text: str) -> list[StoryRecord]:
    """Stories of a dump: extraction.splitter when present, else a fallback."""
    try:
        from extraction.splitter import split_dump
    except ImportError:
        return fallback_split(text)
    return list(split_dump(text))


def fallback_split(text: str) -> list[StoryRecord]:
    """Headline, caption, byline, dateline paragraph ... credit line: enough for the seed dumps."""
    stories, current = [], []
    for line in text.split("\n"):
        current.append(line)
        if re.match(r"^\((?:Reporting|Additional reporting|Editing|Writing)", line) and re.search(r"[Ee]diting", line):
            stories.append(current)
            current = []
    records = []
    for lines in stories:
        paragraphs = [line.strip() for line in lines if line.strip()]
        start = next((i for i, p in enumerate(paragraphs) if re.match(r"^[A-Z][A-Z /]+\(", p)), 1)
        body = "\n\n".join(p for p in paragraphs[start:-1] if not p.startswith("(This version"))
        records.append(StoryRecord(headline=paragraphs[0], body=body, credit=paragraphs[-1]))
    return records


def run(verbose: bool = False) -> Score:
    gold = load_gold()
    total = Score()
    seen = set()
    for path in sorted(SEEDS.glob("*.txt")):
        for story in split_file(path.read_text(encoding="utf-8")):
            entry = find_gold(gold, story.headline, path.name)
            if entry is None:
                print(f"no annotation for {path.name}: {story.headline!r}", file=sys.stderr)
                continue
            key = (entry.headline, tuple(entry.sources))
            if key in seen:  # the same story in two dumps is scored once
                continue
            seen.add(key)
            story.published = entry.published
            story.published_basis = "given"
            events = extract_events(story)
            label = f"{path.name[:3]} {story.headline[:50]}"
            total_before = (len(total.misses), len(total.false_alarms))
            from extraction.scoring import score_story

            score_story(label, events, entry.events, total)
            if verbose and (len(total.misses), len(total.false_alarms)) != total_before:
                print(f"## {label}")
    if verbose:
        for label, g in total.misses:
            print(f"MISS  {label}: {g['sub_event_type']} {g['event_date']} {g['location']}")
        for label, p in total.false_alarms:
            print(f"EXTRA {label}: {p.sub_event_type} {p.date.event_date if p.date else None} "
                  f"{p.place.name if p.place else None}: {p.notes}")
        for label, g, p in total.pairs:
            wrong = [k for k, ok in __import__("extraction.scoring", fromlist=["x"]).field_checks(p, g).items() if not ok]
            if wrong:
                print(f"FIELD {label}: {g['sub_event_type']} {g['location']} wrong: {', '.join(wrong)} -> "
                      f"{p.sub_event_type} | {p.date.event_date} | {p.place.name} | "
                      f"{p.actor1.name if p.actor1 else None} | {p.actor2.name if p.actor2 else None} | "
                      f"{p.killed.best if p.killed else None}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses, false alarms and wrong fields")
    args = parser.parse_args()
    print(report(run(args.verbose)))


if __name__ == "__main__":
    main()
