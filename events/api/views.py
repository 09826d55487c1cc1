"""The read-only JSON API: events through the reader's FilterSet, and the stories, actors and places they cite.

Thin: `events.filtersets.EventFilterSet` chooses the events (the same query
string as `/events/` and `/events/export.*`), `serializers` shapes them,
`pagination.KeysetPagination` pages them. Nothing is written: every write
method is refused with 403 before a view runs.
"""

from __future__ import annotations

from django.http import Http404
from django_filters import MultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import permissions, routers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .. import exporting
from ..filtersets import EventFilterSet
from ..models import Actor, Event, Place, Story
from . import schema, serializers  # noqa: F401 (schema registers the filter parameters' limits)
from .errors import api_exception_handler
from .pagination import KeysetPagination
from .throttling import PerClientRate

SCHEMA_VERSION_HEADER = "X-Schema-Version"
# Query parameters of every list besides its filters.
PAGING_PARAMETERS = frozenset({"cursor", "limit", "format"})


class ReadOnly(permissions.BasePermission):
    """GET, HEAD and OPTIONS for everyone; any other method for no one, curators included."""

    message = "The API is read-only: events are curated in the admin, not through the API."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS


class SchemaVersionHeader:
    """`X-Schema-Version: 1.0` on every response: a client checks what it stores against it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[SCHEMA_VERSION_HEADER] = exporting.SCHEMA_VERSION
        return response


class APIDefaults(SchemaVersionHeader):
    """What every API view shares: JSON, no login, read-only, one error shape, the schema version header."""

    authentication_classes = ()  # reading is open to all and nothing can be written: no credentials to accept
    permission_classes = (ReadOnly,)
    throttle_classes = (PerClientRate,)
    renderer_classes = (JSONRenderer,)

    def get_exception_handler(self):
        return api_exception_handler


class SchemaView(SchemaVersionHeader, SpectacularAPIView):
    """`/api/schema/`: OpenAPI 3 (YAML, or JSON with `?format=json`), `info.version` the schema version."""

    custom_settings = {"VERSION": exporting.SCHEMA_VERSION}


class NoSuchEndpoint(APIDefaults, APIView):
    """Any other path under /api/: a JSON 404 (not the site's HTML page), and still no writes."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise NotFound(f"No such API endpoint: {request.path[:100]!r}. The endpoints are listed at /api/.")


class APIRoot(APIDefaults, routers.APIRootView):
    """`/api/`: the list endpoints, by name."""


class ReadOnlyAPIViewSet(APIDefaults, viewsets.ReadOnlyModelViewSet):
    """A list and a detail route, in keyset pages."""

    pagination_class = KeysetPagination
    filter_backends = ()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))[:60]
            raise NotFound(f"No {self.get_queryset().model._meta.verbose_name} with {self.lookup_field} {value!r}.") from None

    def list(self, request, *args, **kwargs):
        refuse_malformed_parameters(request, self.known_parameters(), self.repeatable_parameters())
        return super().list(request, *args, **kwargs)

    def known_parameters(self) -> frozenset:
        return PAGING_PARAMETERS

    def repeatable_parameters(self) -> frozenset:
        return frozenset()


def refuse_malformed_parameters(request, known: frozenset, repeatable: frozenset) -> None:
    """A misspelt filter (`?countyr=SY`) is a 400, not the whole table; so is `?date_from=A&date_from=B`."""
    params = request.query_params
    errors = {name[:60]: [f"Unknown parameter. Known: {', '.join(sorted(known))}."] for name in sorted(set(params) - known)}
    for name in sorted(set(params) & known - repeatable):
        if len(params.getlist(name)) > 1:
            errors[name] = ["Given more than once: give it once (several values: comma-separated where the parameter allows it)."]
    if errors:
        raise ValidationError(dict(list(errors.items())[:10]))


# --- events ---------------------------------------------------------------------------------


