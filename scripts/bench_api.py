#!/usr/bin/env python
"""Benchmark /api/events/ pages at a million events: first pages, deep pages, sync pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdb_bench \\
        .venv/bin/python scripts/bench_api.py --runs 5

Fill the database first with `manage.py generate_events 1000000` (a database
of its own). Deep pages are requested with the cursor the API would have
issued for the row at that position (built here from the row's sort key), so
the cost of page 18,000 is measured without walking 18,000 pages. Prints p50
and p95 server time per request (Django's test client: query + JSON, no
network) as a Markdown table.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "60000")
os.environ.setdefault("API_RATE_LIMIT", "off")  # one client asks for everything; the limit is not what is measured

import django  # noqa: E402

django.setup()

from scripts.benchdata import load_like_a_web_worker  # noqa: E402

load_like_a_web_worker()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.api.pagination import cursor_token, sort_terms  # noqa: E402
from events.filtersets import EventFilterSet  # noqa: E402
from events.models import Event  # noqa: E402

SYNC = "updated_since=2000-01-01T00:00:00Z"
# (label, query string, row to start at or None, sync order)
CASES = [
    ("default order, first page of 50", "", None, False),
    ("default order, first page of 500", "limit=500", None, False),
    ("default order, page at row 900,000", "", 900_000, False),
    ("country=SY, first page", "country=SY", None, False),
    ("country=SY&sort=-fatalities, page at row 50,000", "country=SY&sort=-fatalities", 50_000, False),
    ("sync, first page of 500", f"{SYNC}&limit=500", None, True),
    ("sync, page of 500 at row 900,000", f"{SYNC}&limit=500", 900_000, True),
    ("q=strike (a word in a third of the stories)", "q=strike", None, False),
]


def cursor_at(query: str, row: int, sync: bool) -> str:
    """The cursor the API issues for the page that starts after `row` (found with one OFFSET query)."""
    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all(), tombstones=True)
    assert filterset.is_valid(), filterset.errors
    queryset = filterset.qs.order_by("updated_at", "id") if sync else filterset.qs
    terms = sort_terms(queryset)
    values = queryset.values_list(*(name for name, _, _ in terms))[row]
    return cursor_token(terms, [v.isoformat() if hasattr(v, "isoformat") else v for v in values])


def measure(url: str, runs: int) -> tuple[float, float, int, int]:
    client, times = Client(), []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            gc.collect()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], len(queries), len(response.json()["results"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{Event.objects.count():,} events\n")
    print("| request | p50 ms | p95 ms | queries | rows |\n|---|---:|---:|---:|---:|", flush=True)
    for label, query, row, sync in CASES:
        url = f"/api/events/?{query}"
        if row is not None:
            url += f"&cursor={cursor_at(query, row, sync)}"
        p50, p95, queries, rows = measure(url, args.runs)
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {queries} | {rows} |", flush=True)


if __name__ == "__main__":
    main()
