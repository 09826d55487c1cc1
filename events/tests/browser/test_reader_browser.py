"""An analyst's visit, in Debian's chromium: filter, open an event, download, look at the map and the charts.

Run: DATABASE_URL=... .venv/bin/pytest -m browser events/tests/browser
Screenshots of each page, desktop and phone, land in $SCREENSHOT_DIR (default /tmp).
The browser may reach the test server only: a request anywhere else fails the test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from events.choices import ReviewStatus
from events.models import Event
from events.tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, MARKS, SCREENSHOTS, close_connections_of_this_context
from events.tests.personas import make_event, place

DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}

pytestmark = MARKS


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
        close_connections_of_this_context()


def open_page(browser, live_server, viewport):
    """A page that may only talk to the live server, and that fails on a script error."""
    context = browser.new_context(viewport=viewport, accept_downloads=True, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    ours = urlsplit(live_server.url).netloc
    page.outside, page.errors = [], []

    def only_ours(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def events():
    """Five Syrian events in 2016 (one verified) and two in Mosul, Iraq."""
    syria = [
        make_event(fatalities=43, event_date=dt.date(2016, 7, 19), status=ReviewStatus.VERIFIED),
        make_event(fatalities=8, event_date=dt.date(2016, 7, 2)),
        make_event(fatalities=3, event_date=dt.date(2016, 5, 11)),
        make_event(fatalities=12, event_date=dt.date(2016, 3, 30)),
        make_event(fatalities=5, event_date=dt.date(2016, 1, 9)),
    ]
    mosul = place("Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.335, longitude=43.119)
    iraq = []
    for day in (dt.date(2016, 10, 17), dt.date(2016, 11, 2)):
        event = make_event(fatalities=20, event_date=day)
        Event.objects.filter(pk=event.pk).update(
            place=mosul, location="Mosul", admin1="Nineveh", country="Iraq", country_code="IQ", latitude=36.335, longitude=43.119
        )
        iraq.append(event)
    return {"syria": syria, "iraq": iraq}


def shown_count(page) -> int:
    return int(page.locator("#result-count strong").get_attribute("data-count"))


def test_an_analysts_visit(browser, live_server, events):
    from playwright.sync_api import expect

    base = live_server.url
    page = open_page(browser, live_server, DESKTOP)

    # The list, newest first, with every event counted.
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/events/$"))
    expect(page.locator("#result-count")).to_contain_text("7 events")
    page.screenshot(path=str(SCREENSHOTS / "reader_list_desktop.png"), full_page=True)

    # Filter by country: the count and the rows change, and the URL carries the filter.
    page.fill("#id_country", "Iraq")
    page.click("button:has-text('Apply filters')")
    expect(page.locator("#result-count")).to_contain_text("2 events")
    assert "country=Iraq" in page.url and "admin1=" not in page.url  # empty fields stay out of the link
    expect(page.locator(".events-table tbody tr")).to_have_count(2)
    expect(page.locator(".chip")).to_contain_text("Country: Iraq")

    # Then by date, in Syria: the count changes again.
    page.fill("#id_country", "SY")
    page.fill("#id_date_from", "2016-03-01")
    page.fill("#id_date_to", "2016-07-10")
    page.click("button:has-text('Apply filters')")
    expect(page.locator("#result-count")).to_contain_text("3 events")
    assert shown_count(page) == 3
    filtered_url = page.url
    listed = set(page.locator(".events-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.eventId)"))
    assert listed == {str(e.pk) for e in events["syria"][1:4]}

    # Download the CSV of the filtered set: exactly the listed events.
    with page.expect_download() as download:
        page.click("a[data-export='csv']")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert {row["event_id_cnty"] for row in exported} == {f"SY{pk}" for pk in listed}
    assert all("2016-03-01" <= row["event_date"] <= "2016-07-10" for row in exported)

    # A malformed link shows the problem instead of failing.
    page.goto(f"{base}/events/?date_from=2016-02-31")
    expect(page.locator(".notice.error")).to_contain_text("From (date_from): Enter a valid date.")
    page.screenshot(path=str(SCREENSHOTS / "reader_list_error_desktop.png"), full_page=True)

    # Open the verified event from the list: its evidence is highlighted.
    page.goto(f"{base}/events/?verified=true")
    page.locator(".events-table tbody tr").first.locator("a.event-link").click()
    expect(page.locator("h1")).to_contain_text("Air/drone strike in Manbij")
    expect(page.locator(".event-sub .status.verified")).to_be_visible()
    expect(page.locator(".evidence[data-field='fatalities'] mark")).to_have_text("killed 43 people")
    expect(page.locator("dd").filter(has_text="Day: the sources give the day of the event.")).to_be_visible()
    expect(page.locator("#event-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#event-map")).to_have_attribute("data-outlines-loaded", "true")
    page.screenshot(path=str(SCREENSHOTS / "reader_event_desktop.png"), full_page=True)

    # The map of the filtered set: markers drawn on the shipped outlines, a popup leads to the event.
    page.goto(filtered_url.replace("/events/?", "/events/map/?"))
    events_map = page.locator("#events-map")
    expect(events_map).to_have_attribute("data-mode", "points")
    expect(events_map).to_have_attribute("data-shown", "3")
    expect(events_map).to_have_attribute("data-outlines-loaded", "true")
    expect(page.locator("#map-status")).to_contain_text("3 events match")
    markers = page.locator("#events-map .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "reader_map_desktop.png"), full_page=True)
    # The three events share Manbij's coordinates: a click on their cluster spreads them out.
    for _ in range(5):
        if page.locator("#events-map .event-marker").count():
            break
        page.locator("#events-map .marker-cluster").first.click()
        page.wait_for_timeout(600)
    page.locator("#events-map .event-marker").first.click()
    popup_link = page.locator(".leaflet-popup .map-popup a")
    expect(popup_link).to_contain_text("Open the event")
    assert re.search(r"/events/\d+/$", popup_link.get_attribute("href"))

    # The summary of the same filters: the charts are drawn.
    page.goto(filtered_url.replace("/events/?", "/events/summary/?"))
    expect(page.locator("#timeline-chart")).to_have_attribute("data-ready", "true")
    expect(page.locator("#types-chart")).to_have_attribute("data-ready", "true")
    expect(page.locator(".result-count")).to_contain_text("3 events")
    page.screenshot(path=str(SCREENSHOTS / "reader_summary_desktop.png"), full_page=True)

    assert page.errors == [], page.errors
    assert page.outside == [], f"the pages asked the internet for {page.outside}"


def test_a_phone_and_a_keyboard(browser, live_server, events):
    from playwright.sync_api import expect

    base = live_server.url
    page = open_page(browser, live_server, PHONE)

    # On a phone the filters start folded and the events come first, as cards.
    page.goto(f"{base}/events/")
    filters = page.locator("details#filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.locator(".events-table tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    page.screenshot(path=str(SCREENSHOTS / "reader_list_phone.png"), full_page=True)

    # The keyboard: the skip link comes first and lands on the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Open the filters, filter by country with the keyboard alone.
    page.locator("details#filters > summary").focus()
    page.keyboard.press("Enter")
    page.locator("#id_country").focus()
    page.keyboard.type("Iraq")
    page.keyboard.press("Enter")
    expect(page.locator("#result-count")).to_contain_text("2 events")

    # Every page fits the phone.
    for name, path in (
        ("reader_event_phone", events["iraq"][0].get_absolute_url()),
        ("reader_map_phone", "/events/map/?country=IQ"),
        ("reader_summary_phone", "/events/summary/"),
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    expect(page.locator("#timeline-chart")).to_have_attribute("data-ready", "true")

    assert page.errors == [], page.errors
    assert page.outside == [], f"the pages asked the internet for {page.outside}"
