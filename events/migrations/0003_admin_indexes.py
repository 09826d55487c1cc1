"""Indexes for the curators' admin at a million events (see docs/benchmarks_admin.md).

* event_status_country_date_idx: the queue of one country ("needs review"
  + country), in queue order, even when that country has no event waiting
  (the (country_code, event_date) index alone would read all its events).
* event_curated_date_idx: the "curated" filter. Curated events are few, so a
  partial index over them is small and lets "curated + needs review" stop
  after a page instead of reading every event in the queue.
* trigram (pg_trgm) GIN indexes for the admin search box: ILIKE '%word%' on
  notes, location and story headlines without reading every row.

Raw SQL with no state operations: the models do not declare these indexes,
so makemigrations leaves them alone. Built CONCURRENTLY (no table lock), so
the migration is not atomic. CREATE EXTENSION pg_trgm needs a role allowed
to create it (the postgres superuser here; pg_trgm is a trusted extension,
so a database owner may as well on PostgreSQL 13+).
"""

from django.db import migrations

INDEXES = [
    ("event_status_country_date_idx", "events_event (status, country_code, event_date DESC, id DESC)"),
    ("event_curated_date_idx", "events_event (event_date DESC, id DESC) WHERE curated_fields <> '{}'"),
    ("event_notes_trgm", "events_event USING gin (notes gin_trgm_ops)"),
    ("event_location_trgm", "events_event USING gin (location gin_trgm_ops)"),
    ("story_headline_trgm", "events_story USING gin (headline gin_trgm_ops)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("events", "0002_curator_group"),
    ]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        *[
            migrations.RunSQL(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, definition in INDEXES
        ],
    ]
