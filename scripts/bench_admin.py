#!/usr/bin/env python
"""Benchmark the curators' admin at a million events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdb_bench \\
        .venv/bin/python scripts/bench_admin.py --events 1000000 --runs 15

Fills the database when it holds fewer events than --events (with
`manage.py generate_events` when that command exists, else with the SQL
generator below), then requests the Event changelist with each review-queue
filter through Django's test client, logged in as a curator, and prints p50
and p95 per URL as a Markdown table (server time: query + template, no
network). The database is never dropped; re-runs reuse its rows.
"""

from __future__ import annotations

import argparse
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

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from extraction import taxonomy  # noqa: E402

COUNTRIES = ["SY", "IQ", "YE", "AF", "SO", "NG", "ML", "SD", "UA", "MM", "CD", "LY", "PK", "ET", "BF", "CF", "SS", "MZ", "CM", "NE"]
PAIRS = [(t, s) for t, subs in taxonomy.TAXONOMY.items() for s in subs]


# --- data -------------------------------------------------------------------------------------


def event_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT 1 FROM events_event LIMIT 2000000) t")
        return cursor.fetchone()[0]


def generate(n_events: int) -> None:
    """Synthetic stories, events and sources, made by PostgreSQL itself (INSERT ... SELECT generate_series)."""
    n_stories = max(1, int(n_events * 0.7))
    pair_types = "ARRAY[" + ",".join("'" + t.replace("'", "''") + "'" for t, _ in PAIRS) + "]"
    pair_subs = "ARRAY[" + ",".join("'" + s.replace("'", "''") + "'" for _, s in PAIRS) + "]"
    countries = "ARRAY[" + ",".join(f"'{c}'" for c in COUNTRIES) + "]"
    statements = [
        "INSERT INTO events_outlet (name, url) SELECT 'Bench outlet ' || i, '' FROM generate_series(1, 20) i ON CONFLICT DO NOTHING",
        """INSERT INTO events_actor (name, aliases, actor_type, country, notes)
           SELECT 'Bench actor ' || i, ARRAY['BA' || i, 'Bench alias ' || i], 1 + i % 8, '', ''
           FROM generate_series(1, 500) i ON CONFLICT DO NOTHING""",
        f"""INSERT INTO events_place (name, aliases, kind, admin1, country, country_code, latitude, longitude, gazetteer_id)
            SELECT 'Bench place ' || i, '{{}}', 'town', 'Region ' || (i % 40), '', ({countries})[1 + i % {len(COUNTRIES)}],
                   -60 + (i % 120), -170 + (i % 340), 'bench:' || i
            FROM generate_series(1, 2000) i ON CONFLICT DO NOTHING""",
        f"""INSERT INTO events_story (headline, headline_key, caption, byline, dateline, agency, body, credit, url,
                                      published, published_basis, published_evidence, fingerprint, extra, source_name,
                                      source_encoding, created_at, outlet_id)
            SELECT 'Bench story ' || i || ': clashes reported in district ' || (i % 997),
                   'bench story ' || i, '', '', '', 'Bench', repeat('Fighters clashed near the town on Tuesday, officials said. ', 6)
                   || 'At least ' || (i % 60) || ' people were killed.', '', 'https://example.org/bench/' || i,
                   DATE '2010-01-01' + (i::bigint * 7919 % 5475)::int, 'given', '', md5(i::text) || md5((i + 1000000000)::text), '{{}}', 'bench', 'utf-8', now(),
                   (SELECT min(id) FROM events_outlet) + i % 20
            FROM generate_series(1, {n_stories}) i""",
        f"""INSERT INTO events_event (uid, event_date, time_precision, event_type, sub_event_type, location, admin1, country,
                                      country_code, latitude, longitude, geo_precision, fatalities_best, fatalities_low,
                                      fatalities_high, civilian_targeting, notes, status, confidence, extracted, curated_fields,
                                      version, created_at, updated_at, actor1_id, actor2_id, place_id)
            SELECT gen_random_uuid(),
                   CASE WHEN i % 100 = 0 THEN NULL ELSE DATE '2010-01-01' + (i::bigint * 7919 % 5475)::int END,
                   1, ({pair_types})[1 + i % {len(PAIRS)}], ({pair_subs})[1 + i % {len(PAIRS)}],
                   'Bench place ' || (1 + i % 2000), 'Region ' || (i % 40), '', ({countries})[1 + ((i::bigint * i) % {len(COUNTRIES)})::int],
                   -60 + (i % 120), -170 + (i % 340), 1, i % 50, i % 50, i % 50 + i % 3, false,
                   'Synthetic event ' || i || ' for the admin benchmark.',
                   (ARRAY['extracted','extracted','extracted','extracted','extracted','needs_review','needs_review','verified','verified','rejected'])[1 + i % 10],
                   (i % 100) / 100.0, '{{}}', CASE WHEN i % 20 = 0 THEN ARRAY['fatalities_best'] ELSE '{{}}' END,
                   1, now(), now(),
                   (SELECT min(id) FROM events_actor) + i % 500,
                   CASE WHEN i % 2 = 0 THEN (SELECT min(id) FROM events_actor) + (i * 31) % 500 END,
                   (SELECT min(id) FROM events_place) + i % 2000
            FROM generate_series(1, {n_events}) i""",
        f"""INSERT INTO events_eventsource (evidence, fatalities_best, fatalities_low, fatalities_high, claimed_by, created_at, event_id, story_id)
            SELECT '[]', e.fatalities_best, e.fatalities_low, e.fatalities_high, '', now(), e.id,
                   (SELECT min(id) FROM events_story) + (e.id % {n_stories})
            FROM events_event e""",
        f"""INSERT INTO events_eventsource (evidence, fatalities_best, fatalities_low, fatalities_high, claimed_by, created_at, event_id, story_id)
            SELECT '[]', e.fatalities_best + CASE WHEN e.id % 3 = 0 THEN 5 ELSE 0 END, e.fatalities_low,
                   e.fatalities_high + CASE WHEN e.id % 3 = 0 THEN 5 ELSE 0 END, '', now(), e.id,
                   (SELECT min(id) FROM events_story) + ((e.id + {n_stories} / 2) % {n_stories})
            FROM events_event e WHERE e.id % 5 = 0""",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"  {sql.split()[2]:<22} {cursor.rowcount:>9} rows  {time.perf_counter() - started:6.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE events_event")
        cursor.execute("VACUUM ANALYZE events_eventsource")
        cursor.execute("VACUUM ANALYZE events_story")


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
        ("country + type + year", f"country=IQ&event_type=Explosions%2FRemote+violence&{y}"),
        ("all statuses, page 100", "status=all&p=100"),
        ("sort by fatalities", "o=6"),
        ("search: location (not in the 300 ms target)", "q=Bench+place+17"),
        ("search: headline (not in the 300 ms target)", "q=district+42"),
    ]


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
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
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    have = event_count()
    if have < args.events * 0.95 and not args.no_generate:
        print(f"{have} events; generating {args.events - have} ...", file=sys.stderr)
        if "generate_events" in get_commands():
            call_command("generate_events", args.events - have)
        else:
            generate(args.events - have)
        have = event_count()

    from events.roles import make_curator

    user, _ = make_curator("bench-curator", password=None)
    client = Client()
    client.force_login(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor1_id, count(*) FROM events_event GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        actor_id = cursor.fetchone()[0]
        cursor.execute("SELECT extract(year FROM max(event_date))::int FROM events_event")
        year = cursor.fetchone()[0] - 1
        cursor.execute("SELECT id FROM events_event WHERE status = 'needs_review' ORDER BY id DESC LIMIT 1")
        event_id = cursor.fetchone()[0]

    base = "/admin/events/event/"
    rows = [(name, base + ("?" + qs if qs else "")) for name, qs in cases(actor_id, year)]
    rows.append(("change page of one event", f"{base}{event_id}/change/"))
    rows.append(("history of one event", f"{base}{event_id}/history/"))
    rows.append(("actor autocomplete", "/admin/autocomplete/?app_label=events&model_name=event&field_name=actor1&term=actor+4"))

    print(f"\n{have:,} events · {args.runs} runs per URL · Django test client, logged in as a curator\n")
    print("| Page | p50 ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for name, url in rows:
        p50, p95, queries = measure(client, url, args.runs)
        print(f"| {name} (`{url.replace(base, '')}`) | {p50:.0f} | {p95:.0f} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
