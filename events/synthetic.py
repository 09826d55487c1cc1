"""Synthetic conflict events for benchmarks and load tests: a million rows in minutes.

Real data has shapes that decide how fast a query is: a few countries hold
most events (ACLED's long tail), events come in bursts, most fatality counts
are 0 or small with a heavy tail, protests dwarf chemical attacks, most
events wait for review. `generate()` writes events with those shapes, with
their stories and sources, so that every reader filter and every curator
filter has realistic selectivity:

* countries: 50, Zipf-weighted, each with a profile (war, mixed, unrest)
  that sets its event-type mix; places are GeoNames cities of that country
  (coordinates inside it, population-weighted) or its admin1 regions;
* dates: 2018-2024, a growing trend and a few bursts per country;
* actors: the dictionary (fixtures/actors.json) where it has the country,
  plus per-country state forces, rebels, militias, rioters, protesters,
  civilians and external forces, each with its ACLED inter code, paired as
  ACLED pairs them (protesters alone or against police, armed groups
  against civilians in violence against civilians ...);
* figures: per source, then combined as the app combines them
  (best = lowest best, low = lowest low, high = highest high); some sources
  disagree, some report nothing (NULL = not reported);
* statuses: mostly extracted / needs review, some verified (a few with
  curated fields), a few rejected, and merged events whose sources moved
  to their survivor, as `events.merging.merge_events` leaves them;
* text: ACLED-style notes and short wire stories that full-text search can
  hit, with words of every selectivity (a country name: thousands of
  events; "wedding": a few hundred).

Everything is marked synthetic: outlets are named "Synthetic ...", stories
have source_name `SOURCE_NAME`, URLs under the reserved `.invalid` domain
and `extra = {"synthetic": true}`, generated actors say so in their notes.
The rows are written with PostgreSQL COPY (psycopg 3) in one transaction:
a killed run leaves nothing. The same seed on the same database writes the
same rows, ids included.
"""

from __future__ import annotations

import bisect
import calendar
import concurrent.futures
import contextlib
import functools
import datetime as dt
import gzip
import hashlib
import itertools
import json
import math
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

from django.conf import settings
from django.db import connection, transaction

from extraction import taxonomy
from extraction.fingerprint import headline_key
from extraction.gazetteer import ADMIN1_FILE, GEONAMES_FILE, ascii_name, country_name

from .choices import IngestStatus, ReviewStatus

SOURCE_NAME = "synthetic:generate_events"
OUTLET_PREFIX = "Synthetic"
URL_ROOT = "https://synthetic.invalid"  # RFC 2606: never resolves
ACTOR_NOTE = "Synthetic actor made by manage.py generate_events."
ACTORS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "actors.json"

