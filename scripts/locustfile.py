"""Locust users that read conflictdb as its readers do: the list with filters, events, the map, the API, small exports.

Run through scripts/loadtest.py (which starts gunicorn, passes the values
below and prints the summary); by hand:

    LOADTEST_VALUES='{"event_ids": [1, 2], ...}' LOADTEST_MIX=reader \\
        .venv/bin/locust -f scripts/locustfile.py --headless -u 10 -r 5 -t 1m --host http://127.0.0.1:8000

LOADTEST_MIX names a built-in mix (`reader`: every reader page and the API;
`available`: what needs no reader page, i.e. the health check, small exports
and the admin's login page) or a JSON file of
`[{"name": "list by country", "weight": 5, "path": "/events/?country={country}"}, ...]`.
Placeholders in braces take a random value of LOADTEST_VALUES each request
(lists: event_ids, event_uids, countries, small_countries, actors, outlets,
words; single: year). LOADTEST_THINK is the pause between a user's requests
in seconds (default 0: as fast as the server answers).
"""

from __future__ import annotations

import json
import os
import random
import string
from pathlib import Path

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

READER_MIX = [
    ("list: default", 8, "/events/"),
    ("list: country", 6, "/events/?country={country}"),
    ("list: country + year + type", 4, "/events/?country={country}&date_from={year}-01-01&date_to={year}-12-31&event_type=Battles"),
    ("list: q", 3, "/events/?q={word}"),
    ("list: fatalities >= 10, deadliest first", 2, "/events/?fatalities_min=10&sort=-fatalities"),
    ("list: actor + verified", 2, "/events/?actor={actor}&verified=true"),
    ("list: outlet + month", 2, "/events/?outlet={outlet}&date_from={year}-06-01&date_to={year}-06-30"),
    ("list: page 5", 2, "/events/?page=5"),
    ("event page", 20, "/events/{event_id}/"),
    ("map page", 2, "/events/map/"),
    ("map data: country", 6, "/events/map/data.json?country={country}"),
    ("api: country", 8, "/api/events/?country={country}"),
    ("api: year + fatalities >= 10", 4, "/api/events/?date_from={year}-01-01&date_to={year}-12-31&fatalities_min=10"),
    ("api: one event", 5, "/api/events/{event_uid}/"),
    ("export.csv: small country, one month", 3, "/events/export.csv?country={small_country}&date_from={year}-06-01&date_to={year}-06-30"),
    ("health", 5, "/health/"),
]
AVAILABLE_MIX = [
    ("health", 10, "/health/"),
    ("export.csv: small country, one month", 4, "/events/export.csv?country={small_country}&date_from={year}-06-01&date_to={year}-06-30"),
    ("export.csv: one event type, one week", 2, "/events/export.csv?event_type=Riots&date_from={year}-06-01&date_to={year}-06-07"),
    ("admin login page", 2, "/admin/login/"),
]
MIXES = {"reader": READER_MIX, "available": AVAILABLE_MIX}
DEFAULT_VALUES = {
    "event_ids": [1], "event_uids": ["00000000-0000-4000-8000-000000000000"], "countries": ["SY"],
    "small_countries": ["SN"], "actors": ["Civilians"], "outlets": ["Synthetic Wire"], "words": ["checkpoint"], "year": 2023,
}
LIST_KEYS = {"event_id": "event_ids", "event_uid": "event_uids", "country": "countries", "small_country": "small_countries",
             "actor": "actors", "outlet": "outlets", "word": "words"}


def load_mix(spec: str) -> list[tuple[str, int, str]]:
    if spec in MIXES:
        return MIXES[spec]
    entries = json.loads(Path(spec).read_text(encoding="utf-8"))
    return [(e["name"], int(e.get("weight", 1)), e["path"]) for e in entries]


MIX = load_mix(os.environ.get("LOADTEST_MIX", "reader"))
VALUES = {**DEFAULT_VALUES, **json.loads(os.environ.get("LOADTEST_VALUES") or "{}")}
FIELDS = {name for _, _, path in MIX for _, name, _, _ in string.Formatter().parse(path) if name}


def fill(path: str) -> str:
    """The path with a random value for each placeholder (URL-encoded)."""
    from urllib.parse import quote_plus

    values = {}
    for name in FIELDS:
        pool = VALUES.get(LIST_KEYS.get(name, name))
        value = random.choice(pool) if isinstance(pool, list) else pool
        values[name] = quote_plus(str(value), safe="-")
    return path.format(**values)


class Reader(FastHttpUser):
    """One reader: picks a URL of the mix by its weight, again and again."""

    wait_time = constant(float(os.environ.get("LOADTEST_THINK", "0")))
    names = [name for name, _, _ in MIX]
    weights = [weight for _, weight, _ in MIX]
    paths = {name: path for name, _, path in MIX}

    @task
    def read(self):
        name = random.choices(self.names, weights=self.weights)[0]
        with self.client.get(fill(self.paths[name]), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
