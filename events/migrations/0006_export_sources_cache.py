"""Each event's `sources` and `source` export cells, kept ready by PostgreSQL triggers.

Why: building them per exported row (look up each source and its story,
format the evidence as JSON, list the outlets once each) is 80% of an
export's time, and held it near 12,000 rows/s at a million events. Kept
in two columns of events_event, an export reads them as it reads the notes.

* `export_sources` (json, which keeps its text as written: an export
  copies it without parsing it again): the list of {headline, url,
  published, outlet, evidence}, the sources in (published, id) order;
  `export_outlets` (text): their outlets joined by "; ", each once, in the
  order they first appear (docs/export_schema.md, `sources` and `source`).
* The columns are PostgreSQL's alone: the Event model does not declare
  them, so a Django save never writes back a value it read earlier.
  No state operations here, as in 0003 and 0005.
* Statement-level triggers (with transition tables, one refresh per
  statement however many rows it touched) on everything the cells are made
  of: sources added, changed, moved to another event (merge, split) or
  removed; a story's headline, url, publication date, outlet or agency
  edited; an outlet renamed. They run inside the writing transaction, so a
  cell never disagrees with committed sources.
* `events_refresh_export_sources(ids)` is the one definition of the cells;
  the migration fills them for the events that exist; `generate_events`
  calls it once after its load, during which it sets
  `conflictdb.export_cells_later` (local to its transaction) to skip the
  per-statement refreshes.

events/tests/test_export_sql.py checks the cells against the Python
reference (events.exporting.event_row) after each kind of change.
"""

from django.db import migrations

REFRESH_FUNCTION = r"""
CREATE FUNCTION events_refresh_export_sources(ids bigint[]) RETURNS void LANGUAGE sql AS $fn$
    UPDATE events_event e
    SET export_sources = c.sources::json, export_outlets = c.outlets
    FROM (
        SELECT ev.id,
               '[' || coalesce(string_agg(
                   json_build_object(
                       'headline', y.headline, 'url', y.url, 'published', y.published, 'outlet', y.outlet,
                       'evidence', CASE WHEN y.evidence IN ('null', 'false', '0', '""', '[]', '{}') THEN '[]'::jsonb ELSE y.evidence END
                   )::text, ', ' ORDER BY y.published, y.id) FILTER (WHERE y.id IS NOT NULL), '') || ']' AS sources,
               coalesce((
                   SELECT string_agg(u.outlet, '; ' ORDER BY u.first)
                   FROM (SELECT z.outlet, min(z.n) AS first
                         FROM unnest(array_agg(y.outlet ORDER BY y.published, y.id)) WITH ORDINALITY AS z(outlet, n)
                         WHERE z.outlet <> '' GROUP BY z.outlet) u
               ), '') AS outlets
        FROM (SELECT DISTINCT unnest(ids) AS id) ev
        LEFT JOIN LATERAL (
            SELECT es.id, es.evidence, st.headline, st.url, st.published,
                   CASE WHEN st.outlet_id IS NULL THEN st.agency ELSE o.name END AS outlet
            FROM events_eventsource es
            JOIN events_story st ON st.id = es.story_id
            LEFT JOIN events_outlet o ON o.id = st.outlet_id
            WHERE es.event_id = ev.id
        ) y ON true
        GROUP BY ev.id
    ) c
    WHERE e.id = c.id
      AND (e.export_sources::text IS DISTINCT FROM c.sources OR e.export_outlets IS DISTINCT FROM c.outlets);
$fn$;
"""

# One trigger function per table; each finds the events its statement touched.
TRIGGER_FUNCTIONS = r"""
CREATE FUNCTION events_export_sources_from_sources() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF current_setting('conflictdb.export_cells_later', true) = 'on' THEN
        RETURN NULL;  -- a bulk load that refreshes its events once, at its end (generate_events)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM events_refresh_export_sources(ARRAY(SELECT event_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM events_refresh_export_sources(ARRAY(SELECT event_id FROM old_rows));
    ELSE
        PERFORM events_refresh_export_sources(ARRAY(SELECT event_id FROM old_rows UNION SELECT event_id FROM new_rows));
    END IF;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION events_export_sources_from_stories() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM events_refresh_export_sources(ARRAY(
        SELECT es.event_id FROM events_eventsource es
        JOIN new_rows n ON n.id = es.story_id JOIN old_rows o ON o.id = n.id
        WHERE (n.headline, n.url, n.published, n.outlet_id, n.agency) IS DISTINCT FROM (o.headline, o.url, o.published, o.outlet_id, o.agency)
    ));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION events_export_sources_from_outlets() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM events_refresh_export_sources(ARRAY(
        SELECT es.event_id FROM events_eventsource es
        JOIN events_story st ON st.id = es.story_id
        JOIN new_rows n ON n.id = st.outlet_id JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name
    ));
    RETURN NULL;
END
$fn$;
"""

TRIGGERS = r"""
CREATE TRIGGER export_sources_on_insert AFTER INSERT ON events_eventsource
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_export_sources_from_sources();
CREATE TRIGGER export_sources_on_update AFTER UPDATE ON events_eventsource
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_export_sources_from_sources();
CREATE TRIGGER export_sources_on_delete AFTER DELETE ON events_eventsource
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION events_export_sources_from_sources();
CREATE TRIGGER export_sources_on_story_update AFTER UPDATE ON events_story
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_export_sources_from_stories();
CREATE TRIGGER export_sources_on_outlet_update AFTER UPDATE ON events_outlet
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_export_sources_from_outlets();
"""

FORWARD = [
    "ALTER TABLE events_event ADD COLUMN export_sources json NOT NULL DEFAULT '[]', ADD COLUMN export_outlets text NOT NULL DEFAULT ''",
    REFRESH_FUNCTION,
    TRIGGER_FUNCTIONS,
    TRIGGERS,
    # The events that exist: those with sources (the others keep the defaults, which are right).
    "SET LOCAL statement_timeout = 0",
    "SELECT events_refresh_export_sources(ARRAY(SELECT DISTINCT event_id FROM events_eventsource))",
]

BACKWARD = [
    "DROP TRIGGER export_sources_on_insert ON events_eventsource",
    "DROP TRIGGER export_sources_on_update ON events_eventsource",
    "DROP TRIGGER export_sources_on_delete ON events_eventsource",
    "DROP TRIGGER export_sources_on_story_update ON events_story",
    "DROP TRIGGER export_sources_on_outlet_update ON events_outlet",
    "DROP FUNCTION events_export_sources_from_sources(), events_export_sources_from_stories(), events_export_sources_from_outlets()",
    "DROP FUNCTION events_refresh_export_sources(bigint[])",
    "ALTER TABLE events_event DROP COLUMN export_sources, DROP COLUMN export_outlets",
]


class Migration(migrations.Migration):
    dependencies = [("events", "0005_reader_indexes")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
