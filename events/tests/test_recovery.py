"""Recovery: the app outlives a database restart and a killed ingest.

Each test runs against a PostgreSQL server of its own (throwaway_postgres.py),
never the shared one, since the point is to restart or interrupt it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from events.tests.throwaway_postgres import ThrowawayPostgres

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(REPO_ROOT / "manage.py")]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
ADMIN_PASSWORD = "recovery-pass-123"


@pytest.fixture
def postgres(tmp_path):
    server = ThrowawayPostgres(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def app_env(database_url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DB_CONN_MAX_AGE": "600", "CONFLICTDB_ENV": "development", "DEBUG": "false"}
    env.pop("REPLICA_DATABASE_URL", None)
    env.update(extra)
    return env


def prepared_database(postgres: ThrowawayPostgres) -> str:
    """A migrated database with an administrator, as `scripts/run` leaves it."""
    url = postgres.create_database("conflictdb")
    env = app_env(url, DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD)
    subprocess.run([*MANAGE, "migrate", "--noinput"], env=env, check=True, capture_output=True, cwd=REPO_ROOT)
    subprocess.run(
        [*MANAGE, "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.org"],
        env=env, check=True, capture_output=True, cwd=REPO_ROOT,
    )
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, deadline: float = 30) -> None:
    start = time.monotonic()
    while time.monotonic() - start < deadline and process.poll() is None:
        try:
            if requests.get(f"{base}/health/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {base}/health/ within {deadline} s (exit code {process.poll()})")


def logged_in_session(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=5)
    response = session.post(
        f"{base}/admin/login/",
        data={"username": "admin", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"},
        headers={"Referer": f"{base}/admin/login/"},
        timeout=5,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


@pytest.mark.slow
def test_gunicorn_answers_again_after_postgresql_restarts(postgres, tmp_path):
    url = prepared_database(postgres)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    env = app_env(url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    with log.open("w") as out:
        gunicorn = subprocess.Popen(
            [GUNICORN, "-c", str(REPO_ROOT / "conflictdb" / "gunicorn_conf.py"), "conflictdb.wsgi:application"],
            env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, gunicorn)
        session = logged_in_session(base)
        # /admin/ reads the session and the user from the database on every request; the
        # reader pages, where they exist, read events.
        pages = ["/health/", "/admin/"] + [p for p in ("/events/", "/api/events/") if session.get(base + p, timeout=10).status_code == 200]
        for _ in range(10):  # enough for both workers to hold a persistent connection
            for page in pages:
                assert session.get(base + page, timeout=10).status_code == 200, page

        postgres.restart()

        answers = [(page, session.get(base + page, timeout=10).status_code) for _ in range(10) for page in pages]
        assert [a for a in answers if a[1] != 200] == []
        assert gunicorn.poll() is None
        booted = re.findall(r"Booting worker with pid: (\d+)", log.read_text())
        assert len(booted) == 2, "a worker was restarted: the app did not recover by itself\n" + log.read_text()[-2000:]
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


# --- a killed ingest ---------------------------------------------------------------------------

TOWNS = ["Manbij", "Raqqa", "Mosul", "Aleppo", "Idlib", "Deir ez-Zor", "Homs", "Kirkuk", "Tikrit", "Fallujah"]
FEED_FILES, STORIES_PER_FILE = 6, 60


def write_feed(folder: Path) -> list[str]:
    """JSON-lines files of distinct stories that each report an event; returns the headlines."""
    import json

    folder.mkdir()
    headlines = []
    for f in range(FEED_FILES):
        lines = []
        for i in range(STORIES_PER_FILE):
            n = f * STORIES_PER_FILE + i
            town = TOWNS[n % len(TOWNS)]
            headline = f"Air strike kills {n + 3} in {town} (report {n})"
            body = (
                f"BEIRUT (Reuters) - An air strike killed {n + 3} people in the Syrian town of {town} on Tuesday, "
                f"a monitoring group said in report number {n}. The Syrian Observatory for Human Rights said the dead included children."
            )
            lines.append(json.dumps({"headline": headline, "body": body, "published": f"2016-07-{1 + n % 28:02d}", "outlet": "Reuters"}))
            headlines.append(headline)
        (folder / f"feed_{f:02d}.jsonl").write_text("\n".join(lines) + "\n")
    return headlines


def database_rows(postgres: ThrowawayPostgres, sql: str):
    import psycopg

    with psycopg.connect(host=postgres.socket_dir, user="postgres", dbname="conflictdb") as conn:
        return conn.execute(sql).fetchall()


def assert_nothing_partial(postgres: ThrowawayPostgres) -> None:
    """Whole stories or none: a body and a fingerprint on every story, a source on every event."""
    assert database_rows(postgres, "SELECT id FROM events_story WHERE body = '' OR fingerprint !~ '^[0-9a-f]{64}$'") == []
    orphans = "SELECT e.id FROM events_event e WHERE NOT EXISTS (SELECT 1 FROM events_eventsource s WHERE s.event_id = e.id)"
    assert database_rows(postgres, orphans) == []


@pytest.mark.slow
def test_a_killed_ingest_leaves_no_partial_story_and_a_rerun_completes(postgres, tmp_path):
    from django.core.management import get_commands

    if "ingest" not in get_commands():
        pytest.skip("manage.py ingest does not exist yet")
    url = prepared_database(postgres)
    feed = tmp_path / "feed"
    headlines = write_feed(feed)
    env = app_env(url)

    ingest = subprocess.Popen([*MANAGE, "ingest", str(feed)], env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and ingest.poll() is None:
        stored = database_rows(postgres, "SELECT count(*) FROM events_story")[0][0]
        if stored >= 20:
            break
        time.sleep(0.05)
    ingest.kill()  # SIGKILL: no cleanup code runs
    ingest.wait(timeout=30)
    stored = database_rows(postgres, "SELECT count(*) FROM events_story")[0][0]
    assert 0 < stored < len(headlines), f"the ingest was not killed half-way ({stored} of {len(headlines)} stories stored)"
    assert_nothing_partial(postgres)

    rerun = subprocess.run([*MANAGE, "ingest", str(feed)], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert_nothing_partial(postgres)
    rows = database_rows(postgres, "SELECT headline, count(*) FROM events_story GROUP BY headline")
    assert sorted(h for h, _ in rows) == sorted(headlines)
    assert all(count == 1 for _, count in rows)
    # Completion includes extraction: a story stored just before the kill gets its events on the re-run.
    unextracted = [row[0] for row in database_rows(postgres, "SELECT id FROM events_story WHERE extracted_at IS NULL ORDER BY id")]
    assert unextracted == [], f"the re-run stored everything but left {len(unextracted)} stories unextracted: {unextracted[:10]} ..."
    assert database_rows(postgres, "SELECT count(*) FROM events_event")[0][0] > 0
