"""A short-lived cache for results that read the whole filtered set (charts, map cells).

Readers ask the same views again and again (a shared link, a zoom back out),
and an aggregate over a million events takes a good part of a second. A
result is kept under its parameters and the time of the latest change to
any event (one index probe on `updated_at`), so an edit or a new event is
seen at the next request; a deletion, which leaves no such trace, at the
latest after CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from typing import Callable, TypeVar

from django.core.cache import cache

from .models import Event

CACHE_SECONDS = 300
T = TypeVar("T")


def data_stamp(using: str | None = None) -> str:
    """The time of the latest event change: changes whenever an event is written."""
    manager = Event.objects.db_manager(using) if using else Event.objects
    latest = manager.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return latest.isoformat() if latest else "empty"


def parameters_key(namespace: str, params, ignore: tuple[str, ...] = ()) -> str:
    """A cache key for a query string, whatever the order of its parameters."""
    items = sorted((k, v) for k in params for v in params.getlist(k) if k not in ignore and v != "")
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
    return f"conflictdb:{namespace}:{digest}"


def cached_result(key: str, compute: Callable[[], T], using: str | None = None) -> T:
    full_key = f"{key}:{data_stamp(using)}"
    result = cache.get(full_key)
    if result is None:
        result = compute()
        cache.set(full_key, result, CACHE_SECONDS)
    return result
