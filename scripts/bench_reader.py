#!/usr/bin/env python
"""Benchmark what readers request, at a million events: the list, the API, the filterset's queries, the export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdb_bench \\
        .venv/bin/python scripts/bench_reader.py --events 1000000 --runs 15
    ... scripts/bench_reader.py --only export          # CSV export of the whole public set
    ... scripts/bench_reader.py --only queries --explain   # EXPLAIN ANALYZE of each filter's page query
    ... manage.py migrate events 0004 && ... scripts/bench_reader.py --only queries --no-migrate   # before 0005
    DB_STATEMENT_TIMEOUT_MS=5000 ... --only queries         # give up on a query after 5 s

Fills the database with `manage.py generate_events` when it holds fewer
events than --events (use a database of its own). Then, anonymous as a
reader, through Django's test client (server time: queries + rendering, no
network), warm cache, `--runs` requests per URL:

* `list`    - `/events/?<filters>`: each filter alone, combined, each sort, deep pages;
* `api`     - `/api/events/?<the same filters>`; deep pages by following `next` cursors;
* `queries` - the same filters applied by `EventFilterSet` directly: the page of 50 rows
  the list shows (as an OFFSET, also deeper than the list goes), and the count the list
  shows (`events.counting.estimated_count`: exact when cheap, else the planner's estimate);
  this works before the pages exist;
* `export`  - `/events/export.csv` of the whole public set, in a child process of its
  own: rows/s and the child's peak RSS;
* `shapes`  - (not in the default run) the search, actor and outlet cases with each of
  their two query shapes forced, and with the filterset's pick.

A URL that answers 404 is reported as "missing" (the page does not exist
yet), any other failure as "error <status>"; the run goes on. Targets: list
p95 < 150 ms, API p95 < 100 ms, export > 20,000 rows/s.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdb_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
os.environ.setdefault("DEBUG", "false")  # as in production: no SQL log, no debug pages
os.environ.setdefault("API_RATE_LIMIT", "off")  # one client asks for everything; the limit is not what is measured

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection, reset_queries  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scripts.benchdata import fill_events, load_like_a_web_worker  # noqa: E402

load_like_a_web_worker()

logging.getLogger("django.request").setLevel(logging.ERROR)  # a 400 is a result here, not news

LIST_TARGET_MS, API_TARGET_MS, EXPORT_TARGET_ROWS_S = 150, 100, 20_000
PAGE_SIZE = 50
SECTIONS = ("queries", "list", "api", "export", "shapes")
# The filters that pick between two query shapes from how many events match: (module, threshold).
SHAPE_CONSTANTS = {
    "actor": ("filtersets", "ACTOR_COLLECT_BELOW"), "q": ("searching", "COLLECT_BELOW"),
    "outlet": ("filtersets", "OUTLET_COLLECT_BELOW"),
}


# --- what to request ---------------------------------------------------------------------------


def sample_values() -> dict:
    """Filter values taken from the database: a big and a small country, actor, outlet, the last full year."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT country_code FROM events_event WHERE status <> 'rejected' GROUP BY 1 ORDER BY count(*) DESC"
        )
        countries = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT a.id, a.name FROM events_event e JOIN events_actor a ON a.id = e.actor1_id "
            "GROUP BY a.id, a.name ORDER BY count(*) DESC"
        )
        actors = cursor.fetchall()
        cursor.execute(
            "SELECT o.name FROM events_story s JOIN events_outlet o ON o.id = s.outlet_id GROUP BY o.name ORDER BY count(*) DESC"
        )
        outlets = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT extract(year FROM max(event_date))::int FROM events_event")
        year = (cursor.fetchone()[0] or 2024) - 1
    if not countries:
        raise SystemExit("no events: run with --events N (or manage.py generate_events N) first")
    return {
        "big_country": countries[0], "small_country": countries[-1], "year": year,
        "big_actor": actors[0][0], "small_actor": actors[len(actors) * 3 // 4][1],
        "big_outlet": outlets[0], "small_outlet": outlets[-1],
    }


def filter_cases(v: dict) -> list[tuple[str, dict]]:
    """(name, query parameters) of every filter alone, in combination, each sort, deep pages."""
    year = {"date_from": f"{v['year']}-01-01", "date_to": f"{v['year']}-12-31"}
    month = {"date_from": f"{v['year']}-06-01", "date_to": f"{v['year']}-06-30"}
    cases = [
        ("default (public, newest first)", {}),
        ("country: the biggest", {"country": v["big_country"]}),
        ("country: a small one", {"country": v["small_country"]}),
        ("date range: a year", year),
        ("date range: a month", month),
        ("event type", {"event_type": "Battles"}),
        ("sub-event type: a rare one", {"sub_event_type": "Suicide bomb"}),
        ("actor: the most frequent (id)", {"actor": str(v["big_actor"])}),
        ("actor: a rare one (name)", {"actor": v["small_actor"]}),
        ("fatalities at least 10", {"fatalities_min": "10"}),
        ("fatalities at least 100", {"fatalities_min": "100"}),
        ("outlet: the biggest", {"outlet": v["big_outlet"]}),
        ("outlet: a small one", {"outlet": v["small_outlet"]}),
        ("q: a common word (country name)", {"q": "Ukraine"}),
        ("q: a rare word", {"q": "wedding"}),
        ("q: two words", {"q": "convoy checkpoint"}),
        ("q: a word in every story", {"q": "witnesses"}),
        ("q: two common words that never meet", {"q": "Ukraine Syria"}),
        ("q: two words that nearly always meet", {"q": "Kharkiv Ukraine"}),
        ("time precision: month", {"time_precision": "3"}),
        ("geo precision: region", {"geo_precision": "3"}),
        ("verified only", {"verified": "true"}),
        ("civilian targeting", {"civilian_targeting": "true"}),
        ("country + year + type", {"country": v["big_country"], **year, "event_type": "Explosions/Remote violence"}),
        ("country + fatalities >= 10, most deadly first", {"country": v["big_country"], "fatalities_min": "10", "sort": "-fatalities"}),
        ("q + country", {"q": "checkpoint", "country": v["big_country"]}),
        ("outlet + month", {"outlet": v["small_outlet"], **month}),
        ("actor + year", {"actor": str(v["big_actor"]), **year}),
        ("verified + small country + precise", {"verified": "true", "country": v["small_country"], "time_precision": "1", "geo_precision": "1"}),
    ]
    for sort in ("date", "-date", "fatalities", "-fatalities", "country", "location", "type", "status", "-updated"):
        cases.append((f"sort: {sort}", {"sort": sort}))
    cases.append(("sort: -fatalities, a year", {"sort": "-fatalities", **year}))
    return cases


def extra_shape_cases(v: dict) -> list[tuple[str, dict]]:
    """Words and combinations between the extremes, for the shapes section."""
    return [
        ("q: a town", {"q": "Kharkiv"}), ("q: a keyword", {"q": "checkpoint"}),
        ("q: a word + a small country", {"q": "hospital", "country": v["small_country"]}),
    ]


def deep_cases() -> list[tuple[str, dict, int]]:
    """(name, parameters, page number) of deep pages (the list stops at page 200; the API pages by cursor)."""
    return [("page 20", {}, 20), ("page 200", {}, 200), ("sort: location, page 200", {"sort": "location"}, 200)]


def deep_query_cases() -> list[tuple[str, dict, int]]:
    """Deep pages as OFFSETs, also beyond the list's last page: what an OFFSET costs."""
    return deep_cases() + [("page 2,000 (OFFSET 99,950)", {}, 2000)]


# --- measuring ---------------------------------------------------------------------------------


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def measure_url(client: Client, url: str, runs: int) -> dict:
    response = client.get(url)  # warm: caches, plans, buffers
    if response.status_code == 404:
        return {"state": "missing"}
    if response.status_code != 200:
        return {"state": f"error {response.status_code}"}
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            gc.collect()
            started = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        if response.status_code != 200:
            return {"state": f"error {response.status_code}"}
    p50, p95 = percentiles(times)
    return {"state": "ok", "p50": p50, "p95": p95, "queries": queries}


def measure_queries(params: dict, page: int, runs: int, count_runs: int, explain: bool) -> dict:
    """The filterset's page query (50 rows, actors joined) and its COUNT; "timeout" past DB_STATEMENT_TIMEOUT_MS."""
    try:
        return _measure_queries(params, page, runs, count_runs, explain)
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            return {"state": f"timeout ({os.environ['DB_STATEMENT_TIMEOUT_MS']} ms)"}
        raise


def _measure_queries(params: dict, page: int, runs: int, count_runs: int, explain: bool) -> dict:
    from events.counting import estimated_count
    from events.filtersets import EventFilterSet
    from events.models import Event

    filterset = EventFilterSet(QueryDict(urlencode(params, doseq=True)), queryset=Event.objects.select_related("actor1", "actor2"))
    if not filterset.is_valid():
        return {"state": f"invalid: {filterset.error_message()}"}
    qs = filterset.qs
    start = (page - 1) * PAGE_SIZE
    list(qs[start:start + PAGE_SIZE])  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        list(qs[start:start + PAGE_SIZE])
        times.append((time.perf_counter() - started) * 1000)
    count_times, count = [], None
    for _ in range(count_runs):
        started = time.perf_counter()
        count = estimated_count(qs)
        count_times.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(times)
    result = {"state": "ok", "p50": p50, "p95": p95, "count": count, "count_ms": statistics.median(count_times) if count_times else None}
    if explain:
        result["plan"] = qs[start:start + PAGE_SIZE].explain(analyze=True, buffers=True)
    reset_queries()
    return result


def verdict(result: dict, target: float) -> str:
    if result["state"] != "ok":
        return result["state"]
    return "ok" if result["p95"] < target else "**over target**"


def cursor_url(client: Client, url: str, page: int) -> str:
    """The URL of page `page` of an API list, reached by following `next` links from `url`."""
    for _ in range(page - 1):
        response = client.get(url)
        if response.status_code != 200:
            return url
        following = response.json().get("next")
        if not following:
            break
        url = following.split("://", 1)[-1].split("/", 1)[-1]
        url = "/" + url
    return url


def run_urls(section: str, cases, deep, runs: int, target: float) -> list[str]:
    client = Client()
    base = "/events/" if section == "list" else "/api/events/"
    lines = [f"\n### {section}: `{base}` (target p95 < {target} ms)\n", "| Case | p50 ms | p95 ms | queries | result |", "|---|---:|---:|---:|---|"]
    print("\n".join(lines), flush=True)
    rows = [(name, base + ("?" + urlencode(params) if params else "")) for name, params in cases]
    for name, params, page in deep:
        if section == "list":
            rows.append((name, base + "?" + urlencode({**params, "page": str(page)})))
        else:  # the API pages by cursor: follow `next` to the page, then time that page
            first = base + ("?" + urlencode(params) if params else "")
            rows.append((f"{name} (cursor)", cursor_url(client, first, page)))
    for name, url in rows:
        result = measure_url(client, url, runs)
        lines.append(_row(name, url if len(url) < 160 else url[:60] + "...", result, target))
        print(lines[-1], flush=True)
        if result["state"] == "missing" and url == base:
            lines.append(f"| (every `{base}` URL skipped: the page does not exist yet) | | | | missing |")
            print(lines[-1], flush=True)
            break
    return lines


def _row(name: str, url: str, result: dict, target: float) -> str:
    if result["state"] != "ok":
        return f"| {name} (`{url}`) | | | | {result['state']} |"
    return f"| {name} (`{url}`) | {result['p50']:.0f} | {result['p95']:.0f} | {result['queries']} | {verdict(result, target)} |"


def run_queries(cases, deep, runs: int, count_runs: int, explain: bool) -> list[str]:
    lines = [
        "\n### queries: `EventFilterSet(...).qs`, page of 50 rows with actors (target p95 < 100 ms) and the list's count\n",
        "| Case | rows p50 ms | rows p95 ms | events (count shown) | count ms | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    print("\n".join(lines), flush=True)
    rows = [(name, params, 1) for name, params in cases] + deep_query_cases()
    for name, params, page in rows:
        result = measure_queries(params, page, runs, count_runs, explain)
        if result["state"] != "ok":
            lines.append(f"| {name} | | | | | {result['state']} |")
        else:
            count = "" if result["count"] is None else f"{'about ' if result['count'].estimated else ''}{result['count'].value:,}"
            count_ms = f"{result['count_ms']:.0f}" if result["count_ms"] is not None else ""
            lines.append(f"| {name} (`{urlencode(params)}`{', page ' + str(page) if page > 1 else ''}) | {result['p50']:.0f} | "
                         f"{result['p95']:.0f} | {count} | {count_ms} | {verdict(result, API_TARGET_MS)} |")
        print(lines[-1], flush=True)
        if explain and result.get("plan"):
            print(f"\n-- {name}\n{result['plan']}\n", flush=True)
    return lines


def run_shapes(cases, runs: int) -> list[str]:
    """Each search, actor and outlet case with both query shapes forced, and with the filterset's pick."""
    import importlib

    lines = [
        "\n### shapes: collect through the indexes vs check in list order vs the filterset's pick (p50 / p95 ms)\n",
        "| Case | collect | check in list order | picked |", "|---|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for name, params in cases:
        shape = next((c for key, c in SHAPE_CONSTANTS.items() if key in params), None)
        if shape is None:
            continue
        module, constant = importlib.import_module(f"events.{shape[0]}"), shape[1]
        default, cells = getattr(module, constant), []
        for value in (10**12, -1, default):
            setattr(module, constant, value)
            result = measure_queries(params, 1, runs, 0, False)
            cells.append(f"{result['p50']:.0f} / {result['p95']:.0f}" if result["state"] == "ok" else result["state"])
        setattr(module, constant, default)
        lines.append(f"| {name} (`{urlencode(params)}`) | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def export_child(query: str) -> dict:
    """In this (child) process: stream /events/export.csv?query and report rows, seconds, bytes, peak RSS."""
    client = Client()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/events/export.csv" + ("?" + query if query else ""))
    if response.status_code != 200:
        return {"state": f"error {response.status_code}"}
    rows, size = -1, 0  # rows end in \r\n (a line break inside a cell is a bare \n); the first is the header
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    return {
        "state": "ok", "rows": rows, "seconds": seconds, "bytes": size,
        "rss_before_mb": rss_before / 1024, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_export(queries: list[tuple[str, str]]) -> list[str]:
    lines = [
        f"\n### export: `/events/export.csv` (target > {EXPORT_TARGET_ROWS_S:,} rows/s), one child process each\n",
        "| Export | rows | seconds | rows/s | MB written | peak RSS MB (at start) | result |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    print("\n".join(lines), flush=True)
    for name, query in queries:
        output = subprocess.run(
            [sys.executable, __file__, "--export-child", query], capture_output=True, text=True, check=False, env=os.environ.copy()
        )
        try:
            result = json.loads(output.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {"state": "error: " + (output.stderr.strip().splitlines() or ["no output"])[-1][:200]}
        if result["state"] != "ok":
            lines.append(f"| {name} | | | | | | {result['state']} |")
        else:
            rate = result["rows"] / result["seconds"]
            lines.append(
                f"| {name} (`{query or 'no filter'}`) | {result['rows']:,} | {result['seconds']:.1f} | {rate:,.0f} | "
                f"{result['bytes'] / 1e6:,.0f} | {result['peak_rss_mb']:.0f} ({result['rss_before_mb']:.0f}) | "
                f"{'ok' if rate > EXPORT_TARGET_ROWS_S else '**under target**'} |"
            )
        print(lines[-1], flush=True)
    return lines


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="fill the database up to this many events")
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_events when it fills the database")
    parser.add_argument("--runs", type=int, default=15, help="requests per URL (after one warm-up)")
    parser.add_argument("--count-runs", type=int, default=3, help="COUNT queries per case in the queries section (0: skip)")
    parser.add_argument("--only", default="queries,list,api,export", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument("--match", default="", help="only the cases whose name contains this text")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of each page query")
    parser.add_argument("--no-generate", action="store_true", help="measure whatever the database holds")
    parser.add_argument("--no-migrate", action="store_true",
                        help="keep the schema as it is (before/after figures: `migrate events 0004` first)")
    parser.add_argument("--export-child", metavar="QUERY", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export_child is not None:
        print(json.dumps(export_child(args.export_child)))
        return
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section {', '.join(sorted(unknown))}; use {', '.join(SECTIONS)}")

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    have = fill_events(args.events, seed=args.seed, generate=not args.no_generate)
    values = sample_values()
    cases = [(n, p) for n, p in filter_cases(values) if args.match.lower() in n.lower()]
    deep = [(n, p, page) for n, p, page in deep_cases() if args.match.lower() in n.lower()]
    load = os.getloadavg()
    print(f"\n{have:,} events · {args.runs} runs per URL · Django test client, anonymous reader, DEBUG off · "
          f"load average {load[0]:.2f} at start · {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"values: {values}")
    for section in sections:
        if section == "queries":
            run_queries(cases, deep, args.runs, args.count_runs, args.explain)
        elif section in ("list", "api"):
            run_urls(section, cases, deep, args.runs, LIST_TARGET_MS if section == "list" else API_TARGET_MS)
        elif section == "shapes":
            run_shapes(cases + extra_shape_cases(values), args.runs)
        elif section == "export":
            run_export([
                ("whole public set", ""),
                ("one country, one year", f"country={values['small_country']}&date_from={values['year']}-01-01&date_to={values['year']}-12-31"),
            ])
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} at the end")


if __name__ == "__main__":
    main()
