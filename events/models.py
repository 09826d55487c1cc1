"""The data model: stories in, sourced and curated events out.

Event columns follow ACLED's names where ACLED has the concept (event_type,
actor1, geo_precision, notes ...) and UCDP GED's low / best / high for
casualty figures, so that both exports map one to one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from extraction import taxonomy

from .choices import (
    ACTOR_TYPE_CHOICES,
    EVENT_TYPE_CHOICES,
    SUB_EVENT_TYPE_CHOICES,
    GeoPrecision,
    IngestStatus,
    PublishedBasis,
    ReviewStatus,
    TimePrecision,
)


# Text search configuration of the full-text indexes (stories are in English).
SEARCH_CONFIG = "english"


def _range_constraints(prefix: str) -> list[models.CheckConstraint]:
    """low <= best <= high for a UCDP-style figure; NULL means not reported."""
    low, best, high = F(f"{prefix}_low"), F(f"{prefix}_best"), F(f"{prefix}_high")
    return [
        models.CheckConstraint(
            condition=Q(**{f"{prefix}_low__isnull": True}) | Q(**{f"{prefix}_best__isnull": True}) | Q(**{f"{prefix}_low__lte": best}),
            name=f"%(class)s_{prefix}_low_le_best",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{prefix}_high__isnull": True}) | Q(**{f"{prefix}_best__isnull": True}) | Q(**{f"{prefix}_best__lte": high}),
            name=f"%(class)s_{prefix}_best_le_high",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{prefix}_high__isnull": True}) | Q(**{f"{prefix}_low__isnull": True}) | Q(**{f"{prefix}_low__lte": high}),
            name=f"%(class)s_{prefix}_low_le_high",
        ),
    ]


# --- Sources --------------------------------------------------------------------------


class Outlet(models.Model):
    """A news organisation (Reuters, AFP ...)."""

    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IngestRun(models.Model):
    """One call of the ingester, with what it read and what it stored."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sources = models.TextField(blank=True, help_text="Paths or upload names that were read.")
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=IngestStatus.choices, default=IngestStatus.RUNNING)
    stories_read = models.PositiveIntegerField(default=0)
    stories_new = models.PositiveIntegerField(default=0)
    stories_duplicate = models.PositiveIntegerField(default=0)
    stories_new_version = models.PositiveIntegerField(default=0)
    stories_failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Ingest run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class IngestFailure(models.Model):
    """A story that could not be stored, and why: nothing is lost silently."""

    run = models.ForeignKey(IngestRun, related_name="failures", on_delete=models.CASCADE)
    source_name = models.CharField(max_length=500, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    headline = models.CharField(max_length=500, blank=True)
    reason = models.TextField()
    excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "source_name", "source_line"]

    def __str__(self) -> str:
        where = f"{self.source_name}:{self.source_line}" if self.source_line else self.source_name
        return f"{where}: {self.reason}"


