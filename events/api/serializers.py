"""What the API returns: an event is its export row (events/exporting.py) plus what a row cannot hold.

`event_representation` starts from `exporting.event_row`, so every column
has the export's name and meaning, and adds each source's own figures, the
actor and place ids and `url`. A rejected or merged event is a tombstone.
The serializer classes declare the fields for the OpenAPI schema;
`test_api.py` checks that they list exactly the keys the functions return.
"""

from __future__ import annotations

from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from extraction import taxonomy

from .. import exporting
from ..choices import GeoPrecision, ReviewStatus, TimePrecision
from ..models import Actor, Event, EventSource, Place, Story

TOMBSTONE_STATUSES = (ReviewStatus.REJECTED, ReviewStatus.MERGED)
# The EventSource columns the API loads: the export's and each source's own figures.
SOURCE_FIGURES = ("fatalities_best", "fatalities_low", "fatalities_high", "injured_best", "injured_low", "injured_high")
SOURCE_FIELDS = (*exporting.SOURCE_FIELDS, *SOURCE_FIGURES, "claimed_by")


# --- plain functions: the representation ------------------------------------------------------


def event_representation(event: Event, request=None) -> dict:
    """The API's event: a tombstone for a rejected or merged event, else its export row and more."""
    if event.status in TOMBSTONE_STATUSES:
        return tombstone(event)
    row = exporting.event_row(event)
    row["sources"] = [
        dict(entry, **source_extras(source)) for entry, source in zip(row["sources"], event.sources.all())
    ]
    row["actor1_id"], row["actor2_id"], row["place_id"] = event.actor1_id, event.actor2_id, event.place_id
    row["url"] = html_url(event, request)
    return row


def tombstone(event: Event) -> dict:
    """What a sync client needs to delete (or re-point) its copy, and nothing else."""
    survivor = getattr(event, "merged_into_uid", None)
    if survivor is None and event.merged_into_id:
        survivor = Event.objects.filter(pk=event.merged_into_id).values_list("uid", flat=True).first()
    return {
        "uid": str(event.uid),
        "status": event.status,
        "merged_into": str(survivor) if survivor else None,
        "updated_at": event.updated_at.isoformat(),
        "tombstone": True,
    }


def attach_survivor_uids(events: list[Event]) -> None:
    """Set `merged_into_uid` on the merged events of a page, for their tombstones: one query.

    Not a join in the page query: with a self-join beside its LIMIT PostgreSQL
    picked plans 2-20 times slower for the filters that match few events
    (a small outlet's page query 33 ms with the join, 18 without; fatalities >= 100 31 and 5; docs/benchmarks.md).
    """
    survivors = {event.merged_into_id for event in events if event.merged_into_id}
    if not survivors:
        return
    uids = dict(Event.objects.filter(pk__in=survivors).values_list("pk", "uid"))
    for event in events:
        if event.merged_into_id:
            event.merged_into_uid = uids.get(event.merged_into_id)


def source_extras(source: EventSource) -> dict:
    """A source's own figures, named like the event's columns (`fatalities` is the best figure)."""
    return {
        "story": source.story_id,
        "fatalities": source.fatalities_best,
        "fatalities_low": source.fatalities_low,
        "fatalities_high": source.fatalities_high,
        "injured": source.injured_best,
        "injured_low": source.injured_low,
        "injured_high": source.injured_high,
        "claimed_by": source.claimed_by,
    }


def html_url(event: Event, request=None):
    """The reader's page of the event, absolute when there is a request; None until that page exists."""
    try:
        path = event.get_absolute_url()
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path) if request is not None else path


# --- the schema of an event -----------------------------------------------------------------


def _int(help_text: str, **kwargs):
    return serializers.IntegerField(allow_null=True, help_text=help_text, **kwargs)


class EvidenceSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The event field the sentence supports (fatalities, place, date ...).")
    sentence = serializers.CharField(help_text="The supporting sentence.")
    start = serializers.IntegerField(help_text="Offset of the sentence in the story body.")
    end = serializers.IntegerField()
    span_start = serializers.IntegerField(help_text="Offset of the words themselves.")
    span_end = serializers.IntegerField()
    confidence = serializers.FloatField()
    note = serializers.CharField(allow_blank=True)


@extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
    name: {"type": "string" if name in ("field", "sentence", "note") else "number" if name == "confidence" else "integer"}
    for name in EvidenceSerializer().fields
}}})
class EvidenceListField(serializers.ListField):
    """Evidence as stored: documented keys, but an older row may lack some, so none is required."""


class SourceSerializer(serializers.Serializer):
    headline = serializers.CharField()
    url = serializers.CharField(allow_blank=True, help_text="The story's address, when known.")
    published = serializers.DateField(allow_null=True)
    outlet = serializers.CharField(allow_blank=True, help_text="The outlet (or the agency when the outlet is unknown).")
    evidence = EvidenceListField(help_text="Sentences with character offsets into the story body.")
    story = serializers.IntegerField(help_text="Id of the story: /api/stories/<id>/.")
    fatalities = _int("Best figure this story reported; null: not reported.")
    fatalities_low = _int("Lowest figure this story reported.")
    fatalities_high = _int("Highest figure this story reported.")
    injured = _int("Best injured figure this story reported.")
    injured_low = _int("Lowest injured figure this story reported.")
    injured_high = _int("Highest injured figure this story reported.")
    claimed_by = serializers.CharField(allow_blank=True, help_text="Who claims the figures, when a party to the conflict does.")


