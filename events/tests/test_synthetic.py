"""Synthetic events: valid rows, the same rows for the same seed, realistic shapes, never mixed with real data."""

from __future__ import annotations

import collections
import io
import statistics

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.http import QueryDict

from events import synthetic
from events.admin.filters import disagreeing_sources
from events.choices import PUBLIC_STATUSES, ReviewStatus
from events.filtersets import EventFilterSet
from events.merging import source_figures
from events.models import Actor, Event, EventSource, Outlet, Place, Story
from extraction import taxonomy

pytestmark = pytest.mark.django_db

LOADED = ("events_eventsource", "events_event_assoc_actors1", "events_event_assoc_actors2", "events_event", "events_story")


@pytest.fixture(scope="module")
def countries():
    return synthetic.build_countries()


def generate(n, **options):
    options.setdefault("vacuum", False)
    return synthetic.generate(n, **options)


def restart_tables():
    """Empty the tables the generator fills, with their sequences, as in a fresh database."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses tables with queued foreign-key checks
        cursor.execute(f"TRUNCATE {', '.join(LOADED)}, events_ingestrun RESTART IDENTITY CASCADE")


def dump() -> list:
    """Every generated row, ids included, in a stable order."""
    with connection.cursor() as cursor:
        rows = []
        for table, columns in (
            ("events_event", synthetic.EVENT_COLUMNS),
            ("events_story", synthetic.STORY_COLUMNS),
            ("events_eventsource", ("id",) + synthetic.SOURCE_COLUMNS),
            ("events_event_assoc_actors1", synthetic.ASSOC_COLUMNS),
        ):
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")
            rows.append(cursor.fetchall())
    return rows


# --- valid rows --------------------------------------------------------------------------------


def test_rows_satisfy_every_rule_the_app_relies_on():
    result = generate(1500, seed=11)
    assert (result.events, Event.objects.count()) == (1500, 1500)
    assert result.stories == Story.objects.count() and result.sources == EventSource.objects.count()
    pairs = set(Event.objects.values_list("event_type", "sub_event_type").distinct())
    assert all(taxonomy.is_valid_pair(t, s) for t, s in pairs)

    sources = collections.defaultdict(list)
    for source in EventSource.objects.all():
        sources[source.event_id].append(source)
    for event in Event.objects.select_related("place", "merged_into", "actor1", "actor2"):
        for prefix in ("fatalities", "injured"):
            best, low, high = (getattr(event, f"{prefix}_{k}") for k in ("best", "low", "high"))
            assert (best is None) == (low is None) == (high is None)
            assert best is None or low <= best <= high
        assert event.time_precision in (1, 2, 3) and event.geo_precision in (1, 2, 3)
        if event.event_date is None:
            assert event.time_precision == 3 and event.date_start is None
        else:
            assert event.date_start <= event.event_date <= event.date_end
        # the place is in the event's country, with the event's coordinates
        assert event.place.country_code == event.country_code
        assert (event.place.latitude, event.place.longitude) == (event.latitude, event.longitude)
        if event.status == ReviewStatus.MERGED:  # its sources moved to a public survivor of the same country
            assert event.merged_into.status in PUBLIC_STATUSES
            assert event.merged_into.country_code == event.country_code
            assert event.pk not in sources
        else:
            assert event.merged_into_id is None
            assert 1 <= len(sources[event.pk]) <= 5
            if not event.curated_fields:
                figures = source_figures(sources[event.pk])
                assert figures == {f: getattr(event, f) for f in figures}, event.pk
        for actor in (event.actor1, event.actor2):
            assert actor is None or 1 <= actor.actor_type <= 8
        if event.event_type == taxonomy.VIOLENCE_AGAINST_CIVILIANS:
            assert event.civilian_targeting
        elif event.event_type in (taxonomy.BATTLES, taxonomy.RIOTS, taxonomy.STRATEGIC_DEVELOPMENTS):
            assert not event.civilian_targeting


def test_every_row_says_it_is_synthetic():
    generate(200, seed=2)
    assert not Story.objects.exclude(source_name=synthetic.SOURCE_NAME).exists()
    assert not Story.objects.exclude(url__startswith=synthetic.URL_ROOT).exists()
    assert all(story.extra == {"synthetic": True} for story in Story.objects.all())
    assert not Outlet.objects.filter(stories__isnull=False).exclude(name__startswith="Synthetic ").exists()
    assert not Story.objects.filter(extracted_at__isnull=True).exists()  # `manage.py extract` leaves them alone
    generated = {name for name, _, _ in synthetic.generated_actor_rows(synthetic.build_countries())}
    assert set(Actor.objects.filter(name__in=generated).values_list("notes", flat=True)) == {synthetic.ACTOR_NOTE}


def test_places_lie_inside_their_country(countries):
    # Bounding boxes, generously rounded, of the countries with most events.
    boxes = {"UA": (44, 53, 22, 41), "IN": (6, 36, 68, 98), "MX": (14, 33, -118, -86), "SY": (32, 38, 35, 43)}
    for country in countries:
        if country.iso2 in boxes:
            south, north, west, east = boxes[country.iso2]
            for _, name, _, lat, lon, _ in country.places:
                assert south <= lat <= north and west <= lon <= east, (country.iso2, name)


def test_bulk_loading_restores_every_index_and_foreign_key():
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1", [list(LOADED)]
            )
            indexes = set(cursor.fetchall())
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred "
                "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2", [list(LOADED)]
            )
            return indexes | set(cursor.fetchall())

    before = schema()
    generate(300, seed=4, bulk=True)
    after = schema()
    assert (before - after, after - before) == (set(), set())
    assert Event.objects.count() == 300


# --- determinism -------------------------------------------------------------------------------


def test_the_same_seed_on_the_same_database_writes_the_same_rows():
    restart_tables()
    generate(400, seed=7, batch_size=150)
    first = dump()
    restart_tables()
    generate(400, seed=7, batch_size=1000)  # the batch size changes nothing
    assert dump() == first
    restart_tables()
    generate(400, seed=8)
    assert dump() != first


def test_a_rolled_back_run_changes_nothing_the_next_one_writes():
    def written():
        """Events and stories, ids included; not the ids PostgreSQL hands out (sources, the ingest run)."""
        events, stories, sources, _ = dump()
        run = synthetic.STORY_COLUMNS.index("ingest_run_id")
        return events, [s[:run] + s[run + 1:] for s in stories], [s[1:] for s in sources]

    restart_tables()
    generate(120, seed=9)
    first = written()
    restart_tables()
    with pytest.raises(RuntimeError), transaction.atomic():
        generate(120, seed=9)
        raise RuntimeError("killed")  # rolled back; the sequences keep what it took
    generate(120, seed=9)
    assert written() == first


def test_adding_more_events_continues_with_new_ids_and_new_stories():
    generate(100, seed=3)
    generate(100, seed=3)
    assert Event.objects.count() == 200
    assert Story.objects.values("fingerprint").distinct().count() == Story.objects.count()


# --- realistic shapes --------------------------------------------------------------------------


@pytest.fixture
def sample():
    generate(6000, seed=1)
    return list(Event.objects.values())


def shares(rows, key) -> dict:
    counts = collections.Counter(row[key] for row in rows)
    return {k: v / len(rows) for k, v in counts.most_common()}


def test_countries_have_a_long_tail(sample):
    by_country = shares(sample, "country_code")
    ranked = list(by_country.values())
    assert list(by_country)[0] == "UA" and 0.15 < ranked[0] < 0.30
    assert 0.40 < sum(ranked[:5]) < 0.65  # a few countries hold most events
    assert len(by_country) >= 40 and ranked[-1] < 0.01  # and many hold a few


def test_types_sub_types_and_precisions_have_acled_like_proportions(sample):
    types = shares(sample, "event_type")
    assert list(types)[0] == taxonomy.PROTESTS and 0.20 < types[taxonomy.PROTESTS] < 0.45
    assert all(share > 0.03 for share in types.values()) and len(types) == 6
    protests = shares([r for r in sample if r["event_type"] == taxonomy.PROTESTS], "sub_event_type")
    assert protests["Peaceful protest"] > 0.8
    assert 0.78 < shares(sample, "time_precision")[1] < 0.92
    assert 0.68 < shares(sample, "geo_precision")[1] < 0.82
    years = shares([r for r in sample if r["event_date"]], "event_date")
    assert min(years) >= synthetic.FIRST_DAY and max(years) <= synthetic.LAST_DAY


def test_dates_come_in_bursts(sample):
    per_month = collections.Counter((r["event_date"].year, r["event_date"].month) for r in sample if r["country_code"] == "UA" and r["event_date"])
    counts = sorted(per_month.values())
    assert counts[-1] > 3 * statistics.median(counts)


def test_fatalities_are_mostly_zero_or_small_with_a_heavy_tail(sample):
    best = [r["fatalities_best"] for r in sample]
    reported = sorted(b for b in best if b is not None)
    assert 0.03 < best.count(None) / len(best) < 0.15
    assert reported.count(0) / len(reported) > 0.5
    assert statistics.median(reported) <= 1 and max(reported) >= 100
    assert any(r["fatalities_low"] < r["fatalities_high"] for r in sample if r["fatalities_best"])


def test_statuses_are_mostly_waiting_for_review(sample):
    statuses = shares(sample, "status")
    assert statuses[ReviewStatus.EXTRACTED] + statuses[ReviewStatus.NEEDS_REVIEW] > 0.7
    assert 0.10 < statuses[ReviewStatus.VERIFIED] < 0.20
    assert 0.01 < statuses[ReviewStatus.REJECTED] < 0.06 and 0.005 < statuses[ReviewStatus.MERGED] < 0.04
    assert any(r["curated_fields"] for r in sample)


def test_sources_stories_and_filters_have_something_to_find(sample):
    per_event = collections.Counter(EventSource.objects.values_list("event_id", flat=True))
    assert 1.4 < statistics.mean(per_event.values()) < 2.0 and max(per_event.values()) >= 4
    assert Story.objects.filter(event_sources__isnull=False).count() > Story.objects.count()  # round-ups report several events
    disagreeing = Event.objects.filter(disagreeing_sources()).count()
    assert 0.03 * len(sample) < disagreeing < 0.3 * len(sample)

    def found(query: str) -> int:
        filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.all())
        assert filterset.is_valid(), filterset.errors
        return filterset.qs.count()

    public = Event.objects.filter(status__in=PUBLIC_STATUSES).count()
    assert 0 < found("q=wedding") < 0.01 * public < found("q=checkpoint") < 0.15 * public  # every selectivity
    assert found("q=Ukraine") > 0.15 * public
    assert found("q=witnesses") == public  # in every story
    assert 0 < found("outlet=Synthetic+Observer") < found("outlet=Synthetic+Wire") < public
    assert 0 < found("country=SY&event_type=Battles&verified=true") < found("country=SY")
    big_actor = Event.objects.values_list("actor1__name", flat=True).first()
    assert found(f"actor={big_actor}") > 0
    assert Place.objects.filter(events__isnull=False).distinct().count() > 300


# --- never mixed with real data ----------------------------------------------------------------


def test_refuses_a_database_with_real_stories_unless_forced():
    Story.objects.create(headline="Real", headline_key="real", body="A real story.", fingerprint="b" * 64, source_name="wire/2016.txt")
    with pytest.raises(synthetic.RealDataError):
        generate(10)
    assert Event.objects.count() == 0 and Story.objects.count() == 1
    with pytest.raises(CommandError, match="real data"):
        call_command("generate_events", "10", "--quiet")
    assert Event.objects.count() == 0
    out = io.StringIO()
    call_command("generate_events", "10", "--force", "--quiet", "--no-vacuum", stdout=out)
    assert out.getvalue().startswith("10 synthetic events")
    assert Event.objects.count() == 10


def test_command_prints_a_summary():
    out = io.StringIO()
    call_command("generate_events", "25", "--seed", "5", "--quiet", stdout=out)
    assert out.getvalue().startswith("25 synthetic events, ")
    with pytest.raises(CommandError):
        call_command("generate_events", "-1", "--quiet")
