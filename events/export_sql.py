"""The exports written by PostgreSQL: one COPY statement streams the CSV, JSON or GeoJSON rows.

Why: building each row in Python (model instances, prefetches) tops out near
2,000 rows/s; PostgreSQL formats the same rows many times faster
(docs/benchmarks.md, "Exports").
The columns of schema 1.0 (docs/export_schema.md) are written once, in
`COLUMNS` below; `exporting.event_row` is the reference they must agree with,
value for value, in all three formats (events/tests/test_export_sql.py).

How:

* the queryset (a filterset's, with its filters and its order) is compiled
  by Django into a subquery of the event's and its actors' columns, in the
  queryset's order; the outer query only formats them, and looks up the
  associated actors of the few events that have any, so rows leave in the
  queryset's order, are never re-sorted, and the first one leaves as soon
  as it is built;
* each event's `sources` and `source` cells are kept ready in two columns by
  PostgreSQL triggers (migration 0006): building them per row was 80% of
  the time;
* ACLED's mapping tables (`taxonomy.DISORDER_TYPE`, `taxonomy.ACTOR_TYPES`,
  pycountry's numeric codes) are query parameters, never copied into SQL;
* `COPY (...) TO STDOUT` streams rows as PostgreSQL makes them: no
  server-side cursor to materialise, no temporary files, one round trip.
  CSV comes out in COPY's CSV format; JSON and GeoJSON as one JSON text per
  row in COPY's text format, which doubles each backslash and nothing else,
  because PostgreSQL's JSON never holds a raw control character;
* the statement runs on the queryset's database (`queryset.db`), so a reader's
  export keeps reading from the replica the router chose.
"""

from __future__ import annotations

import json
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import Iterator

import pycountry
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from psycopg import sql

from extraction import taxonomy

from . import exporting
from .models import Actor, Event

# Bytes handed on at a time: one write per 64 KiB, not one per row.
CHUNK_BYTES = 1 << 16

# The event columns the export reads, and its actors' (as e.actor1_name ...).
EVENT_FIELDS = (
    "id", "uid", "event_date", "date_start", "date_end", "time_precision", "event_type", "sub_event_type",
    "location", "admin1", "country", "country_code", "latitude", "longitude", "geo_precision",
    "fatalities_best", "fatalities_low", "fatalities_high", "injured_best", "injured_low", "injured_high",
    "civilian_targeting", "notes", "status", "confidence", "updated_at",
)
ACTOR_FIELDS = {
    "actor1_name": F("actor1__name"), "actor1_type": F("actor1__actor_type"),
    "actor2_name": F("actor2__name"), "actor2_type": F("actor2__actor_type"),
}
# The `sources` and `source` cells, kept ready by PostgreSQL (migration 0006): columns the model does not declare.
CACHED_FIELDS = {
    "export_sources": RawSQL('"events_event"."export_sources"', ()),
    "export_outlets": RawSQL('"events_event"."export_outlets"', ()),
}

# An event's associated actors through one of the two link tables. Few events have any (4% in the
# synthetic million): the IN is one hash of the table's event ids, built once per export, so the
# others cost a hash probe, not an index look-up each.
ASSOCIATED = (
    "CASE WHEN e.id IN (SELECT g.event_id FROM {through} g) THEN coalesce((SELECT string_agg(a.name, '; ' ORDER BY a.name)"
    " FROM {through} t JOIN {{actor}} a ON a.id = t.actor_id WHERE t.event_id = e.id), '') ELSE '' END"
)

