"""The read-only API: shapes analysts rely on, incremental sync with tombstones, pages, limits, refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conflictdb.settings import redis_caches

from events import exporting
from events.api import serializers
from events.api.pagination import MAX_PAGE_SIZE
from events.choices import ReviewStatus
from events.filtersets import EventFilterSet
from events.merging import merge_events
from events.models import Event, EventSource
from events.tests.personas import actor, carol, make_event, make_story  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
SOURCE_EXTRAS = {"story", "fatalities", "fatalities_low", "fatalities_high", "injured", "injured_low", "injured_high", "claimed_by"}
TOMBSTONE_KEYS = {"uid", "status", "merged_into", "updated_at", "tombstone"}


@pytest.fixture
def manbij():
    """The Manbij air strike: two sources that disagree (43 and 45 dead), one figure claimed by a party."""
    event = make_event()
    afp = make_story("Strike on Manbij kills 45, monitor says", outlet="AFP", published=dt.date(2016, 7, 20))
    EventSource.objects.create(
        event=event, story=afp, fatalities_best=45, fatalities_low=40, fatalities_high=50, injured_best=12,
        claimed_by="Syrian Observatory for Human Rights",
    )
    event.assoc_actors1.add(actor("Syrian Democratic Forces", actor_type=2, aliases=("SDF",)))
    return event


@pytest.fixture
def mosul():
    return make_event(location="Mosul", country_code="IQ", fatalities=0, story=make_story("Clashes in Mosul"), event_date=dt.date(2016, 8, 2))


def get(path, client=None, **params):
    return (client or Client()).get(path, params)


def uids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["uid"] for row in response.json()["results"]]


def walk_pages(path, **params) -> list[dict]:
    """Every row of a listing, following `next` links."""
    rows, response = [], get(path, **params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        rows += page["results"]
        if not page["next"]:
            return rows
        response = Client().get(page["next"])


def export_row(event) -> dict:
    return next(exporting.event_rows(Event.objects.filter(pk=event.pk)))


# --- the shape of an event ------------------------------------------------------------------------


def test_an_event_has_every_export_column_with_the_exports_values(manbij):
    row = get("/api/events/").json()["results"][0]
    expected = export_row(manbij)
    for column in exporting.EXPORT_COLUMNS:
        if column != "sources":
            assert row[column] == expected[column], column
    assert row["event_id_cnty"] == f"SY{manbij.pk}" and row["uid"] == str(manbij.uid)
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (43, 43, 43)
    assert row["assoc_actor_1"] == "Syrian Democratic Forces"
    assert row["source"] == "Reuters; AFP"
    assert row["status"] == "needs_review" and row["updated_at"] == manbij.updated_at.isoformat()


def test_each_source_keeps_its_evidence_and_its_own_figures(manbij):
    sources = get(f"/api/events/{manbij.uid}/").json()["sources"]
    assert [s["outlet"] for s in sources] == ["Reuters", "AFP"]
    reuters, afp = sources
    assert (reuters["fatalities"], reuters["fatalities_low"], reuters["fatalities_high"], reuters["claimed_by"]) == (43, 43, 43, "")
    assert (afp["fatalities"], afp["fatalities_low"], afp["fatalities_high"], afp["injured"]) == (45, 40, 50, 12)
    assert afp["injured_low"] is None  # not reported, which is not zero
    assert afp["claimed_by"] == "Syrian Observatory for Human Rights"
    assert reuters["evidence"][0]["field"] == "fatalities"
    assert reuters["evidence"][0]["sentence"].startswith("An air strike killed 43 people")
    story = get(f"/api/stories/{reuters['story']}/").json()
    start, end = reuters["evidence"][0]["span_start"], reuters["evidence"][0]["span_end"]
    assert story["body"][start:end] == "killed 43 people"  # offsets point into the body the API serves


def test_the_fields_are_the_export_columns_plus_sources_ids_and_url(manbij):
    row = get(f"/api/events/{manbij.uid}/").json()
    assert list(row) == [*exporting.EXPORT_COLUMNS, "actor1_id", "actor2_id", "place_id", "url"]
    assert list(row) == list(serializers.EventSerializer().fields)  # the schema documents what is sent
    assert set(row["sources"][0]) == set(exporting.source_entry(manbij.sources.first())) | SOURCE_EXTRAS
    assert set(row["sources"][0]) == set(serializers.SourceSerializer().fields)
    assert (row["actor1_id"], row["place_id"]) == (manbij.actor1_id, manbij.place_id)


def test_url_is_the_events_page_once_that_page_exists(manbij):
    row = get(f"/api/events/{manbij.uid}/").json()
    try:
        assert row["url"] == "http://testserver" + reverse("events:detail", args=[manbij.pk])
    except NoReverseMatch:
        assert row["url"] is None


def test_an_event_is_found_by_its_uid_not_its_primary_key(manbij):
    assert get(f"/api/events/{manbij.uid}/").json()["uid"] == str(manbij.uid)
    for wrong in (str(manbij.pk), "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = get(f"/api/events/{wrong}/")
        assert response.status_code == 404
        assert response.json() == {"error": f"No event with uid {wrong!r}."}


def test_a_merged_events_uid_answers_with_its_tombstone(manbij, mosul):
    merge_events(mosul, [manbij])
    body = get(f"/api/events/{manbij.uid}/").json()
    assert body["tombstone"] is True and body["status"] == "merged" and body["merged_into"] == str(mosul.uid)
    assert set(body) == TOMBSTONE_KEYS


def test_the_list_hides_rejected_and_merged_events_like_the_readers_list(manbij, mosul):
    rejected = make_event(location="Raqqa", status=ReviewStatus.REJECTED)
    assert set(uids(get("/api/events/"))) == {str(manbij.uid), str(mosul.uid)}
    assert str(rejected.uid) not in uids(get("/api/events/", status="needs_review"))


# --- the same filters as the list and the exports ---------------------------------------------------


QUERIES = [
    {},
    {"country": "Syria"},
    {"country": "SY"},
    {"country": "syr,IQ"},
    {"date_from": "2016-08-01"},
    {"actor": "Daesh"},
    {"actor": "SDF"},
    {"fatalities_max": "0"},
    {"q": "Mosul"},
    {"outlet": "AFP"},
    {"sort": "-fatalities"},
    {"status": ["needs_review", "verified"], "geo_precision": "1"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "none")
def test_the_api_returns_exactly_the_filtersets_events(manbij, mosul, query):
    make_event(location="Raqqa", status=ReviewStatus.REJECTED)
    expected = [str(u) for u in EventFilterSet(query, queryset=Event.objects.all()).qs.values_list("uid", flat=True)]
    assert [r["uid"] for r in walk_pages("/api/events/", limit=1, **query)] == expected


def test_country_by_name_and_by_code_give_the_same_events(manbij, mosul):
    assert uids(get("/api/events/", country="Syria")) == uids(get("/api/events/", country="SY")) == [str(manbij.uid)]


# --- incremental sync --------------------------------------------------------------------------------


def age(*events, when=LONG_AGO):
    Event.objects.filter(pk__in=[e.pk for e in events]).update(updated_at=when)


def test_updated_since_returns_what_changed_at_or_after_it_oldest_change_first(manbij, mosul):
    age(manbij, mosul)
    since = timezone.now()
    mosul.notes = "Clashes in Mosul; corrected."
    mosul.save()
    manbij.notes = "Air strike on Manbij; corrected."
    manbij.save()
    rows = get("/api/events/", updated_since=since.isoformat()).json()["results"]
    assert [r["uid"] for r in rows] == [str(mosul.uid), str(manbij.uid)]
    assert uids(get("/api/events/", updated_since=rows[1]["updated_at"])) == [str(manbij.uid)]  # "at": inclusive
    assert uids(get("/api/events/", updated_since=timezone.now().isoformat())) == []


def test_sync_returns_tombstones_after_a_real_merge_and_a_reject(manbij, mosul, carol):  # noqa: F811
    raqqa = make_event(location="Raqqa")
    age(manbij, mosul, raqqa)
    since = timezone.now()
    merge_events(mosul, [manbij])
    curator = Client()
    curator.force_login(carol)
    response = curator.post(reverse("admin:events_event_changelist"), {"action": "reject", "_selected_action": [raqqa.pk]})
    assert response.status_code == 302
    rows = {r["uid"]: r for r in walk_pages("/api/events/", updated_since=since.isoformat())}
    assert set(rows) == {str(manbij.uid), str(mosul.uid), str(raqqa.uid)}
    assert rows[str(manbij.uid)] == {
        "uid": str(manbij.uid), "status": "merged", "merged_into": str(mosul.uid),
        "updated_at": Event.objects.get(pk=manbij.pk).updated_at.isoformat(), "tombstone": True,
    }
    assert rows[str(raqqa.uid)]["status"] == "rejected" and rows[str(raqqa.uid)]["merged_into"] is None
    assert set(rows[str(raqqa.uid)]) == TOMBSTONE_KEYS
    assert rows[str(mosul.uid)]["source"] == "Reuters; AFP"  # the survivor, with the loser's sources
    assert "tombstone" not in rows[str(mosul.uid)]
    # without updated_since nothing changes for the reader's list
    assert uids(get("/api/events/")) == [str(mosul.uid)]


def test_a_second_merge_re_points_the_first_loser_and_sync_sees_it(manbij, mosul):
    raqqa = make_event(location="Raqqa")
    merge_events(mosul, [manbij])
    age(manbij, mosul, raqqa)
    since = timezone.now()
    merge_events(raqqa, [mosul])
    rows = {r["uid"]: r for r in walk_pages("/api/events/", updated_since=since.isoformat())}
    assert rows[str(manbij.uid)]["merged_into"] == str(raqqa.uid)  # not the now-merged mosul
    assert rows[str(mosul.uid)]["merged_into"] == str(raqqa.uid)


def test_sync_pages_through_ties_in_updated_at_without_losing_or_repeating_a_row(manbij):
    events = [manbij, *(make_event(location=f"Village {n}") for n in range(6))]
    Event.objects.update(updated_at=LONG_AGO)  # one bulk change: every row has the same updated_at
    Event.objects.filter(pk=events[3].pk).update(status=ReviewStatus.REJECTED)
    rows = walk_pages("/api/events/", updated_since=LONG_AGO.isoformat(), limit=2)
    assert [r["uid"] for r in rows] == [str(e.uid) for e in sorted(events, key=lambda e: e.pk)]
    assert rows[3]["tombstone"] is True


# --- pages -------------------------------------------------------------------------------------------


@pytest.fixture
def dated_and_undated(manbij, mosul):
    """Eight events, two without a date and several on one day, so that sort keys tie and include NULLs."""
    extra = [make_event(location=f"Village {n}", event_date=dt.date(2016, 7, 19), fatalities=n) for n in range(4)]
    undated = [make_event(location=f"Somewhere {n}", event_date=None, fatalities=None) for n in range(2)]
    return [manbij, mosul, *extra, *undated]


@pytest.mark.parametrize("sort", [None, "date", "-date", "fatalities", "-fatalities", "country", "-updated", "location,-date"])
def test_pages_follow_the_sort_with_nulls_last_and_previous_links_go_back(dated_and_undated, sort):
    params = {"sort": sort} if sort else {}
    everything = uids(get("/api/events/", limit=MAX_PAGE_SIZE, **params))
    assert sorted(everything) == sorted(str(e.uid) for e in dated_and_undated)
    pages, response = [], get("/api/events/", limit=3, **params)
    while True:
        page = response.json()
        pages.append(page)
        if not page["next"]:
            break
        response = Client().get(page["next"])
    assert [r["uid"] for p in pages for r in p["results"]] == everything
    assert pages[0]["previous"] is None
    back = Client().get(pages[-1]["previous"]).json()
    assert back["results"] == pages[-2]["results"]
    if sort in (None, "-date", "date", "fatalities"):
        undated = {str(e.uid) for e in dated_and_undated[-2:]}
        assert set(everything[-2:]) == undated  # empty values last, whichever the direction


@pytest.mark.parametrize("params,parameter", [
    ({"limit": "0"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": str(MAX_PAGE_SIZE + 1)}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": "100000000"}, "offset"),
    ({"page": "99999999999"}, "page"),
    ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
    ({"cursor": "x" * 5000}, "cursor"),
    ({"countyr": "SY"}, "countyr"),
    ({"date_from": ["2016-01-01", "2017-01-01"]}, "date_from"),
    ({"limit": ["1", "500"]}, "limit"),
])
def test_paging_abuse_is_a_400_naming_the_parameter(manbij, params, parameter):
    response = get("/api/events/", **params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [parameter]
    assert body["error"].startswith(f"{parameter}: ")


def test_a_cursor_of_another_sort_is_refused(dated_and_undated):
    next_link = get("/api/events/", limit=2, sort="fatalities").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]
    response = get("/api/events/", limit=2, sort="-date", cursor=cursor)
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_a_page_of_events_costs_the_same_queries_for_3_or_30_events(manbij, django_assert_max_num_queries):
    for n in range(30):
        event = make_event(location=f"Village {n}")
        event.assoc_actors2.add(actor("Civilians (Syria)", actor_type=7, aliases=()))
    with django_assert_max_num_queries(5):  # events, assoc actors 1 and 2, sources with stories and outlets
        response = get("/api/events/", limit=3)
    assert len(response.json()["results"]) == 3
    with django_assert_max_num_queries(5):
        response = get("/api/events/", limit=40)
    assert len(response.json()["results"]) == 31
    merge_events(manbij, list(Event.objects.filter(location__in=["Village 0", "Village 1", "Village 2"])))
    with django_assert_max_num_queries(5):  # and one for the survivors' uids, whatever the number of tombstones
        response = get("/api/events/", limit=40, updated_since=LONG_AGO.isoformat())
    tombstones = [r for r in response.json()["results"] if r.get("tombstone")]
    assert len(tombstones) == 3 and {t["merged_into"] for t in tombstones} == {str(manbij.uid)}


# --- malformed input: a 400 with a message, never a 500 ----------------------------------------------


BAD_INPUT = [
    {"date_from": "2016-13-01"},
    {"date_to": "yesterday"},
    {"updated_since": "2016-07-19T25:00:00"},
    {"updated_since": "0001-01-01T00:00:00+14:00"},
    {"country": "Atlantis"},
    {"country": "SY\x00"},
    {"q": "x" * 10_000},
    {"q": "air\x00strike"},
    {"fatalities_min": "-1"},
    {"fatalities_min": "NaN"},
    {"fatalities_max": "1e400"},
    {"time_precision": "4"},
    {"event_type": "Picnic"},
    {"status": "rejected"},
    {"sort": "notes"},
    {"uid": "' OR 1=1 --"},
    {"admin1": "a" * 201},
    {"verified": "perhaps"},
    {"actor": ",".join(str(n) for n in range(51))},
]


@pytest.mark.parametrize("path", ["/api/events/", "/events/export.csv", "/events/export.json", "/events/export.geojson"])
@pytest.mark.parametrize("params", BAD_INPUT, ids=lambda p: next(iter(p)))
def test_malformed_filters_are_a_400_with_a_json_message(manbij, path, params):
    response = get(path, **params)
    assert response.status_code == 400, (path, params)
    body = response.json()
    parameter = next(iter(params))
    assert parameter in body["errors"] and parameter in body["error"]


@pytest.mark.parametrize("params", [
    {"updated_since": "0398-08-30T09:52:16+19:05"},  # an offset PostgreSQL cannot store: converted to UTC
    {"updated_since": "9999-12-31T23:59:59.999999+12:00"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    {"fatalities_min": "10000000"},
    {"verified": "false", "civilian_targeting": "0"},
])
def test_extreme_but_valid_values_answer_200(manbij, params):
    assert get("/api/events/", **params).status_code == 200
    assert get("/events/export.csv", **params).status_code == 200


@pytest.mark.parametrize("value", [
    "'; DROP TABLE events_event; --", "<script>alert(1)</script>", "Zürich", "تل أبيض", "🙂" * 50, "\u202eevil", "a\u0301",
])
def test_odd_but_valid_text_filters_answer_200(manbij, value):
    for name in ("q", "place", "admin1", "actor", "outlet"):
        response = get("/api/events/", **{name: value})
        assert response.status_code == 200, (name, value)
        assert response.json()["results"] == []
    assert Event.objects.filter(pk=manbij.pk).exists()


# --- read-only ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "reader", "curator"])
def test_nothing_can_be_written_through_the_api(manbij, rita, carol, who):  # noqa: F811
    client = Client()
    if who != "anonymous":
        client.force_login(rita if who == "reader" else carol)
    paths = ["/api/events/", f"/api/events/{manbij.uid}/", "/api/stories/", f"/api/stories/{manbij.sources.first().story_id}/",
             "/api/actors/", f"/api/actors/{manbij.actor1_id}/", "/api/places/", f"/api/places/{manbij.place_id}/"]
    before = (Event.objects.values_list("notes", "status", "version").get(pk=manbij.pk), Event.objects.count())
    for path in paths:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(path, data=json.dumps({"notes": "forged", "status": "verified"}), content_type="application/json")
            assert response.status_code == 403, f"{method} {path} as {who}"
            assert "read-only" in response.json()["error"]
    assert (Event.objects.values_list("notes", "status", "version").get(pk=manbij.pk), Event.objects.count()) == before


# --- schema, docs, versions -------------------------------------------------------------------------------


def test_the_schema_is_served_as_json_with_the_export_schema_version(db):
    response = get("/api/schema/", format="json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["version"] == exporting.SCHEMA_VERSION
    assert {"/api/events/", "/api/events/{uid}/", "/api/stories/", "/api/actors/", "/api/places/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/events/"]["get"]["parameters"]}
    assert parameters == set(EventFilterSet.base_filters) | {"cursor", "limit"}


def test_every_api_response_names_the_schema_version(manbij):
    for path in ("/api/", "/api/events/", f"/api/events/{manbij.uid}/", "/api/events/?limit=0", "/api/places/", "/api/events/nope/",
                 "/api/no/such.thing", "/api/schema/"):
        assert Client().get(path)["X-Schema-Version"] == exporting.SCHEMA_VERSION, path


def test_the_schema_browser_loads_its_files_from_this_site_only(db):
    page = get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style>" not in html and "<script>" not in html  # nothing inline for the CSP to refuse
    assert "https://" not in html and "http://" not in html
    script = get("/api/docs/", script="")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()


# --- what events cite -----------------------------------------------------------------------------------


def test_stories_actors_and_places_list_and_detail(manbij):
    story = manbij.sources.order_by("id").first().story
    listed = get("/api/stories/").json()["results"]
    assert [s["id"] for s in listed] == sorted(EventSource.objects.values_list("story_id", flat=True))
    assert "body" not in listed[0]  # bodies only one at a time
    detail = get(f"/api/stories/{story.pk}/").json()
    assert (detail["headline"], detail["outlet"], detail["published"], detail["body"]) == (story.headline, "Reuters", "2016-07-19", story.body)
    isis = get(f"/api/actors/{manbij.actor1_id}/").json()
    assert (isis["name"], isis["aliases"], isis["actor_type"], isis["inter"]) == ("Islamic State", ["Daesh", "ISIS"], 2, "Rebel group")
    assert get("/api/actors/").json()["results"][0]["name"] == "Islamic State"
    manbij_place = get(f"/api/places/{manbij.place_id}/").json()
    assert (manbij_place["name"], manbij_place["country_code"], manbij_place["latitude"]) == ("Manbij", "SY", 36.5281)
    assert get("/api/places/999999/").status_code == 404


def test_stories_page_by_id_with_the_same_limits(manbij):
    for n in range(4):
        make_story(f"Story {n}")
    rows = walk_pages("/api/stories/", limit=2)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows) and len(rows) == 6
    assert get("/api/stories/", limit="-5").status_code == 400
    assert get("/api/stories/", country="SY").status_code == 400  # no filters here: not silently ignored


def test_a_query_past_the_statement_timeout_is_a_503_that_says_what_to_do(manbij):
    from django.db import connection, transaction

    with transaction.atomic():  # the cancelled statement aborts the test's transaction: roll back to here
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
        response = get("/api/events/", q="air strike", limit=500)
        transaction.set_rollback(True)
    if response.status_code == 200:
        pytest.skip("the query beat a 1 ms timeout")
    assert response.status_code == 503
    assert "Narrow it" in response.json()["error"]


# --- rate limit -------------------------------------------------------------------------------


def test_a_client_over_the_rate_limit_is_told_to_wait_and_others_are_not(mosul, settings):
    settings.API_RATE_LIMIT = "3/min"
    answers = [Client(REMOTE_ADDR="203.0.113.7").get("/api/events/").status_code for _ in range(3)]
    refused = Client(REMOTE_ADDR="203.0.113.7").get(f"/api/events/{mosul.uid}/")
    assert answers == [200, 200, 200]
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["error"] and refused["X-Schema-Version"] == exporting.SCHEMA_VERSION
    assert Client(REMOTE_ADDR="198.51.100.2").get("/api/events/").status_code == 200  # counted per address
    spoofed = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99").get("/api/events/")
    assert spoofed.status_code == 429  # with no proxy declared, a header the client wrote changes nothing
    assert Client(REMOTE_ADDR="203.0.113.7").get("/events/").status_code == 200  # the pages are not the API


def test_the_rate_limit_can_be_turned_off(mosul, settings):
    settings.API_RATE_LIMIT = None
    assert {Client().get("/api/events/").status_code for _ in range(20)} == {200}


def test_the_schema_tells_clients_about_the_rate_limit():
    schema = json.loads(Client().get("/api/schema/", {"format": "json"}).content)
    assert "429" in schema["paths"]["/api/events/"]["get"]["responses"]


def test_behind_a_proxy_each_forwarded_client_is_counted_on_its_own(mosul, settings):
    settings.API_RATE_LIMIT = "2/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "127.0.0.1"

    def via_proxy(client_address):
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address).get("/api/events/").status_code

    assert [via_proxy("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert via_proxy("198.51.100.2") == 200


REDIS_FOR_TESTS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_with_redis_the_counts_are_kept_where_every_worker_reads_them(mosul, settings):
    import redis

    client = redis.Redis.from_url(REDIS_FOR_TESTS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_FOR_TESTS} (TEST_REDIS_URL)")
    prefix = f"cdbtest{uuid.uuid4().hex[:8]}"
    settings.CACHES = redis_caches(REDIS_FOR_TESTS, prefix)
    settings.API_RATE_LIMIT = "2/min"
    try:
        assert [Client(REMOTE_ADDR="203.0.113.9").get("/api/events/").status_code for _ in range(3)] == [200, 200, 429]
        keys = [key.decode() for key in client.scan_iter(f"{prefix}:*")]
        assert any("throttle_api_203.0.113.9" in key for key in keys), keys
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_a_redis_that_is_down_lets_the_api_answer(mosul, settings):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", "down")  # nothing listens on port 1
    settings.API_RATE_LIMIT = "1/min"
    assert [Client().get("/api/events/").status_code for _ in range(3)] == [200, 200, 200]
