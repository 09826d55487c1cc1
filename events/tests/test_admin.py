"""The curators' admin: queue, filters, search, change page, lock, merge, split, history."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest
from django.urls import reverse

from events.choices import ReviewStatus
from events.models import Event, EventSource
from events.tests.personas import actor, carol, make_event, make_story, place  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


@pytest.fixture(autouse=True)
def fresh_cache():
    """The sidebar caches its country and year lists; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator_client(client, carol):
    client.force_login(carol)
    return client


def listed(response) -> list[int]:
    """Event ids in the changelist, in order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


def form_data(response) -> dict:
    """The change form's current values as the browser would post them."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, (dt.date,)):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    for formset in response.context.get("inline_admin_formsets", []):
        fs = formset.formset
        mgmt = fs.management_form
        for name in mgmt.fields:
            data[f"{fs.prefix}-{name}"] = str(mgmt[name].value())
        for sub in fs.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None and value is not False:
                    data[f"{sub.prefix}-{name}"] = str(value)
    return data


# --- the queue ------------------------------------------------------------------------------


def test_queue_opens_on_events_needing_review_newest_first(curator_client):
    old = make_event(event_date=dt.date(2016, 1, 1))
    new = make_event(event_date=dt.date(2016, 8, 1))
    make_event(status=ReviewStatus.VERIFIED)
    make_event(status=ReviewStatus.EXTRACTED)
    response = curator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == [new.pk, old.pk]
    assert "Air strike kills 43" in response.content.decode()  # the newest story's headline


def test_status_filter_offers_all_and_each_status(curator_client):
    events = [make_event(status=s) for s in (ReviewStatus.NEEDS_REVIEW, ReviewStatus.VERIFIED, ReviewStatus.REJECTED)]
    assert set(listed(curator_client.get(CHANGELIST, {"status": "all"}))) == {e.pk for e in events}
    assert listed(curator_client.get(CHANGELIST, {"status": "verified"})) == [events[1].pk]
    assert listed(curator_client.get(CHANGELIST, {"status": "rejected"})) == [events[2].pk]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"event_type": "Explosions/Remote violence"}, {"syria", "iraq", "undated"}),
        ({"event_type": "Battles"}, set()),
        ({"country": "IQ"}, {"iraq"}),
        ({"date_from": "2016-07-01", "date_to": "2016-07-31"}, {"syria"}),
        ({"undated": "1"}, {"undated"}),
        ({"confidence": "low"}, {"iraq"}),
        ({"confidence": "medium"}, {"syria", "undated"}),
        ({"curated": "no"}, {"syria", "iraq", "undated"}),
    ],
)
def test_filters(curator_client, params, expected):
    named = {
        "syria": make_event(event_date=dt.date(2016, 7, 19), confidence=0.5),
        "iraq": make_event(event_date=dt.date(2017, 3, 1), country_code="IQ", location="Mosul", confidence=0.3),
        "undated": make_event(event_date=None, confidence=0.45),
    }
    response = curator_client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert set(listed(response)) == {named[n].pk for n in expected}


def test_country_and_year_filters_list_what_is_in_the_table(curator_client):
    make_event(event_date=dt.date(2016, 7, 19))
    make_event(event_date=dt.date(2018, 1, 1), country_code="IQ", location="Mosul")
    page = curator_client.get(CHANGELIST).content.decode()
    assert "Iraq" in page and "Syria" in page
    assert ">2018<" in page and ">2017<" in page and ">2016<" in page


def test_actor_filter_matches_any_role(curator_client):
    sdf = actor("Syrian Democratic Forces", 2, ("SDF",))
    as_actor2, assoc, other = make_event(), make_event(), make_event()
    Event.objects.filter(pk=as_actor2.pk).update(actor2=sdf)
    assoc.assoc_actors1.add(sdf)
    response = curator_client.get(CHANGELIST, {"actor": sdf.pk})
    assert set(listed(response)) == {as_actor2.pk, assoc.pk}
    assert "Syrian Democratic Forces" in response.content.decode()
    assert other.pk not in listed(response)