class EventFilterBackend(DjangoFilterBackend):
    """The reader's FilterSet in sync mode: with `updated_since`, rejected and merged events come back as tombstones,
    and pages run in `updated_at, id` order unless a `sort` is asked for."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "tombstones": True}

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        data = filterset.form.cleaned_data
        if data.get("updated_since") and not data.get("sort"):
            queryset = queryset.order_by("updated_at", "id")
        return queryset




def event_or_tombstone(many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="EventOrTombstone",
        serializers=[serializers.EventSerializer, serializers.TombstoneSerializer],
        resource_type_field_name=None,
        many=many,
    )


ERROR = OpenApiResponse(serializers.ErrorSerializer, description="A parameter is malformed: `error` says which and why.")
NOT_FOUND = OpenApiResponse(serializers.ErrorSerializer, description="No such object.")
THROTTLED = OpenApiResponse(
    serializers.ErrorSerializer,
    description="Over the rate limit (`API_RATE_LIMIT`, per client address): wait the seconds the `Retry-After` header gives.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Events, filtered as on the reader's list",
        description=(
            "The filters of `/events/` and `/events/export.*`. Default order: newest event date first. "
            "With `updated_since` (incremental sync): events changed at or after it, oldest change first "
            "(`updated_at, id`), rejected and merged ones as tombstones."
        ),
        responses={200: event_or_tombstone(many=True), 400: ERROR, 429: THROTTLED},
    ),
    retrieve=extend_schema(
        summary="One event by its public uid",
        description="A rejected or merged event answers with its tombstone (`merged_into`: the survivor's uid).",
        responses={200: event_or_tombstone(), 404: NOT_FOUND, 429: THROTTLED},
    ),
)
class EventViewSet(ReadOnlyAPIViewSet):
    serializer_class = serializers.EventSerializer
    filter_backends = (EventFilterBackend,)
    filterset_class = EventFilterSet
    lookup_field = "uid"
    queryset = Event.objects.all()

    def get_queryset(self):
        # No join for the survivors' uids: `paginate_queryset` reads them for the page.
        return exporting.with_related(Event.objects.all(), source_fields=serializers.SOURCE_FIELDS)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            serializers.attach_survivor_uids(page)
        return page

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # a uid finds its event whatever its status: a merged one answers with its tombstone
        return super().filter_queryset(queryset)

    def known_parameters(self) -> frozenset:
        return PAGING_PARAMETERS | frozenset(EventFilterSet.base_filters)

    def repeatable_parameters(self) -> frozenset:
        """The multiple-choice filters: `?status=extracted&status=verified`."""
        return frozenset(name for name, f in EventFilterSet.base_filters.items() if isinstance(f, MultipleChoiceFilter))


# --- what events cite ---------------------------------------------------------------------------


def _simple(summary: str, many_serializer, one_serializer=None):
    return extend_schema_view(
        list=extend_schema(summary=summary, responses={200: many_serializer(many=True), 400: ERROR, 429: THROTTLED}),
        retrieve=extend_schema(responses={200: one_serializer or many_serializer, 404: NOT_FOUND, 429: THROTTLED}),
    )


@_simple("Stories (each story's detail has its body)", serializers.StorySerializer, serializers.StoryDetailSerializer)
class StoryViewSet(ReadOnlyAPIViewSet):
    queryset = Story.objects.select_related("outlet").defer("body", "credit", "extra", "search_vector").order_by("id")

    def get_queryset(self):
        if self.action == "retrieve":
            return Story.objects.select_related("outlet").defer("extra", "search_vector")
        return super().get_queryset()

    def get_serializer_class(self):
        return serializers.StoryDetailSerializer if self.action == "retrieve" else serializers.StorySerializer


@_simple("Actors, with their aliases and ACLED actor type", serializers.ActorSerializer)
class ActorViewSet(ReadOnlyAPIViewSet):
    queryset = Actor.objects.order_by("id")
    serializer_class = serializers.ActorSerializer


@_simple("Places, with their coordinates", serializers.PlaceSerializer)
class PlaceViewSet(ReadOnlyAPIViewSet):
    queryset = Place.objects.order_by("id")
    serializer_class = serializers.PlaceSerializer