class Story(models.Model):
    """A news story as received, parsed into its parts.

    The fingerprint (a hash of the normalised body) is unique in the database,
    so the same story ingested twice, even by two processes at once, is stored
    once. A story with a known headline but a different body is a new version
    and points at the earlier one.
    """

    headline = models.CharField(max_length=500)
    headline_key = models.CharField(max_length=500, help_text="Normalised headline, to link versions.")
    caption = models.TextField(blank=True)
    byline = models.CharField(max_length=500, blank=True)
    dateline = models.CharField(max_length=200, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    credit = models.TextField(blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="stories")
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True, db_index=True)
    published_basis = models.CharField(max_length=16, choices=PublishedBasis.choices, default=PublishedBasis.UNKNOWN)
    published_evidence = models.CharField(max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64)
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions"
    )
    extra = models.JSONField(default=dict, blank=True, help_text="Metadata keys the ingester does not know, kept as given.")
    source_name = models.CharField(max_length=500, blank=True)
    source_encoding = models.CharField(max_length=32, blank=True)
    ingest_run = models.ForeignKey(IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    extracted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Full-text search of the reader's `q` filter; computed by PostgreSQL, never by us.
    search_vector = models.GeneratedField(
        expression=SearchVector("headline", "caption", "body", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # The history is read per story (by `id`); indexes on its other columns
    # would only slow every ingested story down.
    history = HistoricalRecords(
        excluded_fields=["search_vector"],
        no_db_index=["headline_key", "fingerprint", "published", "outlet", "previous_version", "ingest_run"],
    )

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_basis=PublishedBasis.UNKNOWN, published__isnull=True)
                | (~Q(published_basis=PublishedBasis.UNKNOWN) & Q(published__isnull=False)),
                name="story_published_matches_basis",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="story_body_not_empty"),
            models.CheckConstraint(condition=Q(fingerprint__regex=r"^[0-9a-f]{64}$"), name="story_fingerprint_is_sha256"),
            # Declared here rather than as unique=True / db_index=True, which on
            # PostgreSQL add a second (LIKE) index that nothing queries.
            models.UniqueConstraint(fields=["fingerprint"], name="story_fingerprint_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="story_search_gin"),
            # Ingest asks for the earliest story with a key (ORDER BY id LIMIT 1) with
            # a plan made once per connection; with id in the index no plan can
            # walk the primary key instead, even one made while the table was empty.
            models.Index(fields=["headline_key", "id"], name="story_headline_key_id"),
        ]

    def __str__(self) -> str:
        return self.headline


# --- Who and where ------------------------------------------------------------------


class Actor(models.Model):
    """A canonical actor with the names the press gives it (ACLED actor types)."""

    name = models.CharField(max_length=200, unique=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    actor_type = models.PositiveSmallIntegerField(choices=ACTOR_TYPE_CHOICES, help_text="ACLED inter code 1-8.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, when the actor belongs to one country.")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(actor_type__gte=1, actor_type__lte=8), name="actor_type_is_inter_code"),
        ]
        indexes = [GinIndex(fields=["aliases"], name="actor_aliases_gin")]

    def __str__(self) -> str:
        return self.name

    @property
    def actor_type_label(self) -> str:
        return taxonomy.ACTOR_TYPES.get(self.actor_type, "")


class Place(models.Model):
    """A named place resolved to a gazetteer, with its coordinates."""

    name = models.CharField(max_length=200)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    kind = models.CharField(max_length=40, blank=True, help_text="city, town, village, district, region, base ...")
    admin1 = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    gazetteer_id = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["gazetteer_id"], condition=~Q(gazetteer_id=""), name="place_gazetteer_id_unique"),
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180), name="place_longitude_range"),
        ]
        indexes = [models.Index(fields=["name"], name="place_name_idx")]

    def __str__(self) -> str:
        return f"{self.name}, {self.country}" if self.country else self.name


# --- Events -------------------------------------------------------------------------


def _valid_type_pairs() -> Q:
    condition = Q()
    for etype, subs in taxonomy.TAXONOMY.items():
        condition |= Q(event_type=etype, sub_event_type__in=subs)
    return condition


