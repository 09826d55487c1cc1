"""Admin registrations. The curator workflow (review queue, evidence, merge) builds on these."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Actor, Event, EventSource, IngestFailure, IngestRun, Outlet, Place, Story


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Story)
class StoryAdmin(SimpleHistoryAdmin):
    list_display = ["headline", "outlet", "published", "published_basis", "created_at"]
    list_filter = ["published_basis", "outlet"]
    search_fields = ["headline", "body"]
    raw_id_fields = ["previous_version", "ingest_run"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor_type", "country"]
    list_filter = ["actor_type"]
    search_fields = ["name", "aliases"]


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "admin1", "country", "kind", "latitude", "longitude"]
    search_fields = ["name", "aliases", "admin1"]


class EventSourceInline(admin.TabularInline):
    model = EventSource
    extra = 0
    raw_id_fields = ["story"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["event_date", "event_type", "sub_event_type", "location", "country", "fatalities_best", "status"]
    list_filter = ["status", "event_type"]
    list_select_related = ["actor1", "actor2", "place"]
    raw_id_fields = ["actor1", "actor2", "place", "merged_into"]
    show_full_result_count = False
    inlines = [EventSourceInline]


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["id", "started_at", "status", "stories_read", "stories_new", "stories_duplicate", "stories_failed"]


@admin.register(IngestFailure)
class IngestFailureAdmin(admin.ModelAdmin):
    list_display = ["run", "source_name", "source_line", "reason"]
