"""What the map draws for a filtered set: the events themselves when few, grid cells when many.

A million events must not ship as a million points. Up to MAX_POINTS located
events (in the visible box, when one is given) are sent as points, each
with only what a marker and its popup need. Above that the events are
aggregated in SQL (GROUP BY a grid cell whose size follows the zoom level)
and sent as cells - an event count, a fatality sum and the mean position of
the events in the cell - at most a few thousand whatever the data. The map
asks again as the reader zooms in, until the events in view are few enough
to draw one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from django.db.models import Avg, Count, F, IntegerField, QuerySet, Sum
from django.db.models.functions import Cast, Floor

from .counting import query_estimate

MAX_POINTS = 5000
# Cells per 256-pixel map tile along each axis: cells of 32 pixels.
CELLS_PER_TILE = 8
MAX_ZOOM = 18
POINT_FIELDS = ("id", "latitude", "longitude", "event_date", "sub_event_type", "event_type", "location", "country", "fatalities_best", "geo_precision")


class BoxError(ValueError):
    """A `bbox` or `zoom` parameter that is not a box or a zoom level."""


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float


def parse_box(raw: Optional[str]) -> Optional[Box]:
    """`bbox=west,south,east,north` in degrees (what Leaflet's getBounds().toBBoxString() gives)."""
    if not raw:
        return None
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise BoxError("bbox: give west,south,east,north in degrees (bbox=35,32,43,38).") from None
    if not (-90 <= south <= north <= 90) or any(v != v for v in (west, south, east, north)):
        raise BoxError("bbox: south and north must be latitudes with south <= north.")
    return Box(max(west, -180.0), south, min(east, 180.0), north)


def parse_zoom(raw: Optional[str]) -> int:
    if raw in (None, ""):
        return 2
    if not raw.isdigit() or int(raw) > MAX_ZOOM:
        raise BoxError(f"zoom: give a zoom level from 0 to {MAX_ZOOM}.")
    return int(raw)


def cell_degrees(zoom: int) -> float:
    """The grid step at a zoom level: CELLS_PER_TILE cells across one 256-pixel tile."""
    return 360.0 / (2**zoom) / CELLS_PER_TILE


def located(queryset: QuerySet, box: Optional[Box]) -> QuerySet:
    qs = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    if box is not None:
        qs = qs.filter(latitude__range=(box.south, box.north))
        if box.west <= box.east:
            qs = qs.filter(longitude__range=(box.west, box.east))
    return qs


def map_data(queryset: QuerySet, *, box: Optional[Box] = None, zoom: int = 2, max_points: Optional[int] = None) -> dict:
    """{"mode": "points", "points": [...]} or {"mode": "cells", "cells": [...], "cell_degrees": d}."""
    max_points = MAX_POINTS if max_points is None else max_points
    qs = located(queryset, box).order_by()
    points: list = []
    # The planner's estimate decides at once when the set is clearly too big; otherwise read up to the cap.
    if query_estimate(qs) <= max_points * 4:
        points = list(qs.values_list(*POINT_FIELDS)[: max_points + 1])
        if len(points) <= max_points:
            return {"mode": "points", "points": [_point(row) for row in points], "max_points": max_points}
    step = cell_degrees(zoom)
    cells = (
        qs.annotate(
            cell_y=Cast(Floor(F("latitude") / step), IntegerField()),
            cell_x=Cast(Floor(F("longitude") / step), IntegerField()),
        )
        .values("cell_y", "cell_x")
        .annotate(n=Count("id"), fatalities=Sum("fatalities_best"), lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list("lat", "lon", "n", "fatalities")
    )
    return {
        "mode": "cells",
        "cells": [[round(lat, 4), round(lon, 4), n, fatalities or 0] for lat, lon, n, fatalities in cells],
        "cell_degrees": step,
        "max_points": max_points,
    }


def _point(row) -> list:
    """[id, lat, lon, date, sub-event type, event type, place, fatalities, geo_precision]: compact, no keys."""
    pk, lat, lon, date, sub_type, etype, location, country, fatalities, geo = row
    place = ", ".join(part for part in (location, country) if part)
    return [pk, round(lat, 5), round(lon, 5), date.isoformat() if date else None, sub_type, etype, place, fatalities, geo]