# Each export column as SQL over `e` (the chosen event, its actors and its cached source cells) and
# `m` (the mapping tables). Braces name tables (psycopg.sql); `%s` never appears here.
COLUMNS: dict[str, str] = {
    "event_id_cnty": "coalesce(nullif(e.country_code, ''), 'XX') || e.id",
    "event_date": "to_char(e.event_date, 'YYYY-MM-DD')",
    "year": "date_part('year', e.event_date)::int",
    "time_precision": "e.time_precision",
    "disorder_type": "coalesce(m.disorder_types ->> e.event_type, '')",
    "event_type": "e.event_type",
    "sub_event_type": "e.sub_event_type",
    "actor1": "coalesce(e.actor1_name, '')",
    "assoc_actor_1": ASSOCIATED.format(through="{assoc1}"),
    "inter1": "coalesce(m.actor_types ->> e.actor1_type::text, '')",
    "actor2": "coalesce(e.actor2_name, '')",
    "assoc_actor_2": ASSOCIATED.format(through="{assoc2}"),
    "inter2": "coalesce(m.actor_types ->> e.actor2_type::text, '')",
    "interaction": (
        "CASE WHEN e.actor1_type IS NULL AND e.actor2_type IS NULL THEN ''"
        " WHEN e.actor1_type IS NULL OR e.actor2_type IS NULL"
        " THEN (m.actor_types ->> coalesce(e.actor1_type, e.actor2_type)::text) || ' only'"
        " ELSE (m.actor_types ->> least(e.actor1_type, e.actor2_type)::text) || '-'"
        " || (m.actor_types ->> greatest(e.actor1_type, e.actor2_type)::text) END"
    ),
    "civilian_targeting": "CASE WHEN e.civilian_targeting THEN 'Civilian targeting' ELSE '' END",
    "iso": "(m.iso_numeric ->> lower(e.country_code))::int",
    "country": "e.country",
    "admin1": "e.admin1",
    "location": "e.location",
    "latitude": "e.latitude",
    "longitude": "e.longitude",
    "geo_precision": "e.geo_precision",
    "source": "e.export_outlets",
    "notes": "e.notes",
    "fatalities": "e.fatalities_best",
    "timestamp": "trunc(extract(epoch FROM e.updated_at))::bigint",
    "uid": "e.uid",
    "country_code": "e.country_code",
    "date_start": "to_char(e.date_start, 'YYYY-MM-DD')",
    "date_end": "to_char(e.date_end, 'YYYY-MM-DD')",
    "fatalities_low": "e.fatalities_low",
    "fatalities_high": "e.fatalities_high",
    "injured": "e.injured_best",
    "injured_low": "e.injured_low",
    "injured_high": "e.injured_high",
    "status": "e.status",
    "confidence": "e.confidence",
    # Python's isoformat(): microseconds only when there are any, the UTC offset as +00:00.
    "updated_at": (
        "to_char(e.updated_at AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', e.updated_at) = e.updated_at"
        " THEN 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"' END)"
    ),
    "sources": "e.export_sources",
}
# Columns whose empty text is written as an empty CSV cell, as Python's csv module does (COPY writes "").
TEXT_COLUMNS = frozenset({
    "event_id_cnty", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "country", "admin1", "location",
    "source", "notes", "country_code", "status",
})

def mapping_tables() -> list[str]:
    """The parameters of `m`, as JSON: ACLED's derived columns are data, not SQL."""
    return [
        json.dumps(taxonomy.DISORDER_TYPE),
        json.dumps({str(code): label for code, label in taxonomy.ACTOR_TYPES.items()}),
        json.dumps(iso_numeric_codes()),
    ]


@lru_cache(maxsize=1)
def iso_numeric_codes() -> dict[str, int]:
    """alpha-2 (lower case, as pycountry matches it) -> ISO 3166-1 numeric, for ACLED's `iso`."""
    return {country.alpha_2.lower(): int(country.numeric) for country in pycountry.countries}


# --- the statements -------------------------------------------------------------------------------


def chosen_events(queryset: QuerySet) -> tuple[str, tuple]:
    """The queryset compiled by Django: its events' and actors' columns, its filters, its order.

    Raises EmptyResultSet when the queryset can match nothing (`.none()`).
    """
    columns = queryset.values(*EVENT_FIELDS, **ACTOR_FIELDS, **CACHED_FIELDS)
    return columns.query.get_compiler(using=queryset.db).as_sql()


def _tables() -> dict[str, sql.Identifier]:
    return {
        "actor": sql.Identifier(Actor._meta.db_table),
        "assoc1": sql.Identifier(Event.assoc_actors1.through._meta.db_table),
        "assoc2": sql.Identifier(Event.assoc_actors2.through._meta.db_table),
    }


def _select(columns: sql.Composable, events: str) -> sql.Composed:
    """SELECT `columns` FROM the chosen events, with the mapping tables."""
    return sql.SQL(
        "SELECT {columns} FROM"
        " (SELECT %s::jsonb AS disorder_types, %s::jsonb AS actor_types, %s::jsonb AS iso_numeric) AS m"
        " CROSS JOIN ({events}) AS e"
    ).format(columns=columns, events=sql.SQL(events))


