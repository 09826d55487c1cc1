"""The search, actor and outlet filters have two query shapes, picked by PostgreSQL's estimate: both find the same events."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from events import filtersets, synthetic
from events.filtersets import EventFilterSet
from events.models import Event

pytestmark = pytest.mark.django_db

QUERIES = [
    "q=checkpoint", "q=wedding", "q=witnesses", "q=Ukraine", "q=convoy checkpoint", "q=\"Synthetic Wire\"",
    "q=-checkpoint Ukraine", "q=checkpoint&country=UA&sort=-fatalities", "q=market or hospital&verified=true",
]


@pytest.fixture
def events():
    synthetic.generate(800, seed=21, vacuum=False)


def found(query: str) -> list[int]:
    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("pk", flat=True))


def both_ways(monkeypatch, setting: str, query: str) -> tuple[list[int], list[int]]:
    monkeypatch.setattr(filtersets, setting, 10**12)  # always collect through the indexes
    collected = found(query)
    monkeypatch.setattr(filtersets, setting, -1)  # always check event by event
    checked = found(query)
    return collected, checked


def test_search_finds_the_same_events_in_the_same_order_both_ways(events, monkeypatch):
    for query in QUERIES:
        collected, checked = both_ways(monkeypatch, "SEARCH_UNION_BELOW", query)
        assert collected == checked, query
        assert collected or query.startswith("q=convoy"), query  # the synthetic keywords never meet in one note


def test_actor_finds_the_same_events_both_ways(events, monkeypatch):
    frequent = Event.objects.exclude(actor1=None).values_list("actor1__name", flat=True).first()
    associated = Event.assoc_actors1.through.objects.values_list("actor__name", flat=True).first()
    for query in (f"actor={frequent}", f"actor={associated}", f"actor={frequent},{associated}&sort=location"):
        collected, checked = both_ways(monkeypatch, "ACTOR_UNION_BELOW", query)
        assert collected == checked and collected, query


def test_outlet_finds_the_same_events_both_ways(events, monkeypatch):
    for query in ("outlet=Synthetic Wire", "outlet=Synthetic Ukraine Times,Synthetic Observer&sort=-fatalities"):
        collected, checked = both_ways(monkeypatch, "OUTLET_COLLECT_BELOW", query)
        assert collected == checked and collected, query
