#!/usr/bin/env python
"""Benchmark extract_events on 10,000 stories made from the seed stories.

    .venv/bin/python scripts/bench_extraction.py [--stories 10000] [--seed 1]

Each story is a seed story with its paragraphs after the lead shuffled, its
place names swapped for other towns and its numbers changed, so that caches
keyed on sentence text do not flatter the figure. Prints stories/s, events
found and peak memory (ru_maxrss) for one process on one core, and the same rate per
second of CPU time, which other processes on a shared machine distort far less.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction.pipeline import extract_events  # noqa: E402
from extraction.records import StoryRecord  # noqa: E402
from extraction.scoring import find_gold, load_gold  # noqa: E402
from scripts.score_extraction import split_file  # noqa: E402

# Towns swapped in for the seeds' places (all in the gazetteer).
TOWNS = ("Aleppo", "Homs", "Hama", "Idlib", "Raqqa", "Deir ez-Zor", "Palmyra", "Mosul", "Kirkuk", "Tikrit", "Ramadi",
         "Fallujah", "Baghdad", "Basra", "Sirte", "Benghazi", "Derna", "Misrata", "Diyarbakir", "Gaziantep", "Kabul",
         "Kandahar", "Aden", "Taiz", "Maiduguri", "Mogadishu", "Kismayo", "Gao", "Timbuktu", "Sanaa")
SEED_PLACES = ("Manbij", "Al-Bukamal", "Sabratha", "Istanbul", "Aleppo", "Maydaa", "Qayara", "Makhmour", "Ramadi",
               "Falluja", "Izmir", "Johannesburg", "al-Tanf", "Tripoli", "Sirte", "Damascus", "Mosul", "Baghdad")
_PLACE_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, SEED_PLACES)) + r")\b")
_NUMBER_RE = re.compile(r"\b\d{1,3}\b(?!,\d)")


def seed_stories() -> list[StoryRecord]:
    gold = load_gold()
    stories = []
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        for story in split_file(path.read_text(encoding="utf-8")):
            entry = find_gold(gold, story.headline, path.name)
            story.published = entry.published if entry else None
            stories.append(story)
    return stories


def variant(story: StoryRecord, rng: random.Random) -> StoryRecord:
    paragraphs = story.body.split("\n\n")
    rest = paragraphs[1:]
    rng.shuffle(rest)
    swap = {p: rng.choice(TOWNS) for p in SEED_PLACES}
    body = "\n\n".join([paragraphs[0], *rest])
    body = _PLACE_RE.sub(lambda m: swap[m.group(0)], body)
    body = _NUMBER_RE.sub(lambda m: str(max(1, int(m.group(0)) + rng.randint(-3, 9))), body)
    return StoryRecord(headline=story.headline, body=body, published=story.published, published_basis="given")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seeds = seed_stories()
    stories = [variant(seeds[i % len(seeds)], rng) for i in range(args.stories)]
    extract_events(seeds[0])  # load the gazetteer and the actor dictionary outside the timing
    started, cpu_started = time.perf_counter(), time.process_time()
    events = 0
    for story in stories:
        events += len(extract_events(story))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = sum(len(s.body) for s in stories)
    print(f"{len(stories)} stories ({chars / len(stories):.0f} chars each) in {elapsed:.1f} s: "
          f"{len(stories) / elapsed:.0f} stories/s, {events} events, peak RSS {peak_mb:.0f} MB; "
          f"CPU {cpu:.1f} s: {len(stories) / cpu:.0f} stories/s of CPU (steadier on a busy machine)")


if __name__ == "__main__":
    main()
