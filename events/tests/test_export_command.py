"""The export contract: ACLED columns, only public events, three formats that agree."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from events import exporting
from events.choices import ReviewStatus
from events.merging import merge_events
from events.models import Event, Outlet
from events.tests.test_event_writer import MANBIJ, TUESDAY, FakePipeline, make_story, matching_rule, run, strike  # noqa: F401

pytestmark = pytest.mark.django_db

ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "timestamp",
]


@pytest.fixture
def events():
    """Four events: Manbij (two sources), Raqqa (rejected), Mosul in Iraq (a week later), one merged away."""
    raqqa = replace(MANBIJ, name="Raqqa", gazetteer_id="geonames:163915", admin1="Raqqa", geo_precision=1)
    mosul = replace(MANBIJ, name="Mosul", gazetteer_id="geonames:99072", admin1="Nineveh", country="Iraq", iso2="IQ",
                    latitude=36.335, longitude=43.119, geo_precision=1)
    nowhere = replace(MANBIJ, name="Tell", gazetteer_id="geonames:1", admin1="Hasakah", geo_precision=1, latitude=None, longitude=None)
    stories = [make_story(n) for n in range(5)]
    reuters = Outlet.objects.create(name="Reuters")
    for s in stories:
        s.outlet = reuters
        s.save()
    stories[1].outlet = Outlet.objects.create(name="AFP")
    stories[1].save()
    run(stories, FakePipeline({
        stories[0].pk: [strike(43)],
        stories[1].pk: [strike(45)],
        stories[2].pk: [strike(7, place=raqqa)],
        stories[3].pk: [strike(3, place=mosul, date=TUESDAY + dt.timedelta(days=7))],
        stories[4].pk: [strike(None, place=nowhere)],
    }))
    manbij = Event.objects.get(location="Manbij")
    Event.objects.filter(location="Raqqa").update(status=ReviewStatus.REJECTED)
    merge_events(manbij, [Event.objects.get(location="Tell")])
    return manbij


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_events", *args, stdout=out)
    return out.getvalue()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_acled_header_and_only_public_events(events):
    text = export("--format", "csv")
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(ACLED_HEADER)] == ACLED_HEADER
    assert header == list(exporting.EXPORT_COLUMNS)
    rows = csv_rows(text)
    assert sorted(r["location"] for r in rows) == ["Manbij", "Mosul"]


def test_csv_row_of_an_event_with_three_sources(events):
    row = next(r for r in csv_rows(export()) if r["location"] == "Manbij")
    assert row["event_id_cnty"] == f"SY{events.pk}"
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2016-07-19", "2016", "1")
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == ("Political violence", "Explosions/Remote violence", "Air/drone strike")
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("External/Other forces", "Civilians", "Civilians-External/Other forces")
    assert (row["iso"], row["country_code"], row["country"], row["admin1"]) == ("760", "SY", "Syria", "Aleppo")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == ("43", "43", "45")
    assert row["injured"] == ""  # not reported, which is not zero
    assert row["source"] == "Reuters; AFP"
    sources = json.loads(row["sources"])
    assert [s["outlet"] for s in sources] == ["Reuters", "AFP", "Reuters"]  # Tell's source merged in
    assert set(sources[0]) == {"headline", "url", "published", "outlet", "evidence"}
    assert sources[0]["evidence"][0]["field"] == "fatalities"
    assert row["status"] == "extracted" and row["uid"] == str(events.uid)


def test_json_and_geojson_parse_and_match_the_csv_rows(events):
    rows = {r["uid"]: r for r in csv_rows(export("--format", "csv"))}
    as_json = json.loads(export("--format", "json"))
    geojson = json.loads(export("--format", "geojson"))
    assert as_json["schema_version"] == geojson["schema_version"] == "1.0"
    assert as_json["columns"] == list(exporting.EXPORT_COLUMNS)
    assert geojson["type"] == "FeatureCollection"
    json_rows = {r["uid"]: r for r in as_json["events"]}
    geo_rows = {f["properties"]["uid"]: f["properties"] for f in geojson["features"]}
    assert set(json_rows) == set(geo_rows) == set(rows)
    for uid, row in rows.items():
        assert json.loads(row["sources"]) == json_rows[uid]["sources"] == geo_rows[uid]["sources"]  # a JSON string in CSV
        for column in set(exporting.EXPORT_COLUMNS) - {"sources"}:
            assert as_csv(json_rows[uid][column], column) == row[column], column
            assert as_csv(geo_rows[uid][column], column) == row[column], column
    mosul = next(f for f in geojson["features"] if f["properties"]["location"] == "Mosul")
    assert mosul["geometry"] == {"type": "Point", "coordinates": [43.119, 36.335]}


def as_csv(value, column):
    return "" if value is None else str(value)


def test_filters_by_country_dates_and_status(events):
    assert [r["location"] for r in csv_rows(export("--country", "IQ"))] == ["Mosul"]
    assert [r["location"] for r in csv_rows(export("--country", "syria"))] == ["Manbij"]
    assert [r["location"] for r in csv_rows(export("--since", "2016-07-20"))] == ["Mosul"]
    assert [r["location"] for r in csv_rows(export("--until", "2016-07-19"))] == ["Manbij"]
    assert [r["location"] for r in csv_rows(export("--status", "rejected"))] == ["Raqqa"]
    assert sorted(r["location"] for r in csv_rows(export("--status", "merged,rejected"))) == ["Raqqa", "Tell"]


def test_bad_arguments_are_refused(events):
    with pytest.raises(CommandError, match="not a date"):
        export("--since", "19/07/2016")
    with pytest.raises(CommandError, match="unknown status"):
        export("--status", "published")


def test_output_file(events, tmp_path):
    path = tmp_path / "events.geojson"
    assert export("--format", "geojson", "-o", str(path)) == ""
    assert len(json.loads(path.read_text(encoding="utf-8"))["features"]) == 2


def test_empty_exports_are_still_valid():
    assert json.loads(export("--format", "json"))["events"] == []
    assert json.loads(export("--format", "geojson"))["features"] == []
    assert csv_rows(export("--format", "csv")) == []


def test_queries_do_not_grow_with_the_number_of_events(events, django_assert_max_num_queries):
    for n in range(20):
        Event.objects.create(event_type="Battles", sub_event_type="Armed clash", country_code="SY", location=f"Place {n}")
    with django_assert_max_num_queries(8):
        rows = list(exporting.event_rows(exporting.export_queryset()))
    assert len(rows) == 22


def test_interaction_and_iso_helpers():
    class A:
        def __init__(self, t):
            self.actor_type = t

    assert exporting.interaction(A(2), None) == "Rebel group only"
    assert exporting.interaction(A(7), A(1)) == "State forces-Civilians"
    assert exporting.interaction(None, None) == ""
    assert exporting.iso_numeric("IQ") == 368 and exporting.iso_numeric("XK") is None and exporting.iso_numeric("") is None
