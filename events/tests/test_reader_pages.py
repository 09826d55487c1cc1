"""The reader's pages: the event list, one event, the map and its data, the summary.

Each page takes the list's query string; a malformed one is a 400 naming
the problem; the number of queries does not grow with the number of events.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from events import counting, listing, map_data
from events.choices import ReviewStatus
from events.models import Event, EventSource
from events.tests.personas import BODY, actor, carol, evidence, make_event, make_story, place  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LIST = "/events/"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Suggestions, summaries and map cells are cached; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


def rows(response) -> list[str]:
    """The ids of the events in the list, in order."""
    return re.findall(r'<tr data-event-id="(\d+)"', response.content.decode())


def count_shown(response) -> str:
    match = re.search(r'data-count="(\d+)" data-estimated="(true|false)"', response.content.decode())
    return match.group(1) if match else ""


def iraq_event(**extra):
    """An event in Mosul, Iraq: another country, another place, another actor."""
    mosul = place("Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.335, longitude=43.119)
    event = make_event(event_date=extra.pop("event_date", dt.date(2016, 10, 17)), fatalities=extra.pop("fatalities", 12), **extra)
    Event.objects.filter(pk=event.pk).update(
        place=mosul, location="Mosul", admin1="Nineveh", country="Iraq", country_code="IQ",
        latitude=36.335, longitude=43.119, event_type="Battles", sub_event_type="Armed clash",
        actor1=actor("Iraqi Security Forces", actor_type=1, aliases=()),
    )
    return Event.objects.get(pk=event.pk)


@pytest.fixture
def world():
    """Three Syrian events (one verified, one with disputed figures), one Iraqi, one rejected, one merged."""
    verified = make_event(fatalities=43, event_date=dt.date(2016, 7, 19), status=ReviewStatus.VERIFIED)
    disputed = make_event(fatalities=20, event_date=dt.date(2016, 7, 20))
    Event.objects.filter(pk=disputed.pk).update(fatalities_low=15, fatalities_best=20, fatalities_high=30)
    older = make_event(fatalities=None, event_date=dt.date(2016, 1, 5))
    iraq = iraq_event()
    rejected = make_event(status=ReviewStatus.REJECTED, event_date=dt.date(2016, 7, 21))
    merged = make_event(event_date=dt.date(2016, 7, 19))
    Event.objects.filter(pk=merged.pk).update(status=ReviewStatus.MERGED, merged_into=verified)
    return {
        "verified": verified, "disputed": Event.objects.get(pk=disputed.pk), "older": older,
        "iraq": iraq, "rejected": rejected, "merged": merged,
    }


# --- the list -------------------------------------------------------------------------------


def test_the_root_leads_to_the_list(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LIST


def test_the_list_shows_public_events_newest_first(client, world):
    response = client.get(LIST)
    assert response.status_code == 200
    expected = [world[k].pk for k in ("disputed", "verified", "iraq", "older")]
    expected.sort(key=lambda pk: Event.objects.get(pk=pk).event_date, reverse=True)
    assert rows(response) == [str(pk) for pk in expected]
    assert str(world["rejected"].pk) not in rows(response) and str(world["merged"].pk) not in rows(response)
    assert count_shown(response) == "4"


def test_each_row_shows_date_type_actors_place_figures_status_and_sources(client, world):
    EventSource.objects.create(event=world["disputed"], story=make_story("Second report"), fatalities_best=30)
    html = client.get(LIST).content.decode()
    row = re.search(rf'<tr data-event-id="{world["disputed"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert "2016-07-20" in row
    assert "Explosions/Remote violence" in row and "Air/drone strike" in row
    assert "Islamic State" in row and "Manbij" in row and "Syria" in row
    assert "20 (15–30)" in row  # best figure with the sources' range
    assert "Not verified" in row
    assert re.search(r'data-label="Sources" class="num">2<', row)
    verified_row = re.search(rf'<tr data-event-id="{world["verified"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert "✓ Verified" in verified_row


def test_precision_is_marked_in_the_list(client):
    event = make_event()
    Event.objects.filter(pk=event.pk).update(time_precision=2, geo_precision=3)
    html = client.get(LIST).content.decode()
    assert '<span class="tag precision" title="Week:' in html
    assert ">region</span>" in html


def test_filtering_by_country_and_date_changes_the_rows_and_the_count(client, world):
    syria = client.get(LIST, {"country": "Syria"})
    assert count_shown(syria) == "3" and str(world["iraq"].pk) not in rows(syria)
    iraq = client.get(LIST, {"country": "IQ"})
    assert rows(iraq) == [str(world["iraq"].pk)] and count_shown(iraq) == "1"
    july = client.get(LIST, {"country": "SY", "date_from": "2016-07-01", "date_to": "2016-07-31"})
    assert set(rows(july)) == {str(world["verified"].pk), str(world["disputed"].pk)} and count_shown(july) == "2"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"verified": "true"}, ["verified"]),
        ({"fatalities_min": "21"}, ["verified"]),
        ({"fatalities_max": "20"}, ["disputed", "iraq"]),
        ({"event_type": "Battles"}, ["iraq"]),
        ({"sub_event_type": "Air/drone strike", "date_from": "2016-07-01"}, ["verified", "disputed"]),
        ({"actor": "Daesh"}, ["verified", "disputed", "older"]),
        ({"admin1": "nineveh"}, ["iraq"]),
        ({"place": "Mosul"}, ["iraq"]),
        ({"status": "verified"}, ["verified"]),
        ({"outlet": "Reuters", "country": "IQ"}, ["iraq"]),
        ({"q": "Manbij", "country": "SY", "date_to": "2016-06-30"}, ["older"]),
        ({"time_precision": "1", "geo_precision": "1", "country": "IQ"}, ["iraq"]),
    ],
)
def test_every_sidebar_filter_narrows_the_list(client, world, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert set(rows(response)) == {str(world[name].pk) for name in expected}


def test_the_sidebar_draws_every_filter_with_a_label(client, world):
    html = client.get(LIST).content.decode()
    for name in ("q", "date_from", "date_to", "country", "admin1", "place", "actor", "fatalities_min", "fatalities_max",
                 "civilian_targeting", "verified", "outlet", "sort"):
        assert f'<label for="id_{name}"' in html, name
    for name in ("event_type", "sub_event_type", "time_precision", "geo_precision", "status"):
        assert f'name="{name}"' in html and f'for="id_{name}_0' in html, name
    assert 'list="country-options"' in html and '<option value="Syria">' in html  # suggestions
    assert '<a class="skip-link" href="#main">' in html


def test_the_form_shows_the_filters_in_use(client, world):
    html = client.get(LIST, {"country": "Syria", "event_type": "Battles", "verified": "1"}).content.decode()
    assert 'name="country" value="Syria"' in html
    assert re.search(r'value="Battles"[^>]*checked', html)
    assert re.search(r'name="verified" value="true"[^>]*checked', html)
    assert "Showing events where" in html and "Country: <strong>Syria</strong>" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "2016-13-45"}, "From (date_from): Enter a valid date."),
        ({"country": "Narnia"}, "Unknown country: &#x27;Narnia&#x27;"),
        ({"fatalities_min": "-3"}, "Fatalities at least (fatalities_min):"),
        ({"event_type": "Picnic"}, "Event type (event_type): Select a valid choice."),
        ({"page": "two"}, "page: &#x27;two&#x27; is not a page number"),
        ({"page": str(listing.MAX_PAGE + 1)}, "pages stop at"),
        ({"sort": "password"}, "Sort by (sort):"),
    ],
)
def test_a_malformed_query_string_is_a_400_with_a_clear_message(client, world, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    html = response.content.decode()
    alert = re.sub(r"<[^>]+>", "", re.search(r'role="alert">(.*?)</div>', html, re.S).group(1))
    assert message in alert
    assert "<table" not in html


def test_a_malformed_date_stays_visible_in_the_form_and_the_message_leads_to_it(client):
    html = client.get(LIST, {"date_from": "2016-13-45", "actor": "Daesh"}).content.decode()
    assert re.search(r'<input type="text" name="date_from" value="2016-13-45"', html)
    assert '<a href="#id_date_from">From (date_from)</a>: Enter a valid date.' in html
    # Only the groups in use are open: the field to correct is in sight.
    assert re.search(r'<details class="filter-group" open>\s*<summary>When</summary>', html)
    assert re.search(r'<details class="filter-group" open>\s*<summary>Who</summary>', html)
    assert re.search(r'<details class="filter-group">\s*<summary>Where</summary>', html)


def test_sorting_by_a_column(client, world):
    by_fatalities = rows(client.get(LIST, {"sort": "-fatalities"}))
    assert by_fatalities[:3] == [str(world[k].pk) for k in ("verified", "disputed", "iraq")]
    assert by_fatalities[-1] == str(world["older"].pk)  # not reported: last
    oldest_first = rows(client.get(LIST, {"sort": "date"}))
    assert oldest_first[0] == str(world["older"].pk)
    html = client.get(LIST, {"sort": "-fatalities", "country": "SY"}).content.decode()
    # The header of the sorted column says so, and its link reverses the order, keeping the filters.
    assert re.search(r'aria-sort="descending"><a href="\?sort=fatalities&amp;country=SY">Fatalities', html)


def test_pages_with_links_that_keep_the_filters(client, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    events = [make_event(event_date=dt.date(2016, 7, 1) + dt.timedelta(days=i)) for i in range(7)]
    first = client.get(LIST, {"country": "SY"})
    assert rows(first) == [str(e.pk) for e in reversed(events[-3:])]
    html = first.content.decode()
    assert 'rel="next" href="?country=SY&amp;page=2"' in html and 'rel="prev"' not in html
    third = client.get(LIST, {"country": "SY", "page": "3"})
    assert rows(third) == [str(events[0].pk)]
    assert 'rel="next"' not in third.content.decode() and 'rel="prev" href="?country=SY&amp;page=2"' in third.content.decode()
    assert count_shown(third) == "7"  # the last page knows the total without counting
    beyond = client.get(LIST, {"country": "SY", "page": "9"})
    assert beyond.status_code == 200 and "No events on page 9" in beyond.content.decode()


def test_export_links_carry_the_filters_but_not_the_page(client, world):
    html = client.get(LIST, {"country": "SY", "date_from": "2016-07-01", "page": "1"}).content.decode()
    assert 'href="/events/export.csv?country=SY&amp;date_from=2016-07-01"' in html
    assert 'href="/events/export.geojson?country=SY&amp;date_from=2016-07-01"' in html
    assert 'href="/events/map/?country=SY&amp;date_from=2016-07-01"' in html


def test_the_csv_export_of_a_filtered_list_has_exactly_its_events(client, world):
    params = {"country": "SY", "date_from": "2016-07-01"}
    listed = set(rows(client.get(LIST, params)))
    csv_text = b"".join(client.get(reverse("events:export_csv"), params).streaming_content).decode()
    exported = {line.split(",")[0][2:] for line in csv_text.splitlines()[1:]}  # event_id_cnty = "SY" + id
    assert exported == listed


def test_the_list_reads_a_fixed_number_of_queries_and_no_large_column(client, django_assert_max_num_queries):
    for i in range(30):
        event = make_event(event_date=dt.date(2016, 1, 1) + dt.timedelta(days=i))
        if i % 3 == 0:
            EventSource.objects.create(event=event, story=make_story(f"Another report {i}"))
    client.get(LIST)  # fills the suggestion cache
    with django_assert_max_num_queries(4) as captured:
        response = client.get(LIST, {"country": "SY", "sort": "-fatalities"})
    assert len(rows(response)) == 30
    main = next(q["sql"] for q in captured.captured_queries if "LIMIT" in q["sql"])
    assert '"extracted"' not in main and '"search_vector"' not in main and '"notes"' not in main


def test_a_big_table_is_counted_by_the_planner_not_by_count(client, monkeypatch):
    for i in range(6):
        make_event(event_date=dt.date(2016, 1, 1) + dt.timedelta(days=i))
    with __import__("django").db.connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    monkeypatch.setattr(counting, "SMALL_TABLE_ROWS", 1)
    monkeypatch.setattr(counting, "EXACT_BELOW", 0)
    html = client.get(LIST).content.decode()
    assert 'data-estimated="true"' in html and "about " in html and "estimate" in html


def test_counts_are_rounded_when_estimated():
    assert counting.RowCount(241_377, True).display == "about 240,000"
    assert counting.RowCount(1_234, False).display == "1,234"
    assert counting.RowCount(87, True).display == "about 87"


# --- one event --------------------------------------------------------------------------------


def test_the_event_page_spells_out_every_field_and_its_precision(client, world):
    event = world["disputed"]
    Event.objects.filter(pk=event.pk).update(time_precision=2, geo_precision=2)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Air/drone strike in Manbij" in html
    assert "Week: the sources give only the week; the date recorded is the middle of that week." in html
    assert "Near a town, or in a small part of a region" in html
    assert "Islamic State" in html and "(Rebel group)" in html
    assert "Disorder type: Political violence" in html
    assert "range 15–30" in html
    assert event.event_id_cnty in html and str(event.uid) in html
    assert "Not verified" in html
    assert 'data-lat="36.528100"' in html and 'id="event-map"' in html


def test_the_event_page_shows_sources_with_their_evidence_highlighted(client, world):
    html = client.get(world["verified"].get_absolute_url()).content.decode()
    assert "Air strike kills 43 in Syria&#x27;s Manbij" in html and "Reuters" in html and "19 July 2016" in html
    assert 'href="https://example.org/story/' in html
    assert "<mark>killed 43 people</mark>" in html
    assert '<span class="ev-field">Fatalities</span>' in html and '<span class="ev-field">Place</span>' in html
    assert "✓ Verified by a curator" in html


def test_the_figures_of_disagreeing_sources_are_shown_side_by_side(client, world):
    event = world["verified"]
    body = BODY.replace("killed 43 people", "killed 50 people")
    story = make_story("Fifty dead in Manbij air raid", body=body, outlet="AFP", published=dt.date(2016, 7, 20))
    EventSource.objects.create(
        event=event, story=story, fatalities_best=50, fatalities_low=50, fatalities_high=50,
        claimed_by="Syrian Observatory for Human Rights", evidence=[evidence("fatalities", "killed 50 people", body)],
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "The sources disagree: what each reported" in html
    table = re.search(r'<table class="figures-table">(.*?)</table>', html, re.S).group(1)
    assert ">Reuters</th>" in table and ">AFP</th>" in table and ">43<" in table and ">50<" in table
    assert "Syrian Observatory for Human Rights" in table
    assert "<mark>killed 50 people</mark>" in html
    assert "sources disagree" in html


def test_related_events_are_those_at_the_same_place_or_with_the_same_actors_within_a_week(client, world):
    html = client.get(world["verified"].get_absolute_url()).content.decode()
    related = re.search(r'<ul class="related-list">(.*?)</ul>', html, re.S).group(1)
    assert world["disputed"].get_absolute_url() in related  # the day after, same place
    assert "same place, same actor, 1 day apart" in related
    assert world["older"].get_absolute_url() not in related  # six months earlier
    assert world["rejected"].get_absolute_url() not in related


def test_the_event_page_says_when_a_curator_last_changed_it(client, world, carol):
    event = world["disputed"]
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Not yet reviewed by a curator" in page
    event.fatalities_best = 25
    event.status = ReviewStatus.VERIFIED
    event.curated_fields = ["fatalities_best"]
    event._history_user = carol
    event.save()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Last curated <time" in html and "fatalities best" in html and "status" in html
    assert '<span class="curated" title="Set by a curator">curated</span>' in html
    assert "carol" not in html  # curators are not named to readers


def test_a_merged_event_leads_to_its_survivor(client, world):
    response = client.get(world["merged"].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{world['verified'].get_absolute_url()}?merged_from={world['merged'].pk}"
    html = client.get(response["Location"]).content.decode()
    assert f"Event #{world['merged'].pk} was merged into this one" in html


def test_a_rejected_event_is_gone_with_the_reason(client, world):
    response = client.get(world["rejected"].get_absolute_url())
    assert response.status_code == 404
    assert "was withdrawn" in response.content.decode() and "rejected" in response.content.decode()
    assert client.get("/events/999999/").status_code == 404


def test_the_event_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    event = world["verified"]
    for i in range(5):
        EventSource.objects.create(event=event, story=make_story(f"Report {i}"), evidence=[evidence("fatalities", "killed 43 people")])
    with django_assert_max_num_queries(10):
        assert client.get(event.get_absolute_url()).status_code == 200


# --- the map --------------------------------------------------------------------------------


def test_the_map_page_asks_for_the_data_of_the_same_filters(client, world, settings):
    html = client.get("/events/map/", {"country": "SY"}).content.decode()
    assert 'data-url="/events/map/data.json?country=SY"' in html
    assert 'data-tiles=""' in html and "countries-50m.json" in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "leaflet.markercluster.js" in html
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in client.get("/events/map/").content.decode()


def test_the_map_data_are_the_filtered_events_with_only_what_a_marker_needs(client, world):
    data = client.get("/events/map/data.json", {"country": "SY", "date_from": "2016-07-01"}).json()
    assert data["mode"] == "points"
    assert sorted(p[0] for p in data["points"]) == sorted([world["verified"].pk, world["disputed"].pk])
    point = next(p for p in data["points"] if p[0] == world["verified"].pk)
    assert point == [world["verified"].pk, 36.5281, 37.9549, "2016-07-19", "Air/drone strike", "Explosions/Remote violence", "Manbij, Syria", 43, 1]
    assert data["total"] == {"value": 2, "estimated": False, "display": "2"}
    assert data["detail_url"] == "/events/{id}/"


def test_the_map_data_become_grid_cells_above_the_cap(client, world, monkeypatch):
    monkeypatch.setattr(map_data, "MAX_POINTS", 2)
    data = client.get("/events/map/data.json", {"zoom": "3"}).json()
    assert data["mode"] == "cells" and "points" not in data
    assert sum(cell[2] for cell in data["cells"]) == 4  # every located public event, counted
    assert sum(cell[3] for cell in data["cells"]) == 43 + 20 + 12
    assert data["cell_degrees"] == 360 / 2**3 / map_data.CELLS_PER_TILE
    inside = client.get("/events/map/data.json", {"bbox": "42,35,45,37", "zoom": "9"}).json()
    assert inside["mode"] == "points" and [p[0] for p in inside["points"]] == [world["iraq"].pk]


@pytest.mark.parametrize("params", [{"bbox": "1,2"}, {"bbox": "a,b,c,d"}, {"zoom": "99"}, {"country": "Atlantis"}])
def test_bad_map_parameters_are_a_400(client, params):
    response = client.get("/events/map/data.json", params)
    assert response.status_code == 400 and response.json()["error"]


def test_the_map_data_read_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/events/map/data.json")


# --- the summary ------------------------------------------------------------------------------


def test_the_summary_counts_per_period_type_and_country(client, world):
    response = client.get("/events/summary/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total_events == 4 and summary.total_fatalities == 43 + 20 + 12
    assert {t.label: t.events for t in summary.types} == {"Explosions/Remote violence": 3, "Battles": 1}
    assert {c.label: (c.events, c.fatalities) for c in summary.countries} == {"Syria": (3, 63), "Iraq": (1, 12)}
    assert summary.interval == "week"  # ten months: weeks
    periods = {p.label: (p.events, p.fatalities) for p in summary.periods}
    assert periods["2016-07-18"] == (2, 63) and periods["2016-01-04"] == (1, 0)
    assert periods["2016-03-07"] == (0, 0)  # empty weeks are kept: a gap is information
    data = response.context["chart_data"]
    assert len(data["periods"]) == len(data["events"]) == len(data["fatalities"])
    assert '<script id="chart-data" type="application/json">' in response.content.decode()


def test_the_summary_follows_the_filters_and_the_interval(client, world):
    summary = client.get("/events/summary/", {"country": "SY", "interval": "month"}).context["summary"]
    assert summary.interval == "month" and summary.total_events == 3
    assert [(p.label, p.events) for p in summary.periods if p.events] == [("2016-01", 1), ("2016-07", 2)]
    assert client.get("/events/summary/", {"interval": "year"}).status_code == 400
    assert client.get("/events/summary/", {"date_to": "yesterday"}).status_code == 400


def test_the_summary_sees_a_new_event_at_once_despite_its_cache(client, world):
    assert client.get("/events/summary/").context["summary"].total_events == 4
    make_event(event_date=dt.date(2016, 8, 1))
    assert client.get("/events/summary/").context["summary"].total_events == 5


def test_the_summary_is_one_grouping_query(client, world, django_assert_max_num_queries):
    client.get("/events/summary/")  # the sidebar's suggestions are cached; the country's summary is not
    with django_assert_max_num_queries(2) as captured:
        client.get("/events/summary/", {"country": "SY"})
    assert sum("GROUPING SETS" in q["sql"] for q in captured.captured_queries) == 1


# --- every page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/events/", "/events/map/", "/events/summary/", "detail"])
def test_pages_carry_no_inline_script_or_style(client, world, path):
    url = world["verified"].get_absolute_url() if path == "detail" else path
    html = client.get(url).content.decode()
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert "http://" not in html.replace("http://www.w3.org", "") and "cdn" not in html.lower()


def test_pages_refuse_writes(client, world):
    for url in ("/events/", "/events/map/", "/events/map/data.json", "/events/summary/", world["verified"].get_absolute_url()):
        assert client.post(url).status_code == 405
