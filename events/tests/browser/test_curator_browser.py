"""A curator's day, in Debian's chromium: log in, work the queue, correct, verify, merge, history, revert.

Run: DATABASE_URL=... .venv/bin/pytest -m browser events/tests/browser
Screenshots of the queue and the change page land in $SCREENSHOT_DIR (default /tmp).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from events.choices import ReviewStatus
from events.models import Event
from events.tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, MARKS, SCREENSHOTS, close_connections_of_this_context
from events.tests.personas import CAROL_PASSWORD, carol, make_event, place  # noqa: F401 (fixture)


pytestmark = MARKS


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.set_default_timeout(10_000)
        page = context.new_page()
        yield page
        context.close()
        browser.close()
        close_connections_of_this_context()


@pytest.fixture
def queue():
    """Three events waiting for review and one already verified."""
    mosul = place("Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.335, longitude=43.119)
    first = make_event(fatalities=43, event_date=dt.date(2016, 7, 19), headline="Air strike kills 43 in Syria's Manbij")
    twin = make_event(fatalities=50, event_date=dt.date(2016, 7, 18), headline="Fifty dead in Manbij air raid, monitor says")
    other = make_event(fatalities=3, event_date=dt.date(2016, 7, 10), headline="Three killed in shelling")
    make_event(status=ReviewStatus.VERIFIED, event_date=dt.date(2016, 7, 1))
    return {"first": first, "twin": twin, "other": other, "mosul": mosul}


def test_a_curators_day(page, live_server, carol, queue):
    from playwright.sync_api import expect

    base = live_server.url
    first, twin, other = queue["first"], queue["twin"], queue["other"]

    # Log in.
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", CAROL_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("conflictdb")

    # Open the queue: events needing review, newest first.
    page.goto(f"{base}/admin/events/event/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Air strike kills 43")
    page.screenshot(path=str(SCREENSHOTS / "curator_queue.png"), full_page=True)

    # Open an event: the evidence is beside the form.
    rows.first.locator("th a").click()
    expect(page.locator(".evidence-panel")).to_contain_text("Air strike kills 43")
    expect(page.locator(".evidence-panel mark").first).to_have_text("killed 43 people")
    expect(page.locator('[data-field="fatalities_best"] .proposed-value')).to_have_text("43")

    # Correct the fatalities and the place.
    page.fill("#id_fatalities_best", "45")
    page.fill("#id_fatalities_high", "45")
    expect(page.locator('[data-field="fatalities_best"] .evidence.focused, .evidence.focused').first).to_be_visible()
    page.locator(".field-place .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Mosul")
    page.locator(".select2-results__option", has_text="Mosul").click()
    expect(page.locator("#id_admin1")).to_have_value("Nineveh")
    expect(page.locator("#id_country_code")).to_have_value("IQ")
    expect(page.locator("#id_latitude")).to_have_value("36.335")
    page.screenshot(path=str(SCREENSHOTS / "curator_change_page.png"), full_page=True)

    # Save.
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    first.refresh_from_db()
    assert (first.fatalities_best, first.location, first.country_code) == (45, "Mosul", "IQ")
    assert {"fatalities_best", "place", "latitude"} <= set(first.curated_fields)
    expect(page.locator('[data-field="fatalities_best"] .lock')).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "curator_change_page_saved.png"), full_page=True)

    # Verify it in bulk from the queue.
    page.goto(f"{base}/admin/events/event/")
    page.check(f"input[name=_selected_action][value='{first.pk}']")
    page.select_option("select[name=action]", "mark_verified")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 event marked verified")
    first.refresh_from_db()
    assert first.status == ReviewStatus.VERIFIED
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # Merge the two reports of the same strike.
    page.check(f"input[name=_selected_action][value='{twin.pk}']")
    page.check(f"input[name=_selected_action][value='{other.pk}']")
    page.select_option("select[name=action]", "merge_selected")
    page.click("button[name=index]")
    expect(page.locator("h1")).to_contain_text("Merge events")
    page.check(f"#survivor-{twin.pk}")
    page.click("input[value='Merge into the chosen event']")
    expect(page.locator(".messagelist")).to_contain_text(f"Merged #{other.pk} into")
    other.refresh_from_db()
    assert other.status == ReviewStatus.MERGED and other.merged_into_id == twin.pk
    assert Event.objects.get(pk=twin.pk).sources.count() == 2

    # See the history of the corrected event.
    page.goto(f"{base}/admin/events/event/{first.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("carol")
    expect(history).to_contain_text(re.compile("fatalities best", re.I))
    page.screenshot(path=str(SCREENSHOTS / "curator_history.png"), full_page=True)

    # Revert the correction: open the version before it and press Revert.
    page.locator("#change-history tbody tr").last.locator("a").first.click()
    expect(page.locator("#id_fatalities_best")).to_have_value("43")
    page.click("input[value=Revert]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    first.refresh_from_db()
    assert first.fatalities_best == 43 and first.location == "Manbij"
    assert first.history.first().history_change_reason == "reverted to an earlier version"
