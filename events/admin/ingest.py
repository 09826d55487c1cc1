"""The ingest side of the admin: "Add story" (paste), "Upload file", and runs with their failures.

Same parser and same rules as `manage.py ingest`: a paste goes through
`parse_story`, an upload through `extraction.sources.iter_stream`, and both
through `events.ingest.ingest_records` inside an IngestRun credited to the
curator. Views stay thin. `register(site)` puts them on a site (tests use a site of
their own); `events.admin` registers them on the default one.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from extraction.sources import file_format, iter_stream
from extraction.splitter import parse_story

from ..ingest import finish_run, ingest_records, start_run
from ..models import IngestFailure, IngestRun, Story

PASTED = "pasted in the admin"


# --- Forms -----------------------------------------------------------------------------------


class _MetadataForm(forms.Form):
    published = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the story ran. Left empty, a date written in the caption or body is used and marked inferred.",
    )
    outlet = forms.CharField(required=False, max_length=200, help_text="Left empty: the agency of the dateline (e.g. Reuters).")


class PasteStoryForm(_MetadataForm):
    text = forms.CharField(
        label="Story", widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text="Headline, then (optional) caption and “By …” byline, then the paragraphs from the dateline on; the credit line may follow.",
    )
    url = forms.URLField(required=False, max_length=1000, assume_scheme="https")
    field_order = ["text", "published", "outlet", "url"]

    def clean_text(self):
        record = parse_story(self.cleaned_data["text"], source_name=PASTED)
        if not record.body.strip():
            raise forms.ValidationError("No story body found: paste the headline, then the story's paragraphs.")
        if "\x00" in record.body:
            raise forms.ValidationError("The text holds a NUL character; paste plain text.")
        self.record = record
        return self.cleaned_data["text"]


class UploadFileForm(_MetadataForm):
    file = forms.FileField(help_text="A wire dump (.txt: stories one after another) or JSON lines (.jsonl: one story per line).")
    field_order = ["file", "published", "outlet"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.INGEST_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {upload.size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit.")
        return upload


# --- Admins ----------------------------------------------------------------------------------


class IngestFailureInline(admin.TabularInline):
    model = IngestFailure
    fields = ["source_name", "source_line", "headline", "reason", "excerpt"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IngestRunAdmin(admin.ModelAdmin):
    """Runs are records of what happened: read-only, with their failures inline."""

    list_display = ["id", "started_at", "status", "stories_read", "stories_new", "stories_duplicate", "stories_new_version", "stories_failed", "created_by"]
    list_display_links = ["id", "started_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "started_at", "finished_at", "status", "sources", "options", "created_by", "message",
        "stories_read", "stories_new", "stories_duplicate", "stories_new_version", "stories_failed", "stories_link",
    ]
    fields = readonly_fields
    inlines = [IngestFailureInline]
    change_list_template = "admin/events/ingest/ingestrun_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Stories stored by this run")
    def stories_link(self, obj):
        try:
            url = reverse(f"{self.admin_site.name}:events_story_changelist")
        except NoReverseMatch:
            return obj.stories.count()
        return format_html('<a href="{}?ingest_run__id__exact={}">{} stories</a>', url, obj.pk, obj.stories.count())

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("add-story/", view(self.add_story_view), name="events_ingestrun_add_story"),
            path("upload/", view(self.upload_view), name="events_ingestrun_upload"),
            *super().get_urls(),
        ]

    # --- Views ---

    def add_story_view(self, request):
        """Paste one story: stored, or shown as already known, then opened."""
        self._check_may_add(request)
        form = PasteStoryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            record = form.record
            record.url = form.cleaned_data["url"] or ""
            data = form.cleaned_data
            run = start_run([PASTED], options=_options(data), user=request.user)
            result = ingest_records([record], run=run, outlet=data["outlet"], published=data["published"], extract=True)
            finish_run(run, result)
            story = Story.objects.filter(fingerprint=record.fingerprint).first()
            if story is None:
                failure = result.failures[0].reason if result.failures else "not stored"
                self.message_user(request, f"The story could not be stored: {failure}", messages.ERROR)
                return HttpResponseRedirect(self._url("events_ingestrun_change", run.pk))
            if result.duplicate:
                self.message_user(request, f"Already known: “{story.headline}” was stored before; nothing was added.", messages.WARNING)
            elif result.new_version:
                self.message_user(request, f"Stored as a new version of “{story.previous_version}”.", messages.SUCCESS)
            else:
                self.message_user(request, f"Stored “{story.headline}”.", messages.SUCCESS)
            return HttpResponseRedirect(self._url("events_story_change", story.pk) or self._url("events_ingestrun_change", run.pk))
        return self._render(request, form, "Add story", multipart=False)

    def upload_view(self, request):
        """Upload a dump or JSON lines file: every story stored or failed, then the run shown."""
        self._check_may_add(request)
        form = UploadFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload, data = form.cleaned_data["file"], form.cleaned_data
            run = start_run([upload.name], options=_options(data), user=request.user)
            items = iter_stream(upload.file, source_name=upload.name, fmt=file_format(Path(upload.name)), max_bytes=settings.INGEST_MAX_FILE_BYTES)
            result = ingest_records(items, run=run, outlet=data["outlet"], published=data["published"], extract=True)
            finish_run(run, result)
            level = messages.ERROR if result.nothing_read else messages.WARNING if result.failed else messages.SUCCESS
            self.message_user(request, f"{upload.name}: {result.summary()}.", level)
            return HttpResponseRedirect(self._url("events_ingestrun_change", run.pk))
        return self._render(request, form, "Upload file", multipart=True)

    # --- Helpers ---

    def _check_may_add(self, request):
        if not request.user.has_perm("events.add_story"):
            raise PermissionDenied

    def _render(self, request, form, title, *, multipart):
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title, "form": form,
            "multipart": multipart, "max_mb": settings.INGEST_MAX_FILE_BYTES // 1048576,
        }
        return TemplateResponse(request, "admin/events/ingest/form.html", context)

    def _url(self, name, pk):
        try:
            return reverse(f"{self.admin_site.name}:{name}", args=[pk])
        except NoReverseMatch:
            return ""


class IngestFailureAdmin(admin.ModelAdmin):
    list_display = ["run", "source_name", "source_line", "headline", "reason", "created_at"]
    list_select_related = ["run"]
    search_fields = ["source_name", "headline", "reason"]
    raw_id_fields = ["run"]
    readonly_fields = ["run", "source_name", "source_line", "headline", "reason", "excerpt", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def register(site: admin.AdminSite) -> None:
    """Register the ingest admins on `site` (replacing any earlier registration)."""
    for model, model_admin in ((IngestRun, IngestRunAdmin), (IngestFailure, IngestFailureAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)


def _options(data: dict) -> dict:
    return {"published": data["published"].isoformat() if data.get("published") else None, "outlet": data.get("outlet") or None, "extract": True}
