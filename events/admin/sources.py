"""Admins for what events are made of: outlets, stories, actors and places."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import CharField, F, Func, Q, Value
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from ..forms import PlaceForm, gazetteer, resolution_values
from ..models import Actor, Outlet, Place, Story

ALIAS_TEXT = Func(F("aliases"), Value(" | "), function="array_to_string", output_field=CharField())


class AliasSearchMixin:
    """Search names and aliases (an array column) with one ILIKE each."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        queryset = queryset.annotate(alias_text=ALIAS_TEXT)
        condition = Q(name__icontains=term) | Q(alias_text__icontains=term)
        for extra in getattr(self, "extra_search_fields", ()):
            condition |= Q(**{f"{extra}__icontains": term})
        return queryset.filter(condition), False


# A link typed without a scheme is an https link (Django 6's default, asked for now).
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(Story)
class StoryAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["headline", "outlet", "published", "published_basis", "created_at"]
    list_filter = ["published_basis", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["headline"]
    search_help_text = "Headline words; the body is not searched (it would read every story)."
    raw_id_fields = ["previous_version", "ingest_run"]
    autocomplete_fields = ["outlet"]
    show_full_result_count = False
    ordering = ["-published", "-id"]
    change_list_template = "admin/events/ingest/story_change_list.html"

    def add_view(self, request, form_url="", extra_context=None):
        """A story is added through the parser ("Add story"), never by typing its fingerprint."""
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:events_ingestrun_add_story"))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(Q(pk=int(term)) | Q(headline__icontains=term)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Actor)
class ActorAdmin(AliasSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "actor_type", "country", "alias_list"]
    list_filter = ["actor_type"]
    search_fields = ["name"]  # plus aliases, see AliasSearchMixin
    search_help_text = "Name or any alias."

    @admin.display(description="Aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases[:6]) + (" …" if len(obj.aliases) > 6 else "")


@admin.register(Place)
class PlaceAdmin(AliasSearchMixin, SimpleHistoryAdmin):
    form = PlaceForm
    list_display = ["name", "admin1", "country", "kind", "latitude", "longitude", "gazetteer_id"]
    list_filter = ["kind"]
    search_fields = ["name"]  # plus aliases and admin1, see AliasSearchMixin
    extra_search_fields = ["admin1"]
    search_help_text = "Name, alias or admin1."
    change_form_template = "admin/events/place/change_form.html"

    class Media:
        js = ["admin_extra/place.js"]

    def get_urls(self):
        lookup = path("gazetteer-lookup/", self.admin_site.admin_view(self.gazetteer_lookup_view), name="events_place_gazetteer_lookup")
        return [lookup, *super().get_urls()]

    def gazetteer_lookup_view(self, request):
        """JSON of the gazetteer's best match for ?name=...&country=SY, for the place form's button."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        found = gazetteer().lookup(request.GET.get("name", ""), country_hint=request.GET.get("country") or None)
        if found is None:
            return JsonResponse({"found": False})
        return JsonResponse({"found": True, "name": found.name, **resolution_values(found)})
