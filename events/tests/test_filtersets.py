"""The one FilterSet: each filter as a reader uses it, and the list, exports, API and command agreeing on it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from events import exporting
from events.choices import ReviewStatus
from events.filtersets import EventFilterSet
from events.merging import merge_events
from events.models import Event, EventSource
from events.tests.personas import actor, make_event, make_story

pytestmark = pytest.mark.django_db

BODY_ABOUT_A_CHECKPOINT = (
    "MOSUL, Iraq (Reuters) - Gunmen attacked an army checkpoint near the Nineveh governorate building on Monday, "
    "killing two soldiers, police sources said."
)


def found(query: dict, **kwargs) -> set[str]:
    """Locations of the events the FilterSet returns for a query string."""
    filterset = EventFilterSet(query, queryset=Event.objects.all(), **kwargs)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("location", flat=True))


def refused(query: dict) -> dict:
    filterset = EventFilterSet(query, queryset=Event.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def world():
    """Manbij (Syria, IS vs civilians, 43 dead), Mosul (Iraq, week precision, 2 dead), Raqqa (undated, none
    reported), Deir ez-Zor (verified, civilian targeting), Tabqa (rejected), Kobani (merged into Manbij)."""
    manbij = make_event()
    manbij.actor2 = actor("Civilians (Syria)", actor_type=7, aliases=())
    manbij.save()
    mosul = make_event(
        location="Mosul", country_code="IQ", fatalities=2, event_date=dt.date(2016, 8, 1), notes="Gunmen attacked a checkpoint.",
        story=make_story("Gunmen kill two soldiers in Mosul", body=BODY_ABOUT_A_CHECKPOINT, outlet="AFP"),
    )
    Event.objects.filter(pk=mosul.pk).update(
        admin1="Nineveh", country="Iraq", time_precision=2, geo_precision=2, actor1=actor("Unidentified Armed Group (Iraq)", 3, ()),
        event_type="Battles", sub_event_type="Armed clash",
    )
    mosul.assoc_actors1.add(actor())  # Islamic State, only as an associated actor
    raqqa = make_event(location="Raqqa", event_date=None, fatalities=None, notes="Clashes reported near Raqqa.")
    Event.objects.filter(pk=raqqa.pk).update(admin1="Raqqa", actor1=None)
    deir = make_event(location="Deir ez-Zor", fatalities=7, status=ReviewStatus.VERIFIED, event_date=dt.date(2016, 9, 1))
    Event.objects.filter(pk=deir.pk).update(civilian_targeting=True, admin1="Deir ez-Zor", actor1=None,
                                            event_type="Violence against civilians", sub_event_type="Attack")
    make_event(location="Tabqa", status=ReviewStatus.REJECTED)
    kobani = make_event(location="Kobani")
    merge_events(manbij, [kobani])
    return {e.location: Event.objects.get(pk=e.pk) for e in (manbij, mosul, raqqa, deir, kobani)}


PUBLIC = {"Manbij", "Mosul", "Raqqa", "Deir ez-Zor"}


# --- each filter ----------------------------------------------------------------------------------


def test_by_default_rejected_and_merged_events_are_hidden(world):
    assert found({}) == PUBLIC
    assert found({"status": ["verified"]}) == {"Deir ez-Zor"}
    assert found({"status": ["extracted", "needs_review"]}) == PUBLIC - {"Deir ez-Zor"}
    assert "status" in refused({"status": "rejected"})  # readers never ask for rejected events


def test_date_range_is_inclusive_and_leaves_undated_events_out(world):
    assert found({"date_from": "2016-07-19", "date_to": "2016-08-01"}) == {"Manbij", "Mosul"}
    assert found({"date_from": "2016-08-02"}) == {"Deir ez-Zor"}
    assert found({"date_to": "2016-07-18"}) == set()
    assert "date_from" in refused({"date_from": "19/07/2016"})


@pytest.mark.parametrize("country", ["Syria", "SY", "sy", "SYR", "syria", " Syria "])
def test_country_by_name_or_iso_code_gives_the_same_events(world, country):
    assert found({"country": country}) == {"Manbij", "Raqqa", "Deir ez-Zor"}


def test_several_countries_and_unknown_ones(world):
    assert found({"country": "Syria,IQ"}) == PUBLIC
    errors = refused({"country": "Syria,Atlantis"})
    assert "Atlantis" in errors["country"][0] and "ISO code" in errors["country"][0]


def test_admin1_ignores_case(world):
    assert found({"admin1": "nineveh"}) == {"Mosul"}
    assert found({"admin1": "Aleppo"}) == {"Manbij"}


def test_place_by_name_or_id(world):
    assert found({"place": "mosul"}) == {"Mosul"}
    assert found({"place": str(world["Manbij"].place_id)}) == {"Manbij"}
    assert found({"place": "Atlantis"}) == set()


@pytest.mark.parametrize("name", ["Islamic State", "islamic state", "Daesh", "ISIS"])
def test_actor_on_either_side_including_associated_actors_and_aliases(world, name):
    assert found({"actor": name}) == {"Manbij", "Mosul"}  # actor1 of Manbij, associated actor of Mosul


def test_actor_as_second_side_by_id_and_several_actors(world):
    civilians = world["Manbij"].actor2
    assert found({"actor": "Civilians (Syria)"}) == {"Manbij"}
    assert found({"actor": str(civilians.pk)}) == {"Manbij"}
    assert found({"actor": "Unidentified Armed Group (Iraq),Civilians (Syria)"}) == {"Manbij", "Mosul"}
    assert found({"actor": "Nobody"}) == set()


def test_event_type_and_sub_event_type(world):
    assert found({"event_type": ["Battles"]}) == {"Mosul"}
    assert found({"event_type": ["Battles", "Violence against civilians"]}) == {"Mosul", "Deir ez-Zor"}
    assert found({"sub_event_type": ["Air/drone strike"]}) == {"Manbij", "Raqqa"}
    assert "event_type" in refused({"event_type": "Air/drone strike"})


def test_fatalities_min_and_max_skip_events_without_a_figure(world):
    assert found({"fatalities_min": "7"}) == {"Manbij", "Deir ez-Zor"}
    assert found({"fatalities_max": "7"}) == {"Mosul", "Deir ez-Zor"}
    assert found({"fatalities_min": "0"}) == PUBLIC - {"Raqqa"}  # not reported is not zero
    assert "fatalities_min" in refused({"fatalities_min": "-1"})
    assert "fatalities_min" in refused({"fatalities_min": "2.5"})


def test_time_and_geo_precision(world):
    assert found({"time_precision": ["2"]}) == {"Mosul"}
    assert found({"time_precision": ["1"]}) == PUBLIC - {"Mosul"}
    assert found({"geo_precision": ["2"]}) == {"Mosul"}
    assert "time_precision" in refused({"time_precision": "4"})


def test_civilian_targeting_and_verified_only(world):
    assert found({"civilian_targeting": "true"}) == {"Deir ez-Zor"}
    assert found({"civilian_targeting": "false"}) == PUBLIC - {"Deir ez-Zor"}
    assert found({"civilian_targeting": ""}) == PUBLIC
    assert found({"verified": "true"}) == {"Deir ez-Zor"}
    assert found({"verified": "false"}) == PUBLIC
    assert "verified" in refused({"verified": "perhaps"})


def test_outlet_by_name_or_id(world):
    afp = world["Mosul"].sources.get().story.outlet
    assert found({"outlet": "afp"}) == {"Mosul"}
    assert found({"outlet": str(afp.pk)}) == {"Mosul"}
    assert found({"outlet": "Reuters"}) == PUBLIC - {"Mosul"}  # Manbij through its own and Kobani's source
    assert found({"outlet": "Al Jazeera"}) == set()


def test_full_text_search_over_notes_and_over_story_text(world):
    assert found({"q": "checkpoint"}) == {"Mosul"}  # in the notes and the story
    assert found({"q": "soldiers"}) == {"Mosul"}  # only in the story text
    assert found({"q": "monitoring group"}) == PUBLIC - {"Mosul"}  # in the Manbij body every other story shares
    assert found({"q": "clashes -checkpoint"}) == {"Raqqa", "Manbij", "Deir ez-Zor"}  # "clashed" in the shared body
    assert found({"q": '"army checkpoint"'}) == {"Mosul"}
    assert "q" in refused({"q": "x" * 201})


def test_updated_since_and_tombstones(world):
    Event.objects.update(updated_at=timezone.now() - dt.timedelta(days=30))
    since = timezone.now()
    mosul, tabqa = world["Mosul"], Event.objects.get(location="Tabqa")
    mosul.notes = "Corrected."
    mosul.save()
    tabqa.notes = "Still rejected, but edited."
    tabqa.save()
    assert found({"updated_since": since.isoformat()}) == {"Mosul"}
    assert found({"updated_since": since.isoformat()}, tombstones=True) == {"Mosul", "Tabqa"}
    assert found({}, tombstones=True) == PUBLIC  # tombstones only in sync mode
    assert "updated_since" in refused({"updated_since": "last week"})


def test_sort_puts_empty_values_last_in_both_directions(world):
    def order(sort):
        filterset = EventFilterSet({"sort": sort}, queryset=Event.objects.all())
        assert filterset.is_valid()
        return list(filterset.qs.values_list("location", flat=True))

    assert order("fatalities") == ["Mosul", "Deir ez-Zor", "Manbij", "Raqqa"]
    assert order("-fatalities") == ["Manbij", "Deir ez-Zor", "Mosul", "Raqqa"]
    assert order("date")[-1] == order("-date")[-1] == "Raqqa"
    default = EventFilterSet({}, queryset=Event.objects.all()).qs
    assert list(default.values_list("location", flat=True)) == ["Deir ez-Zor", "Mosul", "Manbij", "Raqqa"]
    assert "sort" in refused({"sort": "notes"})


def test_error_message_names_every_bad_parameter_on_one_line(world):
    filterset = EventFilterSet({"country": "Atlantis", "date_from": "soon"}, queryset=Event.objects.all())
    assert not filterset.is_valid()
    message = filterset.error_message()
    assert message.startswith("date_from: ") or message.startswith("country: ")
    assert "country: Unknown country: 'Atlantis'" in message and "date_from: Enter a valid date." in message


# --- the list, the exports, the API and the command agree ----------------------------------------------


AGREEING_QUERIES = [
    "",
    "country=Syria",
    "country=SY",
    "country=SY&date_from=2016-08-01",
    "actor=Daesh",
    "q=soldiers",
    "fatalities_min=5&sort=-fatalities",
    "verified=true",
    "status=extracted&status=needs_review",
    "outlet=AFP&civilian_targeting=false",
]


def export_uids(fmt: str, query: str) -> list[str]:
    response = Client().get(f"/events/export.{fmt}?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    if fmt == "csv":
        return [row["uid"] for row in csv.DictReader(io.StringIO(text))]
    data = json.loads(text)
    return [r["uid"] for r in data["events"]] if fmt == "json" else [f["id"] for f in data["features"]]


def filterset_uids(query: str) -> list[str]:
    from django.http import QueryDict

    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all())
    assert filterset.is_valid()
    return [str(u) for u in exporting.filtered_queryset(filterset).values_list("uid", flat=True)]


def api_uids(query: str) -> list[str]:
    url, uids = f"/api/events/?limit=500&{query}", []
    while url:
        page = Client().get(url).json()
        uids += [r["uid"] for r in page["results"]]
        url = page["next"]
    return uids


@pytest.mark.parametrize("query", AGREEING_QUERIES, ids=lambda q: q or "none")
def test_exports_api_and_command_return_exactly_the_lists_events(world, query):
    expected = filterset_uids(query)
    for fmt in exporting.FORMATS:
        assert export_uids(fmt, query) == expected, fmt  # same rows, same order (event_date, id)
    assert sorted(api_uids(query)) == sorted(expected)
    out = io.StringIO()
    call_command("export_events", "--filter", query, stdout=out)
    assert [r["uid"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == expected


def test_the_csv_export_header_is_the_export_columns(world):
    response = Client().get("/events/export.csv?country=SY")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header == list(exporting.EXPORT_COLUMNS)
    assert response["X-Export-Schema-Version"] == exporting.SCHEMA_VERSION


def test_export_command_maps_its_options_onto_the_filter(world):
    def exported(*args):
        out = io.StringIO()
        call_command("export_events", *args, stdout=out)
        return {r["location"] for r in csv.DictReader(io.StringIO(out.getvalue()))}

    assert exported("--filter", "actor=ISIS", "--country", "IQ") == {"Mosul"}
    assert exported("--filter", "", "--since", "2016-08-01") == {"Mosul", "Deir ez-Zor"}
    assert exported("--filter", "?country=Syria&fatalities_min=10") == {"Manbij"}
    with pytest.raises(CommandError, match="country: Unknown country"):
        exported("--filter", "country=Atlantis")
    with pytest.raises(CommandError, match="say the same thing"):
        exported("--filter", "country=SY", "--country", "IQ")
    with pytest.raises(CommandError, match="status"):
        exported("--filter", "", "--status", "rejected")  # rejected events are for the plain options
    assert exported("--status", "rejected") == {"Tabqa"}  # the existing options work as before


def test_a_source_added_to_the_filter_world_shows_in_every_output(world):
    """One more source for Mosul from Reuters: the outlet filter finds it everywhere at once."""
    EventSource.objects.create(event=world["Mosul"], story=make_story("Mosul checkpoint attack", outlet="Reuters"))
    assert "Mosul" in found({"outlet": "Reuters"})
    uid = str(world["Mosul"].uid)
    assert uid in export_uids("csv", "outlet=Reuters") and uid in api_uids("outlet=Reuters")

