"""Bulk actions of the review queue: verify, reject, send back to review, merge."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.utils import bulk_update_with_history

from ..choices import ReviewStatus
from ..forms import MergeForm
from ..merging import merge_events
from ..models import Event

# "Select all" over a million rows must not become a million-row transaction.
MAX_BULK = 5_000
MAX_MERGE = 50


def _set_status(modeladmin, request, queryset, status: str, verb: str) -> None:
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_BULK + 1])
    if len(ids) > MAX_BULK:
        modeladmin.message_user(
            request,
            f"{len(ids) - 1:,}+ events selected: narrow the filters to at most {MAX_BULK:,} events per bulk action.",
            messages.ERROR,
        )
        return
    with transaction.atomic():
        events = list(Event.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        merged = [e for e in events if e.status == ReviewStatus.MERGED]
        todo = [e for e in events if e.status not in (ReviewStatus.MERGED, status)]
        now = timezone.now()
        for event in todo:
            event.status = status
            event.version += 1
            event.updated_at = now
        if todo:
            bulk_update_with_history(
                todo,
                Event,
                ["status", "version", "updated_at"],
                default_user=request.user,
                default_change_reason=f"bulk: {verb}",
            )
    parts = [f"{len(todo)} event{'s' if len(todo) != 1 else ''} {verb}."]
    unchanged = len(events) - len(todo) - len(merged)
    if unchanged:
        parts.append(f"{unchanged} already {verb}.")
    if merged:
        parts.append(f"{len(merged)} merged event{'s' if len(merged) != 1 else ''} skipped (edit the surviving event instead).")
    modeladmin.message_user(request, " ".join(parts), messages.SUCCESS if todo else messages.WARNING)


@admin.action(description="Mark selected events verified", permissions=["change"])
def mark_verified(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, ReviewStatus.VERIFIED, "marked verified")


@admin.action(description="Reject selected events", permissions=["change"])
def reject(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, ReviewStatus.REJECTED, "rejected")


@admin.action(description="Send selected events back to review", permissions=["change"])
def send_to_review(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, ReviewStatus.NEEDS_REVIEW, "sent back to review")


def default_survivor(events: list[Event]) -> Event:
    """Keep a verified event if there is one, else the one with most sources, else the oldest."""
    rank = {ReviewStatus.VERIFIED: 0, ReviewStatus.NEEDS_REVIEW: 1, ReviewStatus.EXTRACTED: 1, ReviewStatus.REJECTED: 2}
    return min(events, key=lambda e: (rank.get(e.status, 3), -getattr(e, "n_sources", 0), e.pk))


@admin.action(description="Merge selected events into one…", permissions=["change"])
def merge_selected(modeladmin, request, queryset):
    from django.db.models import Count

    events = list(queryset.order_by("pk").select_related("actor1", "actor2", "place").annotate(n_sources=Count("sources"))[: MAX_MERGE + 1])
    if len(events) < 2:
        modeladmin.message_user(request, "Select two or more events to merge.", messages.WARNING)
        return None
    if len(events) > MAX_MERGE:
        modeladmin.message_user(request, f"Merge at most {MAX_MERGE} events at a time.", messages.ERROR)
        return None
    merged = [e for e in events if e.status == ReviewStatus.MERGED]
    if merged:
        modeladmin.message_user(
            request,
            "Already merged, cannot be merged again: " + ", ".join(f"#{e.pk} (into #{e.merged_into_id})" for e in merged),
            messages.ERROR,
        )
        return None

    if "confirm_merge" in request.POST:
        form = MergeForm(request.POST, events=events)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [e for e in events if e.pk != survivor.pk]
            try:
                merge_events(survivor, others, user=request.user)
            except ValueError as exc:
                modeladmin.message_user(request, f"Not merged: {exc}", messages.ERROR)
                return None
            url = reverse("admin:events_event_change", args=[survivor.pk])
            modeladmin.message_user(
                request,
                format_html(
                    'Merged {} into <a href="{}">event #{}</a>: sources combined, figures recomputed.',
                    ", ".join(f"#{e.pk}" for e in others),
                    url,
                    survivor.pk,
                ),
                messages.SUCCESS,
            )
            return None
    else:
        form = MergeForm(initial={"survivor": default_survivor(events).pk}, events=events)

    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge events",
        "opts": modeladmin.model._meta,
        "events": events,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/events/event/merge_confirmation.html", context)
