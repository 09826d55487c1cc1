"""The exports PostgreSQL writes (events.export_sql) hold the same values as the Python reference (events.exporting).

Every column, every format, the queryset's order, and the awkward values: quotes,
line breaks, tabs and backslashes in text, non-ASCII names, missing dates,
coordinates and actors, a country without an ISO numeric code, evidence that is
empty or null, a story known only by its agency.
"""

from __future__ import annotations

import csv
import hashlib
import datetime as dt
import io
import json

import pytest
from django.db.models import JSONField, Value
from django.http import QueryDict
from django.test import Client

from events import export_sql, exporting, synthetic
from events.filtersets import EventFilterSet
from events.models import Actor, Event, EventSource, Outlet, Story

pytestmark = pytest.mark.django_db

AWKWARD_NOTES = 'He said "stop",\nthen left;\ta back\\slash, a comma, and Ünïcödé — 🕊'
NUMERIC_COLUMNS = {
    "year", "time_precision", "iso", "latitude", "longitude", "geo_precision", "fatalities", "timestamp",
    "fatalities_low", "fatalities_high", "injured", "injured_low", "injured_high", "confidence",
}


@pytest.fixture
def events():
    """200 synthetic events and three written by hand to hold every awkward value."""
    synthetic.generate(200, seed=5, vacuum=False)
    wire = Outlet.objects.create(name="Wire, \"Quoted\"")
    rebels = Actor.objects.create(name="Rebels of Ñ", actor_type=2)
    police = Actor.objects.create(name="Police; local", actor_type=1)
    militia = Actor.objects.create(name="Militia", actor_type=3)

    def story(n, **fields):
        fields.setdefault("published_basis", "given" if fields.get("published") else "unknown")
        return Story.objects.create(
            headline=f"Headline {n} \"quoted\"\tand tabbed", headline_key=f"h{n}", body="Body.", fingerprint=hashlib.sha256(f"awkward-{n}".encode()).hexdigest(), **fields
        )

    full = Event.objects.create(
        event_date=dt.date(2016, 2, 29), date_start=dt.date(2016, 2, 28), date_end=dt.date(2016, 2, 29), time_precision=2,
        event_type="Battles", sub_event_type="Armed clash", actor1=rebels, actor2=police, location="Al-Bukamal",
        admin1="Deir ez-Zor", country="Syria", country_code="SY", latitude=34.45, longitude=40.9, geo_precision=2,
        fatalities_best=43, fatalities_low=43, fatalities_high=45, injured_best=0, civilian_targeting=True,
        notes=AWKWARD_NOTES, status="verified", confidence=0.875,
    )
    full.assoc_actors1.set([militia, police])
    full.assoc_actors2.set([rebels])
    evidence = [{"field": "fatalities", "text": "43 \"people\"\nkilled\\", "start": 3, "end": 5}]
    for n, (fields, ev) in enumerate([
        ({"outlet": wire, "published": dt.date(2016, 3, 1), "url": "https://example.org/a?b=1&c=\"2\""}, evidence),
        ({"outlet": wire, "published": dt.date(2016, 3, 2)}, []),  # the same outlet again: named once in `source`
        ({"agency": "Agence ✓", "published": None}, Value(None, JSONField())),  # no outlet, no date (sorted last); JSON null
    ]):
        EventSource.objects.create(event=full, story=story(n, **fields), evidence=ev)
    # Nothing known but the type: no date, actors, coordinates, figures, sources.
    Event.objects.create(event_type="Protests", sub_event_type="Peaceful protest", time_precision=3, geo_precision=3)
    # Kosovo has no ISO numeric code; one actor only.
    kosovo = Event.objects.create(
        event_date=dt.date(2020, 1, 1), event_type="Riots", sub_event_type="Mob violence", actor2=militia,
        country="Kosovo", country_code="XK", location="Mitrovica", notes="", status="needs_review",
    )
    EventSource.objects.create(event=kosovo, story=story(9, outlet=wire, published=dt.date(2020, 1, 2)), evidence={})
    Event.objects.filter(pk=kosovo.pk).update(updated_at=dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))  # no microseconds
    return full


def filtered(query: str = ""):
    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all())
    assert filterset.is_valid(), filterset.errors
    return exporting.filtered_queryset(filterset)


def sql_text(queryset, fmt: str) -> str:
    return b"".join(export_sql.stream(queryset, fmt)).decode()


def reference_text(queryset, fmt: str) -> str:
    return "".join(exporting.reference_stream(queryset, fmt))


