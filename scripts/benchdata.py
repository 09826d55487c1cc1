"""The benchmark database's events: how many there are, and filling it up to a size.

Shared by scripts/bench_reader.py and scripts/bench_admin.py, which measure at a
million events and run `manage.py generate_events` once when the database holds
fewer (use a database of its own: generated rows are marked synthetic, but they
are rows).
"""

from __future__ import annotations

import sys

from django.core.management import call_command
from django.db import connection

# A database this close to the size asked for is measured as it is (no second generation run).
CLOSE_ENOUGH = 0.95


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
