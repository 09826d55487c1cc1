"""The one statement that stores a story: what it writes to history, and how it finds versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from events.ingest import finish_run, ingest_records, start_run
from events.models import Story
from events.story_insert import EARLIEST, HISTORICAL_STORY
from extraction.splitter import parse_story

pytestmark = pytest.mark.django_db

STORY = "Rebels seize Kidal\n\nKIDAL (Reuters) – Rebels seized Kidal on Monday.\n\n(Reporting by Jane Roe)"


def ingest(*records, user=None):
    run = start_run(["test"], user=user)
    result = ingest_records(records, run=run, outlet="Wire Archive")
    finish_run(run, result)
    return result


def test_the_created_history_row_holds_every_tracked_field_as_stored(django_user_model):
    record = parse_story(STORY)
    record.url, record.byline, record.extra = "https://example.org/kidal", "By Jane Roe", {"section": "Africa", "rank": 3}
    record.published, record.published_basis = dt.date(2016, 7, 18), "given"
    ingest(parse_story(STORY.replace("Monday", "Sunday")))  # an earlier version, so previous_version is set
    ingest(record, user=django_user_model.objects.create_user("uma"))
    story = Story.objects.get(url="https://example.org/kidal")
    (created,) = HISTORICAL_STORY.objects.filter(id=story.pk)
    assert story.previous_version_id is not None and story.outlet.name == "Wire Archive"
    for field in HISTORICAL_STORY.tracked_fields:
        assert getattr(created, field.attname) == getattr(story, field.attname), field.name
    assert (created.history_type, created.history_change_reason, created.history_user.username) == ("+", "", "uma")
    assert created.history_date == story.created_at


def test_stories_without_a_headline_key_are_stored_and_never_linked_as_versions():
    result = ingest(parse_story(STORY.replace("Rebels seize Kidal", "!!!")), parse_story(STORY.replace("Rebels seize Kidal", "???").replace("Monday", "Sunday")))
    assert (result.new, result.new_version) == (2, 0)
    assert set(Story.objects.values_list("headline_key", "previous_version")) == {("", None)}


def test_the_earliest_version_is_found_through_the_key_index_even_by_a_plan_made_on_an_empty_table():
    """The statement is prepared once per connection; a plan that walked the primary key would read every story."""
    assert not Story.objects.exists()
    sql = EARLIEST.replace("%(headline_key)s", "$1")
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE earliest_version(text) AS {sql}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("EXPLAIN EXECUTE earliest_version('rebels seize kidal')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE earliest_version")
    assert "story_headline_key_id" in plan and "pkey" not in plan, plan
