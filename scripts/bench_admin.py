#!/usr/bin/env python
"""Benchmark the curators' admin at a million events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdb_bench \\
        .venv/bin/python scripts/bench_admin.py --events 1000000 --runs 15

Fills the database with `manage.py generate_events` (synthetic events with
realistic shapes, events/synthetic.py) when it holds fewer events than
--events, then requests the Event changelist with each review-queue filter
through Django's test client, logged in as a curator, and prints p50 and p95
per URL as a Markdown table (server time: query + template, no network).
The database is never dropped; re-runs reuse its rows.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdb_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scripts.benchdata import fill_events, load_like_a_web_worker  # noqa: E402

load_like_a_web_worker()


# --- measurements ---------------------------------------------------------------------------


def cases(actor_id: int, year: int) -> list[tuple[str, str]]:
    y = f"date_from={year}-01-01&date_to={year}-12-31"
    return [
        ("queue (default: needs review)", ""),
        ("all statuses", "status=all"),
        ("not yet reviewed", "status=open"),
        ("verified", "status=verified"),
        ("event type", "event_type=Battles"),
        ("country", "country=SY"),
        (f"year {year}", y),
        ("undated", "undated=1"),
        ("confidence low", "confidence=low"),
        ("actor", f"actor={actor_id}"),
        ("disagreeing sources", "disagree=yes"),
        ("curated", "curated=yes"),
        ("country + type + year", f"country=SY&event_type=Explosions%2FRemote+violence&{y}"),
        ("all statuses, page 100", "status=all&p=100"),
        ("sort by fatalities, fewest first", "o=6"),
        ("sort by fatalities, deadliest first", "o=-6"),
        ("sort by fatalities, a country", "country=SY&o=-6"),
        ("sort by date, oldest first", "o=2"),
        ("sort by event number", "o=-1"),
        ("sort by type", "o=3"),
        ("sort by place", "o=5"),
        ("sort by confidence, lowest first", "o=8"),
        ("sort by status", "o=9"),
        ("search: a town", "q=Kharkiv"),
        ("search: two words (notes and headlines)", "q=convoy+Aleppo"),
        ("search: a word in most rows (not in the 300 ms target)", "q=killed"),
    ]


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            gc.collect()
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-generate", action="store_true", help="measure whatever the database holds")
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_events when it fills the database")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    have = fill_events(args.events, seed=args.seed, generate=not args.no_generate)

    from events.roles import make_curator

    user, _ = make_curator("bench-curator", password=None)
    client = Client()
    client.force_login(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor1_id, count(*) FROM events_event WHERE actor1_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        actor_id = cursor.fetchone()[0]
        cursor.execute("SELECT extract(year FROM max(event_date))::int FROM events_event")
        year = cursor.fetchone()[0] - 1
        cursor.execute("SELECT id FROM events_event WHERE status = 'needs_review' ORDER BY id DESC LIMIT 1")
        event_id = cursor.fetchone()[0]

    base = "/admin/events/event/"
    rows = [(name, base + ("?" + qs if qs else "")) for name, qs in cases(actor_id, year)]
    rows.append(("change page of one event", f"{base}{event_id}/change/"))
    rows.append(("history of one event", f"{base}{event_id}/history/"))
    rows.append(("actor autocomplete", "/admin/autocomplete/?app_label=events&model_name=event&field_name=actor1&term=Military"))

    print(f"\n{have:,} events · {args.runs} runs per URL · Django test client, logged in as a curator\n")
    print("| Page | p50 ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for name, url in rows:
        p50, p95, queries = measure(client, url, args.runs)
        print(f"| {name} (`{url.replace(base, '')}`) | {p50:.0f} | {p95:.0f} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