def _column(name: str) -> sql.Composed:
    return sql.SQL(COLUMNS[name]).format(**_tables())


def csv_select(events: str) -> sql.Composed:
    """One CSV row per event: the columns in EXPORT_COLUMNS order, an empty cell for NULL or empty text."""
    columns = sql.SQL(", ").join(
        sql.SQL("nullif({}, '') AS {}" if name in TEXT_COLUMNS else "{} AS {}").format(_column(name), sql.Identifier(name))
        for name in exporting.EXPORT_COLUMNS
    )
    return _select(columns, events)


# How each column is written into a JSON row. PostgreSQL's own JSON builders look up the type of
# every value of every row (json_build_object: 40% of a JSON export); the columns' types are known
# here, and only text that may hold any character needs escaping.
NUMBER_COLUMNS = frozenset({
    "year", "time_precision", "iso", "latitude", "longitude", "geo_precision", "fatalities", "timestamp",
    "fatalities_low", "fatalities_high", "injured", "injured_low", "injured_high", "confidence",
})
# Text made only of characters that JSON writes as they are: ids, dates, codes, and the names of
# the taxonomy's choices and of ACLED's mapping tables (checked in events/tests/test_export_sql.py).
PLAIN_TEXT_COLUMNS = frozenset({
    "event_id_cnty", "event_date", "date_start", "date_end", "uid", "country_code", "status", "updated_at",
    "disorder_type", "event_type", "sub_event_type", "inter1", "inter2", "interaction", "civilian_targeting",
})
JSON_COLUMNS = frozenset({"sources"})  # already JSON text


def _json_value(name: str) -> sql.Composed:
    """`name`'s value as JSON text, `null` for NULL."""
    if name in NUMBER_COLUMNS:
        template = "coalesce(({})::text, 'null')"
    elif name in PLAIN_TEXT_COLUMNS:
        template = "coalesce('\"' || ({})::text || '\"', 'null')"
    elif name in JSON_COLUMNS:
        template = "({})::text"
    else:
        template = "coalesce(to_json(({})::text)::text, 'null')"
    return sql.SQL(template).format(_column(name))


def row_json() -> sql.Composed:
    """The JSON object of an event as text: every column, keys in EXPORT_COLUMNS order."""
    parts = []
    for index, name in enumerate(exporting.EXPORT_COLUMNS):
        key = ("{" if index == 0 else ", ") + json.dumps(name) + ": "
        parts.append(sql.SQL("{} || {}").format(sql.Literal(key), _json_value(name)))
    return sql.SQL("(") + sql.SQL(" || ").join(parts) + sql.SQL(" || '}')")


def json_select(events: str) -> sql.Composed:
    """One JSON object text per event (the JSON export's `events`)."""
    return _select(row_json(), events)


def geojson_select(events: str) -> sql.Composed:
    """One GeoJSON Feature text per event: a Point at (longitude, latitude), or a null geometry."""
    feature = sql.SQL(
        "'{{\"type\": \"Feature\", \"id\": \"' || e.uid::text || '\", \"geometry\": ' ||"
        " CASE WHEN e.latitude IS NOT NULL AND e.longitude IS NOT NULL"
        " THEN '{{\"type\": \"Point\", \"coordinates\": [' || e.longitude::text || ', ' || e.latitude::text || ']}}'"
        " ELSE 'null' END || ', \"properties\": ' || {} || '}}'"
    ).format(row_json())
    return _select(feature, events)


SELECTS = {"csv": csv_select, "json": json_select, "geojson": geojson_select}


def copy_statement(queryset: QuerySet, fmt: str) -> tuple[sql.Composed, list] | None:
    """`COPY (the rows of fmt) TO STDOUT` for the queryset, with its parameters; None when it matches nothing."""
    try:
        events, event_params = chosen_events(queryset)
    except EmptyResultSet:
        return None
    options = sql.SQL("(FORMAT csv)" if fmt == "csv" else "(FORMAT text)")
    statement = sql.SQL("COPY ({}) TO STDOUT {}").format(SELECTS[fmt](events), options)
    return statement, [*mapping_tables(), *event_params]


