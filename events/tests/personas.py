"""Carol the curator, and a small world of sourced events for the admin tests.

Import what a test module needs:

    from events.tests.personas import carol, make_event  # noqa: F401 (fixture)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest

from events.choices import ReviewStatus
from events.models import Actor, Event, EventSource, Outlet, Place, Story

CAROL_PASSWORD = "carol-pass-123"
_counter = itertools.count(1)


@pytest.fixture
def carol(db):
    """A curator: staff in the Curator group, no superuser powers."""
    from events.roles import make_curator

    user, _ = make_curator("carol", email="carol@example.org", password=CAROL_PASSWORD)
    return user


BODY = (
    "BEIRUT (Reuters) - An air strike killed 43 people in the Syrian town of Manbij on Tuesday, "
    "a monitoring group said. The Syrian Observatory for Human Rights said the dead included children. "
    "Islamic State fighters clashed with the Syrian Democratic Forces north of the town."
)
SENTENCE_1 = BODY.index("An air strike"), BODY.index(" The Syrian Observatory") + 1


def make_story(headline: str = "Air strike kills 43 in Syria's Manbij", *, body: str = BODY, published=dt.date(2016, 7, 19), outlet="Reuters"):
    n = next(_counter)
    outlet_obj, _ = Outlet.objects.get_or_create(name=outlet)
    return Story.objects.create(
        headline=headline,
        headline_key=f"{headline.lower()} {n}",
        body=body,
        outlet=outlet_obj,
        url=f"https://example.org/story/{n}",
        published=published,
        published_basis="given" if published else "unknown",
        fingerprint=hashlib.sha256(f"{body}{n}".encode()).hexdigest(),
    )


def evidence(field: str, words: str, body: str = BODY) -> dict:
    """Evidence for `words` in the sentence of `body` containing them."""
    span_start = body.index(words)
    start = body.rfind(". ", 0, span_start)
    start = 0 if start < 0 else start + 2
    if body[start:].startswith("BEIRUT"):
        start = body.index("An air strike") if span_start >= body.index("An air strike") else 0
    end = body.find(". ", span_start)
    end = len(body) if end < 0 else end + 1
    return {
        "field": field,
        "sentence": body[start:end],
        "start": start,
        "end": end,
        "span_start": span_start,
        "span_end": span_start + len(words),
        "confidence": 0.9,
        "note": "",
    }


def actor(name="Islamic State", actor_type=2, aliases=("Daesh", "ISIS")):
    return Actor.objects.get_or_create(name=name, defaults={"actor_type": actor_type, "aliases": list(aliases)})[0]


def place(name="Manbij", **extra):
    defaults = {
        "admin1": "Aleppo",
        "country": "Syria",
        "country_code": "SY",
        "latitude": 36.5281,
        "longitude": 37.9549,
        "kind": "city",
        "gazetteer_id": f"geonames:{abs(hash(name)) % 10**8}",
    }
    defaults.update(extra)
    return Place.objects.get_or_create(name=name, defaults=defaults)[0]


def make_event(
    *,
    fatalities=43,
    status=ReviewStatus.NEEDS_REVIEW,
    event_date=dt.date(2016, 7, 19),
    location="Manbij",
    country_code="SY",
    story=None,
    headline="Air strike kills 43 in Syria's Manbij",
    confidence=0.5,
    notes="Air strike on Manbij.",
):
    """An extracted event with one source and its evidence, as the extractor would leave it."""
    story = story or make_story(headline)
    a1 = actor()
    p = place(location) if location else None
    proposal = {
        "event_date": event_date.isoformat() if event_date else None,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": a1.pk,
        "place": p.pk if p else None,
        "location": location,
        "admin1": "Aleppo" if location else "",
        "country": "Syria" if country_code == "SY" else "",
        "country_code": country_code,
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "fatalities_best": fatalities,
        "fatalities_low": fatalities,
        "fatalities_high": fatalities,
        "notes": notes,
        "labels": {"actor1": a1.name, "place": location or ""},
        "review_reasons": ["confidence below 0.6"] if confidence < 0.6 else [],
        "confidence": confidence,
    }
    event = Event.objects.create(
        event_date=event_date,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1=a1,
        place=p,
        location=location,
        admin1=proposal["admin1"],
        country=proposal["country"],
        country_code=country_code,
        latitude=proposal["latitude"],
        longitude=proposal["longitude"],
        fatalities_best=fatalities,
        fatalities_low=fatalities,
        fatalities_high=fatalities,
        notes=notes,
        status=status,
        confidence=confidence,
        extracted=proposal,
    )
    EventSource.objects.create(
        event=event,
        story=story,
        fatalities_best=fatalities,
        fatalities_low=fatalities,
        fatalities_high=fatalities,
        evidence=[
            evidence("fatalities", "killed 43 people", story.body) if "killed 43 people" in story.body else evidence("fatalities", story.body[:10], story.body),
            evidence("place", "Manbij", story.body) if "Manbij" in story.body else evidence("place", story.body[:5], story.body),
        ],
    )
    return event
