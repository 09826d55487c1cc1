"""Review-queue filters for the Event changelist.

Every filter here builds its choices without reading the events table
(fixed lists, or index-only queries cached for a few minutes) and filters
on indexed columns, so the sidebar costs nothing at a million events.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.dateparse import parse_date

from extraction.gazetteer import country_name

from ..choices import ReviewStatus
from ..models import Actor, Event, EventSource

CHOICES_CACHE_SECONDS = 300


class DefaultedSimpleListFilter(admin.SimpleListFilter):
    """A SimpleListFilter whose "no parameter" state means `default_value`, and with its own "All"."""

    default_value: str = ""
    all_value = "all"
    all_label = "All"

    def effective_value(self):
        value = self.value()
        return self.default_value if value in (None, "") else value

    def choices(self, changelist):
        current = self.effective_value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string(
                    remove=[self.parameter_name] if str(lookup) == self.default_value else [],
                    new_params={} if str(lookup) == self.default_value else {self.parameter_name: lookup},
                ),
                "display": title,
            }
        yield {
            "selected": current == self.all_value,
            "query_string": changelist.get_query_string({self.parameter_name: self.all_value}),
            "display": self.all_label,
        }


class QueueStatusFilter(DefaultedSimpleListFilter):
    """The queue opens on the events waiting for a curator."""

    title = "status"
    parameter_name = "status"
    default_value = "queue"
    all_label = "All statuses"

    def lookups(self, request, model_admin):
        return [
            ("queue", "Needs review (queue)"),
            ("open", "Not yet reviewed (extracted or needs review)"),
            *[(s.value, s.label) for s in ReviewStatus if s != ReviewStatus.NEEDS_REVIEW],
        ]

    def queryset(self, request, queryset):
        value = self.effective_value()
        if value == "queue":
            return queryset.filter(status=ReviewStatus.NEEDS_REVIEW)
        if value == "open":
            return queryset.filter(status__in=[ReviewStatus.EXTRACTED, ReviewStatus.NEEDS_REVIEW])
        if value in ReviewStatus.values:
            return queryset.filter(status=value)
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """Countries present in the table, read with an index skip-scan and cached."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = cache.get("conflictdb:admin:country_codes")
        if codes is None:
            codes = distinct_country_codes()
            cache.set("conflictdb:admin:country_codes", codes, CHOICES_CACHE_SECONDS)
        named = sorted(((code, country_name(code) if code else "(no country)") for code in codes), key=lambda c: c[1])
        return named

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(country_code=value.upper() if value else "")


def distinct_country_codes() -> list[str]:
    """DISTINCT country_code by walking the (country_code, event_date) index: one probe per country."""
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE codes AS (
                (SELECT country_code FROM {table} ORDER BY country_code LIMIT 1)
                UNION ALL
                SELECT (SELECT e.country_code FROM {table} e WHERE e.country_code > codes.country_code
                        ORDER BY e.country_code LIMIT 1)
                FROM codes WHERE codes.country_code IS NOT NULL
            )
            SELECT country_code FROM codes WHERE country_code IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