# --- running them -----------------------------------------------------------------------------------


# What the export's one statement runs with. It lasts as long as its download, which the web's
# statement timeout would cut; JIT compiling a plan this size takes seconds and wins none back;
# the hash of associated-actor event ids must fit in memory, or each event is looked up instead.
EXPORT_SETTINGS = {"statement_timeout": "0", "jit": "off", "work_mem": "64MB"}


@contextmanager
def _export_settings(connection):
    """EXPORT_SETTINGS for the block, the previous values put back afterwards (inside a transaction: local to it)."""
    local = connection.in_atomic_block
    names = list(EXPORT_SETTINGS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["current_setting(%s), set_config(%s, %s, %s)"] * len(names)),
            [p for name in names for p in (name, name, EXPORT_SETTINGS[name], local)],
        )
        previous = cursor.fetchone()[::2]
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, %s)"] * len(names)),
                    [p for name, value in zip(names, previous) for p in (name, value, local)],
                )
        except DatabaseError:
            pass  # an aborted transaction drops its local settings itself; a lost connection takes its own with it


def copy_rows(queryset: QuerySet, fmt: str) -> Iterator[memoryview]:
    """The rows of `fmt` for the queryset, as COPY sends them: one buffer per row, ending in a newline."""
    prepared = copy_statement(queryset, fmt)
    if prepared is None:
        return
    statement, params = prepared
    connection = connections[queryset.db]
    with _export_settings(connection), connection.cursor() as cursor:
        logged = cursor.debug_sql(statement.as_string(cursor.cursor)) if hasattr(cursor, "debug_sql") else nullcontext()
        with connection.wrap_database_errors, logged, cursor.cursor.copy(statement, params) as copy:
            yield from copy


def stream(queryset: QuerySet, fmt: str) -> Iterator[bytes]:
    """The export of `queryset` in one of exporting.FORMATS, as UTF-8 chunks of about CHUNK_BYTES."""
    if fmt not in SELECTS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(exporting.FORMATS)}")
    if fmt == "csv":
        return _csv(queryset)
    return _json_document(queryset, fmt)


def _csv(queryset: QuerySet) -> Iterator[bytes]:
    """The header, then COPY's rows with the \\r\\n line ends of RFC 4180 (and of Python's csv module)."""
    pending, size = [",".join(exporting.EXPORT_COLUMNS).encode()], 0
    for row in copy_rows(queryset, "csv"):
        pending.append(row[:-1])  # each row ends in "\n"; a newline inside a quoted cell stays as it is
        size += len(row)
        if size >= CHUNK_BYTES:
            yield b"\r\n".join(pending) + b"\r\n"
            pending, size = [], 0
    if pending:
        yield b"\r\n".join(pending) + b"\r\n"


JSON_OPENINGS = {
    "json": '{"schema_version": %s, "columns": %s, "events": [' % (
        json.dumps(exporting.SCHEMA_VERSION), json.dumps(list(exporting.EXPORT_COLUMNS))
    ),
    "geojson": '{"type": "FeatureCollection", "schema_version": %s, "features": [' % json.dumps(exporting.SCHEMA_VERSION),
}


def _json_document(queryset: QuerySet, fmt: str) -> Iterator[bytes]:
    """The JSON envelope around COPY's rows: one object per line, comma-separated, never parsed here."""
    yield JSON_OPENINGS[fmt].encode()
    separator, pending, size = b"\n", [], 0
    for row in copy_rows(queryset, fmt):
        pending.append(row)
        size += len(row)
        if size >= CHUNK_BYTES:
            yield separator + _json_lines(pending)
            separator, pending, size = b",\n", [], 0
    if pending:
        yield separator + _json_lines(pending)
    yield b"\n]}\n"


def _json_lines(rows: list[memoryview]) -> bytes:
    """COPY text rows of JSON -> the JSON texts, one per line, joined by commas.

    Inside a row COPY's text format has escaped exactly one thing, each
    backslash as two, since PostgreSQL's JSON writes every control character
    as an escape; so a newline only ends a row.
    """
    return b"".join(rows)[:-1].replace(b"\n", b",\n").replace(b"\\\\", b"\\")
