"""Send the readers' queries to a PostgreSQL read replica; everything else to the primary.

Active only when REPLICA_DATABASE_URL is set (settings.py then adds the
`replica` alias, this router and the middleware below). Reader traffic is
most of the load and only reads, so it scales out over replicas while
curators and the ingester keep the primary to themselves.

What goes where:

* `replica` - reads made while serving a reader request: GET/HEAD/OPTIONS,
  outside the admin, by a user who is not staff (the explorer, the exports,
  the API), including the rows a streamed export yields after the view returns;
* `default` - every write; every read inside a transaction (a read that
  decides a write must see the primary); the admin and all staff requests;
  auth, sessions and content types (a login just written must be readable at
  once); management commands and anything else outside a reader request.

The trade-off is replication lag. A replica replays the primary's WAL a few
milliseconds (under heavy writes, seconds) behind it, so a reader may see an
event a moment after a curator saved it, or a page count that trails the
export by one event. Nothing a reader sees feeds a write, so this is safe;
curators never read from the replica and so always see their own edits.
A replica that falls far behind is an operations alarm (pg_stat_replication,
replay_lag), not an application error; see docs/operations.md.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
# Apps whose rows decide who the user is, or are written during the request itself: never lagging.
PRIMARY_ONLY_APPS = frozenset({"auth", "authtoken", "sessions", "admin", "contenttypes"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reading_for_reader = contextvars.ContextVar("conflictdb_reading_for_reader", default=False)


@contextlib.contextmanager
def reader_reads() -> Iterator[None]:
    """Route the reads inside this block as a reader's (to the replica when there is one)."""
    token = _reading_for_reader.set(True)
    try:
        yield
    finally:
        _reading_for_reader.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads of reader requests to `replica`, all the rest to `default`."""

    def db_for_read(self, model, **hints):
        if not _reading_for_reader.get() or not replica_configured():
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # a replica follows the primary's schema through replication


def is_reader_request(request) -> bool:
    """A safe request outside the admin by someone who is not staff."""
    from django.urls import reverse

    if request.method not in SAFE_METHODS:
        return False
    if request.path_info.startswith(reverse("admin:index")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


class ReplicaRoutingMiddleware:
    """Mark reader requests so that ReplicaRouter sends their reads to the replica.

    Goes after AuthenticationMiddleware (it looks at request.user). A streamed
    response (the CSV export) runs its queries after the view has returned,
    so its iterator is wrapped to keep reading from the replica.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_reader_request(request):
            return self.get_response(request)
        with reader_reads():
            response = self.get_response(request)
        if getattr(response, "streaming", False) and not getattr(response, "is_async", False):
            response.streaming_content = _iterate_as_reader(response.streaming_content)
        return response


def _iterate_as_reader(chunks):
    iterator = iter(chunks)
    try:
        while True:
            with reader_reads():
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