def csv_values(text: str) -> tuple[list[str], list[dict]]:
    """The header and the rows, numbers as numbers and `sources` parsed: what a CSV reader gets."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = []
    for cells in reader:
        row = dict(zip(header, cells, strict=True))
        for column in NUMERIC_COLUMNS:
            row[column] = float(row[column]) if row[column] else None
        row["sources"] = json.loads(row["sources"])
        rows.append(row)
    return header, rows


QUERIES = ["", "sort=-fatalities", "country=SY&sort=location", "q=checkpoint", "status=needs_review&status=verified&sort=-updated", "verified=true"]


def test_csv_holds_the_same_cells_as_the_reference(events):
    for query in QUERIES:
        queryset = filtered(query)
        text, reference = sql_text(queryset, "csv"), reference_text(queryset, "csv")
        assert csv_values(text) == csv_values(reference), query
        assert text.count("\r\n") == reference.count("\r\n"), query  # rows end in \r\n; a break inside a cell stays \n


def test_json_and_geojson_hold_the_same_values_as_the_reference(events):
    for query in QUERIES:
        queryset = filtered(query)
        for fmt in ("json", "geojson"):
            assert json.loads(sql_text(queryset, fmt)) == json.loads(reference_text(queryset, fmt)), (query, fmt)


def test_the_awkward_event_survives_every_format(events):
    queryset = filtered("verified=true")
    ((row),) = [r for r in csv_values(sql_text(queryset, "csv"))[1] if r["uid"] == str(events.uid)]
    assert row["notes"] == AWKWARD_NOTES
    assert row["source"] == 'Wire, "Quoted"; Agence ✓'
    assert [s["evidence"] for s in row["sources"]] == [[{"field": "fatalities", "text": "43 \"people\"\nkilled\\", "start": 3, "end": 5}], [], []]
    assert row["assoc_actor_1"] == "Militia; Police; local" and row["interaction"] == "State forces-Rebel group"
    (feature,) = [f for f in json.loads(sql_text(queryset, "geojson"))["features"] if f["id"] == str(events.uid)]
    assert feature["geometry"] == {"type": "Point", "coordinates": [40.9, 34.45]}
    assert feature["properties"]["notes"] == AWKWARD_NOTES and feature["properties"]["iso"] == 760


def test_rows_leave_in_the_querysets_order(events):
    for query in ("sort=-fatalities", "sort=location", ""):
        queryset = filtered(query)
        exported = [e["uid"] for e in json.loads(sql_text(queryset, "json"))["events"]]
        assert exported == [str(uid) for uid in queryset.values_list("uid", flat=True)], query


def test_the_text_written_into_json_unescaped_needs_no_escaping():
    from extraction import taxonomy

    from events.choices import ReviewStatus

    plain = [
        *taxonomy.TAXONOMY, *(sub for subs in taxonomy.TAXONOMY.values() for sub in subs),
        *taxonomy.DISORDER_TYPE.values(), *taxonomy.ACTOR_TYPES.values(), *ReviewStatus.values, "Civilian targeting",
    ]
    for text in plain:
        assert json.dumps(text) == f'"{text}"', text


def test_an_empty_selection_is_still_a_valid_document():
    for queryset in (Event.objects.none(), Event.objects.filter(pk=-1)):
        assert sql_text(queryset, "csv") == ",".join(exporting.EXPORT_COLUMNS) + "\r\n"
        assert json.loads(sql_text(queryset, "json"))["events"] == []
        assert json.loads(sql_text(queryset, "geojson"))["features"] == []


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        export_sql.stream(Event.objects.all(), "xml")


def test_a_long_export_is_sent_in_chunks_that_end_at_a_row(events, monkeypatch):
    monkeypatch.setattr(export_sql, "CHUNK_BYTES", 2_000)
    chunks = list(export_sql.stream(filtered(), "json"))
    assert len(chunks) > 10
    for chunk in chunks[1:-1]:
        chunk.decode()  # never a character cut in two
        assert chunk.startswith((b"\n{", b",\n{")) and chunk.endswith(b"}")


def test_the_export_views_send_what_postgresql_wrote(events):
    response = Client().get("/events/export.csv?country=Syria&sort=-fatalities")
    assert response.status_code == 200 and response["X-Export-Schema-Version"] == exporting.SCHEMA_VERSION
    body = b"".join(response.streaming_content).decode()
    assert csv_values(body) == csv_values(reference_text(filtered("country=SY&sort=-fatalities"), "csv"))


def test_an_export_is_not_cut_by_the_statement_timeout(events):
    """The web's statement timeout is lifted for the export's one long statement, and put back afterwards."""
    from django.db import connection

    expected = filtered().count()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")
    with export_sql._export_settings(connection), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.4)")  # twice the timeout
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "200ms"
    assert len(json.loads(sql_text(filtered(), "json"))["events"]) == expected


# --- the cached `sources` and `source` cells (migration 0006) ------------------------------------


def cached_cells() -> dict[int, tuple[list, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, export_sources::text, export_outlets FROM events_event")
        return {pk: (json.loads(sources), outlets) for pk, sources, outlets in cursor.fetchall()}


def assert_cells_agree_with_the_reference():
    cached = cached_cells()
    for event in exporting.with_related(Event.objects.all()):
        row = exporting.event_row(event)
        assert cached[event.pk] == (row["sources"], row["source"]), event.pk


def test_the_cached_cells_follow_every_change_of_sources_stories_and_outlets(events):
    from events.merging import merge_events, split_source

    assert_cells_agree_with_the_reference()  # as created: ORM inserts and generate_events' COPY
    others = list(Event.objects.exclude(pk=events.pk).filter(sources__isnull=False).distinct()[:3])
    merge_events(events, others[:2])  # sources moved onto the survivor
    assert_cells_agree_with_the_reference()
    split_source(events.sources.order_by("id").first())  # one moved off to a new event
    assert_cells_agree_with_the_reference()
    events.sources.order_by("id").last().delete()
    EventSource.objects.filter(event=others[2]).update(evidence=[{"field": "notes", "text": "changed"}])
    assert_cells_agree_with_the_reference()
    story = events.sources.first().story
    story.headline, story.published, story.published_basis = "A corrected headline", dt.date(2016, 1, 1), "given"
    story.save()
    outlet = Outlet.objects.get(name='Wire, "Quoted"')
    outlet.name = "Wire (renamed)"
    outlet.save()
    Story.objects.filter(agency="Agence ✓").update(outlet=outlet)
    assert_cells_agree_with_the_reference()
    EventSource.objects.filter(event=others[2]).delete()  # no sources left
    assert cached_cells()[others[2].pk] == ([], "")
    assert_cells_agree_with_the_reference()


def test_a_django_save_never_writes_the_cells_back(events):
    stale = Event.objects.get(pk=events.pk)  # read before the change
    EventSource.objects.filter(event=events).first().delete()
    stale.notes = "Edited by a curator."
    stale.save()
    assert_cells_agree_with_the_reference()
