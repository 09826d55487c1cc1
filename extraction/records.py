"""Plain records passed between the extraction steps and the Django layer.

The extraction package never imports Django: it turns text into these
records, and `events/` turns records into rows. Keeping the contract in one
module lets each step (splitting, dates, places, actors, casualties, event
detection) be written and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional


# --- Stories -----------------------------------------------------------------


@dataclass
class StoryRecord:
    """One news story as parsed from a dump, a JSON line or the admin.

    `body` holds the paragraphs joined by blank lines, subheads included, so
    that character offsets of evidence point into `body`.
    """

    headline: str
    body: str
    caption: str = ""
    byline: str = ""
    dateline: str = ""  # "AMMAN/BEIRUT" as printed
    dateline_places: list[str] = field(default_factory=list)  # ["AMMAN", "BEIRUT"]
    agency: str = ""  # "Reuters", "Thomson Reuters Foundation"
    credit: str = ""  # "(Reporting by ...; Editing by ...)"
    outlet: str = ""
    url: str = ""
    published: Optional[dt.date] = None
    published_basis: str = "unknown"  # "given" | "inferred" | "unknown"
    published_evidence: str = ""  # the phrase a date was inferred from
    extra: dict = field(default_factory=dict)  # unknown JSON keys, kept
    source_name: str = ""  # file name the story came from
    source_line: int = 0  # first line (1-based) of the story in that file

    @property
    def fingerprint(self) -> str:
        from extraction.fingerprint import story_fingerprint

        return story_fingerprint(self)


# --- Evidence ------------------------------------------------------------------


@dataclass
class Evidence:
    """The words a value was read from: a sentence of the story body.

    `start`/`end` are character offsets of the sentence in `StoryRecord.body`;
    `span_start`/`span_end` those of the exact words inside the body.
    """

    field: str  # "event_type", "date", "place", "actor1", "fatalities", ...
    sentence: str
    start: int
    end: int
    span_start: int = -1
    span_end: int = -1
    confidence: float = 1.0
    note: str = ""  # why, e.g. "weekday 'Tuesday' resolved against 2016-07-19"


# --- Resolved values ---------------------------------------------------------------


@dataclass
class DateResolution:
    """An event date resolved against the publication date.

    time_precision follows ACLED: 1 day, 2 week, 3 month (or wider).
    `certain` is False when no publication date anchored a relative phrase.
    An unresolved phrase ("on Tuesday" with no publication date) has no
    dates; `time_precision` is then 3 and `phrase_days` says how wide the
    phrase is (1 "on Tuesday", 7 "last week", 366 "last year"), so that
    background phrases can still be told from event dates.
    """

    event_date: Optional[dt.date]
    date_start: Optional[dt.date]
    date_end: Optional[dt.date]
    time_precision: int
    phrase: str
    span_start: int = -1
    span_end: int = -1
    certain: bool = True
    note: str = ""
    phrase_days: int = 0

    @property
    def resolved(self) -> bool:
        """Whether a date was fixed; False for a phrase kept only as evidence."""
        return self.event_date is not None


@dataclass
class PlaceResolution:
    """A place resolved to the gazetteer. geo_precision follows ACLED 1-3."""

    name: str  # canonical name, e.g. "Abu Kamal"
    mention: str  # as written, e.g. "Albu Kamal"
    country: str  # country name, e.g. "Syria"
    iso2: str  # "SY"
    admin1: str = ""
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    kind: str = "city"  # city, town, village, district, region, country, base, ...
    gazetteer_id: str = ""  # "geonames:170017" or "curated:maydaa"
    geo_precision: int = 1
    relation: str = ""  # "north of", "quarter of", ... when relative
    span_start: int = -1
    span_end: int = -1
    aliases: list[str] = field(default_factory=list)


@dataclass
class ActorMention:
    """A canonical actor found in text."""

    name: str  # canonical, e.g. "Islamic State"
    mention: str  # as written, e.g. "Daesh"
    actor_type: int  # ACLED inter code 1-8
    country: str = ""  # ISO2 when the actor belongs to one country
    span_start: int = -1
    span_end: int = -1


@dataclass
class Count:
    """A casualty figure, UCDP style: best / low / high. None = not reported."""

    best: Optional[int]
    low: Optional[int]
    high: Optional[int]
    phrase: str = ""
    span_start: int = -1
    span_end: int = -1
    civilians: bool = False
    claimed_by: str = ""  # who claims it, when the figure is a party's claim
    vague: bool = False  # "dozens", "several": an ACLED convention was applied


# --- Events ------------------------------------------------------------------------


@dataclass
class EventRecord:
    """One event found in one story, with the evidence for each field."""

    event_type: str
    sub_event_type: str
    notes: str
    date: Optional[DateResolution] = None
    place: Optional[PlaceResolution] = None
    actor1: Optional[ActorMention] = None
    actor2: Optional[ActorMention] = None
    assoc_actors1: list[ActorMention] = field(default_factory=list)
    assoc_actors2: list[ActorMention] = field(default_factory=list)
    killed: Optional[Count] = None
    injured: Optional[Count] = None
    civilian_targeting: bool = False
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    sentence_indexes: list[int] = field(default_factory=list)