def test_disagreeing_sources_filter(curator_client):
    agreeing, disagreeing = make_event(), make_event()
    EventSource.objects.create(event=agreeing, story=make_story("Another report"), fatalities_best=43)
    EventSource.objects.create(event=disagreeing, story=make_story("Another report"), fatalities_best=50)
    assert listed(curator_client.get(CHANGELIST, {"disagree": "yes"})) == [disagreeing.pk]
    assert disagreeing.pk not in listed(curator_client.get(CHANGELIST, {"disagree": "no"}))


@pytest.mark.parametrize("term", ["Manbij", "Daesh", "Islamic", "kills 43", "bombing", "monitoring group", "Aleppo"])
def test_search_over_notes_location_actors_and_stories(curator_client, term):
    hit = make_event(headline="Air strike kills 43 in Syria's Manbij", notes="A bombing of the market.")
    # Full-text search reads the stories' bodies too (Story.search_vector), so the miss's story says nothing of Manbij.
    quiet = make_story("Quiet day", body="MOSUL (Reuters) - The city was calm on Tuesday, residents said.")
    miss = make_event(location="Mosul", story=quiet, notes="Nothing.")
    Event.objects.filter(pk=miss.pk).update(actor1=actor("Iraqi army", 1, ()), admin1="Nineveh", country="Iraq", country_code="IQ")
    found = listed(curator_client.get(CHANGELIST, {"q": term}))
    assert hit.pk in found and miss.pk not in found


def test_search_matches_whole_words_stemmed_not_parts_of_words(curator_client):
    event = make_event(notes="Shelling of a checkpoint near the market.")
    assert event.pk in listed(curator_client.get(CHANGELIST, {"q": "checkpoints"}))  # the same stem
    assert event.pk in listed(curator_client.get(CHANGELIST, {"q": '"air strike" -wedding'}))  # web search syntax
    assert event.pk not in listed(curator_client.get(CHANGELIST, {"q": "checkp"}))  # ILIKE found a part of a word
    assert event.pk not in listed(curator_client.get(CHANGELIST, {"q": "checkpoint wedding"}))  # every word


def test_search_by_event_number(curator_client):
    event, other, third = make_event(), make_event(), make_event()
    assert listed(curator_client.get(CHANGELIST, {"q": str(event.pk), "status": "all"})) == [event.pk]
    assert other.pk not in listed(curator_client.get(CHANGELIST, {"q": str(event.pk)}))
    several = listed(curator_client.get(CHANGELIST, {"q": f"{event.pk}, {third.pk}"}))
    assert sorted(several) == sorted([event.pk, third.pk])


def test_search_by_actor_finds_every_role(curator_client):
    sdf = actor("Syrian Democratic Forces", 2, ("SDF",))
    as_actor2, assoc, other = make_event(), make_event(), make_event()
    Event.objects.filter(pk=as_actor2.pk).update(actor2=sdf)
    assoc.assoc_actors1.add(sdf)
    found = listed(curator_client.get(CHANGELIST, {"q": "sdf"}))
    assert set(found) == {as_actor2.pk, assoc.pk} and other.pk not in found


def test_changelist_does_not_count_the_whole_table(curator_client, django_assert_max_num_queries):
    for _ in range(3):
        make_event()
    with django_assert_max_num_queries(14):
        response = curator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "3 events" in response.content.decode()


@pytest.mark.parametrize("order, expected", [("6", [2, 1, 3, 0, 4]), ("-6", [0, 3, 1, 2, 4])])
def test_sorted_by_killed_the_unreported_come_last_and_ties_follow_the_column(curator_client, order, expected):
    """Fewest or most killed first, events with no reported figure after all others either way;
    equal figures by event number in the same direction (the order the indexes hold)."""
    events = [make_event(fatalities=f) for f in (50, 7, 0, 7, None)]
    response = curator_client.get(CHANGELIST, {"o": order})
    assert listed(response) == [events[i].pk for i in expected]


