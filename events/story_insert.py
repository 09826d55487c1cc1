"""Storing one story and its "created" history row, unless it is known: one round trip, one plan.

Most of ingest's time per story went outside our code: the ORM's INSERT
compiler, simple-history building its row, a round trip per statement, and
PostgreSQL parsing and planning statements with the body quoted into them
twice (docs/benchmarks.md, "Ingest"). Here, inside the story's transaction:

1. `LOCK` takes the advisory lock on the headline key;
2. one statement, prepared once per connection and bound on the server, does
   the rest:
   * `known`: the story with this fingerprint, if stored;
   * `earliest`: the first story with this headline key (a new version points at it);
   * `stored`: the INSERT, made only when nothing is `known`;
   * `history`: simple-history's row, copied from `stored`'s RETURNING, so it
     holds exactly what was stored.

Both go to the server in one pipeline and run one after the other, so the
statement's snapshot sees what the lock's previous holder committed.

The column lists come from the models: a field added to Story is stored and
tracked without touching this file, and a history column this statement
cannot fill makes the import fail rather than history go incomplete.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

import psycopg
from django.db import IntegrityError, connection
from django.utils import timezone

from .models import Story

# The story's transaction, before the look-up:
# * a transaction advisory lock on the headline key makes two ingests storing
#   versions of one story agree on the earliest (none for the empty key: such
#   stories link no versions);
# * synchronous commit is off for this transaction only: a crash may lose the
#   last few stories of a run (never half a story), which re-running the
#   idempotent ingest restores, and `finish_run`'s ordinary commit makes every
#   earlier story durable. That halves the time per story.
LOCK = (
    "SELECT set_config('synchronous_commit', 'off', true),"
    " CASE WHEN %(lock)s::bigint <> 0 THEN pg_advisory_xact_lock(%(lock)s::bigint) END"
)

# HistoricalStory (`Story.history` builds a manager class on every access: 0.6 ms).
HISTORICAL_STORY = Story.history.model

_TABLE = Story._meta.db_table
_HISTORY_TABLE = HISTORICAL_STORY._meta.db_table
# The story's columns the INSERT fills, each from the parameter named by its attname.
_INSERTED = tuple(f for f in Story._meta.concrete_fields if not (f.primary_key or f.generated or f.attname == "previous_version_id"))
# The history's columns copied from the stored row, and those simple-history fills itself.
_COPIED = [f.column for f in HISTORICAL_STORY._meta.concrete_fields if f.column in {g.column for g in Story._meta.concrete_fields}]
_HISTORY_OWN = ("history_date", "history_change_reason", "history_type", "history_user_id")
_unfilled = {f.column for f in HISTORICAL_STORY._meta.concrete_fields} - {*_COPIED, *_HISTORY_OWN, "history_id"}
if _unfilled:
    raise RuntimeError(f"{_HISTORY_TABLE} has columns that story_insert.py does not fill: {sorted(_unfilled)}")

# The earliest story with a headline key: the one a new version points at.
EARLIEST = f"SELECT id FROM {_TABLE} WHERE %(headline_key)s <> '' AND headline_key = %(headline_key)s ORDER BY id LIMIT 1"

STORE = f"""
    WITH known AS (
        SELECT id, extracted_at IS NULL AS unextracted FROM {_TABLE} WHERE fingerprint = %(fingerprint)s
    ), earliest AS (
        {EARLIEST}
    ), stored AS (
        INSERT INTO {_TABLE} ({", ".join(f.column for f in _INSERTED)}, previous_version_id)
        SELECT {", ".join(f"%({f.attname})s" for f in _INSERTED)}, (SELECT id FROM earliest)
        WHERE NOT EXISTS (SELECT FROM known)
        RETURNING *
    ), history AS (
        INSERT INTO {_HISTORY_TABLE} ({", ".join(_COPIED)}, {", ".join(_HISTORY_OWN)})
        SELECT {", ".join(_COPIED)}, %(history_date)s, '', '+', %(history_user_id)s FROM stored
    )
    SELECT known.id, coalesce(known.unextracted, false), stored.id, stored.previous_version_id
    FROM (SELECT) AS one LEFT JOIN known ON true LEFT JOIN stored ON true
"""


@dataclass(frozen=True)
class Outcome:
    """What the statement found or did."""

    known_id: Optional[int]  # the same story, already stored
    known_unextracted: bool  # ... by a run that never extracted it
    stored_id: Optional[int]  # the new row
    previous_version_id: Optional[int]


def store_unless_known(story: Story, *, user_id: Optional[int]) -> Outcome:
    """Lock the story's headline key, then look it up and insert it unless known: one round trip.

    Call inside the story's transaction (`transaction.atomic()`); on insert,
    `story` becomes the saved row. Raises IntegrityError when another
    transaction stored the same fingerprint after this one's look-up (see
    `is_fingerprint_conflict`).
    """
    story.created_at = timezone.now()
    params = {field.attname: field.get_db_prep_save(getattr(story, field.attname), connection) for field in _INSERTED}
    params.update(history_date=story.created_at, history_user_id=user_id)
    connection.ensure_connection()
    raw = connection.connection
    # psycopg's own cursors bind on the server (Django's bind on the client),
    # and its pipeline sends BEGIN, the lock and the statement together; they
    # still run one after the other, each with its own snapshot. Errors come
    # out as Django's, and mark the connection as Django's do.
    with connection.wrap_database_errors, raw.pipeline(), psycopg.Cursor(raw) as lock, psycopg.Cursor(raw) as cursor:
        lock.execute(LOCK, {"lock": lock_number(story.headline_key)}, prepare=True)
        cursor.execute(STORE, params, prepare=True)
        outcome = Outcome(*cursor.fetchone())
    if outcome.stored_id is not None:
        story.pk, story.previous_version_id = outcome.stored_id, outcome.previous_version_id
        story._state.adding, story._state.db = False, connection.alias
    return outcome


def lock_number(key: str) -> int:
    """The advisory lock of a headline key (0 for the empty key, which links no versions)."""
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def is_fingerprint_conflict(exc: IntegrityError) -> bool:
    """Is `exc` a violation of the fingerprint's unique constraint (a story stored meanwhile)?"""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", "") or ""
    return getattr(cause, "sqlstate", "") == "23505" and "fingerprint" in constraint