class EventSerializer(serializers.Serializer):
    """An event (schema 1.0): the export columns of docs/export_schema.md, richer sources, links."""

    event_id_cnty = serializers.CharField(help_text="Country alpha-2 code and event number (SY1234); never changes.")
    event_date = serializers.DateField(allow_null=True)
    year = _int("Year of event_date.")
    time_precision = serializers.ChoiceField(choices=TimePrecision.choices, help_text="1 day, 2 week, 3 month or wider.")
    disorder_type = serializers.CharField(allow_blank=True)
    event_type = serializers.ChoiceField(choices=[(t, t) for t in taxonomy.EVENT_TYPES])
    sub_event_type = serializers.ChoiceField(choices=[(s, s) for s in taxonomy.SUB_EVENT_TYPES])
    actor1 = serializers.CharField(allow_blank=True)
    assoc_actor_1 = serializers.CharField(allow_blank=True, help_text='Associated actors, "; "-separated.')
    inter1 = serializers.CharField(allow_blank=True, help_text="Actor type as text (Rebel group ...).")
    actor2 = serializers.CharField(allow_blank=True)
    assoc_actor_2 = serializers.CharField(allow_blank=True)
    inter2 = serializers.CharField(allow_blank=True)
    interaction = serializers.CharField(allow_blank=True, help_text="The two actor types, lower ACLED code first.")
    civilian_targeting = serializers.CharField(allow_blank=True, help_text='"Civilian targeting" or empty.')
    iso = _int("ISO 3166-1 numeric code (760 for Syria).")
    country = serializers.CharField(allow_blank=True)
    admin1 = serializers.CharField(allow_blank=True)
    location = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    geo_precision = serializers.ChoiceField(choices=GeoPrecision.choices, help_text="1 town, 2 near a town, 3 larger region.")
    source = serializers.CharField(allow_blank=True, help_text='Outlets of the supporting stories, "; "-separated.')
    notes = serializers.CharField(allow_blank=True)
    fatalities = _int("Best (most conservative) figure; null: not reported, 0: reported as none.")
    timestamp = _int("Unix time of the last change.")
    uid = serializers.UUIDField(help_text="Stable public id: /api/events/<uid>/.")
    country_code = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2.")
    date_start = serializers.DateField(allow_null=True)
    date_end = serializers.DateField(allow_null=True)
    fatalities_low = _int("Lowest figure over the sources.")
    fatalities_high = _int("Highest figure over the sources.")
    injured = _int("Best injured figure.")
    injured_low = _int("Lowest injured figure over the sources.")
    injured_high = _int("Highest injured figure over the sources.")
    status = serializers.ChoiceField(choices=[(s, s) for s in ReviewStatus.values if s not in TOMBSTONE_STATUSES])
    confidence = serializers.FloatField(help_text="The extractor's confidence, 0 to 1.")
    updated_at = serializers.DateTimeField(help_text="Last change (the key of incremental sync).")
    sources = SourceSerializer(many=True, help_text="One per supporting story, with its evidence and its own figures.")
    actor1_id = _int("Id of actor1: /api/actors/<id>/.")
    actor2_id = _int("Id of actor2.")
    place_id = _int("Id of the place: /api/places/<id>/.")
    url = serializers.URLField(allow_null=True, help_text="The event's page on this site.")

    def to_representation(self, instance):
        return event_representation(instance, self.context.get("request"))


class TombstoneSerializer(serializers.Serializer):
    """An event that was rejected or merged into another since `updated_since`: delete or re-point your copy."""

    uid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[(s, s) for s in TOMBSTONE_STATUSES])
    merged_into = serializers.UUIDField(allow_null=True, help_text="uid of the surviving event, for a merged one.")
    updated_at = serializers.DateTimeField()
    tombstone = serializers.BooleanField(help_text="Always true.")


class ErrorSerializer(serializers.Serializer):
    """Every 4xx of the API: one line to show, and the problems per parameter for a 400."""

    error = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


# --- stories, actors, places ------------------------------------------------------------------


class StorySerializer(serializers.ModelSerializer):
    outlet = serializers.CharField(source="outlet.name", default="", help_text="The outlet's name.")

    class Meta:
        model = Story
        fields = ("id", "headline", "caption", "byline", "dateline", "agency", "outlet", "url", "published",
                  "published_basis", "previous_version", "created_at")
        read_only_fields = fields


class StoryDetailSerializer(StorySerializer):
    """A story with its body: evidence offsets point into it."""

    class Meta(StorySerializer.Meta):
        fields = (*StorySerializer.Meta.fields, "body", "credit")
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    inter = serializers.CharField(source="actor_type_label", help_text="The actor type as the export's inter1/inter2 write it.")

    class Meta:
        model = Actor
        fields = ("id", "name", "aliases", "actor_type", "inter", "country", "notes")
        read_only_fields = fields


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ("id", "name", "aliases", "kind", "admin1", "country", "country_code", "latitude", "longitude", "gazetteer_id")
        read_only_fields = fields

