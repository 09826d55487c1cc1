"""Full-text search over events and their stories, in the query shape that answers fastest.

An event matches a search when its own text (`Event.search_vector`: notes,
location, admin1, country) or one of its stories (`Story.search_vector`:
headline, caption, body) matches the whole query, in web search syntax
("exact phrase", -word, or). The reader's `q` and the curators' search both
ask `matching_events`.

How many events match decides the shape (events.collecting): a few
thousand are collected through the two GIN indexes and handed back as ids;
more are checked event by event while PostgreSQL reads the list's index in
order, which finds a page of a common word after a few hundred events but
reads the whole index for words that are rare. How many is known:

* for one word, from PostgreSQL's estimate (its statistics hold the
  frequency of each common word, and a word missing from them is rare);
* for several, from the GIN indexes themselves (`index_matches`): the
  planner multiplies the words' frequencies as if they were independent,
  which is wrong both ways, e.g. 30,000 expected for "Ukraine Syria", which
  never meet (the check read the whole index: 5 s), and 50 for "Kharkiv
  Ukraine", which nearly always do.
"""

from __future__ import annotations

import json

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Exists, OuterRef, Q

from . import timeouts
from .collecting import Matches, collected_ids
from .counting import query_estimate
from .models import SEARCH_CONFIG, Event, EventSource, Story

# Matching events + sources at or below which a search's events are collected. Measured in
# docs/benchmarks.md, "Reader queries at a million events": a rare word's 5,000 take 30-40 ms to
# collect, then the page and its count take a few; checking event by event finds a page only
# after reading about 50 / (share of events that match) of them.
COLLECT_BELOW = 10_000
# Collecting gives up (and the events are checked instead) past twice COLLECT_BELOW rows, or this
# time: guards against an estimate far below the truth, which the row limit alone bounds.
COLLECT_TIMEOUT_MS = 1_000
# The GIN indexes count a query of several words within this time, or it counts as common: a few
# milliseconds for words that rarely meet; 300,000 rows ("witnesses Ukraine") take about 50.
PROBE_TIMEOUT_MS = 100


def text_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def matching_events(text: str, using: str = "default") -> Matches:
    """The events whose own text or one of whose stories matches `text` (web search syntax)."""
    query = text_query(text)
    in_events = Event.objects.using(using).filter(search_vector=query).values_list("pk", flat=True)
    in_stories = EventSource.objects.using(using).filter(story__search_vector=query).values_list("event_id", flat=True)
    nodes = query_nodes(text, using)
    if nodes == 0:
        return Matches.collected(())  # only stop words ("the", "of"): nothing to match
    if nodes == 1:
        matches = query_estimate(in_events) + query_estimate(in_stories)
    else:
        matches = index_matches(Event, query, using) + index_matches(Story, query, using)
    if matches == 0:
        return Matches.collected(())  # the indexes hold every row that matches: none does
    if matches <= COLLECT_BELOW:
        ids = collected_ids(
            in_events, in_stories, limit=2 * max(COLLECT_BELOW, 1), timeout_ms=COLLECT_TIMEOUT_MS, using=using
        )
        if ids is not None:
            return Matches.collected(ids)
    # The `>=` twin of the join condition filters nothing: it keeps PostgreSQL from hashing every
    # matching story's event first, which it does whenever that hash fits in work_mem, LIMIT or not.
    in_story = EventSource.objects.filter(
        story__search_vector=query, event_id=OuterRef("pk"), event_id__gte=OuterRef("pk")
    )
    return Matches(Q(search_vector=query) | Exists(in_story))


def query_nodes(text: str, using: str = "default") -> int:
    """Words and operators in the parsed query: 1 for one word, 0 when only stop words are left."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, text])
        return cursor.fetchone()[0]


def index_matches(model, query: SearchQuery, using: str = "default") -> float:
    """How many rows of `model` the GIN index over `search_vector` holds for `query`; infinite when that takes long.

    EXPLAIN ANALYZE of a bitmap scan that stops at its first row: the index
    scan under it builds the whole bitmap and reports its size, and no other
    row of the table is read. For a phrase it counts the rows holding all its
    words (the index keeps no positions), and a NOT is checked row by row;
    and the index still holds row versions that VACUUM has not yet removed:
    the count is an upper bound, and none is none.
    """
    sql, params = model.objects.using(using).filter(search_vector=query).order_by().values("pk")[:1].query.sql_with_params()

    def explain():
        with connections[using].cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        return json.loads(plan) if isinstance(plan, str) else plan

    # Without sequential and plain index scans (walking another index until one row matches) the one
    # plan left is the bitmap over the GIN index.
    only_bitmaps = {"enable_seqscan": "off", "enable_indexscan": "off", "enable_indexonlyscan": "off"}
    plan = timeouts.within(PROBE_TIMEOUT_MS, explain, using=using, settings=only_bitmaps)
    rows = bitmap_rows(plan[0]["Plan"]) if plan else None
    return float("inf") if rows is None else rows


def bitmap_rows(node: dict) -> int | None:
    """The rows the first Bitmap Index Scan of an EXPLAIN ANALYZE plan found."""
    if node.get("Node Type") == "Bitmap Index Scan":
        return int(node["Actual Rows"])
    for child in node.get("Plans", ()):
        rows = bitmap_rows(child)
        if rows is not None:
            return rows
    return None