class EventDateFilter(admin.ListFilter):
    """Event date: a year, a from/to range, or undated."""

    title = "event date"
    template = "admin/events/filters/date_range.html"
    from_param, to_param, undated_param = "date_from", "date_to", "undated"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in (self.from_param, self.to_param, self.undated_param):
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value
        self.date_from = _date(self.values.get(self.from_param))
        self.date_to = _date(self.values.get(self.to_param))
        self.undated = self.values.get(self.undated_param) == "1"
        own = {self.from_param, self.to_param, self.undated_param, "p"}
        self.other_params = [(k, v) for k, values in request.GET.lists() if k not in own for v in values]

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.from_param, self.to_param, self.undated_param]

    def queryset(self, request, queryset):
        if self.undated:
            return queryset.filter(event_date__isnull=True)
        if self.date_from:
            queryset = queryset.filter(event_date__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(event_date__lte=self.date_to)
        return queryset

    def years(self) -> list[int]:
        span = cache.get("conflictdb:admin:event_years")
        if span is None:
            # MIN and MAX read the two ends of the event_date index.
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MIN(event_date), MAX(event_date) FROM {Event._meta.db_table}")
                low, high = cursor.fetchone()
            span = (low.year, high.year) if low and high else None
            cache.set("conflictdb:admin:event_years", span, CHOICES_CACHE_SECONDS)
        if not span:
            return []
        return list(range(span[1], span[0] - 1, -1))

    def choices(self, changelist):
        remove = self.expected_parameters()
        yield {
            "selected": not (self.date_from or self.date_to or self.undated),
            "query_string": changelist.get_query_string(remove=remove),
            "display": "Any date",
        }
        for year in self.years()[:12]:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            yield {
                "selected": self.date_from == start and self.date_to == end,
                "query_string": changelist.get_query_string(
                    {self.from_param: start.isoformat(), self.to_param: end.isoformat()}, remove=[self.undated_param]
                ),
                "display": str(year),
            }
        yield {
            "selected": self.undated,
            "query_string": changelist.get_query_string({self.undated_param: "1"}, remove=[self.from_param, self.to_param]),
            "display": "Undated",
        }


def _date(value):
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


class ConfidenceFilter(admin.SimpleListFilter):
    title = "extractor confidence"
    parameter_name = "confidence"
    BANDS = {
        "low": ("Low (< 0.4)", Q(confidence__lt=0.4)),
        "medium": ("Medium (0.4 – 0.6)", Q(confidence__gte=0.4, confidence__lt=0.6)),
        "fair": ("Fair (0.6 – 0.8)", Q(confidence__gte=0.6, confidence__lt=0.8)),
        "high": ("High (≥ 0.8)", Q(confidence__gte=0.8)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.BANDS.items()]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value() or "")
        return queryset.filter(band[1]) if band else queryset


class ActorFilter(admin.ListFilter):
    """One actor, chosen with the admin's autocomplete, in any role (actor 1, 2 or associated)."""

    title = "actor"
    parameter_name = "actor"
    template = "admin/events/filters/actor.html"
    # Associated-actor links of one actor read into Python at most this many at a time.
    MAX_ASSOCIATED = 20_000

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = params.pop(self.parameter_name, None)
        value = value[-1] if isinstance(value, list) else value
        self.actor = None
        if value and str(value).isdigit():
            self.actor = Actor.objects.filter(pk=int(value)).first()
        self.raw_value = value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def choices(self, changelist):
        yield {
            "selected": self.actor is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Any actor",
            "actor": self.actor,
            "base_query_string": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }

    def queryset(self, request, queryset):
        if self.raw_value in (None, ""):
            return queryset
        if self.actor is None:
            return queryset.none()
        pk = self.actor.pk
        # Materialised ids keep every branch of the OR an index condition (a BitmapOr).
        assoc = set(
            Event.assoc_actors1.through.objects.filter(actor_id=pk).values_list("event_id", flat=True)[: self.MAX_ASSOCIATED]
        ) | set(Event.assoc_actors2.through.objects.filter(actor_id=pk).values_list("event_id", flat=True)[: self.MAX_ASSOCIATED])
        condition = Q(actor1_id=pk) | Q(actor2_id=pk)
        if assoc:
            condition |= Q(pk__in=sorted(assoc))
        return queryset.filter(condition)


def disagreeing_sources() -> Exists:
    """Two sources of the event report different fatality or injury figures."""
    conditions = Q()
    for name in ("fatalities_best", "injured_best"):
        other = EventSource.objects.filter(event_id=OuterRef("event_id"), **{f"{name}__isnull": False}).exclude(
            **{name: OuterRef(name)}
        )
        conditions |= Q(Exists(other), **{f"{name}__isnull": False})
    return Exists(EventSource.objects.filter(event_id=OuterRef("pk")).filter(conditions))


class DisagreementFilter(admin.SimpleListFilter):
    title = "sources"
    parameter_name = "disagree"

    def lookups(self, request, model_admin):
        return [("yes", "Disagreeing figures"), ("no", "Agreeing or single source")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(disagreeing_sources())
        if self.value() == "no":
            return queryset.exclude(disagreeing_sources())
        return queryset


class CuratedFilter(admin.SimpleListFilter):
    title = "curated"
    parameter_name = "curated"

    def lookups(self, request, model_admin):
        return [("yes", "Corrected by a curator"), ("no", "As extracted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(curated_fields=[])
        if self.value() == "no":
            return queryset.filter(curated_fields=[])
        return queryset