FIRST_DAY = dt.date(2018, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
DEFAULT_SEED = 1
DEFAULT_BATCH = 20_000

B, E, V = taxonomy.BATTLES, taxonomy.EXPLOSIONS, taxonomy.VIOLENCE_AGAINST_CIVILIANS
P, R, S = taxonomy.PROTESTS, taxonomy.RIOTS, taxonomy.STRATEGIC_DEVELOPMENTS

# (ISO2, profile), in ACLED's order of event counts (2020-2023, roughly); weights are Zipf over the rank.
COUNTRIES = [
    ("UA", "war"), ("IN", "unrest"), ("MX", "mixed"), ("SY", "war"), ("BR", "mixed"), ("MM", "war"),
    ("PK", "mixed"), ("US", "unrest"), ("YE", "war"), ("NG", "war"), ("CO", "mixed"), ("PH", "mixed"),
    ("BD", "unrest"), ("AF", "war"), ("CD", "war"), ("SO", "war"), ("BF", "war"), ("IQ", "war"),
    ("ML", "war"), ("SD", "war"), ("FR", "unrest"), ("TR", "mixed"), ("ZA", "unrest"), ("IR", "unrest"),
    ("CM", "war"), ("PS", "war"), ("ET", "war"), ("KE", "unrest"), ("VE", "unrest"), ("LB", "mixed"),
    ("ID", "unrest"), ("HT", "mixed"), ("LY", "war"), ("NE", "war"), ("CL", "unrest"), ("PE", "unrest"),
    ("IL", "mixed"), ("SS", "war"), ("CF", "war"), ("MZ", "war"), ("EG", "unrest"), ("DZ", "unrest"),
    ("TN", "unrest"), ("UG", "unrest"), ("BI", "mixed"), ("TD", "war"), ("GN", "unrest"), ("MA", "unrest"),
    ("JO", "unrest"), ("SN", "unrest"),
]
ZIPF_EXPONENT = 1.0

# Event-type mix per country profile (percent).
TYPE_MIX = {
    "war": {B: 30, E: 33, V: 17, P: 8, R: 3, S: 9},
    "mixed": {B: 14, E: 6, V: 24, P: 35, R: 11, S: 10},
    "unrest": {B: 2, E: 1, V: 8, P: 70, R: 12, S: 7},
}
# Sub-event-type mix within each type (relative weights).
SUB_TYPE_MIX = {
    B: {"Armed clash": 92, "Government regains territory": 4, "Non-state actor overtakes territory": 4},
    E: {"Shelling/artillery/missile attack": 50, "Air/drone strike": 35, "Remote explosive/landmine/IED": 10,
        "Grenade": 3, "Suicide bomb": 1.9, "Chemical weapon": 0.1},
    V: {"Attack": 80, "Abduction/forced disappearance": 17, "Sexual violence": 3},
    P: {"Peaceful protest": 90, "Protest with intervention": 8, "Excessive force against protesters": 2},
    R: {"Mob violence": 55, "Violent demonstration": 45},
    S: {"Looting/property destruction": 30, "Arrests": 25, "Other": 12, "Change to group/activity": 10,
        "Disrupted weapons use": 10, "Agreement": 6, "Headquarters or base established": 4,
        "Non-violent transfer of territory": 3},
}
# Fatalities a source reports, per sub-event type: (share not reported, share zero, lognormal mu, sigma).
FATALITIES = {
    "Armed clash": (0.05, 0.30, 1.2, 1.35), "Government regains territory": (0.10, 0.40, 1.0, 1.4),
    "Non-state actor overtakes territory": (0.10, 0.40, 1.0, 1.4),
    "Shelling/artillery/missile attack": (0.10, 0.55, 0.5, 1.2), "Air/drone strike": (0.08, 0.35, 1.0, 1.4),
    "Remote explosive/landmine/IED": (0.05, 0.40, 0.8, 1.2), "Grenade": (0.05, 0.60, 0.3, 0.8),
    "Suicide bomb": (0.03, 0.10, 2.0, 1.3), "Chemical weapon": (0.10, 0.30, 2.5, 1.5),
    "Attack": (0.05, 0.25, 0.4, 1.1), "Abduction/forced disappearance": (0.10, 0.92, 0.0, 0.5),
    "Sexual violence": (0.10, 0.95, 0.0, 0.5),
    "Peaceful protest": (0.10, 0.90, 0.0, 0.0), "Protest with intervention": (0.10, 0.97, 0.0, 0.5),
    "Excessive force against protesters": (0.05, 0.50, 0.7, 1.0),
    "Violent demonstration": (0.08, 0.90, 0.2, 0.7), "Mob violence": (0.08, 0.70, 0.2, 0.7),
}
SD_FATALITIES = (0.30, 0.95, 0.2, 0.7)
MAX_FATALITIES = 5000
INJURING = frozenset({E, V, R})
INJURED = (0.65, 0.05, 1.3, 1.1)

SOURCES_PER_EVENT = (1, 2, 3, 4)
SOURCES_WEIGHTS = (55, 28, 12, 5)
SHARED_STORY_SHARE = 0.15  # a source that is a round-up story already reporting another event
DISAGREEMENT_SHARE = 0.30  # events with several sources whose figures differ
RANGE_SHARE = 0.10  # sources that give "between X and Y"
SILENT_SOURCE_SHARE = 0.10  # later sources that give no figure
TIME_PRECISION_WEIGHTS = {1: 85, 2: 11, 3: 4}
UNDATED_SHARE = 0.003
GEO_PRECISION_WEIGHTS = {1: 75, 2: 18, 3: 7}
VERIFIED_SHARE, REJECTED_SHARE, MERGED_SHARE = 0.15, 0.03, 0.02
CURATED_SHARE_OF_VERIFIED = 0.20
REVIEW_CONFIDENCE = 0.6
ASSOCIATED_SHARE = 0.06

# Words for the notes, with the share of events that mention them: search has every selectivity.
KEYWORDS = [
    ("near a checkpoint", 0.08), ("targeting a convoy", 0.05), ("at a market", 0.04), ("near a hospital", 0.02),
    ("near a school", 0.02), ("outside a mosque", 0.015), ("near a church", 0.007), ("against journalists", 0.008),
    ("against aid workers", 0.005), ("near the border", 0.03), ("at a wedding", 0.002), ("at a refugee camp", 0.004),
]
INTERNATIONAL_OUTLETS = [
    "Synthetic Wire", "Synthetic World News", "Synthetic Press Agency", "Synthetic Broadcasting",
    "Synthetic Monitor", "Synthetic Herald", "Synthetic Radio International", "Synthetic Observer",
]
NATIONAL_OUTLET_SHARE = 0.35

VERBS = {
    "Armed clash": "clashed with", "Government regains territory": "regained territory from",
    "Non-state actor overtakes territory": "took control of territory from",
    "Shelling/artillery/missile attack": "shelled", "Air/drone strike": "carried out an air strike on",
    "Remote explosive/landmine/IED": "detonated an IED against", "Grenade": "threw a grenade at",
    "Suicide bomb": "carried out a suicide bombing against", "Chemical weapon": "used a chemical weapon against",
    "Attack": "attacked", "Abduction/forced disappearance": "abducted", "Sexual violence": "sexually assaulted",
    "Peaceful protest": "demonstrated", "Protest with intervention": "demonstrated and were dispersed by",
    "Excessive force against protesters": "demonstrated and were fired on by",
    "Violent demonstration": "rioted and clashed with", "Mob violence": "attacked",
    "Looting/property destruction": "looted property of", "Arrests": "arrested", "Other": "was involved in an incident with",
    "Change to group/activity": "announced a change of activity with", "Disrupted weapons use": "defused explosives of",
    "Agreement": "signed an agreement with", "Headquarters or base established": "established a base against",
    "Non-violent transfer of territory": "handed over territory to",
}
HEADLINES = {
    B: "Fighting in {place}", E: "Strike hits {place}", V: "Civilians attacked in {place}",
    P: "Protesters rally in {place}", R: "Unrest in {place}", S: "Developments in {place}",
}
BACKGROUND = {
    B: "Fighting has flared repeatedly in {admin1} this year.",
    E: "Residents said they heard several explosions before dawn.",
    V: "Local officials condemned the attack and called for an investigation.",
    P: "Organisers said the demonstrations would continue.",
    R: "Shops stayed closed as police reinforcements arrived.",
    S: "The situation in {admin1} remained tense.",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# Actors of the dictionary that are not tied to one country, and where they act.
DICTIONARY_ACTOR_COUNTRIES = {
    "Islamic State": ["SY", "IQ", "AF", "NG", "SO", "ML", "BF", "NE", "CD", "MZ"],
    "U.S.-led Coalition": ["SY", "IQ"], "Saudi-led Coalition": ["YE"], "al Qaeda": ["SO", "YE", "AF"],
    "al Qaeda in the Islamic Maghreb": ["ML", "BF", "NE", "DZ"],
    "Military Forces of the United States": ["SO", "IQ", "SY", "AF", "YE"],
    "Military Forces of Russia": ["UA", "SY", "ML", "CF", "LY"], "Military Forces of Turkey": ["SY", "IQ"],
    "Military Forces of Israel": ["PS", "LB", "SY"], "Hezbollah": ["SY", "IL"], "Hamas": ["IL"],
    "PKK": ["IQ", "SY"], "Kurdish Peshmerga": [],
}
REBEL_PATTERNS = ["{c} Liberation Front", "National Resistance of {c}", "Islamic Movement of {c}", "{c} Patriotic Army"]
ARMED = (1, 2, 3, 4, 8)
# Plain strings for COPY (psycopg would write an Enum member by its name).
EXTRACTED, NEEDS_REVIEW, VERIFIED = ReviewStatus.EXTRACTED.value, ReviewStatus.NEEDS_REVIEW.value, ReviewStatus.VERIFIED.value
REJECTED, MERGED = ReviewStatus.REJECTED.value, ReviewStatus.MERGED.value
PUBLIC = frozenset({EXTRACTED, NEEDS_REVIEW, VERIFIED})
cached_headline_key = functools.lru_cache(maxsize=200_000)(headline_key)  # headlines repeat a lot


# --- Reference data: countries, places, actors, outlets ----------------------------------------


@dataclass
class Country:
    iso2: str
    name: str
    profile: str
    weight: float
    places: list = field(default_factory=list)  # (gazetteer_id, name, admin1, lat, lon, population)
    regions: list = field(default_factory=list)  # (gazetteer_id, name, lat, lon)
    actors: dict = field(default_factory=dict)  # inter code -> [actor name]
    outlet: str = ""


def _the(name: str) -> str:
    return f"the {name}" if name.split()[0] in {"United", "Democratic", "Central", "Philippines", "Palestinian"} else name


def country_actors(iso2: str, name: str, profile: str) -> dict[int, list[str]]:
    """Generated actors of one country by inter code, in ACLED's naming."""
    the = _the(name)
    actors = {
        1: [f"Military Forces of {the}", f"Police Forces of {the}"],
        2: [p.format(c=name) for p in REBEL_PATTERNS[: {"war": 4, "mixed": 2, "unrest": 1}[profile]]],
        3: [f"Unidentified Armed Group ({name})", f"Political Party Militia ({name})"],
        4: [f"Communal Militia ({name})", f"Ethnic Militia ({name})"],
        5: [f"Rioters ({name})"],
        6: [f"Protesters ({name})"],
        7: [f"Civilians ({name})"],
        8: [],
    }
    return actors


def dictionary_actors() -> list[dict]:
    return [entry.get("fields", entry) for entry in json.loads(ACTORS_FIXTURE.read_text(encoding="utf-8"))]


def build_countries() -> list[Country]:
    """The countries with their places, regions, actors and outlet (no database, no randomness)."""
    harmonic = sum(1 / (rank ** ZIPF_EXPONENT) for rank in range(1, len(COUNTRIES) + 1))
    countries = {
        iso2: Country(iso2, country_name(iso2), profile, (1 / (rank ** ZIPF_EXPONENT)) / harmonic)
        for rank, (iso2, profile) in enumerate(COUNTRIES, start=1)
    }
    admin1 = {}
    with open(ADMIN1_FILE, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            iso2, code, name, lat, lon = line.rstrip("\n").split("\t")[:5]
            admin1[(iso2, code)] = name
            if iso2 in countries and lat and lon:
                countries[iso2].regions.append((f"admin1:{iso2}.{code}", name, float(lat), float(lon)))
    wanted = {iso2: max(30, min(400, round(1500 * c.weight))) for iso2, c in countries.items()}
    with gzip.open(GEONAMES_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#keys"):
                break
            if line.startswith("#"):
                continue
            gid, name, lat, lon, iso2, code, population = line.rstrip("\n").split("\t")
            country = countries.get(iso2)
            if country is None or len(country.places) >= wanted[iso2] or (iso2, code) not in admin1:
                continue
            country.places.append((f"geonames:{gid}", ascii_name(name), admin1[(iso2, code)], float(lat), float(lon), int(population)))
    for country in countries.values():
        country.actors = country_actors(country.iso2, country.name, country.profile)
        country.outlet = f"{OUTLET_PREFIX} {country.name} Times"
    for entry in dictionary_actors():
        where = DICTIONARY_ACTOR_COUNTRIES.get(entry["name"], [entry["country"]] if entry["country"] else [])
        for iso2 in where:
            if iso2 not in countries:
                continue
            code = int(entry["actor_type"])
            if iso2 != entry["country"] and code == 1:
                code = 8  # a state's forces outside its own country are external forces
            names = countries[iso2].actors[code]
            if entry["name"] not in names:
                names.insert(0, entry["name"])  # the dictionary's actor leads its kind
    return [countries[iso2] for iso2, _ in COUNTRIES]


def generated_actor_rows(countries: list[Country]) -> list[tuple[str, int, str]]:
    """(name, inter code, country) of the generated actors (dictionary actors are loaded as they are)."""
    known = {entry["name"] for entry in dictionary_actors()}
    rows = {}
    for country in countries:
        for code, names in country.actors.items():
            for name in names:
                if name not in known:
                    rows.setdefault(name, (name, code, country.iso2))
    return list(rows.values())


# --- Rows ------------------------------------------------------------------------------------

EVENT_COLUMNS = (
    "id", "uid", "event_date", "date_start", "date_end", "time_precision", "event_type", "sub_event_type",
    "actor1_id", "actor2_id", "place_id", "location", "admin1", "country", "country_code", "latitude", "longitude",
    "geo_precision", "fatalities_best", "fatalities_low", "fatalities_high", "injured_best", "injured_low",
    "injured_high", "civilian_targeting", "notes", "status", "merged_into_id", "confidence", "extracted",
    "curated_fields", "version", "created_at", "updated_at",
)
STORY_COLUMNS = (
    "id", "headline", "headline_key", "caption", "byline", "dateline", "agency", "body", "credit", "outlet_id", "url",
    "published", "published_basis", "published_evidence", "fingerprint", "previous_version_id", "extra",
    "source_name", "source_encoding", "ingest_run_id", "extracted_at", "created_at",
)
SOURCE_COLUMNS = (
    "event_id", "story_id", "evidence", "fatalities_best", "fatalities_low", "fatalities_high", "injured_best",
    "injured_low", "injured_high", "claimed_by", "created_at",
)
ASSOC_COLUMNS = ("event_id", "actor_id")


@dataclass
class Batch:
    """Rows for COPY, in the column orders above."""

    events: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    assoc1: list = field(default_factory=list)
    assoc2: list = field(default_factory=list)


@dataclass
class Ids:
    """Primary keys of the reference rows, and where the new events and stories start."""

    actors: dict  # name -> id
    places: dict  # gazetteer_id -> id
    outlets: dict  # name -> id
    first_event: int
    first_story: int
    ingest_run: Optional[int] = None
    events_before: int = 0  # events already in the table: seeds the draw, so that a second run adds other rows


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _weighted(table: dict) -> tuple[list, list[float]]:
    keys = list(table)
    return keys, _cumulative(table[k] for k in keys)


def _choose(rng: random.Random, weighted: tuple[list, list[float]]):
    """One key of a `_weighted` table: one random number, one bisect."""
    keys, cum = weighted
    return keys[min(bisect.bisect(cum, rng.random() * cum[-1]), len(keys) - 1)]


class RowFactory:
    """Draws n events with their stories and sources; the same seed and ids give the same rows.

    Pure: needs no database. Ids of reference rows come from `ids`; events
    and stories are numbered from `ids.first_event` / `ids.first_story`;
    what is drawn depends on the seed and `ids.events_before` only, so a
    run that was rolled back (its ids are lost to the sequences) changes nothing.
    Events come in the order they would have been ingested (the event day
    plus a reporting delay, a few backfilled much later), so ids and
    created_at grow with the date and the table's physical order follows
    the date as it does in a real database.
    """

    def __init__(self, countries: list[Country], ids: Ids, seed: int, n: int):
        self.countries, self.ids, self.seed = countries, ids, seed
        self.rng = random.Random(f"conflictdb-synthetic:{seed}:{ids.events_before}")
        rng = self.rng
        self.country_cum = _cumulative(c.weight for c in countries)
        self.days = (LAST_DAY - FIRST_DAY).days + 1
        self.day_cum = [self._day_weights(rng) for _ in countries]
        self.schedule = self._schedule(n)
        self.position = 0
        self.place_cum = [_cumulative(math.sqrt(max(p[5], 500)) for p in c.places) for c in countries]
        self.types = {profile: _weighted(mix) for profile, mix in TYPE_MIX.items()}
        self.sub_types = {etype: _weighted(mix) for etype, mix in SUB_TYPE_MIX.items()}
        self.outlets = _weighted({name: 1 / rank for rank, name in enumerate(INTERNATIONAL_OUTLETS, start=1)})
        self.time_precisions = _weighted(TIME_PRECISION_WEIGHTS)
        self.geo_precisions = _weighted(GEO_PRECISION_WEIGHTS)
        self.source_counts = _weighted(dict(zip(SOURCES_PER_EVENT, SOURCES_WEIGHTS)))
        self.next_event, self.next_story = ids.first_event, ids.first_story
        # (country, day) -> the last stories of that day: round-up stories that report several events
        self.stories_of_day: dict[tuple, list[tuple]] = {}
        self.survivors: list[list[tuple]] = [[] for _ in countries]  # per country: public events to merge into
        self.story_serial = 0

    def _schedule(self, n: int) -> list[int]:
        """n events as sorted keys: (ingest day, event day + 1 or 0 when undated, country index) packed in an int."""
        rng, keys = self.rng, []
        last = len(self.countries) - 1
        for _ in range(n):
            ci = min(bisect.bisect(self.country_cum, rng.random() * self.country_cum[-1]), last)
            if rng.random() < UNDATED_SHARE:
                day, ingest = -1, rng.randrange(self.days)
            else:
                cum = self.day_cum[ci]
                day = min(self.days - 1, bisect.bisect(cum, rng.random() * cum[-1]))
                roll = rng.random()
                delay = rng.randint(0, 3) if roll < 0.85 else (rng.randint(4, 60) if roll < 0.95 else rng.randint(61, 1000))
                ingest = min(day + delay, self.days + 14)  # nothing ingested long after the last generated day
            keys.append((ingest << 20) | ((day + 1) << 6) | ci)
        keys.sort()
        return keys

    def _day_weights(self, rng: random.Random) -> list[float]:
        """One country's weight per day: a growing trend and 1-4 bursts of 2-8 times the usual rate."""
        weights = [1.0 + 0.8 * d / self.days for d in range(self.days)]
        for _ in range(rng.randint(1, 4)):
            start, length, factor = rng.randrange(self.days), rng.randint(20, 150), rng.uniform(2, 8)
            for d in range(start, min(self.days, start + length)):
                weights[d] *= factor
        return _cumulative(weights)

    # -- one batch --------------------------------------------------------------------------

    def batch(self, n: int) -> Batch:
        """The next n events of the schedule."""
        batch = Batch()
        for _ in range(n):
            self._event(batch)
        if len(self.stories_of_day) > 20_000:  # days long past: their round-ups are done
            for key in list(itertools.islice(self.stories_of_day, 10_000)):
                del self.stories_of_day[key]
        return batch

    def _event(self, batch: Batch) -> None:
        rng, ids = self.rng, self.ids
        event_id = self.next_event
        self.next_event += 1
        key = self.schedule[self.position]
        self.position += 1
        ci, day, ingest_day = key & 63, ((key >> 6) & 0x3FFF) - 1, key >> 20
        country = self.countries[ci]
        status, survivor = self._status(ci)
        if survivor is not None:  # a second report of the survivor's event; its source moved there
            (event_date, time_precision, date_start, date_end, place, geo_precision, event_type, sub_type,
             actor1, actor2, survivor_best) = survivor[1:]
            reports = [((survivor_best,) * 3, (None,) * 3)]
        else:
            event_date, time_precision, date_start, date_end = self._date(day)
            geo_precision = _choose(rng, self.geo_precisions)
            place = self._place(ci, geo_precision)
            event_type = _choose(rng, self.types[country.profile])
            sub_type = _choose(rng, self.sub_types[event_type])
            actor1, actor2 = self._actors(country, event_type, sub_type)
            reports = self._reports(sub_type, event_type, _choose(rng, self.source_counts))
        gid, location, admin1, lat, lon = place
        civilian = event_type == V or sub_type == "Excessive force against protesters" or (
            event_type == E and actor2 is not None and actor2.startswith("Civilians")
        )
        keyword = self._keyword()
        created = _timestamp(FIRST_DAY + dt.timedelta(days=ingest_day), rng)

        # Sources first: a round-up story already supporting this event is not used twice,
        # and the event's figures are combined from the sources it really has.
        owner = survivor[0] if survivor is not None else event_id
        day_key = (ci, event_date)
        shared = self.stories_of_day.get(day_key) if survivor is None else None
        kept, used = [], set()
        for n, (fat_report, inj_report) in enumerate(reports):
            if shared and rng.random() < SHARED_STORY_SHARE:
                story = shared[rng.randrange(len(shared))]
                if story[0] in used:
                    continue
            else:
                story = self._story(batch, country, event_date or created.date(), created, event_type, sub_type,
                                    actor1, actor2, location, admin1, fat_report, keyword, n)
                self.stories_of_day.setdefault(day_key, []).append(story)
                if len(self.stories_of_day[day_key]) > 5:
                    del self.stories_of_day[day_key][0]
            used.add(story[0])
            kept.append((story, fat_report, inj_report))
        fat = _combine([r[1] for r in kept])
        inj = _combine([r[2] for r in kept])
        disagree = len({r[1][0] for r in kept if r[1][0] is not None}) > 1
        confidence = round(min(0.99, max(0.05, rng.betavariate(6, 2.2))), 2)
        for n, (story, fat_report, inj_report) in enumerate(kept):
            story_id, sentence, end = story
            claimed = actor1 if disagree and n > 0 and actor1 and rng.random() < 0.2 else ""
            evidence = [{"field": "event_type", "sentence": sentence, "start": 0, "end": end, "span_start": -1,
                         "span_end": -1, "confidence": confidence, "note": "synthetic"}]
            batch.sources.append((owner, story_id, json.dumps(evidence), *fat_report, *inj_report, claimed, created))

        reasons = []
        if confidence < REVIEW_CONFIDENCE:
            reasons.append(f"confidence below {REVIEW_CONFIDENCE}")
        if event_date is None:
            reasons.append("no event date")
        if status == EXTRACTED and (reasons or (disagree and rng.random() < 0.5)):
            status = NEEDS_REVIEW
        updated, version, curated = created, 1, []
        extracted = {"synthetic": True, "confidence": confidence, "stories": [{"story": s[0][0]} for s in kept]}
        if reasons:
            extracted["review_reasons"] = reasons
        if status in (VERIFIED, REJECTED, MERGED):
            updated = created + dt.timedelta(days=rng.randint(0, 60), seconds=rng.randrange(86400))
            version = 2
            if status == VERIFIED and rng.random() < CURATED_SHARE_OF_VERIFIED:
                curated = ["notes"] if rng.random() < 0.5 else ["geo_precision"]
                extracted[curated[0]] = "" if curated[0] == "notes" else min(3, geo_precision + 1)
                version = 3
        notes = _notes(event_date, time_precision, actor1, actor2, sub_type, location, admin1, country.name, fat[0], keyword)
        batch.events.append((
            event_id, uuid.UUID(int=rng.getrandbits(128), version=4), event_date, date_start, date_end, time_precision,
            event_type, sub_type, ids.actors.get(actor1), ids.actors.get(actor2), ids.places[gid], location, admin1,
            country.name, country.iso2, lat, lon, geo_precision, *fat, *inj, civilian, notes, status,
            survivor[0] if survivor is not None else None, confidence, json.dumps(extracted),
            "{" + ",".join(curated) + "}", version, created, updated,
        ))
        if rng.random() < ASSOCIATED_SHARE:
            self._associated(batch, event_id, country, event_type, actor1, actor2)
        if status in (EXTRACTED, NEEDS_REVIEW, VERIFIED):
            survivors = self.survivors[ci]
            survivors.append((event_id, event_date, time_precision, date_start, date_end, place, geo_precision,
                              event_type, sub_type, actor1, actor2, fat[0]))
            if len(survivors) > 100:
                del survivors[:50]

    def _status(self, ci: int) -> tuple[str, Optional[tuple]]:
        """A curator's status (verified, rejected, merged with its survivor) or extracted (may become needs review)."""
        roll = self.rng.random()
        if roll < MERGED_SHARE and self.survivors[ci]:
            survivors = self.survivors[ci]
            return MERGED, survivors[self.rng.randrange(len(survivors))]
        if roll < MERGED_SHARE + REJECTED_SHARE:
            return REJECTED, None
        if roll < MERGED_SHARE + REJECTED_SHARE + VERIFIED_SHARE:
            return VERIFIED, None
        return EXTRACTED, None

    # -- parts ----------------------------------------------------------------------------

    def _date(self, day_number: int):
        """(event_date, time_precision, date_start, date_end) for a day of the schedule (-1: undated)."""
        rng = self.rng
        if day_number < 0:
            return None, 3, None, None
        day = FIRST_DAY + dt.timedelta(days=day_number)
        precision = _choose(rng, self.time_precisions)
        if precision == 1:
            return day, 1, day, day
        if precision == 2:  # the week, its middle recorded (ACLED), within the generated years
            monday = day - dt.timedelta(days=day.weekday())
            start, end = max(monday, FIRST_DAY), min(monday + dt.timedelta(days=6), LAST_DAY)
            return min(max(monday + dt.timedelta(days=3), start), end), 2, start, end
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return start + dt.timedelta(days=14), 3, start, end

    def _place(self, ci: int, geo_precision: int) -> tuple:
        """(gazetteer_id, location, admin1, latitude, longitude)."""
        country, rng = self.countries[ci], self.rng
        if geo_precision == 3 and country.regions:
            gid, name, lat, lon = country.regions[rng.randrange(len(country.regions))]
            return gid, name, name, lat, lon
        cum = self.place_cum[ci]
        gid, name, admin1, lat, lon, _ = country.places[min(bisect.bisect(cum, rng.random() * cum[-1]), len(cum) - 1)]
        return gid, name, admin1, lat, lon

    def _pick(self, country: Country, codes) -> Optional[str]:
        """An actor of one of these inter codes (repeat a code to favour it); the first of its kind half the time."""
        rng = self.rng
        kinds = [country.actors[code] for code in codes if country.actors.get(code)]
        if not kinds:
            return None
        names = kinds[rng.randrange(len(kinds))]
        return names[0] if len(names) == 1 or rng.random() < 0.5 else names[rng.randrange(len(names))]

    def _actors(self, country: Country, event_type: str, sub_type: str) -> tuple[Optional[str], Optional[str]]:
        """actor1 and actor2 as ACLED pairs them for this type."""
        rng, pick = self.rng, self._pick
        if event_type == B:
            first = pick(country, (1, 2, 2, 3, 4, 8))
            second = pick(country, ARMED)
            for _ in range(3):
                if second != first:
                    break
                second = pick(country, ARMED)
            return first, second if second != first else None
        if event_type == E:
            first = pick(country, (1, 1, 8, 2)) if rng.random() > 0.15 else None
            second = pick(country, (7,)) if rng.random() < 0.35 else (pick(country, (1, 2, 3)) if rng.random() < 0.6 else None)
            return first, second if second != first else None
        if event_type == V:
            return pick(country, (1, 2, 3, 4)), pick(country, (7,))
        if event_type == P:
            police = pick(country, (1,)) if sub_type != "Peaceful protest" else None
            return pick(country, (6,)), police
        if event_type == R:
            second = pick(country, (1,)) if sub_type == "Violent demonstration" else pick(country, (7,))
            return pick(country, (5,)), second if rng.random() < 0.7 else None
        first = pick(country, (1, 2, 3))
        second = pick(country, (2, 3, 7)) if rng.random() < 0.5 else None
        return first, second if second != first else None

    def _associated(self, batch: Batch, event_id: int, country: Country, event_type: str, actor1, actor2) -> None:
        codes = (6, 5) if event_type in (P, R) else (3, 4, 8)
        for rows, main in ((batch.assoc1, actor1), (batch.assoc2, actor2)):
            if main is None:
                continue
            name = self._pick(country, codes)
            if name and name not in (actor1, actor2):
                rows.append((event_id, self.ids.actors[name]))

    def _reports(self, sub_type: str, event_type: str, k: int) -> list[tuple[tuple, tuple]]:
        """Per source: ((fatalities best, low, high), (injured best, low, high))."""
        rng = self.rng
        spec = FATALITIES.get(sub_type, SD_FATALITIES)
        base = _draw(rng, spec)
        injured_base = _draw(rng, INJURED) if event_type in INJURING else None
        disagree = k > 1 and rng.random() < DISAGREEMENT_SHARE
        reports = []
        for n in range(k):
            value = base
            if n > 0 and rng.random() < SILENT_SOURCE_SHARE:
                value = None
            elif n > 0 and disagree and value is not None:
                value = value + rng.randint(1, max(2, value // 2 + 1))
            if value is not None and value > 0 and rng.random() < RANGE_SHARE:
                figures = (value, value, value + rng.randint(1, max(2, value)))
            else:
                figures = (value, value, value)
            injured = (None, None, None) if injured_base is None or (n > 0 and rng.random() < 0.3) else (injured_base,) * 3
            reports.append((figures, injured))
        return reports

    def _keyword(self) -> str:
        roll = self.rng.random()
        for phrase, share in KEYWORDS:
            if roll < share:
                return phrase
            roll -= share
        return ""

    def _story(self, batch, country, published, created, event_type, sub_type, actor1, actor2, location, admin1,
               figures, keyword, n) -> tuple[int, str, int]:
        """A new story reporting the event; returns (id, its first sentence, where that sentence ends)."""
        rng = self.rng
        story_id = self.next_story
        self.next_story += 1
        self.story_serial += 1
        outlet = country.outlet if rng.random() < NATIONAL_OUTLET_SHARE else _choose(rng, self.outlets)
        killed = figures[0]
        headline = HEADLINES[event_type].format(place=location)
        if killed:
            headline = f"{killed} killed as {headline[0].lower()}{headline[1:]}"
        first = f"{actor1 or 'Unidentified attackers'} {VERBS[sub_type]} {actor2 or 'targets'} in {location}"
        if keyword:
            first += f" {keyword}"
        if killed is None:
            second = "There was no word on casualties."
        elif killed == 0:
            second = "No one was reported killed."
        elif figures[2] != figures[1]:
            second = f"Between {figures[1]} and {figures[2]} people were killed, officials said."
        elif killed == 1:
            second = "One person was killed, officials said."
        else:
            second = f"At least {killed} people were killed, officials said."
        lead = f"{location.upper()}, {country.name} ({outlet}) - {first}, witnesses said."
        body = f"{lead} {second} {BACKGROUND[event_type].format(admin1=admin1 or location)}"
        published_on = published + dt.timedelta(days=min(n, 3))
        fingerprint = hashlib.sha256(f"synthetic:{self.seed}:{self.ids.events_before}:{self.story_serial}".encode()).hexdigest()
        batch.stories.append((
            story_id, headline, cached_headline_key(headline), "", "", f"{location.upper()}, {country.name}", outlet, body, "",
            self.ids.outlets[outlet], f"{URL_ROOT}/story/{fingerprint[:16]}", published_on, "given", "", fingerprint,
            None, '{"synthetic": true}', SOURCE_NAME, "utf-8", self.ids.ingest_run, created, created,
        ))
        return story_id, lead, len(lead)


def _draw(rng: random.Random, spec: tuple) -> Optional[int]:
    """A count: None (not reported), 0, or lognormal with a heavy tail."""
    unreported, zero, mu, sigma = spec
    roll = rng.random()
    if roll < unreported:
        return None
    if roll < unreported + (1 - unreported) * zero or sigma == 0:
        return 0
    return min(MAX_FATALITIES, max(1, round(rng.lognormvariate(mu, sigma))))


def _combine(figures: list[tuple]) -> tuple:
    """The event's (best, low, high) from its sources', as `events.merging.source_figures` combines them."""
    reported = [f for f in figures if f[0] is not None]
    if not reported:
        return None, None, None
    return min(f[0] for f in reported), min(f[1] for f in reported), max(f[2] for f in reported)


def _timestamp(day: dt.date, rng: random.Random) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
    return moment + dt.timedelta(seconds=rng.randrange(86400))


def _notes(event_date, time_precision, actor1, actor2, sub_type, location, admin1, country, killed, keyword) -> str:
    """ACLED-style notes: when, who did what to whom, where, and the toll."""
    if event_date is None:
        when = "On an unknown date"
    elif time_precision == 3:
        when = f"In {MONTHS[event_date.month - 1]} {event_date.year}"
    elif time_precision == 2:
        when = f"Around {event_date.day} {MONTHS[event_date.month - 1]} {event_date.year} (week of)"
    else:
        when = f"On {event_date.day} {MONTHS[event_date.month - 1]} {event_date.year}"
    who = actor1 or "Unidentified attackers"
    whom = f" {actor2}" if actor2 else ""
    verb = VERBS[sub_type]
    if not actor2 and verb.endswith((" of", " on", " at", " against", " with", " to", " from", " by")):
        verb, whom = verb.rsplit(" ", 1)[0], ""
    where = f"{location} ({admin1}, {country})" if admin1 and admin1 != location else f"{location} ({country})"
    text = f"{when}, {who} {verb}{whom} in {where}"
    if keyword:
        text += f" {keyword}"
    toll = "fatalities not reported" if killed is None else f"{killed} fatalit{'y' if killed == 1 else 'ies'}"
    return f"{text}. [{toll}]"


# --- Writing ---------------------------------------------------------------------------------


class RealDataError(Exception):
    """The database holds stories that were not generated: synthetic rows must not mix with them."""


@dataclass
class GenerationResult:
    events: int = 0
    stories: int = 0
    sources: int = 0
    seconds: float = 0.0
    first_event: int = 0

    def summary(self) -> str:
        rate = self.events / self.seconds if self.seconds else 0
        return (f"{self.events} synthetic events, {self.stories} stories, {self.sources} sources "
                f"in {self.seconds:.1f} s ({rate:,.0f} events/s)")


def real_story_count() -> int:
    """Stories not made by this module (any at all means the database holds real data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT 1 FROM events_story WHERE source_name <> %s LIMIT 1000) t", [SOURCE_NAME])
        return cursor.fetchone()[0]


def generate(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    batch_size: int = DEFAULT_BATCH,
    force: bool = False,
    vacuum: bool = True,
    bulk: Optional[bool] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> GenerationResult:
    """Write n synthetic events (with stories and sources) in one transaction; returns the counts.

    Refuses (RealDataError) when the database holds real stories, unless
    `force`. `progress(line)` is told each batch and phase, with the time
    since the start. `vacuum` runs
    VACUUM ANALYZE afterwards, so the planner knows the new rows and
    index-only scans work at once. `bulk` loads without secondary indexes and
    foreign keys and restores them afterwards (default: when n is at least
    BULK_MIN_EVENTS and at least the events already there).
    """
    if n < 0:
        raise ValueError("the number of events must not be negative")
    started = time.perf_counter()
    result = GenerationResult()

    def report(message: str) -> None:
        if progress:
            progress(f"{message} ({time.perf_counter() - started:.1f} s)")

    countries = build_countries()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Index builds and big COPYs take longer than the web's statement timeout (DB_STATEMENT_TIMEOUT_MS).
            cursor.execute("SET LOCAL statement_timeout = 0")
            # One generator at a time, and no other writer of events or stories while ids are handed out.
            cursor.execute("LOCK TABLE events_event, events_story IN SHARE ROW EXCLUSIVE MODE")
        if not force and real_story_count():
            raise RealDataError(
                "the database holds stories that were not generated (real data); "
                "use a separate database for synthetic events, or --force to mix them"
            )
        ids = _reference_rows(countries, n, seed)
        result.first_event = ids.first_event
        factory = RowFactory(countries, ids, seed, n)
        if bulk is None:
            bulk = n >= BULK_MIN_EVENTS and n >= _estimated_rows("events_event")
        with connection.cursor() as cursor, _export_cells_after_load(cursor, factory), _bulk_load(cursor, LOADED_TABLES, bulk):
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            report("schedule drawn" + (", secondary indexes and foreign keys dropped for the load" if bulk else ""))
            done = 0
            for size, batch in _drawn_ahead(factory, n, batch_size):
                _copy(raw, "events_event", EVENT_COLUMNS, batch.events)
                _copy(raw, "events_story", STORY_COLUMNS, batch.stories)
                _copy(raw, "events_eventsource", SOURCE_COLUMNS, batch.sources)
                _copy(raw, "events_event_assoc_actors1", ASSOC_COLUMNS, batch.assoc1)
                _copy(raw, "events_event_assoc_actors2", ASSOC_COLUMNS, batch.assoc2)
                done += size
                result.stories += len(batch.stories)
                result.sources += len(batch.sources)
                report(f"{done:,} / {n:,} events written")
            cursor.execute("SELECT setval(pg_get_serial_sequence('events_event', 'id'), %s, false)", [factory.next_event])
            cursor.execute("SELECT setval(pg_get_serial_sequence('events_story', 'id'), %s, false)", [factory.next_story])
            cursor.execute(
                "UPDATE events_ingestrun SET stories_read = %s, stories_new = %s, finished_at = now(), status = %s, "
                "message = %s WHERE id = %s",
                [result.stories, result.stories, IngestStatus.FINISHED, f"{n} synthetic events", ids.ingest_run],
            )
        if bulk:
            report("indexes and foreign keys restored")
        result.events = n
    report("committed")
    if vacuum and n:
        # VACUUM cannot run inside a transaction (a test's, a caller's): ANALYZE alone then.
        in_transaction = connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
            for table in (*LOADED_TABLES, "events_actor", "events_place"):
                if in_transaction:
                    cursor.execute("ANALYZE " + connection.ops.quote_name(table))
                else:
                    cursor.execute("VACUUM ANALYZE " + connection.ops.quote_name(table))
            cursor.execute("RESET statement_timeout")
        report("ANALYZE done" if in_transaction else "VACUUM ANALYZE done")
    result.seconds = time.perf_counter() - started
    return result


def _drawn_ahead(factory: RowFactory, n: int, batch_size: int) -> Iterator[tuple[int, Batch]]:
    """(size, batch) for n events; the next batch is drawn in a thread while PostgreSQL takes this one.

    One thread draws every batch in turn, so the rows do not depend on timing.
    """
    sizes = [min(batch_size, n - start) for start in range(0, n, batch_size)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(factory.batch, sizes[0]) if sizes else None
        for i, size in enumerate(sizes):
            batch = pending.result()
            pending = pool.submit(factory.batch, sizes[i + 1]) if i + 1 < len(sizes) else None
            yield size, batch


LOADED_TABLES = ("events_event", "events_story", "events_eventsource", "events_event_assoc_actors1", "events_event_assoc_actors2")
# From this many new events (and at least as many as the table holds), loading without the
# secondary indexes and foreign keys and restoring them afterwards is faster than maintaining them per row.
BULK_MIN_EVENTS = 100_000
INDEX_BUILD_MEMORY = "512MB"


def _estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


@contextlib.contextmanager
def _bulk_load(cursor, tables: tuple, active: bool):
    """Drop the secondary indexes and the foreign keys of `tables`, then restore them from their own definitions.

    Building an index once over the loaded rows, and checking a foreign key
    with one join, are several times faster than doing both row by row.
    Inside the generator's transaction: if anything fails, the drops are
    rolled back with the rows. Primary keys and unique indexes stay, so
    uniqueness is still checked row by row; each foreign key is validated
    over the whole table when it is added back.
    """
    if not active:
        yield
        return
    # The definitions are kept in a temporary table and executed by PostgreSQL itself:
    # no SQL text is assembled in Python, and nothing outlives the transaction.
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_dropped ON COMMIT DROP AS "
        "SELECT 'index' AS kind, t.relname AS tablename, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "UNION ALL SELECT 'foreign key', t.relname, k.conname, pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid WHERE k.contype = 'f' AND k.conrelid = ANY(%s::regclass[])",
        [list(tables), list(tables)],
    )
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses tables with queued checks (the ingest run's)
    cursor.execute(
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT * FROM synthetic_dropped WHERE kind = 'foreign key' LOOP "
        "EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tablename, r.name); END LOOP; "
        "FOR r IN SELECT * FROM synthetic_dropped WHERE kind = 'index' LOOP EXECUTE format('DROP INDEX %I', r.name); END LOOP; "
        "END $$"
    )
    yield
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [INDEX_BUILD_MEMORY])
    cursor.execute(
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT * FROM synthetic_dropped WHERE kind = 'index' ORDER BY name LOOP EXECUTE r.definition; END LOOP; "
        "FOR r IN SELECT * FROM synthetic_dropped WHERE kind = 'foreign key' ORDER BY tablename, name LOOP "
        "EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I ', r.tablename, r.name) || r.definition; END LOOP; "
        "END $$"
    )
    cursor.execute("DROP TABLE synthetic_dropped")


@contextlib.contextmanager
def _export_cells_after_load(cursor, factory: "RowFactory"):
    """Fill the new events' cached export cells (migration 0006) once, after the load, not per COPY.

    The trigger that keeps them skips its refresh while
    `conflictdb.export_cells_later` is on (local to this transaction); then
    one refresh over the new event ids, after the indexes it needs are back
    (this is entered before `_bulk_load`, so it exits after it).
    """
    first = factory.next_event
    cursor.execute("SELECT set_config('conflictdb.export_cells_later', 'on', true)")
    yield
    cursor.execute("SELECT set_config('conflictdb.export_cells_later', 'off', true)")
    cursor.execute(
        "SELECT events_refresh_export_sources(ARRAY(SELECT generate_series(%s::bigint, %s::bigint - 1)))",
        [first, factory.next_event],
    )


def _copy(cursor, table: str, columns: tuple, rows: list) -> None:
    if not rows:
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reference_rows(countries: list[Country], n: int, seed: int) -> Ids:
    """Insert the outlets, actors and places that are missing; an ingest run; and the first free ids."""
    outlets = INTERNATIONAL_OUTLETS + [c.outlet for c in countries]
    dictionary = dictionary_actors()
    actors = [(a["name"], list(a.get("aliases", [])), int(a["actor_type"]), a.get("country", ""), a.get("notes", "") or "")
              for a in dictionary]
    actors += [(name, [], code, iso2, ACTOR_NOTE) for name, code, iso2 in generated_actor_rows(countries)]
    places = {}
    for c in countries:
        for gid, name, admin1, lat, lon, _ in c.places:
            places.setdefault(gid, (name, "city", admin1, c.name, c.iso2, lat, lon, gid))
        for gid, name, lat, lon in c.regions:
            places.setdefault(gid, (name, "province", name, c.name, c.iso2, lat, lon, gid))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_outlet (name, url) SELECT unnest(%s::text[]), %s ON CONFLICT (name) DO NOTHING",
            [outlets, URL_ROOT + "/"],
        )
        cursor.execute("SELECT name, id FROM events_outlet WHERE name = ANY(%s)", [outlets])
        outlet_ids = dict(cursor.fetchall())
        for name, aliases, code, iso2, notes in actors:  # a few hundred rows, once
            cursor.execute(
                "INSERT INTO events_actor (name, aliases, actor_type, country, notes) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (name) DO NOTHING",
                [name, aliases, code, iso2, notes],
            )
        cursor.execute("SELECT name, id FROM events_actor WHERE name = ANY(%s)", [[a[0] for a in actors]])
        actor_ids = dict(cursor.fetchall())
        rows = list(places.values())
        columns = list(zip(*rows))
        cursor.execute(
            "INSERT INTO events_place (name, aliases, kind, admin1, country, country_code, latitude, longitude, gazetteer_id) "
            "SELECT n, '{}', k, a, c, cc, lat, lon, g FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::float8[], %s::float8[], %s::text[]) AS t(n, k, a, c, cc, lat, lon, g) "
            "ON CONFLICT (gazetteer_id) WHERE gazetteer_id <> '' DO NOTHING",
            [list(col) for col in columns],
        )
        cursor.execute("SELECT gazetteer_id, id FROM events_place WHERE gazetteer_id = ANY(%s)", [list(places)])
        place_ids = dict(cursor.fetchall())
        cursor.execute(
            "INSERT INTO events_ingestrun (started_at, sources, options, status, stories_read, stories_new, "
            "stories_duplicate, stories_new_version, stories_failed, message) "
            "VALUES (now(), %s, %s, %s, 0, 0, 0, 0, 0, '') RETURNING id",
            [f"generate_events --seed {seed} (synthetic)", json.dumps({"synthetic": True, "seed": seed, "events": n}),
             IngestStatus.RUNNING],
        )
        run_id = cursor.fetchone()[0]
        # The first free id: past the largest id and past what the sequence handed out (rolled back or not).
        cursor.execute(
            "SELECT GREATEST((SELECT coalesce(max(id), 0) FROM events_event), "
            "coalesce(pg_sequence_last_value(pg_get_serial_sequence('events_event', 'id')::regclass), 0)) + 1, "
            "GREATEST((SELECT coalesce(max(id), 0) FROM events_story), "
            "coalesce(pg_sequence_last_value(pg_get_serial_sequence('events_story', 'id')::regclass), 0)) + 1"
        )
        first = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM events_event")
        events_before = cursor.fetchone()[0]
    return Ids(actors=actor_ids, places=place_ids, outlets=outlet_ids, first_event=first[0], first_story=first[1],
               events_before=events_before,
               ingest_run=run_id)


