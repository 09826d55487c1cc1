"""The Event admin: the curators' review queue and change page."""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Count, F, Func, JSONField, OuterRef, Q, Subquery, Value
from django.db.models.functions import JSONObject
from django.http import Http404, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import update_change_reason

from .. import searching
from ..choices import CURATABLE_FIELDS, ReviewStatus
from ..collecting import Matches
from ..curation import StaleEvent, apply_proposal, mark_curated, save_curation
from ..filtersets import MAX_LIST_VALUES, MAX_SEARCH_LENGTH, actor_events
from ..forms import EventChangeForm, place_values
from ..merging import recompute_figures, split_source
from ..models import Actor, Event, EventSource, Place
from . import actions, filters
from .changelist import QueueChangeList
from .evidence import figures_text, proposals, review_reasons_html, source_panels
from .paginator import EstimatedCountPaginator

# History deltas leave out bookkeeping a curator never edits.
HISTORY_HIDDEN_FIELDS = ["extracted", "version", "curated_fields", "confidence"]
STATUS_COLOURS = {
    ReviewStatus.EXTRACTED: "extracted",
    ReviewStatus.NEEDS_REVIEW: "review",
    ReviewStatus.VERIFIED: "verified",
    ReviewStatus.REJECTED: "rejected",
    ReviewStatus.MERGED: "merged",
}
# Search: actors whose name or alias holds the search text, at most this many.
SEARCH_MAX_ACTORS = 200
ALIAS_TEXT = Func(F("aliases"), Value(" | "), function="array_to_string", output_field=CharField())


