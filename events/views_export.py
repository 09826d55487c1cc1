"""`/events/export.csv|json|geojson`: exactly the events of the list's query string, streamed.

Thin: the filterset (events/filtersets.py) chooses the events, PostgreSQL
writes their rows (events/export_sql.py) and they are passed on chunk by
chunk, so a million rows leave in flat memory. A malformed query string is
a 400 naming each problem.
"""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from . import export_sql, exporting
from .filtersets import EventFilterSet
from .models import Event


@require_safe
def export_events(request, fmt: str):
    filterset = EventFilterSet(request.GET, queryset=Event.objects.all(), request=request)
    if not filterset.is_valid():
        return JsonResponse({"error": filterset.error_message(), "errors": filterset.errors}, status=400)
    queryset = exporting.filtered_queryset(filterset)
    response = StreamingHttpResponse(export_sql.stream(queryset, fmt), content_type=exporting.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="conflictdb-events-{dt.date.today():%Y%m%d}.{fmt}"'
    response["X-Export-Schema-Version"] = exporting.SCHEMA_VERSION
    return response
