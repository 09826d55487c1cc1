"""The reader's pages: the event list, one event, the map and its data, the summary charts.

Thin: EventFilterSet chooses the events from the query string (the same
string gives the same events here, in the exports and in the API); the
modules named below compute what each page shows. A malformed query string
renders the page with the problems named and status 400.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import event_detail, listing, map_data, sidebar, summaries
from .choices import ReviewStatus
from .counting import RowCount, estimated_count
from .exporting import interaction
from .filtersets import EventFilterSet
from .models import Event
from .result_cache import cached_result, parameters_key

# Parameters of the pages themselves, not filters: never part of an export link.
PAGE_PARAMETERS = ("page", "interval", "bbox", "zoom")
EXPORTS = (("CSV", "events:export_csv"), ("JSON", "events:export_json"), ("GeoJSON", "events:export_geojson"))


def reader_filterset(request) -> EventFilterSet:
    filterset = EventFilterSet(request.GET, queryset=Event.objects.all(), request=request)
    sidebar.prepare_form(filterset.form)
    return filterset


def filter_context(request, filterset: EventFilterSet, section: str) -> dict:
    """What every filtered page shares: the sidebar, the filters in use, links that keep them."""
    data = request.GET
    valid = filterset.is_valid()
    filters = data.copy()
    for name in PAGE_PARAMETERS:
        filters.pop(name, None)
    query = f"?{filters.urlencode()}" if filters else ""
    return {
        "section": section,
        "filterset": filterset,
        "form": filterset.form,
        "groups": sidebar.field_groups(filterset.form, data),
        "hidden_parameters": sidebar.hidden_parameters(data),
        "suggestions": sidebar.suggestions(),
        "active_filters": sidebar.active_filters(filterset, filters) if valid else [],
        "filter_query": query,
        "export_links": [(label, reverse(name) + query) for label, name in EXPORTS],
        "problems": [] if valid else sidebar.problems(filterset),
    }


@require_safe
def event_list(request):
    filterset = reader_filterset(request)
    context = filter_context(request, filterset, "list")
    try:
        number = listing.page_number(request.GET.get("page"))
    except listing.PageError as problem:
        context["problems"].append(sidebar.Problem("", str(problem)))
    if context["problems"]:
        return render(request, "events/event_list.html", context, status=400)
    queryset = filterset.qs
    page = listing.list_page(queryset, number)
    if page.events and not page.has_next:
        count = RowCount(page.last_index, False)  # the last page: the total is known without counting
    else:
        count = estimated_count(queryset)
        # An estimate below what is already on screen is plainly wrong.
        shown = page.last_index + 1 if page.has_next else page.last_index
        count = RowCount(max(count.value, shown), count.estimated)
    context.update(
        page=page,
        count=count,
        headers=listing.sort_headers(filterset.form.cleaned_data.get("sort")),
        max_page=listing.MAX_PAGE,
    )
    return render(request, "events/event_list.html", context)


@require_safe
def event_detail_page(request, pk: int):
    try:
        event = event_detail.reader_event(pk)
    except Event.DoesNotExist:
        return render(request, "events/event_missing.html", {"pk": pk}, status=404)
    survivor = event_detail.survivor_id(event)
    if survivor is not None:
        return redirect(f"{reverse('events:detail', args=[survivor])}?merged_from={event.pk}")
    if event.status == ReviewStatus.REJECTED:
        return render(request, "events/event_missing.html", {"pk": pk, "rejected": event}, status=404)
    context = event_detail.detail_context(event)
    context.update(
        section="detail",
        interaction=interaction(event.actor1, event.actor2),
        merged_from=merged_from(request.GET.get("merged_from")),
        map_settings=map_settings(),
    )
    return render(request, "events/event_detail.html", context)


def merged_from(raw) -> int | None:
    """The id of the merged event a reader came from (its old link), when it is a number."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


def map_settings() -> dict:
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


@require_safe
def event_map(request):
    filterset = reader_filterset(request)
    context = filter_context(request, filterset, "map")
    context.update(map_settings=map_settings(), max_points=map_data.MAX_POINTS)
    return render(request, "events/event_map.html", context, status=400 if context["problems"] else 200)


@require_safe
def event_map_data(request):
    filterset = reader_filterset(request)
    problems = [] if filterset.is_valid() else [filterset.error_message()]
    try:
        box = map_data.parse_box(request.GET.get("bbox"))
        zoom = map_data.parse_zoom(request.GET.get("zoom"))
    except map_data.BoxError as problem:
        problems.append(str(problem))
    if problems:
        return JsonResponse({"error": "; ".join(problems)}, status=400)
    queryset = filterset.qs
    key = parameters_key("map", request.GET, ignore=("page", "sort"))
    data = cached_result(key, lambda: map_data.map_data(queryset, box=box, zoom=zoom), using=queryset.db)
    count = estimated_count(queryset)
    return JsonResponse(
        {
            **data,
            "total": {"value": count.value, "estimated": count.estimated, "display": count.display},
            "detail_url": reverse("events:detail", args=[0]).replace("/0/", "/{id}/"),
        }
    )


@require_safe
def event_summary(request):
    filterset = reader_filterset(request)
    context = filter_context(request, filterset, "summary")
    try:
        interval = summaries.parse_interval(request.GET.get("interval"))
    except summaries.IntervalError as problem:
        context["problems"].append(sidebar.Problem("", str(problem)))
    if context["problems"]:
        return render(request, "events/event_summary.html", context, status=400)
    queryset = filterset.qs
    key = parameters_key("summary", request.GET, ignore=("page", "sort"))
    summary = cached_result(key, lambda: summaries.summarize(queryset, interval), using=queryset.db)
    context.update(summary=summary, chart_data=summary.as_chart_data(), interval_choice=interval or "auto")
    return render(request, "events/event_summary.html", context)