class EventSourceInline(admin.TabularInline):
    """A source's own figures, editable; its evidence is shown in the panel beside the form."""

    model = EventSource
    extra = 0
    autocomplete_fields = ["story"]
    fields = [
        "story",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "injured_low",
        "injured_best",
        "injured_high",
        "claimed_by",
    ]
    verbose_name = "source"
    verbose_name_plural = "sources (figures as each story reported them)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("story", "story__outlet")


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    form = EventChangeForm
    change_form_template = "admin/events/event/change_form.html"
    change_list_template = "admin/events/event/change_list.html"
    object_history_template = "admin/events/event/object_history.html"

    # --- the review queue ------------------------------------------------------------
    list_display = [
        "event_ref",
        "event_date",
        "what",
        "actors",
        "where",
        "fatalities",
        "newest_story",
        "confidence_badge",
        "status_badge",
    ]
    list_display_links = ["event_ref"]
    list_filter = [
        filters.QueueStatusFilter,
        "event_type",
        filters.CountryFilter,
        filters.EventDateFilter,
        filters.ConfidenceFilter,
        filters.ActorFilter,
        filters.DisagreementFilter,
        filters.CuratedFilter,
    ]
    search_fields = ["notes", "location", "actor1__name", "actor2__name", "sources__story__headline"]
    search_help_text = (
        "Whole words in the notes, the place or the source stories (\"exact phrase\", -word, or); "
        "an actor's name or alias; event numbers."
    )
    list_select_related = ["actor1", "actor2"]
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts would COUNT a million rows per filter choice
    paginator = EstimatedCountPaginator
    ordering = ["-event_date", "-id"]
    actions = [actions.mark_verified, actions.reject, actions.send_to_review, actions.merge_selected]

    # --- the change page -------------------------------------------------------------
    autocomplete_fields = ["actor1", "actor2", "assoc_actors1", "assoc_actors2", "place"]
    readonly_fields = ["review_summary"]
    inlines = [EventSourceInline]
    fieldsets = [
        ("Review", {"fields": ["review_summary", "status", "release_fields", "lock_version"]}),
        ("What", {"fields": [("event_type", "sub_event_type"), "civilian_targeting", "notes"]}),
        ("When", {"fields": ["event_date", ("date_start", "date_end"), "time_precision"]}),
        ("Who", {"fields": ["actor1", "assoc_actors1", "actor2", "assoc_actors2"]}),
        (
            "Where",
            {
                "fields": ["place", "location", ("admin1", "country", "country_code"), ("latitude", "longitude"), "geo_precision"],
                "description": "Choosing a place fills location, admin1, country and coordinates.",
            },
        ),
        (
            "Fatalities and injuries",
            {
                "fields": [("fatalities_low", "fatalities_best", "fatalities_high"), ("injured_low", "injured_best", "injured_high")],
                "description": "Empty: not reported. 0: reported as none. Best is the most conservative credible figure.",
            },
        ),
    ]
    history_list_display = ["version", "status"]

    class Media:
        css = {"all": ["admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css", "admin_extra/curation.css"]}
        js = [
            "admin/js/vendor/jquery/jquery.js",
            "admin/js/vendor/select2/select2.full.js",
            "admin/js/jquery.init.js",
            "admin/js/autocomplete.js",
            "admin_extra/curation.js",
        ]

    # --- queryset and columns ----------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_queryset(self, request):
        newest = (
            EventSource.objects.filter(event_id=OuterRef("pk"))
            .order_by(F("story__published").desc(nulls_last=True), "-id")
            .annotate(info=JSONObject(headline="story__headline", published="story__published", outlet="story__outlet__name"))
            .values("info")[:1]
        )
        n_sources = (
            EventSource.objects.filter(event_id=OuterRef("pk")).order_by().values("event_id").annotate(n=Count("*")).values("n")
        )
        return super().get_queryset(request).annotate(
            newest_story_info=Subquery(newest, output_field=JSONField()), n_sources=Subquery(n_sources)
        )

    @admin.display(description="Event", ordering="id")
    def event_ref(self, obj):
        return obj.event_id_cnty

    @admin.display(description="What", ordering="sub_event_type")
    def what(self, obj):
        marker = format_html(' <span class="curated-mark" title="Curated: {}">✎</span>', ", ".join(obj.curated_fields)) if obj.curated_fields else ""
        return format_html('<span title="{}">{}</span>{}', obj.event_type, obj.sub_event_type, marker)

    @admin.display(description="Actors")
    def actors(self, obj):
        if obj.actor1_id and obj.actor2_id:
            return format_html("{} <span class='vs'>vs</span> {}", obj.actor1, obj.actor2)
        return str(obj.actor1 or obj.actor2 or "—")

    @admin.display(description="Where", ordering="location")
    def where(self, obj):
        place = ", ".join(p for p in (obj.location, obj.admin1) if p)
        return format_html("{} <span class='cc'>{}</span>", place or "—", obj.country_code)

    @admin.display(description="Killed", ordering="fatalities_best")  # NULLs last: changelist.NULLS_LAST
    def fatalities(self, obj):
        return figures_text(obj, "fatalities")

    @admin.display(description="Newest story")
    def newest_story(self, obj):
        info = getattr(obj, "newest_story_info", None)
        if not info:
            return "—"
        more = f" +{obj.n_sources - 1}" if (obj.n_sources or 0) > 1 else ""
        return format_html(
            '<span class="story-headline">{}</span> <span class="story-meta">{} {}</span><span class="more-sources">{}</span>',
            info.get("headline") or "",
            info.get("outlet") or "",
            info.get("published") or "",
            more,
        )

    @admin.display(description="Conf.", ordering="confidence")
    def confidence_badge(self, obj):
        band = "low" if obj.confidence < 0.4 else "medium" if obj.confidence < 0.6 else "high"
        return format_html('<span class="conf conf-{}">{}</span>', band, f"{obj.confidence:.2f}")

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="status status-{}">{}</span>', STATUS_COLOURS.get(obj.status, obj.status), obj.get_status_display()
        )

    @admin.display(description="Review")
    def review_summary(self, obj):
        if obj is None or not obj.pk:
            return "New event: every value you enter is curated."
        reasons = review_reasons_html(obj)
        curated = ", ".join(Event._meta.get_field(f).verbose_name for f in obj.curated_fields) or "none"
        merged = ""
        if obj.merged_into_id:
            merged = format_html(
                '<p class="merged-note">Merged into <a href="{}">event #{}</a>. Edit the surviving event.</p>',
                reverse("admin:events_event_change", args=[obj.merged_into_id]),
                obj.merged_into_id,
            )
        merged_here = obj.merged_events.order_by("pk").values_list("pk", flat=True)[:20]
        merged_list = format_html_list("Merged into this event: ", merged_here)
        return format_html(
            '{}<dl class="review-summary"><dt>Event id</dt><dd>{} · version {} · uid {}</dd>'
            "<dt>Extractor confidence</dt><dd>{}</dd>"
            "<dt>Why it needs review</dt><dd>{}</dd>"
            '<dt>Curated fields (locked against re-extraction)</dt><dd class="curated-list">{}</dd></dl>{}',
            merged,
            obj.event_id_cnty,
            obj.version,
            obj.uid,
            f"{obj.confidence:.2f}",
            format_html("<ul>{}</ul>", reasons) if reasons else "—",
            curated,
            merged_list,
        )

    # --- search ------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """The reader's full-text search (events.searching), an actor's name or alias, or event numbers.

        Whole words, stemmed ("killed" finds "kills"), in web search syntax; a word
        that is only part of a longer one ("Khark") finds nothing.
        """
        text = search_term.strip()[:MAX_SEARCH_LENGTH]
        if not text:
            return queryset, False
        using = queryset.db
        matches = searching.matching_events(text, using=using)
        numbers = event_numbers(text)
        if numbers:
            matches = matches | Matches.collected(numbers)
        actor_ids = list(
            Actor.objects.using(using)
            .annotate(alias_text=ALIAS_TEXT)
            .filter(Q(name__icontains=text) | Q(alias_text__icontains=text))
            .values_list("pk", flat=True)[:SEARCH_MAX_ACTORS]
        )
        if actor_ids:
            matches = matches | actor_events(actor_ids, using=using)
        return queryset.filter(matches.condition), False

    # --- permissions -------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # A merged event is read-only: its sources live on the survivor.
        if obj is not None and obj.status == ReviewStatus.MERGED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Events are rejected, not deleted, except by a superuser.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    # --- forms ---------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "_reverting_event", False):
            form = type(form.__name__, (form,), {"reverting": True})
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in ("release_fields", "lock_version")]}) for name, opts in self.fieldsets]
        return self.fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None and obj.pk:
            rows = proposals(obj)
            for name, row in rows.items():
                if name in form.fields:
                    form.fields[name].proposal = row
            context.update(
                sources=source_panels(obj),
                conflict=getattr(form, "conflict", None),
                queue_url=reverse("admin:events_event_changelist"),
                place_info_url=reverse("admin:events_event_place_info", args=[0]).replace("/0/", "/"),
            )
        else:
            context.update(place_info_url=reverse("admin:events_event_place_info", args=[0]).replace("/0/", "/"))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        verify = "_verify" in request.POST
        if verify:
            obj.status = ReviewStatus.VERIFIED
        if not change:
            mark_curated(obj, [f for f in CURATABLE_FIELDS if f in form.changed_data])
            obj.save()
            return
        if getattr(form, "reverting", False):
            current = Event.objects.get(pk=obj.pk)
            changed = [
                f
                for f in [*CURATABLE_FIELDS, "status"]
                if f in form.fields and getattr(obj, Event._meta.get_field(f).attname) != getattr(current, Event._meta.get_field(f).attname)
            ]
            reason = "reverted to an earlier version"
        else:
            changed = form.curation_changes()
            reason = ""
        if verify and "status" not in changed:
            changed.append("status")
        released = [f for f in form.cleaned_data.get("release_fields") or [] if f not in changed]
        if not changed and not released:
            return
        try:
            fresh = save_curation(obj, changed, expected_version=form.cleaned_data.get("lock_version"), user=request.user)
        except StaleEvent:  # the form already checked under the row lock; kept as a guard
            raise PermissionDenied("This event changed while it was being saved; reload it.")
        if released:
            fresh.curated_fields = [f for f in fresh.curated_fields if f not in released]
            apply_proposal(fresh, fresh.extracted or {}, released)
            fresh._history_user = request.user
            fresh._change_reason = "released to the extractor: " + ", ".join(released)
            fresh.save()
        elif reason:
            update_change_reason(fresh, reason)
        for field in Event._meta.concrete_fields:
            setattr(obj, field.attname, getattr(fresh, field.attname))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(fs.has_changed() for fs in formsets):
            event = Event.objects.get(pk=form.instance.pk)
            recompute_figures(event)

    def response_change(self, request, obj):
        if "_verify" in request.POST or "_next" in request.POST:
            done = "verified" if "_verify" in request.POST else "saved"
            nxt = self.next_in_queue(request, obj)
            if nxt is None:
                self.message_user(request, f"Event #{obj.pk} {done}. The queue is empty.", messages.SUCCESS)
                return HttpResponseRedirect(self._changelist_url(request))
            self.message_user(request, f"Event #{obj.pk} {done}. Next in the queue: #{nxt.pk}.", messages.SUCCESS)
            url = reverse("admin:events_event_change", args=[nxt.pk])
            preserved = request.GET.get("_changelist_filters")
            if preserved:
                url += "?" + urlencode({"_changelist_filters": preserved})
            return HttpResponseRedirect(url)
        return super().response_change(request, obj)

    def _changelist_url(self, request):
        url = reverse("admin:events_event_changelist")
        preserved = request.GET.get("_changelist_filters")
        return f"{url}?{preserved}" if preserved else url

    def next_in_queue(self, request, current: Event):
        """The event after `current` in the curator's filtered queue (queue order), else the first one."""
        fake = copy.copy(request)
        fake.GET = QueryDict(request.GET.get("_changelist_filters", ""))
        fake.method = "GET"
        try:
            queryset = self.get_changelist_instance(fake).get_queryset(fake)
        except Exception:  # noqa: BLE001 - stale or odd filters: fall back to the plain queue
            queryset = Event.objects.filter(status=ReviewStatus.NEEDS_REVIEW)
        queryset = queryset.exclude(pk=current.pk).order_by(F("event_date").desc(nulls_first=True), "-id")
        if current.event_date is None:
            after = Q(event_date__isnull=True, id__lt=current.pk) | Q(event_date__isnull=False)
        else:
            after = Q(event_date__lt=current.event_date) | Q(event_date=current.event_date, id__lt=current.pk)
        return queryset.filter(after).first() or queryset.first()

    # --- history -------------------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting_event = True
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(current, excluded_fields=HISTORY_HIDDEN_FIELDS, foreign_keys_are_objs=foreign_keys_are_objs)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    # --- extra views: split a source, place details ------------------------------------

    def get_urls(self):
        extra = [
            path("<path:object_id>/split/<int:source_id>/", self.admin_site.admin_view(self.split_view), name="events_event_split"),
            path("place-info/<int:place_id>/", self.admin_site.admin_view(self.place_info_view), name="events_event_place_info"),
        ]
        return extra + super().get_urls()

    def split_view(self, request, object_id, source_id):
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        source = get_object_or_404(EventSource.objects.select_related("story", "story__outlet"), pk=source_id, event=event)
        change_url = reverse("admin:events_event_change", args=[event.pk])
        if request.method == "POST":
            try:
                new = split_source(source, user=request.user)
            except ValueError as exc:
                self.message_user(request, f"Not split: {exc}", messages.ERROR)
                return HttpResponseRedirect(change_url)
            self.message_user(
                request,
                format_html(
                    'Split “{}” off event #{} into <a href="{}">new event #{}</a>, which waits for review.',
                    source.story.headline,
                    event.pk,
                    reverse("admin:events_event_change", args=[new.pk]),
                    new.pk,
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[new.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Split a source off this event",
            "opts": self.model._meta,
            "original": event,
            "source": source,
            "remaining": EventSource.objects.filter(event=event).exclude(pk=source.pk).count(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/events/event/split_confirmation.html", context)

    def place_info_view(self, request, place_id):
        if not (self.has_change_permission(request) or request.user.has_perm("events.view_place")):
            raise PermissionDenied
        place = get_object_or_404(Place, pk=place_id)
        return JsonResponse(place_values(place))


def format_html_list(prefix: str, ids) -> str:
    ids = list(ids)
    if not ids:
        return ""
    links = [format_html('<a href="{}">#{}</a>', reverse("admin:events_event_change", args=[pk]), pk) for pk in ids]
    return format_html('<p class="merged-here">{}{}</p>', prefix, format_html(", ".join(["{}"] * len(links)), *links))


def event_numbers(text: str) -> list[int]:
    """The event ids a search of numbers only names ("1234", "1234, 5678"); none for any other search."""
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts or len(parts) > MAX_LIST_VALUES or not all(p.isdigit() and len(p) < 19 for p in parts):
        return []
    return [int(p) for p in parts]
