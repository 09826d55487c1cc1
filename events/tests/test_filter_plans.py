"""The search, actor and outlet filters have two query shapes, picked by how many events match: both find the same events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from events import filtersets, searching, synthetic
from events.filtersets import EventFilterSet
from events.models import Event, Story

pytestmark = pytest.mark.django_db

QUERIES = [
    "q=checkpoint", "q=wedding", "q=witnesses", "q=Ukraine", "q=convoy checkpoint", "q=\"Synthetic Wire\"",
    "q=-checkpoint Ukraine", "q=checkpoint&country=UA&sort=-fatalities", "q=market or hospital&verified=true",
    "q=Ukraine Syria", "q=the",
]


@pytest.fixture
def events():
    synthetic.generate(800, seed=21, vacuum=False)


@pytest.fixture(autouse=True)
def unhurried(monkeypatch):
    """A probe or a collection that gives up on a busy machine picks the other shape: these tests are about shapes."""
    monkeypatch.setattr(searching, "PROBE_TIMEOUT_MS", 60_000)
    monkeypatch.setattr(searching, "COLLECT_TIMEOUT_MS", 60_000)
    monkeypatch.setattr(filtersets, "COLLECT_TIMEOUT_MS", 60_000)


def filtered(query: str):
    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def found(query: str) -> list[int]:
    return list(filtered(query).values_list("pk", flat=True))


def both_ways(monkeypatch, module, setting: str, query: str) -> tuple[list[int], list[int]]:
    monkeypatch.setattr(module, setting, 10**12)  # always collect through the indexes
    collected = found(query)
    monkeypatch.setattr(module, setting, -1)  # always check event by event
    checked = found(query)
    return collected, checked


def test_search_finds_the_same_events_in_the_same_order_both_ways(events, monkeypatch):
    for query in QUERIES:
        collected, checked = both_ways(monkeypatch, searching, "COLLECT_BELOW", query)
        assert collected == checked, query
        never_meet = query.startswith(("q=convoy", "q=Ukraine Syria", "q=the"))  # synthetic keywords, countries; a stop word
        assert bool(collected) != never_meet, query


def test_actor_finds_the_same_events_both_ways(events, monkeypatch):
    frequent = Event.objects.exclude(actor1=None).values_list("actor1__name", flat=True).first()
    associated = Event.assoc_actors1.through.objects.values_list("actor__name", flat=True).first()
    for query in (f"actor={frequent}", f"actor={associated}", f"actor={frequent},{associated}&sort=location"):
        collected, checked = both_ways(monkeypatch, filtersets, "ACTOR_COLLECT_BELOW", query)
        assert collected == checked and collected, query


def test_outlet_finds_the_same_events_both_ways(events, monkeypatch):
    for query in ("outlet=Synthetic Wire", "outlet=Synthetic Ukraine Times,Synthetic Observer&sort=-fatalities"):
        collected, checked = both_ways(monkeypatch, filtersets, "OUTLET_COLLECT_BELOW", query)
        assert collected == checked and collected, query


def id_arrays(params) -> list[set[int]]:
    """The arrays of ids among a query's parameters (each one text parameter, '{1,2,3}')."""
    return [{int(i) for i in p.strip("{}").split(",") if i} for p in params if isinstance(p, str) and p.startswith("{")]


def test_collected_events_are_one_array_parameter(events, monkeypatch):
    monkeypatch.setattr(searching, "COLLECT_BELOW", 10**12)
    sql, params = filtered("q=checkpoint").query.sql_with_params()
    assert "= ANY(" in sql and "@@" not in sql  # the words were matched once, when the ids were collected
    (ids,) = id_arrays(params)
    assert set(found("q=checkpoint")) <= ids  # the public ones among every matching event
    monkeypatch.setattr(searching, "COLLECT_BELOW", -1)
    sql, _ = filtered("q=checkpoint").query.sql_with_params()
    assert "@@" in sql and "EXISTS" in sql  # checked event by event


def test_the_indexes_count_what_several_words_match(events):
    """An upper bound: the index also holds row versions not yet vacuumed (here: earlier tests' rolled-back rows)."""
    for text in ("convoy checkpoint", "Ukraine Syria", "checkpoint wedding", "market or hospital", "-checkpoint Ukraine", '"Synthetic Wire"'):
        query = searching.text_query(text)
        for model in (Event, Story):
            exact = model.objects.filter(search_vector=query).count()
            counted = searching.index_matches(model, query)
            assert counted >= exact, text
            if text in ("convoy checkpoint", "Ukraine Syria"):  # never in one row of the synthetic data
                assert counted == 0, text


def test_words_that_never_meet_match_nothing_without_reading_the_list(events, monkeypatch):
    monkeypatch.setattr(searching, "COLLECT_BELOW", -1)  # even where one word alone would be checked per event
    sql, params = filtered("q=convoy checkpoint").query.sql_with_params()
    assert "= ANY(" in sql and id_arrays(params) == [set()]


def test_the_probe_leaves_the_planner_settings_as_they_were(events):
    searching.index_matches(Event, searching.text_query("convoy checkpoint"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), current_setting('jit')")
        after = cursor.fetchone()
        cursor.execute("RESET enable_seqscan; RESET enable_indexscan; RESET jit")
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), current_setting('jit')")
        assert after == cursor.fetchone()


def test_checking_a_common_word_never_hashes_every_matching_story_first(events, monkeypatch):
    monkeypatch.setattr(searching, "COLLECT_BELOW", -1)
    plan = filtered("q=witnesses&country=UA")[:50].explain()
    assert "hashed SubPlan" not in plan and "SubPlan" in plan