@pytest.mark.parametrize("order", ["3", "-8", "5.-6"])
def test_every_column_sort_is_by_the_column_then_the_event_number(curator_client, order):
    events = [make_event(fatalities=f, confidence=c, location=loc) for f, c, loc in ((5, 0.3, "Manbij"), (5, 0.3, "Aleppo"), (9, 0.5, "Manbij"))]
    by_column = {"3": [0, 1, 2], "-8": [2, 1, 0], "5.-6": [1, 2, 0]}[order]
    response = curator_client.get(CHANGELIST, {"o": order})
    assert listed(response) == [events[i].pk for i in by_column]


# --- bulk actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, status",
    [("mark_verified", ReviewStatus.VERIFIED), ("reject", ReviewStatus.REJECTED), ("send_to_review", ReviewStatus.NEEDS_REVIEW)],
)
def test_bulk_status_actions_record_who(curator_client, carol, action, status):
    start = ReviewStatus.VERIFIED if status == ReviewStatus.NEEDS_REVIEW else ReviewStatus.NEEDS_REVIEW
    events = [make_event(status=start) for _ in range(3)]
    response = curator_client.post(
        CHANGELIST + "?status=all", {"action": action, "_selected_action": [e.pk for e in events[:2]]}, follow=True
    )
    assert response.status_code == 200
    assert "2 events" in response.content.decode()
    for event in events[:2]:
        event.refresh_from_db()
        assert event.status == status
        assert event.version == 2
        record = event.history.first()
        assert record.history_user == carol and record.status == status
    events[2].refresh_from_db()
    assert events[2].status == start


def test_bulk_verify_skips_merged_events(curator_client):
    survivor, merged = make_event(), make_event()
    Event.objects.filter(pk=merged.pk).update(status=ReviewStatus.MERGED, merged_into=survivor)
    response = curator_client.post(
        CHANGELIST + "?status=all", {"action": "mark_verified", "_selected_action": [survivor.pk, merged.pk]}, follow=True
    )
    assert "1 merged event skipped" in response.content.decode()
    merged.refresh_from_db()
    assert merged.status == ReviewStatus.MERGED


# --- the change page ---------------------------------------------------------------------------


def test_change_page_shows_evidence_beside_the_form(curator_client):
    event = make_event()
    page = curator_client.get(change_url(event)).content.decode()
    story = event.sources.get().story
    assert escape(story.headline) in page and "Reuters" in page and "2016-07-19" in page and story.url in page
    assert "<mark>killed 43 people</mark>" in page
    assert "An air strike" in page  # the whole supporting sentence
    assert 'class="evidence-panel"' in page


def test_change_page_shows_proposed_next_to_current_and_curated_lock(curator_client, carol):
    event = make_event(fatalities=43)
    Event.objects.filter(pk=event.pk).update(fatalities_best=40, fatalities_low=40, curated_fields=["fatalities_best"])
    page = curator_client.get(change_url(event)).content.decode()
    block = page[page.index('data-field="fatalities_best"'):][:2500]
    assert "extractor:" in block and ">43<" in block
    assert "changed" in block and "curated" in block
    assert 'value="40"' in block


