"""The one FilterSet behind the reader's list, its exports and the API.

The same query string gives the same set of events everywhere: `/events/`,
`/events/export.csv`, `/api/events/` and `manage.py export_events`. Every
parameter is validated; a malformed one (a bad date, an unknown country, a
negative number, a search string that is too long) makes `is_valid()` false
with a message per parameter, which the views answer with 400, never 500.

Readers see every event but rejected and merged ones unless they ask for a
status. The API's sync mode (`updated_since` with `tombstones=True`) adds
the rejected and merged events that changed, so a client can delete them.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django_filters.fields import IsoDateTimeField

from extraction import taxonomy
from extraction.gazetteer import country_name, resolve_country

from . import searching
from .choices import PUBLIC_STATUSES, GeoPrecision, ReviewStatus, TimePrecision
from .collecting import Matches, collected_ids
from .counting import query_estimate
from .models import Actor, Event, EventSource, Outlet

MAX_SEARCH_LENGTH = 200
# PostgreSQL's estimate of the rows an actor (events) or an outlet (sources) matches, at or below
# which their events are collected through their own indexes (events.collecting); above it each
# event is checked while PostgreSQL reads the list's index in order, which finds a page of a common
# value after a few hundred events. The search's own threshold is events.searching.COLLECT_BELOW.
# Measured in docs/benchmarks.md, "Reader queries at a million events".
ACTOR_COLLECT_BELOW = 2_000
OUTLET_COLLECT_BELOW = 5_000
# Collecting gives up past twice its threshold or this time (an estimate far below the truth).
COLLECT_TIMEOUT_MS = 1_000
MAX_LIST_VALUES = 50  # countries, actors ... in one parameter
PUBLIC_STATUS_CHOICES = [(s.value, s.label) for s in ReviewStatus if s in PUBLIC_STATUSES]
SUB_EVENT_TYPE_CHOICES = [(s, s) for subs in taxonomy.TAXONOMY.values() for s in subs]


# --- Form fields that validate what readers type ---------------------------------------------


class CountryField(forms.CharField):
    """Country names or ISO codes, comma-separated ("Syria", "SY", "SYR", "Syria,Iraq") -> ISO2 codes."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        codes, unknown = [], []
        for part in (p.strip() for p in value.split(",")):
            if part:
                code = resolve_country(part)
                (codes if code else unknown).append(code or part)
        if unknown:
            raise forms.ValidationError(
                f"Unknown country: {', '.join(repr(u[:60]) for u in unknown[:5])}. Give a name (Syria) or an ISO code (SY)."
            )
        if len(codes) > MAX_LIST_VALUES:
            raise forms.ValidationError(f"At most {MAX_LIST_VALUES} countries.")
        return sorted(set(codes))


class NamesField(forms.CharField):
    """A comma-separated list of ids or names (actors, outlets)."""

    def clean(self, value):
        value = super().clean(value)
        parts = [p.strip() for p in (value or "").split(",") if p.strip()]
        if len(parts) > MAX_LIST_VALUES:
            raise forms.ValidationError(f"At most {MAX_LIST_VALUES} values.")
        return parts


