"""Choices for the models, taken from ACLED's and UCDP's codebooks.

The taxonomy itself lives in `extraction.taxonomy` so that the pure-Python
extractor and the database agree on every spelling.
"""

from django.db import models

from extraction import taxonomy

EVENT_TYPE_CHOICES = [(t, t) for t in taxonomy.EVENT_TYPES]
SUB_EVENT_TYPE_CHOICES = [(t, [(s, s) for s in subs]) for t, subs in taxonomy.TAXONOMY.items()]
ACTOR_TYPE_CHOICES = list(taxonomy.ACTOR_TYPES.items())


class TimePrecision(models.IntegerChoices):
    """ACLED time_precision: how exactly the event date is known."""

    DAY = 1, "Day"
    WEEK = 2, "Week"
    MONTH = 3, "Month or wider"


class GeoPrecision(models.IntegerChoices):
    """ACLED geo_precision: how exactly the location is known."""

    TOWN = 1, "Town"
    NEAR_TOWN = 2, "Near a town or part of a region"
    REGION = 3, "Larger region"


class ReviewStatus(models.TextChoices):
    EXTRACTED = "extracted", "Extracted"
    NEEDS_REVIEW = "needs_review", "Needs review"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into another event"


class PublishedBasis(models.TextChoices):
    """How a story's publication date is known: never invented silently."""

    GIVEN = "given", "Given with the story"
    INFERRED = "inferred", "Inferred from the text"
    UNKNOWN = "unknown", "Unknown"


class IngestStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


# Statuses a reader sees by default: rejected and merged events are hidden.
PUBLIC_STATUSES = (ReviewStatus.EXTRACTED, ReviewStatus.NEEDS_REVIEW, ReviewStatus.VERIFIED)

# Event fields that a curator can change and re-extraction must then leave alone.
CURATABLE_FIELDS = (
    "event_date",
    "date_start",
    "date_end",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "place",
    "location",
    "admin1",
    "country",
    "country_code",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "injured_best",
    "injured_low",
    "injured_high",
    "civilian_targeting",
    "notes",
)
