"""The database itself refuses data that would mislead a reader."""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from events.models import Actor, Event, EventSource, Place, Story

pytestmark = pytest.mark.django_db

FINGERPRINT = "a" * 64


def make_event(**fields):
    values = dict(event_type="Battles", sub_event_type="Armed clash", event_date=dt.date(2016, 7, 20))
    values.update(fields)
    return Event.objects.create(**values)


def make_story(**fields):
    values = dict(headline="Air strikes kill civilians", headline_key="air strikes kill civilians", body="Text.", fingerprint=FINGERPRINT)
    values.update(fields)
    return Story.objects.create(**values)


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_fatality_range_must_be_ordered():
    make_event(fatalities_low=43, fatalities_best=43, fatalities_high=45)
    refused(lambda: make_event(fatalities_low=50, fatalities_best=43))
    refused(lambda: make_event(fatalities_best=45, fatalities_high=43))
    refused(lambda: make_event(injured_low=10, injured_high=5))


def test_unreported_and_zero_are_different_values():
    unreported = make_event()
    none_killed = make_event(fatalities_best=0, fatalities_low=0, fatalities_high=0)
    assert Event.objects.get(pk=unreported.pk).fatalities_best is None
    assert Event.objects.get(pk=none_killed.pk).fatalities_best == 0


def test_sub_event_type_must_belong_to_event_type():
    make_event(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike")
    refused(lambda: make_event(event_type="Battles", sub_event_type="Air/drone strike"))
    refused(lambda: make_event(event_type="Protests", sub_event_type="Made up"))


def test_precision_codes_are_acled_codes():
    refused(lambda: make_event(time_precision=4))
    refused(lambda: make_event(geo_precision=0))


def test_date_range_and_coordinates_are_checked():
    refused(lambda: make_event(date_start=dt.date(2016, 7, 21), date_end=dt.date(2016, 7, 20)))
    refused(lambda: make_event(latitude=91.0, longitude=10.0))
    refused(lambda: Place.objects.create(name="Nowhere", longitude=200.0))


def test_a_merged_event_points_at_its_survivor():
    survivor = make_event()
    make_event(status="merged", merged_into=survivor)
    refused(lambda: make_event(status="merged"))
    refused(lambda: make_event(status="verified", merged_into=survivor))


def test_story_fingerprint_is_unique():
    make_story()
    refused(lambda: make_story(headline="Same body, other headline"))


def test_published_date_is_never_silently_invented():
    make_story(fingerprint="b" * 64, published=dt.date(2016, 7, 20), published_basis="given")
    refused(lambda: make_story(fingerprint="c" * 64, published=dt.date(2016, 7, 20), published_basis="unknown"))
    refused(lambda: make_story(fingerprint="d" * 64, published=None, published_basis="inferred"))


def test_one_source_row_per_story_and_event():
    event, story = make_event(), make_story()
    EventSource.objects.create(event=event, story=story, fatalities_best=43)
    refused(lambda: EventSource.objects.create(event=event, story=story))
    refused(lambda: EventSource.objects.create(event=make_event(), story=story, fatalities_low=9, fatalities_best=3))


def test_actor_type_is_an_acled_inter_code():
    Actor.objects.create(name="Islamic State", actor_type=2, aliases=["IS", "Daesh"])
    refused(lambda: Actor.objects.create(name="Nobody", actor_type=9))
    refused(lambda: Actor.objects.create(name="Islamic State", actor_type=2))


def test_event_history_records_each_change():
    event = make_event(fatalities_best=43)
    event.fatalities_best = 45
    event.save()
    assert [h.fatalities_best for h in event.history.order_by("history_date")] == [43, 45]
