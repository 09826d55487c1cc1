#!/usr/bin/env python
"""Benchmark `ingest --workers N` and `extract --all --workers N`: stories/s for each N.

    .venv/bin/python scripts/bench_workers.py                        # 1,000 stories, 1 and 2 workers
    .venv/bin/python scripts/bench_workers.py --stories 3000 --workers 1 2 4

The corpus is scripts/bench_ingest.py's (the seed stories, varied, as wire
dumps). For each N, in a fresh throwaway database (`<name>_workers` on the
server of DATABASE_URL, dropped afterwards), it times the real commands as a
user runs them: `manage.py ingest CORPUS --workers N` (store and extract
events, the default) and then `manage.py extract --all --workers N`
(re-extract every stored story). Process start-up is included: it is what a
user waits for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conflictdb")

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench_ingest import write_corpus  # noqa: E402


def throwaway_url(url: str) -> tuple[str, str, str]:
    """(admin URL on the `postgres` database, the throwaway database's URL, its name)."""
    base, _, name = url.rpartition("/")
    name = name.split("?")[0] + "_workers"
    return f"{base}/postgres", f"{base}/{name}", name


def recreate(admin_url: str, name: str, drop_only: bool = False) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def timed(command: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    admin_url, url, name = throwaway_url(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": url, "DB_STATEMENT_TIMEOUT_MS": "0"}
    manage = [sys.executable, "manage.py"]
    print(f"{args.stories:,} stories · {os.cpu_count()} cores · load average {os.getloadavg()[0]:.2f} at start · "
          f"{time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| workers | ingest + extract | stories/s | speed-up | extract --all | stories/s | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench_workers_") as folder:
        write_corpus(Path(folder), args.stories)
        first = None
        for workers in args.workers:
            recreate(admin_url, name)
            try:
                subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
                ingest_s, ingest_out = timed(manage + ["ingest", folder, "--quiet", "--workers", str(workers)], env)
                extract_s, extract_out = timed(manage + ["extract", "--all", "--quiet", "--workers", str(workers)], env)
            finally:
                recreate(admin_url, name, drop_only=True)
            assert ingest_out.startswith(f"{args.stories} read, {args.stories} new"), ingest_out
            assert extract_out.endswith(" 0 failed"), extract_out
            rates = (args.stories / ingest_s, args.stories / extract_s)
            first = first or rates
            print(f"| {workers} | {ingest_s:.1f} s | {rates[0]:.1f} | {rates[0] / first[0]:.2f}x "
                  f"| {extract_s:.1f} s | {rates[1]:.1f} | {rates[1] / first[1]:.2f}x |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
