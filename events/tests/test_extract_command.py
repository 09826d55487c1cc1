"""`manage.py extract`: which stories, and a one-line summary."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from events import event_writer
from events.models import Event, Story
from events.tests.test_event_writer import FakePipeline, make_story, matching_rule, strike  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(monkeypatch):
    fake = FakePipeline()
    monkeypatch.setattr(event_writer, "_default_pipeline", lambda: fake)
    monkeypatch.setattr(event_writer, "actor_matcher", lambda: None)
    return fake


def extract(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("extract", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_by_default_only_new_stories_are_extracted(pipeline):
    first, second = make_story(43), make_story(45)
    pipeline.by_story = {first.pk: [strike(43)], second.pk: [strike(45)]}
    out, err = extract("--quiet")
    assert out.strip() == "2 stories, 1 events new, 1 updated, 2 sources added, 0 failed"
    assert err == ""
    assert not Story.objects.filter(extracted_at__isnull=True).exists()
    out, _ = extract()
    assert out.strip() == "0 stories, 0 events new, 0 updated, 0 sources added, 0 failed"


def test_all_reextracts_without_duplicates(pipeline):
    first, second = make_story(43), make_story(45)
    pipeline.by_story = {first.pk: [strike(43)], second.pk: [strike(45)]}
    extract("--quiet")
    pipeline.by_story[second.pk] = [strike(47)]
    out, _ = extract("--all", "--quiet")
    assert out.strip() == "2 stories, 0 events new, 1 updated, 0 sources added, 0 failed"
    assert Event.objects.get().fatalities_high == 47
    assert Event.objects.count() == 1


def test_story_ids_and_failures_are_reported(pipeline):
    first, second, third = make_story(1), make_story(2), make_story(3)
    pipeline.by_story = {first.pk: [strike(1)]}
    pipeline.fail = {second.pk}
    out, err = extract("--story", str(first.pk), str(second.pk))
    assert out.strip() == "2 stories, 1 events new, 0 updated, 1 sources added, 1 failed"
    assert f"story {second.pk}" in err and "choked" in err
    third.refresh_from_db()
    assert third.extracted_at is None


def test_an_unknown_story_id_is_an_error(pipeline):
    with pytest.raises(CommandError, match="no story with id 999999"):
        extract("--story", "999999")


def test_all_and_story_cannot_be_combined(pipeline):
    with pytest.raises(CommandError):
        extract("--all", "--story", "1")
