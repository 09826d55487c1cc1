#!/usr/bin/env python
"""Load-test conflictdb: gunicorn with several workers on a free port, locust against it, a summary table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdb_bench \\
        .venv/bin/python scripts/loadtest.py --duration 3m                 # the reader mix
    ... scripts/loadtest.py --mix available --duration 1m                  # before the reader pages exist
    ... scripts/loadtest.py --mix my_mix.json --users 20 --workers 4 --threads 4

One command: picks a free port, starts gunicorn (conflictdb/gunicorn_conf.py,
WEB_CONCURRENCY=--workers, GUNICORN_THREADS=--threads, access log off)
against DATABASE_URL, waits for /health/, samples filter values and event
ids from the database, runs `locust --headless` (scripts/locustfile.py) with
--users closed-loop users for --duration, prints requests/s, latency
percentiles and failures per URL of the mix, and stops gunicorn, also on
Ctrl-C or failure. Exits 1 when any request failed. Locust runs on the same
machine and takes CPU from the server: on 2 cores, the figures are a floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PUBLIC = ("extracted", "needs_review", "verified")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_values(database_url: str, n: int = 2000) -> dict:
    """Event ids, uids and filter values from the database, for the mix's placeholders."""
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT id, uid::text FROM events_event TABLESAMPLE SYSTEM (1) WHERE status = ANY(%s) LIMIT %s", [list(PUBLIC), n]
        )
        events = cursor.fetchall()
        if len(events) < 10:  # a small table: TABLESAMPLE may return nothing
            cursor.execute("SELECT id, uid::text FROM events_event WHERE status = ANY(%s) ORDER BY random() LIMIT %s", [list(PUBLIC), n])
            events = cursor.fetchall()
        cursor.execute("SELECT country_code FROM events_event WHERE country_code <> '' GROUP BY 1 ORDER BY count(*) DESC")
        countries = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT a.name FROM events_actor a WHERE EXISTS (SELECT 1 FROM events_event e WHERE e.actor1_id = a.id) ORDER BY a.id LIMIT 200"
        )
        actors = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT name FROM events_outlet ORDER BY id LIMIT 100")
        outlets = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT extract(year FROM max(event_date))::int FROM events_event")
        year = cursor.fetchone()[0]
    return {
        "event_ids": [e[0] for e in events] or [1], "event_uids": [e[1] for e in events] or ["00000000-0000-4000-8000-000000000000"],
        "countries": countries[:10] or ["SY"], "small_countries": countries[-10:] or ["SN"],
        "actors": actors or ["Civilians"], "outlets": outlets or ["Reuters"],
        "words": ["checkpoint", "market", "convoy", "hospital", "Kharkiv", "Aleppo", "protest", "wedding"],
        "year": (year - 1) if year else 2023,
    }


def start_gunicorn(port: int, args, env: dict) -> subprocess.Popen:
    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads),
           "GUNICORN_ACCESSLOG": os.devnull, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    log = open(args.server_log, "w", encoding="utf-8") if args.server_log else subprocess.DEVNULL
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "conflictdb.wsgi", "--config", "conflictdb/gunicorn_conf.py"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"loadtest: gunicorn exited with status {server.returncode} (see --server-log)")
        try:
            with urllib.request.urlopen(url + "/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"loadtest: {url}/health/ did not answer 200 within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's process group (graceful), SIGKILL if it has not gone after 25 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=25)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_locust(url: str, args, values: dict, prefix: str, env: dict) -> int:
    env = {**env, "LOADTEST_MIX": args.mix, "LOADTEST_VALUES": json.dumps(values), "LOADTEST_THINK": str(args.think)}
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless", "--host", url,
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.duration,
        "--csv", prefix, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]
    quiet = subprocess.DEVNULL if args.quiet_locust else None
    return subprocess.run(command, env=env, stdout=quiet, stderr=quiet, check=False).returncode


def summary(prefix: str) -> tuple[list[str], int, int]:
    """The Markdown table of locust's CSV stats; (lines, requests, failures)."""
    with open(prefix + "_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        "| URL | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total_requests = total_failures = 0
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        if row["Name"] == "Aggregated":
            total_requests, total_failures = requests, failures
        lines.append(
            f"| {name} | {requests:,} | {failures:,} | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    failures_file = Path(prefix + "_failures.csv")
    if failures_file.exists():
        with open(failures_file, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                lines.append(f"\nfailure: {row['Name']}: {row['Error']} ({row['Occurrences']} times)")
    return lines, total_requests, total_failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="default: $DATABASE_URL")
    parser.add_argument("--mix", default="reader", help="reader, available, or a JSON file (see scripts/locustfile.py)")
    parser.add_argument("--duration", default="3m", help="locust --run-time: 30s, 3m, 1h (default %(default)s)")
    parser.add_argument("--users", type=int, default=10, help="concurrent closed-loop users (default %(default)s)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default %(default)s)")
    parser.add_argument("--think", type=float, default=0, help="seconds each user waits between requests (default 0)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default %(default)s)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default %(default)s)")
    parser.add_argument("--server-log", help="write gunicorn's output here (default: discarded)")
    parser.add_argument("--csv", help="keep locust's CSV files with this prefix (default: a temporary folder)")
    parser.add_argument("--quiet-locust", action="store_true", help="hide locust's own end-of-run table")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")

    # All simulated users come from 127.0.0.1: the per-address API rate limit would refuse them as one client.
    env = {"API_RATE_LIMIT": "off", **os.environ, "DATABASE_URL": args.database_url, "PYTHONPATH": str(ROOT)}
    values = sample_values(args.database_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
        prefix = args.csv or os.path.join(folder, "locust")
        server = start_gunicorn(port, args, env)
        try:
            wait_healthy(url, server)
            load_before = os.getloadavg()[0]
            started = time.strftime("%Y-%m-%d %H:%M")
            status = run_locust(url, args, values, prefix, env)
            load_after = os.getloadavg()[0]
        finally:
            stop(server)
        lines, requests, failures = summary(prefix)
    print(f"\nloadtest {started}: mix {args.mix}, {args.users} users, think {args.think:g} s, {args.duration}, "
          f"gunicorn {args.workers} workers x {args.threads} threads; load average {load_before:.2f} before, {load_after:.2f} after\n")
    print("\n".join(lines))
    print(f"\n{requests:,} requests, {failures:,} failed")
    sys.exit(1 if failures or status not in (0, 1) else 0)


if __name__ == "__main__":
    main()
