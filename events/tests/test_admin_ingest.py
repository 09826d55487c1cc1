"""The admin's "Add story", "Upload file" and run pages, on a site of their own (wiring-independent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import path, reverse

from events.admin import ingest as admin_ingest
from events.admin.sources import StoryAdmin
from events import ingest as ingest_module
from events.models import IngestFailure, IngestRun, Story

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
STORY = "Rebels seize Kidal\n\nFighters near Kidal\n\nBy Jane Roe\n\nKIDAL (Reuters) – Rebels seized Kidal on Monday.\n\n(Reporting by Jane Roe)"

site = admin.AdminSite(name="admin")
admin_ingest.register(site)
site.register(Story, StoryAdmin)
urlpatterns = [path("admin/", site.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def no_extraction(monkeypatch):
    """Event extraction is another module's concern; count the hand-off only."""
    handed = []
    monkeypatch.setattr(ingest_module, "run_extraction_for", lambda stories: handed.extend(stories))
    return handed


@pytest.fixture
def staff(client, alice):
    client.force_login(alice)
    return client


def test_add_story_stores_a_pasted_story_and_opens_it(staff, alice, no_extraction):
    response = staff.post(reverse("admin:events_ingestrun_add_story"), {"text": STORY, "published": "2016-07-19", "outlet": "", "url": "example.org/a"})
    story = Story.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:events_story_change", args=[story.pk])
    assert (story.caption, story.byline, story.dateline, story.url) == ("Fighters near Kidal", "By Jane Roe", "KIDAL", "https://example.org/a")
    assert (str(story.published), story.published_basis, story.outlet.name) == ("2016-07-19", "given", "Reuters")
    run = IngestRun.objects.get()
    assert (run.created_by, run.stories_new, run.sources) == (alice, 1, "pasted in the admin")
    assert no_extraction == [story]


def test_pasting_a_known_story_adds_nothing_and_says_so(staff):
    staff.post(reverse("admin:events_ingestrun_add_story"), {"text": STORY})
    response = staff.post(reverse("admin:events_ingestrun_add_story"), {"text": STORY.replace("–", "-")}, follow=True)
    assert Story.objects.count() == 1
    assert "Already known" in response.content.decode()


def test_pasting_a_headline_alone_is_refused_before_anything_is_written(staff):
    response = staff.post(reverse("admin:events_ingestrun_add_story"), {"text": "Just a headline"})
    assert response.status_code == 200 and "No story body found" in response.content.decode()
    assert (Story.objects.count(), IngestRun.objects.count()) == (0, 0)


def test_upload_stores_a_dump_and_shows_the_run(staff):
    dump = (SEEDS / "000_c12da3ac6ee20b99.txt").read_bytes()
    response = staff.post(reverse("admin:events_ingestrun_upload"), {"file": SimpleUploadedFile("000.txt", dump)}, follow=True)
    run = IngestRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:events_ingestrun_change", args=[run.pk])
    assert (run.stories_new, Story.objects.count()) == (10, 10)
    assert "000.txt: 10 read, 10 new, 0 already known, 0 new versions, 0 failed." in response.content.decode()


def test_upload_failures_are_listed_on_the_run_page(staff):
    lines = b'{"headline": "A", "body": "KIDAL (Reuters) - Rebels seized Kidal."}\n{"headline": "B" "body": 1}\n'
    response = staff.post(reverse("admin:events_ingestrun_upload"), {"file": SimpleUploadedFile("feed.jsonl", lines)}, follow=True)
    page = response.content.decode()
    assert "not valid JSON (Expecting &#x27;,&#x27; delimiter)" in page
    assert IngestFailure.objects.get().source_line == 2 and Story.objects.count() == 1


def test_upload_of_a_binary_file_reports_it(staff):
    response = staff.post(reverse("admin:events_ingestrun_upload"), {"file": SimpleUploadedFile("x.txt", b"\x89PNG\x00\x00")}, follow=True)
    assert "binary file" in response.content.decode()
    assert IngestFailure.objects.get().reason == "binary file (NUL byte at offset 4), not text"


def test_run_list_offers_add_and_upload_and_runs_are_read_only(staff):
    page = staff.get(reverse("admin:events_ingestrun_changelist")).content.decode()
    assert reverse("admin:events_ingestrun_add_story") in page and reverse("admin:events_ingestrun_upload") in page
    assert staff.get(reverse("admin:events_ingestrun_add")).status_code == 403


def test_forms_render(staff):
    assert 'name="text"' in staff.get(reverse("admin:events_ingestrun_add_story")).content.decode()
    assert 'enctype="multipart/form-data"' in staff.get(reverse("admin:events_ingestrun_upload")).content.decode()


def test_only_users_who_may_add_stories_can_ingest(client, django_user_model, rita):
    client.force_login(rita)  # no staff access at all
    assert client.get(reverse("admin:events_ingestrun_add_story")).status_code == 302
    viewer = django_user_model.objects.create_user("vic", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ingestrun"))
    client.force_login(viewer)
    assert client.get(reverse("admin:events_ingestrun_changelist")).status_code == 200
    assert client.post(reverse("admin:events_ingestrun_add_story"), {"text": STORY}).status_code == 403
    assert Story.objects.count() == 0

