#!/usr/bin/env python
"""Score event extraction against hand-annotated stories.

    .venv/bin/python scripts/score_extraction.py [--set seeds|holdout|fresh] [--as-ingested] [--verbose]

Splits the set's dumps (fixtures/seeds/, fixtures/holdout/ or fixtures/holdout/fresh/ *.txt) with
extraction.splitter, runs extraction.pipeline.extract_events on each story and
prints event precision, recall, F1 and per-field accuracy (extraction.scoring)
against the set's annotation (fixtures/annotations/seed_events.json,
holdout_events.json or fresh_events.json).

By default each story gets the publication date of its annotation (what an
ingest with --published would give). With --as-ingested it keeps what the
app gets from `manage.py ingest` without --published: the date the splitter
infers from the text (basis "inferred", a lower bound), or none. Undated
predictions then count as date errors, and still match a gold event when
type and place agree.
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
from extraction.scoring import Score, field_checks, find_gold, load_gold, report, score_story  # noqa: E402

SETS = {
    "seeds": (ROOT / "fixtures" / "seeds", ROOT / "fixtures" / "annotations" / "seed_events.json"),
    "holdout": (ROOT / "fixtures" / "holdout", ROOT / "fixtures" / "annotations" / "holdout_events.json"),
    "fresh": (ROOT / "fixtures" / "holdout" / "fresh", ROOT / "fixtures" / "annotations" / "fresh_events.json"),
}


def split_file(text: str, source_name: str = "") -> list[StoryRecord]:
    """Stories of a dump: extraction.splitter when present, else a fallback."""
    try:
        from extraction.splitter import split_dump
    except ImportError:
        return fallback_split(text)
    return list(split_dump(text, source_name=source_name))


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


def run(set_name: str = "seeds", *, as_ingested: bool = False, verbose: bool = False) -> Score:
    stories_dir, gold_path = SETS[set_name]
    gold = load_gold(gold_path)
    total = Score()
    seen = set()
    for path in sorted(stories_dir.glob("*.txt")):
        for story in split_file(path.read_text(encoding="utf-8"), path.name):
            entry = find_gold(gold, story.headline, path.name)
            if entry is None:
                print(f"no annotation for {path.name}: {story.headline!r}", file=sys.stderr)
                continue
            key = (entry.headline, tuple(entry.sources))
            if key in seen:  # the same story in two dumps is scored once
                continue
            seen.add(key)
            if not as_ingested:
                story.published = entry.published
                story.published_basis = "given"
            events = extract_events(story)
            label = f"{path.name[:3]} {story.headline[:50]}"
            before = (len(total.misses), len(total.false_alarms))
            score_story(label, events, entry.events, total)
            if verbose and (len(total.misses), len(total.false_alarms)) != before:
                print(f"## {label} (published {story.published}, {story.published_basis})")
    if verbose:
        print_details(total)
    return total


def print_details(total: Score) -> None:
    for label, g in total.misses:
        print(f"MISS  {label}: {g['sub_event_type']} {g['event_date']} {g['location']}")
    for label, p in total.false_alarms:
        print(f"EXTRA {label}: {p.sub_event_type} {p.date.event_date if p.date else None} "
              f"{p.place.name if p.place else None}: {p.notes}")
    for label, g, p in total.pairs:
        wrong = [k for k, ok in field_checks(p, g).items() if not ok]
        if wrong:
            print(f"FIELD {label}: {g['sub_event_type']} {g['location']} wrong: {', '.join(wrong)} -> "
                  f"{p.sub_event_type} | {p.date.event_date if p.date else None} | {p.place.name if p.place else None} | "
                  f"{p.actor1.name if p.actor1 else None} | {p.actor2.name if p.actor2 else None} | "
                  f"{p.killed.best if p.killed else None}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="seeds", help="which annotated stories (default seeds)")
    parser.add_argument("--as-ingested", action="store_true",
                        help="publication dates as ingest infers them (else none), not the annotation's")
    parser.add_argument("--verbose", action="store_true", help="list misses, false alarms and wrong fields")
    args = parser.parse_args()
    mode = "as ingested (inferred or no publication dates)" if args.as_ingested else "with the annotation's publication dates"
    print(f"{args.set}, {mode}")
    print(report(run(args.set, as_ingested=args.as_ingested, verbose=args.verbose)))


if __name__ == "__main__":
    main()