class Event(models.Model):
    """One conflict event: who did what to whom, where, when, and how many died.

    `extracted` keeps the values the extractor proposed; `curated_fields` names
    the fields a curator has changed, which re-extraction never overwrites.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Stable public id; survives edits and merges.")
    event_date = models.DateField(null=True, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    time_precision = models.PositiveSmallIntegerField(choices=TimePrecision.choices, default=TimePrecision.DAY)

    event_type = models.CharField(max_length=40, choices=EVENT_TYPE_CHOICES)
    sub_event_type = models.CharField(max_length=60, choices=SUB_EVENT_TYPE_CHOICES)

    actor1 = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="events_as_actor1")
    actor2 = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="events_as_actor2")
    assoc_actors1 = models.ManyToManyField(Actor, blank=True, related_name="events_assoc1", verbose_name="associated actors of actor 1")
    assoc_actors2 = models.ManyToManyField(Actor, blank=True, related_name="events_assoc2", verbose_name="associated actors of actor 2")

    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    location = models.CharField(max_length=300, blank=True)
    admin1 = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(choices=GeoPrecision.choices, default=GeoPrecision.TOWN)

    fatalities_best = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: not reported. 0: reported as none.")
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    injured_best = models.PositiveIntegerField(null=True, blank=True)
    injured_low = models.PositiveIntegerField(null=True, blank=True)
    injured_high = models.PositiveIntegerField(null=True, blank=True)
    civilian_targeting = models.BooleanField(default=False)

    notes = models.TextField(blank=True)

    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.EXTRACTED)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_events")
    confidence = models.FloatField(default=0.5)
    extracted = models.JSONField(default=dict, blank=True, help_text="The extractor's proposed values, kept apart from the curated ones.")
    curated_fields = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Incremented on every save; guards against lost updates.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("notes", "location", "admin1", "country", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    class Meta:
        ordering = ["-event_date", "-id"]
        constraints = [
            *_range_constraints("fatalities"),
            *_range_constraints("injured"),
            models.CheckConstraint(condition=Q(time_precision__in=[1, 2, 3]), name="event_time_precision_acled"),
            models.CheckConstraint(condition=Q(geo_precision__in=[1, 2, 3]), name="event_geo_precision_acled"),
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="event_confidence_0_1"),
            models.CheckConstraint(condition=_valid_type_pairs(), name="event_sub_type_belongs_to_type"),
            models.CheckConstraint(
                condition=Q(date_start__isnull=True) | Q(date_end__isnull=True) | Q(date_start__lte=F("date_end")),
                name="event_date_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="event_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180), name="event_longitude_range"
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.MERGED, merged_into__isnull=False) | (~Q(status=ReviewStatus.MERGED) & Q(merged_into__isnull=True)),
                name="event_merged_has_survivor",
            ),
        ]
        indexes = [
            models.Index(fields=["event_date", "id"], name="event_date_idx"),
            models.Index(fields=["country_code", "event_date"], name="event_country_date_idx"),
            models.Index(fields=["event_type", "sub_event_type", "event_date"], name="event_type_date_idx"),
            models.Index(fields=["status", "event_date"], name="event_status_date_idx"),
            models.Index(fields=["fatalities_best"], name="event_fatalities_idx"),
            models.Index(fields=["admin1"], name="event_admin1_idx"),
            models.Index(fields=["updated_at"], name="event_updated_at_idx"),
            GinIndex(fields=["search_vector"], name="event_search_gin"),
        ]

    def __str__(self) -> str:
        where = self.location or self.country or "unknown place"
        return f"{self.event_date or 'undated'} {self.sub_event_type} in {where}"

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def event_id_cnty(self) -> str:
        """ACLED-style id: country ISO code and a number that never changes."""
        return f"{self.country_code or 'XX'}{self.pk}"


class EventSource(models.Model):
    """A story that supports an event: its evidence and the figures it reported.

    Each source keeps its own fatality and injury figures, so that disagreeing
    reports stay visible after events from several stories are merged.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="event_sources")
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="A list of {field, sentence, start, end, span_start, span_end, confidence, note}; offsets into the story body.",
    )
    fatalities_best = models.PositiveIntegerField(null=True, blank=True)
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    injured_best = models.PositiveIntegerField(null=True, blank=True)
    injured_low = models.PositiveIntegerField(null=True, blank=True)
    injured_high = models.PositiveIntegerField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, help_text="Who claims the figures, when a party to the conflict does.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "story__published", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "story"], name="eventsource_one_per_story"),
            *_range_constraints("fatalities"),
            *_range_constraints("injured"),
        ]

    def __str__(self) -> str:
        return f"{self.story} → event {self.event_id}"