class YesNoSelect(forms.NullBooleanSelect):
    """The yes / no / either select, handing the raw value to the field so that a typo is an error."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class YesNoField(forms.NullBooleanField):
    """true / false (also 1 / 0, yes / no, on / off); empty or "unknown" means either; anything else is an error."""

    widget = YesNoSelect
    TRUE = frozenset({"true", "1", "yes", "on", "2"})  # "2" and "3": Django's NullBooleanSelect before 2.2
    FALSE = frozenset({"false", "0", "no", "off", "3"})

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        if text in ("", "unknown"):
            return None
        raise forms.ValidationError(f"Give true or false (got {str(value)[:40]!r}).")

    def validate(self, value):
        pass


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class WholeNumberFilter(django_filters.NumberFilter):
    """A count: 3, not 2.5 (django-filter's NumberFilter takes any decimal)."""

    field_class = forms.IntegerField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, in UTC: any offset Python reads (+19:05) is one PostgreSQL can store."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.timezone.utc)
        except OverflowError:
            raise forms.ValidationError("Out of range: give a date-time between years 1 and 9999 in UTC.") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class CountryFilter(django_filters.Filter):
    field_class = CountryField

    def filter(self, qs, value):
        return qs.filter(country_code__in=value) if value else qs


class NamesFilter(django_filters.Filter):
    field_class = NamesField


class SortFilter(django_filters.OrderingFilter):
    """Column sort with empty values last either way, and the event id as the tie-breaker (stable pages).

    The tie-breaker runs in the direction of the first column, and columns
    that hold no NULLs are ordered plainly: then one index, (column, id),
    serves both directions (migration 0005_reader_indexes); NULLS LAST on a
    descending sort would need a second one.
    """

    def filter(self, qs, value):
        if not value:
            return qs
        ordering, first_descending = [], None
        for param in value:
            field = self.get_ordering_value(param)
            descending, name = field.startswith("-"), field.lstrip("-")
            first_descending = descending if first_descending is None else first_descending
            column = F(name)
            if qs.model._meta.get_field(name).null:
                ordering.append(column.desc(nulls_last=True) if descending else column.asc(nulls_last=True))
            else:
                ordering.append(column.desc() if descending else column.asc())
        return qs.order_by(*ordering, "-id" if first_descending else "id")


# --- The FilterSet -------------------------------------------------------------------------


class EventFilterSet(django_filters.FilterSet):
    """Reader filters; labels are what the sidebar shows."""

    q = django_filters.CharFilter(
        method="filter_search", label="Search", max_length=MAX_SEARCH_LENGTH,
        help_text="Words in the notes, the place or the source stories (web search syntax: \"exact phrase\", -word, or).",
    )
    date_from = django_filters.DateFilter(field_name="event_date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="event_date", lookup_expr="lte", label="To")
    country = CountryFilter(label="Country", help_text="Names or ISO codes, comma-separated.", max_length=2000)
    admin1 = django_filters.CharFilter(field_name="admin1", lookup_expr="iexact", label="Admin1", max_length=200)
    place = django_filters.CharFilter(method="filter_place", label="Place", max_length=200, help_text="A place name or id.")
    actor = NamesFilter(
        method="filter_actor", label="Actor", max_length=2000,
        help_text="Any side (actor 1, actor 2 or associated): names, aliases or ids, comma-separated.",
    )
    event_type = django_filters.MultipleChoiceFilter(choices=[(t, t) for t in taxonomy.EVENT_TYPES], distinct=False, label="Event type")
    sub_event_type = django_filters.MultipleChoiceFilter(choices=SUB_EVENT_TYPE_CHOICES, distinct=False, label="Sub-event type")
    fatalities_min = WholeNumberFilter(field_name="fatalities_best", lookup_expr="gte", min_value=0, max_value=10**7, label="Fatalities at least")
    fatalities_max = WholeNumberFilter(field_name="fatalities_best", lookup_expr="lte", min_value=0, max_value=10**7, label="Fatalities at most")
    civilian_targeting = YesNoFilter(label="Civilian targeting")
    time_precision = django_filters.MultipleChoiceFilter(choices=TimePrecision.choices, distinct=False, label="Time precision")
    geo_precision = django_filters.MultipleChoiceFilter(choices=GeoPrecision.choices, distinct=False, label="Geo precision")
    status = django_filters.MultipleChoiceFilter(
        choices=PUBLIC_STATUS_CHOICES, method="filter_nothing", label="Status",
        help_text="Default: every event but rejected and merged ones.",
    )
    verified = YesNoFilter(method="filter_verified", label="Verified only")
    outlet = NamesFilter(method="filter_outlet", label="Source outlet", max_length=2000, help_text="Outlet names or ids, comma-separated.")
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed since",
        help_text="ISO 8601 date-time: events created or changed at or after it (for incremental sync).",
    )
    uid = django_filters.UUIDFilter(field_name="uid", label="Public id")
    sort = SortFilter(
        fields=(
            ("event_date", "date"),
            ("fatalities_best", "fatalities"),
            ("country", "country"),
            ("location", "location"),
            ("event_type", "type"),
            ("status", "status"),
            ("updated_at", "updated"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, tombstones: bool = False):
        """`tombstones`: with `updated_since`, also return the rejected and merged events that changed."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.tombstones = tombstones

    # --- the status rule, applied to every query -----------------------------------------

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        if self.tombstones and data.get("updated_since"):
            statuses = list(data.get("status") or PUBLIC_STATUSES) + [ReviewStatus.REJECTED, ReviewStatus.MERGED]
        else:
            statuses = list(data.get("status") or PUBLIC_STATUSES)
        queryset = queryset.filter(status__in=statuses)
        if not data.get("sort"):
            queryset = queryset.order_by(F("event_date").desc(nulls_last=True), "-id")
        return super().filter_queryset(queryset)

    def filter_nothing(self, queryset, name, value):
        return queryset  # `status` is applied in filter_queryset, with its default

    # --- filter methods ------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(searching.matching_events(value, using=queryset.db).condition)

    def filter_place(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(place_id=int(value))
        return queryset.filter(Q(location__iexact=value) | Q(place__name__iexact=value))

    def filter_actor(self, queryset, name, value: list[str]):
        ids = actor_ids(value)
        if not ids:
            return queryset.none()
        return queryset.filter(actor_events(ids, using=queryset.db).condition)

    def filter_verified(self, queryset, name, value):
        return queryset.filter(status=ReviewStatus.VERIFIED) if value else queryset

    def filter_outlet(self, queryset, name, value: list[str]):
        condition = Q(pk__in=[int(v) for v in value if v.isdigit()])
        for name in (v for v in value if not v.isdigit()):
            condition |= Q(name__iexact=name)
        outlets = list(Outlet.objects.filter(condition).values_list("pk", flat=True))
        if not outlets:
            return queryset.none()
        in_outlets = EventSource.objects.using(queryset.db).filter(story__outlet_id__in=outlets).order_by()
        if query_estimate(in_outlets) <= OUTLET_COLLECT_BELOW:
            # A small outlet: its events collected through the story and source indexes.
            ids = collected_ids(
                in_outlets.values_list("event_id", flat=True),
                limit=2 * max(OUTLET_COLLECT_BELOW, 1), timeout_ms=COLLECT_TIMEOUT_MS, using=queryset.db,
            )
            if ids is not None:
                return queryset.filter(Matches.collected(ids).condition)
        return queryset.filter(Exists(in_outlets.filter(event_id=OuterRef("pk"))))

    # --- for the views -------------------------------------------------------------------

    def error_message(self) -> str:
        """All problems with the query string, one line ("country: Unknown country ...; date_from: ...")."""
        return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in self.errors.items())

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value) of each filter in use, for "showing events where ..." lines."""
        if not self.is_bound or not self.is_valid():
            return []
        shown = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or name == "sort":
                continue
            if name == "country":
                value = ", ".join(country_name(c) for c in value)
            elif isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            shown.append((str(self.filters[name].label or name), str(value)))
        return shown


def actor_ids(values: list[str]) -> list[int]:
    """Actor ids for names, aliases (any case) or ids; unknown names match nothing."""
    ids = {int(v) for v in values if v.isdigit()}
    wanted = {v.casefold() for v in values if not v.isdigit()}
    if wanted:
        for pk, name, aliases in Actor.objects.values_list("pk", "name", "aliases"):
            if name.casefold() in wanted or any(a.casefold() in wanted for a in aliases):
                ids.add(pk)
    return sorted(ids)


def actor_events(ids: list[int], using: str = "default") -> Matches:
    """Events with any of the actors `ids` on any side (actor 1, actor 2 or associated)."""
    through1, through2 = Event.assoc_actors1.through, Event.assoc_actors2.through
    main_roles = Q(actor1_id__in=ids) | Q(actor2_id__in=ids)
    if query_estimate(Event.objects.using(using).filter(main_roles)) <= ACTOR_COLLECT_BELOW:
        # A rare actor: its few events collected through the actor indexes (walking the list's
        # index for them would read most of it).
        collected = collected_ids(
            Event.objects.using(using).filter(actor1_id__in=ids).values_list("pk", flat=True),
            Event.objects.using(using).filter(actor2_id__in=ids).values_list("pk", flat=True),
            through1.objects.using(using).filter(actor_id__in=ids).values_list("event_id", flat=True),
            through2.objects.using(using).filter(actor_id__in=ids).values_list("event_id", flat=True),
            limit=2 * max(ACTOR_COLLECT_BELOW, 1), timeout_ms=COLLECT_TIMEOUT_MS, using=using,
        )
        if collected is not None:
            return Matches.collected(collected)
    # A frequent actor: checked event by event in list order, a page is found after a few hundred.
    return Matches(
        main_roles
        | Exists(through1.objects.filter(event_id=OuterRef("pk"), actor_id__in=ids))
        | Exists(through2.objects.filter(event_id=OuterRef("pk"), actor_id__in=ids))
    )
