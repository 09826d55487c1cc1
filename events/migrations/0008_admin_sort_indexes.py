"""Indexes for the review queue's two remaining sortable columns at a million events.

The queue's column sorts order by the column with the id as tie-breaker
(events/admin/changelist.py). Date, fatalities, place and status already have
such an index (0005); "What" (the sub-event type) and "Conf." had none, and
sorting the queue by either sorted every matching row (800-900 ms; see
docs/benchmarks_admin.md). Partial over the public statuses like those of 0005,
which every queue filter but "all statuses" implies. Raw SQL, CONCURRENTLY, as 0005.
"""

from django.db import migrations

PUBLIC = "WHERE status::text = ANY (ARRAY['extracted'::text, 'needs_review'::text, 'verified'::text])"

INDEXES = [
    ("event_public_sub_type_idx", f"events_event (sub_event_type, id) {PUBLIC}"),
    ("event_public_confidence_idx", f"events_event (confidence, id) {PUBLIC}"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("events", "0007_story_ingest_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
