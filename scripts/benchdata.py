"""What the page benchmarks share: the process set up as a web worker is, and the database's events.

Shared by scripts/bench_reader.py, bench_admin.py and bench_api.py, which measure
at a million events and run `manage.py generate_events` once when the database
holds fewer (use a database of its own: generated rows are marked synthetic, but
they are rows).
"""

from __future__ import annotations

import sys

from django.core.management import call_command
from django.db import connection

from conflictdb.preload import load_and_freeze

# A database this close to the size asked for is measured as it is (no second generation run).
CLOSE_ENOUGH = 0.95


def load_like_a_web_worker() -> None:
    """Load and freeze the application as each gunicorn worker does (conflictdb/wsgi.py).

    Except for one thing: the benchmark collects garbage between its timed requests
    (`gc.collect()` before each). A worker collects once the response went out; the
    test client sends that signal before it returns, inside the timed call.
    """
    load_and_freeze(collect_after_responses=False)


def event_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        return cursor.fetchone()[0]


def fill_events(target: int, *, seed: int, generate: bool = True) -> int:
    """Generate events until the database holds about `target` (unless `generate` is off); returns the count."""
    have = event_count()
    if generate and have < target * CLOSE_ENOUGH:
        print(f"{have:,} events; generating {target - have:,} ...", file=sys.stderr)
        call_command("generate_events", target - have, seed=seed)
        have = event_count()
    return have
