"""Events as ACLED-column rows, and streaming CSV / JSON / GeoJSON writers over them.

The export contract (schema 1.0, documented in docs/export_schema.md):

- ACLED's column names for everything ACLED has, in ACLED's order, then ours.
- `inter1`, `inter2`, `interaction` as text ("Rebel group", "State forces-Civilians"),
  as current ACLED exports write them; several values in one cell
  (associated actors, outlets) are separated by "; ".
- `iso` is ACLED's ISO 3166-1 *numeric* code (760 for Syria), from pycountry;
  the alpha-2 code is in our own `country_code` column. `event_id_cnty` is
  `Event.event_id_cnty` (alpha-2 + primary key), stable across edits.
- `fatalities` is our best figure; empty means "not reported", where ACLED
  writes 0. `timestamp` is the Unix time of the last change (ACLED's meaning).
- `sources` is a list of {headline, url, published, outlet, evidence}; in CSV
  it is a JSON string, and `source` holds the outlets joined by "; ".

This module is the contract's reference, in Python: `event_row` defines each
column of one event (the API's event representation starts from it), and
`reference_stream` writes rows built from `queryset.iterator()` with related
rows prefetched per chunk. It tops out near 2,000 rows/s, so the downloads
(`/events/export.*`, `manage.py export_events`) are written by PostgreSQL
instead (events/export_sql.py, over 20,000 rows/s), which must give the same
values as `reference_stream`, column for column (events/tests/test_export_sql.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from functools import lru_cache
from typing import Iterable, Iterator, Optional, Sequence

import pycountry
from django.db.models import Prefetch, Q, QuerySet

from extraction import taxonomy

from .choices import PUBLIC_STATUSES
from .models import Event, EventSource

SCHEMA_VERSION = "1.0"
CHUNK_SIZE = 2000
SEPARATOR = "; "

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "timestamp",
)
OUR_COLUMNS = (
    "uid", "country_code", "date_start", "date_end", "fatalities_low", "fatalities_high",
    "injured", "injured_low", "injured_high", "status", "confidence", "updated_at", "sources",
)
EXPORT_COLUMNS = ACLED_COLUMNS + OUR_COLUMNS
FORMATS = ("csv", "json", "geojson")
# What a source row needs (never the story body).
SOURCE_FIELDS = (
    "id", "event_id", "story_id", "evidence", "story__headline", "story__url", "story__published",
    "story__agency", "story__outlet_id", "story__outlet__name",
)


# --- Which events ------------------------------------------------------------------------


def export_queryset(
    *,
    country: Optional[str] = None,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    status: Optional[Sequence[str] | str] = None,
) -> QuerySet:
    """The events to export; by default every event but rejected and merged ones.

    `country` matches the alpha-2 code or the country name (any case);
    `since`/`until` bound `event_date`, inclusive; `status` is one status or several.
    """
    statuses = [status] if isinstance(status, str) else list(status or PUBLIC_STATUSES)
    qs = Event.objects.filter(status__in=statuses)
    if country:
        qs = qs.filter(Q(country_code__iexact=country) | Q(country__iexact=country))
    if since:
        qs = qs.filter(event_date__gte=since)
    if until:
        qs = qs.filter(event_date__lte=until)
    return qs.order_by("event_date", "id")


def filtered_queryset(filterset) -> QuerySet:
    """The events of a valid EventFilterSet in export order: its `sort` when given, else `event_date, id`.

    The export views and `manage.py export_events --filter` both call it, so a
    query string exports the same rows, in the same order, from either.
    """
    queryset = filterset.qs
    if not filterset.form.cleaned_data.get("sort"):
        queryset = queryset.order_by("event_date", "id")
    return queryset


# --- Rows ----------------------------------------------------------------------------------


def with_related(queryset: QuerySet, *, source_fields: Sequence[str] = SOURCE_FIELDS) -> QuerySet:
    """`queryset` with what `event_row` reads selected and prefetched: a fixed number of queries per chunk or page.

    `source_fields` are the EventSource columns loaded (the API adds each source's figures).
    """
    sources = (
        EventSource.objects.select_related("story__outlet")
        .only(*source_fields)
        .order_by("story__published", "id")
    )
    return (
        queryset.select_related("actor1", "actor2")
        .defer("extracted", "search_vector")  # the proposal JSON is the curators' business; the search vector is large
        .prefetch_related("assoc_actors1", "assoc_actors2", Prefetch("sources", queryset=sources))
    )


def event_rows(queryset: QuerySet) -> Iterator[dict]:
    """One dict per event, keys EXPORT_COLUMNS, values JSON-ready (dates as ISO strings)."""
    for event in with_related(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield event_row(event)


def event_row(event: Event) -> dict:
    """The export row of one event (its related rows should be prefetched)."""
    actor1, actor2 = event.actor1, event.actor2
    sources = [source_entry(s) for s in event.sources.all()]
    return {
        "event_id_cnty": event.event_id_cnty,
        "event_date": _iso(event.event_date),
        "year": event.event_date.year if event.event_date else None,
        "time_precision": event.time_precision,
        "disorder_type": taxonomy.DISORDER_TYPE.get(event.event_type, ""),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actor1.name if actor1 else "",
        "assoc_actor_1": SEPARATOR.join(a.name for a in event.assoc_actors1.all()),
        "inter1": _inter(actor1),
        "actor2": actor2.name if actor2 else "",
        "assoc_actor_2": SEPARATOR.join(a.name for a in event.assoc_actors2.all()),
        "inter2": _inter(actor2),
        "interaction": interaction(actor1, actor2),
        "civilian_targeting": "Civilian targeting" if event.civilian_targeting else "",
        "iso": iso_numeric(event.country_code),
        "country": event.country,
        "admin1": event.admin1,
        "location": event.location,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "geo_precision": event.geo_precision,
        "source": SEPARATOR.join(dict.fromkeys(s["outlet"] for s in sources if s["outlet"])),
        "notes": event.notes,
        "fatalities": event.fatalities_best,
        "timestamp": int(event.updated_at.timestamp()) if event.updated_at else None,
        "uid": str(event.uid),
        "country_code": event.country_code,
        "date_start": _iso(event.date_start),
        "date_end": _iso(event.date_end),
        "fatalities_low": event.fatalities_low,
        "fatalities_high": event.fatalities_high,
        "injured": event.injured_best,
        "injured_low": event.injured_low,
        "injured_high": event.injured_high,
        "status": event.status,
        "confidence": event.confidence,
        "updated_at": _iso(event.updated_at),
        "sources": sources,
    }


def interaction(actor1, actor2) -> str:
    """ACLED's interaction as text: the two actor types, lower code first ("State forces-Civilians")."""
    codes = sorted(a.actor_type for a in (actor1, actor2) if a is not None)
    if not codes:
        return ""
    if len(codes) == 1:
        return f"{taxonomy.ACTOR_TYPES[codes[0]]} only"
    return "-".join(taxonomy.ACTOR_TYPES[c] for c in codes)


@lru_cache(maxsize=None)
def iso_numeric(alpha2: str) -> Optional[int]:
    """ISO 3166-1 numeric code of an alpha-2 code (ACLED's `iso`); None when unknown (Kosovo)."""
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return int(country.numeric) if country else None


def _inter(actor) -> str:
    return taxonomy.ACTOR_TYPES.get(actor.actor_type, "") if actor else ""


def source_entry(source: EventSource) -> dict:
    """One item of the `sources` column: the story that supports the event and its evidence."""
    story = source.story
    return {
        "headline": story.headline,
        "url": story.url,
        "published": _iso(story.published),
        "outlet": story.outlet.name if story.outlet_id else story.agency,
        "evidence": source.evidence or [],
    }


def _iso(value) -> Optional[str]:
    return value.isoformat() if value is not None else None


# --- Writers ---------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[dict]) -> Iterator[str]:
    """The header, then one CSV line per row; `sources` as a JSON string, blanks for None."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow([_cell(row[c], c) for c in EXPORT_COLUMNS])


def stream_json(rows: Iterable[dict]) -> Iterator[str]:
    """{"schema_version", "columns", "events": [...]}, one event per chunk, never built in memory."""
    yield '{"schema_version": %s, "columns": %s, "events": [' % (json.dumps(SCHEMA_VERSION), json.dumps(list(EXPORT_COLUMNS)))
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def stream_geojson(rows: Iterable[dict]) -> Iterator[str]:
    """A GeoJSON FeatureCollection: a Point per event (null geometry when not located)."""
    yield '{"type": "FeatureCollection", "schema_version": %s, "features": [' % json.dumps(SCHEMA_VERSION)
    first = True
    for row in rows:
        lat, lon = row.get("latitude"), row.get("longitude")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        feature = {"type": "Feature", "id": row["uid"], "geometry": geometry, "properties": row}
        yield ("\n" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


WRITERS = {"csv": stream_csv, "json": stream_json, "geojson": stream_geojson}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "geojson": "application/geo+json"}


def reference_stream(queryset: QuerySet, fmt: str) -> Iterator[str]:
    """The export of `queryset` in one of FORMATS, built in Python: what export_sql.stream must equal."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return writer(event_rows(queryset))


def _cell(value, column: str) -> str:
    if value is None:
        return ""
    if column == "sources":
        return json.dumps(value, ensure_ascii=False)
    return value
