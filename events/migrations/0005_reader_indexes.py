"""Indexes for the reader's list, exports and API at a million events (see docs/benchmarks.md).

Every reader query filters on the public statuses (extracted, needs review,
verified) and orders by a column with the event id as tie-breaker, NULLs
last. An index whose key is exactly that order lets PostgreSQL read the
first page and stop; any other order sorts every matching row (at a
million events 0.3-1.4 s a page, 6-8 ms with these indexes). The indexes are partial, over the
public events only: a reader query's `status IN (...)` implies their
predicate, and they leave out the rejected and merged rows.

* event_public_date_idx: the default order (newest first, undated last), date ranges,
  and the filters that match many events (type, precision, verified ...), which
  PostgreSQL checks while it walks the index;
* event_public_country_date_idx: one or several countries, newest first;
* event_public_fatalities_desc_idx / _asc_idx: the fatalities column both ways (NULLs
  last both ways, so two indexes), and `fatalities_min` with the deadliest first;
* event_public_country_name_idx, _location_idx, _type_idx, _status_idx: the other sortable
  columns; they hold no NULLs, so the filterset orders them plainly and one index
  serves both directions (events/filtersets.py, SortFilter).

Ascending dates use the existing (event_date, id) index, `updated` the
existing updated_at index. Raw SQL with no state operations, as in
0003_admin_indexes: the models do not declare these indexes. Built
CONCURRENTLY (no table lock), so the migration is not atomic.
"""

from django.db import migrations

# Spelled as pg_get_indexdef prints it back, so that a dump and restore (or generate_events' bulk load) rebuilds
# the very same definition; `status IN (...)` would come back with extra casts.
PUBLIC = "WHERE status::text = ANY (ARRAY['extracted'::text, 'needs_review'::text, 'verified'::text])"

INDEXES = [
    ("event_public_date_idx", f"events_event (event_date DESC NULLS LAST, id DESC) {PUBLIC}"),
    ("event_public_country_date_idx", f"events_event (country_code, event_date DESC NULLS LAST, id DESC) {PUBLIC}"),
    ("event_public_fatalities_desc_idx", f"events_event (fatalities_best DESC NULLS LAST, id DESC) {PUBLIC}"),
    ("event_public_fatalities_asc_idx", f"events_event (fatalities_best, id) {PUBLIC}"),
    ("event_public_country_name_idx", f"events_event (country, id) {PUBLIC}"),
    ("event_public_location_idx", f"events_event (location, id) {PUBLIC}"),
    ("event_public_type_idx", f"events_event (event_type, id) {PUBLIC}"),
    ("event_public_status_idx", f"events_event (status, id) {PUBLIC}"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("events", "0004_search_vectors"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
