#!/usr/bin/env python
"""Benchmark `manage.py ingest`: splitting and storing a synthetic corpus of wire stories.

    .venv/bin/python scripts/bench_ingest.py                    # 2,000 and 10,000 stories
    .venv/bin/python scripts/bench_ingest.py --sizes 10000 --keep-corpus /tmp/corpus

The corpus is built by varying the 15 distinct seed stories (headline, dateline
city, numbers, one paragraph naming the variant), written as wire dumps of
1,000 stories per file into a temporary folder, one story at a time. Each size
runs in a fresh process on a fresh throwaway database (`test_<name>` of
DATABASE_URL, dropped afterwards), with event extraction off, and reports:

* split   - stories/s for reading and splitting the files alone (no database);
* store   - stories/s for `ingest` end to end (read, split, one transaction per story);
* again   - stories/s for ingesting the same folder again (every story already known);
* peak RSS of the process, which stays flat as the corpus grows because files are streamed;
* CPU time per new story of this process and of its PostgreSQL backend: steadier than the
  rates on a machine whose speed varies (both run on the same cores; the wall time is about
  their sum, since each waits for the other);
* one core: the stories per second that sum allows, the rate on a single core that runs both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdb_bench_ingest")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

PER_FILE = 1000
CITIES = ["BEIRUT", "AMMAN", "BAGHDAD", "DAMASCUS", "ANKARA", "CAIRO", "TRIPOLI", "SANAA", "KABUL", "MOSUL", "ALEPPO", "GAZA", "BAMAKO", "MOGADISHU"]


def seed_stories():
    from extraction.splitter import split_dump

    unique = {}
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        for record in split_dump(path.read_text(encoding="utf-8")):
            unique.setdefault(record.fingerprint, record)
    return list(unique.values())


def variant(record, i: int, rng: random.Random) -> str:
    """Seed story `record` as the i-th synthetic story: same shape, different text."""
    city = CITIES[i % len(CITIES)]
    body = record.body.split("\n\n")
    if record.dateline:
        body[0] = city + body[0][len(record.dateline):]
    body = [re.sub(r"\b\d{2,3}\b", lambda m: str(int(m.group()) + rng.randint(1, 9)), p) for p in body]
    body.insert(min(2, len(body)), f"The report, number {i} in this series, was filed from {city.title()}.")
    parts = [f"{record.headline} ({city.title()}, {i})", record.caption, record.byline, "\n\n".join(body), record.credit]
    return "\n\n".join(p for p in parts if p)


def write_corpus(folder: Path, count: int) -> int:
    """Stories streamed to dumps of PER_FILE stories; returns the bytes written."""
    seeds, rng, written = seed_stories(), random.Random(count), 0
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, PER_FILE):
        with open(folder / f"dump_{start // PER_FILE:04d}.txt", "w", encoding="utf-8") as out:
            for i in range(start, min(start + PER_FILE, count)):
                text = variant(seeds[i % len(seeds)], i, rng) + "\n\n"
                written += out.write(text)
    return written


def measure(count: int, corpus: Path | None) -> dict:
    """One size, in this process: returns the figures as a dict."""
    import django

    django.setup()
    from django.db import connection

    from conflictdb.preload import freeze_loaded
    from events.ingest import finish_run, ingest_records, start_run
    from events.models import Story
    from extraction.sources import iter_story_inputs

    folder = corpus or Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    size = write_corpus(folder, count)

    started = time.perf_counter()
    split = sum(1 for _ in iter_story_inputs([folder]))
    split_s = time.perf_counter() - started

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    freeze_loaded()  # as manage.py ingest does
    try:
        runs, cpu = [], None
        for _ in range(2):
            run = start_run([str(folder)])
            backend = backend_cpu_seconds(connection)
            started, started_cpu = time.perf_counter(), time.process_time()
            result = ingest_records(iter_story_inputs([folder]), run=run)
            runs.append(time.perf_counter() - started)
            if cpu is None:  # the first run: every story new
                cpu = (time.process_time() - started_cpu, backend_cpu_seconds(connection) - backend)
            finish_run(run, result)
        stored = Story.objects.count()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "stories": count, "corpus_mb": round(size / 1048576, 1), "split_per_s": round(split / split_s),
        "store_per_s": round(count / runs[0]), "again_per_s": round(count / runs[1]), "stored": stored,
        "peak_rss_mb": round(peak_kb / 1024, 1), "failed": result.failed,
        "python_ms": round(cpu[0] / count * 1000, 2), "postgres_ms": round(cpu[1] / count * 1000, 2),
    }


def backend_cpu_seconds(connection) -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (Linux /proc; NaN elsewhere)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--keep-corpus", type=Path, help="Write the corpus here (per size: DIR/N) and keep it.")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size in this process
    args = parser.parse_args()
    if args.one:
        corpus = args.keep_corpus / str(args.one) if args.keep_corpus else None
        print(json.dumps(measure(args.one, corpus)))
        return
    print("| stories | corpus | split only | split + store | again (all known) | peak RSS | CPU per new story: Python + PostgreSQL | one core |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.sizes:
        command = [sys.executable, __file__, "--one", str(n)] + (["--keep-corpus", str(args.keep_corpus)] if args.keep_corpus else [])
        figures = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        assert figures["stored"] == n and figures["failed"] == 0, figures
        print(
            f"| {n:,} | {figures['corpus_mb']} MB | {figures['split_per_s']:,} stories/s | {figures['store_per_s']:,} stories/s "
            f"| {figures['again_per_s']:,} stories/s | {figures['peak_rss_mb']} MB "
            f"| {figures['python_ms']} + {figures['postgres_ms']} ms "
            f"| {1000 / (figures['python_ms'] + figures['postgres_ms']):,.0f} stories/s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