def test_correcting_fatalities_marks_them_curated(curator_client, carol):
    event = make_event(fatalities=43)
    data = form_data(curator_client.get(change_url(event)))
    data.update(fatalities_best="45", fatalities_high="50", fatalities_low="43")
    response = curator_client.post(change_url(event), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (43, 45, 50)
    assert set(event.curated_fields) == {"fatalities_best", "fatalities_high"}
    assert event.version == 2
    assert event.history.first().history_user == carol


def test_choosing_a_place_fills_coordinates_admin1_and_country(curator_client):
    event = make_event()
    mosul = place("Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.34, longitude=43.13)
    data = form_data(curator_client.get(change_url(event)))
    data["place"] = str(mosul.pk)
    response = curator_client.post(change_url(event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.location, event.admin1, event.country, event.country_code) == ("Mosul", "Nineveh", "Iraq", "IQ")
    assert (event.latitude, event.longitude) == (36.34, 43.13)
    assert {"place", "location", "latitude", "country_code"} <= set(event.curated_fields)


def test_place_info_endpoint_for_the_form_script(curator_client):
    mosul = place("Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.34, longitude=43.13)
    data = curator_client.get(reverse("admin:events_event_place_info", args=[mosul.pk])).json()
    assert data["admin1"] == "Nineveh" and data["latitude"] == 36.34 and data["geo_precision"] == 1


def test_release_a_curated_field_back_to_the_extractor(curator_client):
    event = make_event(fatalities=43)
    Event.objects.filter(pk=event.pk).update(fatalities_best=40, fatalities_low=40, curated_fields=["fatalities_best", "fatalities_low"])
    data = form_data(curator_client.get(change_url(event)))
    data["release_fields"] = ["fatalities_best", "fatalities_low"]
    assert curator_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert event.fatalities_best == 43 and event.curated_fields == []


def test_save_and_verify_goes_to_the_next_in_queue(curator_client):
    first = make_event(event_date=dt.date(2016, 8, 1))
    second = make_event(event_date=dt.date(2016, 7, 1))
    data = form_data(curator_client.get(change_url(first)))
    data["_verify"] = "Save and verify"
    response = curator_client.post(change_url(first), data)
    assert response.status_code == 302 and response["Location"].startswith(change_url(second))
    first.refresh_from_db()
    assert first.status == ReviewStatus.VERIFIED


def test_merged_event_is_read_only(curator_client):
    survivor, merged = make_event(), make_event()
    Event.objects.filter(pk=merged.pk).update(status=ReviewStatus.MERGED, merged_into=survivor)
    page = curator_client.get(change_url(merged)).content.decode()
    assert "Merged into" in page and 'name="fatalities_best"' not in page


# --- optimistic lock ---------------------------------------------------------------------------


def test_two_curators_saving_at_once_do_not_overwrite_each_other(client, carol, alice):
    event = make_event(fatalities=43)
    client.force_login(carol)
    carols_form = form_data(client.get(change_url(event)))
    # Alice opens and saves first: she corrects the location's notes.
    from django.test import Client

    other = Client()
    other.force_login(alice)
    alices_form = form_data(other.get(change_url(event)))
    alices_form["notes"] = "Checked against the SOHR report."
    assert other.post(change_url(event), alices_form).status_code == 302

    carols_form["fatalities_best"] = "45"
    carols_form["fatalities_high"] = "45"
    response = client.post(change_url(event), carols_form)
    assert response.status_code == 200  # not saved: the form comes back
    page = response.content.decode()
    assert "Not saved" in page and "alice" in page
    event.refresh_from_db()
    assert event.fatalities_best == 43 and event.notes == "Checked against the SOHR report."
    # Alice's change is taken into the form; Carol's stays; saving again keeps both.
    again = form_data(response)
    assert again["notes"] == "Checked against the SOHR report." and again["fatalities_best"] == "45"
    assert client.post(change_url(event), again).status_code == 302
    event.refresh_from_db()
    assert event.fatalities_best == 45 and event.notes == "Checked against the SOHR report."


def test_conflict_on_the_same_field_keeps_mine_and_names_both(client, carol, alice):
    event = make_event(fatalities=43)
    client.force_login(carol)
    carols_form = form_data(client.get(change_url(event)))
    Event.objects.filter(pk=event.pk).update(version=2, fatalities_best=44, fatalities_high=44)
    event.refresh_from_db()
    event.history.create  # noqa: B018 - history of the other save is recorded by a normal save below
    event.fatalities_best = 44
    event._history_user = alice
    event.save()
    carols_form.update(fatalities_best="45", fatalities_high="45")
    response = client.post(change_url(event), carols_form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "You both changed" in page and "theirs 44" in page and "yours 45" in page
    event.refresh_from_db()
    assert event.fatalities_best == 44


# --- merge and split ---------------------------------------------------------------------------


def test_merge_two_events_through_the_action(curator_client, carol):
    a = make_event(fatalities=43, event_date=dt.date(2016, 7, 19))
    b = make_event(fatalities=50, event_date=dt.date(2016, 7, 19), headline="50 killed in Manbij strike")
    confirm = curator_client.post(CHANGELIST, {"action": "merge_selected", "_selected_action": [a.pk, b.pk]})
    assert confirm.status_code == 200 and "Merge into the chosen event" in confirm.content.decode()
    response = curator_client.post(
        CHANGELIST,
        {"action": "merge_selected", "_selected_action": [a.pk, b.pk], "confirm_merge": "yes", "survivor": a.pk},
        follow=True,
    )
    assert "Merged #%d into" % b.pk in response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.sources.count() == 2
    assert (a.fatalities_low, a.fatalities_best, a.fatalities_high) == (43, 43, 50)
    assert b.status == ReviewStatus.MERGED and b.merged_into_id == a.pk
    assert b.history.first().history_user == carol


def test_merge_needs_two_events(curator_client):
    a = make_event()
    response = curator_client.post(CHANGELIST, {"action": "merge_selected", "_selected_action": [a.pk]}, follow=True)
    assert "Select two or more events" in response.content.decode()


def test_split_a_source_off(curator_client):
    event = make_event(fatalities=43)
    second = EventSource.objects.create(event=event, story=make_story("Other report"), fatalities_best=50)
    url = reverse("admin:events_event_split", args=[event.pk, second.pk])
    assert "Split into a new event" in curator_client.get(url).content.decode()
    response = curator_client.post(url)
    second.refresh_from_db()
    assert second.event_id != event.pk
    assert response["Location"] == change_url(second.event)
    assert second.event.status == ReviewStatus.NEEDS_REVIEW
    assert event.sources.count() == 1


# --- history ---------------------------------------------------------------------------------


def test_history_shows_who_and_what_and_a_change_can_be_reverted(curator_client, carol):
    event = make_event(fatalities=43)
    data = form_data(curator_client.get(change_url(event)))
    data.update(fatalities_best="45", fatalities_high="45")
    assert curator_client.post(change_url(event), data).status_code == 302

    history = curator_client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()
    assert "carol" in history and "fatalities best" in history.lower() and "45" in history

    first = event.history.order_by("history_date").first()
    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    page = curator_client.get(revert_url)
    assert page.status_code == 200 and "Revert" in page.content.decode()
    response = curator_client.post(revert_url, form_data(page))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.fatalities_best == 43
    assert event.version == 3
    assert event.history.first().history_change_reason == "reverted to an earlier version"


def test_actor_and_place_changes_are_in_history(curator_client, carol):
    isis = actor()
    url = reverse("admin:events_actor_change", args=[isis.pk])
    response = curator_client.post(url, {"name": "Islamic State", "aliases": "Daesh,ISIL", "actor_type": 2, "country": "", "notes": "x"})
    assert response.status_code == 302
    record = isis.history.first()
    assert record.history_user == carol and record.aliases == ["Daesh", "ISIL"]
    assert "ISIL" in curator_client.get(reverse("admin:events_actor_history", args=[isis.pk])).content.decode()


# --- autocomplete and places -------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, term, expected",
    [("actor1", "daesh", "Islamic State"), ("place", "manb", "Manbij"), ("story", "kills", "Air strike kills 43")],
)
def test_autocomplete(curator_client, field, term, expected):
    make_event()
    model = "eventsource" if field == "story" else "event"
    response = curator_client.get(
        reverse("admin:autocomplete"), {"app_label": "events", "model_name": model, "field_name": field, "term": term}
    )
    assert response.status_code == 200
    assert any(expected in r["text"] for r in response.json()["results"])


def test_new_place_is_filled_from_the_gazetteer(curator_client):
    response = curator_client.post(
        reverse("admin:events_place_add"),
        {"name": "Manbij", "aliases": "", "kind": "", "admin1": "", "country": "", "country_code": "SY", "latitude": "", "longitude": "", "gazetteer_id": "", "lookup_gazetteer": "on"},
    )
    assert response.status_code == 302
    from events.models import Place

    manbij = Place.objects.get(name="Manbij")
    assert manbij.country == "Syria" and manbij.admin1 and abs(manbij.latitude - 36.5) < 0.1


def test_gazetteer_lookup_endpoint(curator_client):
    data = curator_client.get(reverse("admin:events_place_gazetteer_lookup"), {"name": "Aleppo", "country": "SY"}).json()
    assert data["found"] and data["country_code"] == "SY"
    assert not curator_client.get(reverse("admin:events_place_gazetteer_lookup"), {"name": "Xqzzy"}).json()["found"]


# --- the paginator at scale ---------------------------------------------------------------------


def test_paginator_estimates_instead_of_counting_a_big_table(monkeypatch):
    from events.admin import paginator as pager

    for _ in range(3):
        make_event()
    with __import__("django").db.connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
    monkeypatch.setattr(pager, "SMALL_TABLE_ROWS", 1)
    unfiltered = pager.EstimatedCountPaginator(Event.objects.order_by("-id"), 50)
    assert unfiltered.count == 3 and unfiltered.estimated  # pg_class.reltuples, no COUNT
    assert unfiltered.count_display == "about 3"
    filtered = pager.EstimatedCountPaginator(Event.objects.filter(status=ReviewStatus.NEEDS_REVIEW).order_by("-id"), 50)
    assert filtered.count == 3 and not filtered.estimated  # the planner expects few rows: counted exactly
    monkeypatch.setattr(pager, "EXACT_BELOW", 0)
    guessed = pager.EstimatedCountPaginator(Event.objects.filter(status=ReviewStatus.NEEDS_REVIEW).order_by("-id"), 50)
    assert guessed.count >= 1 and guessed.estimated


def test_count_with_timeout_gives_up_and_leaves_the_connection_usable():
    from django.db import connection

    from events.admin.paginator import count_with_timeout

    make_event()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    slow = Event.objects.extra(where=["(SELECT true FROM pg_sleep(0.3))"])
    assert count_with_timeout(slow, 50) is None
    assert count_with_timeout(Event.objects.all(), 1000) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before  # the short timeout did not leak


def test_a_count_that_ran_out_of_time_is_not_waited_for_again(django_assert_max_num_queries):
    from events.counting import count_with_timeout

    make_event()
    slow = Event.objects.extra(where=["(SELECT true FROM pg_sleep(0.2))"])
    assert count_with_timeout(slow, 50) is None
    with django_assert_max_num_queries(0):  # the same COUNT again: given up at once
        assert count_with_timeout(slow, 50) is None
    assert count_with_timeout(slow, 1000) == 1  # a longer timeout is a new attempt
    assert count_with_timeout(Event.objects.filter(location="Manbij"), 50) == 1  # other filters are counted


# --- stories ---------------------------------------------------------------------------------


def test_story_list_offers_the_parser_and_its_add_button_leads_there(curator_client):
    html = curator_client.get(reverse("admin:events_story_changelist")).content.decode()
    assert reverse("admin:events_ingestrun_add_story") in html
    assert reverse("admin:events_ingestrun_upload") in html
    response = curator_client.get(reverse("admin:events_story_add"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:events_ingestrun_add_story")
