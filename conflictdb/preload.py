"""Load the whole application once per process, then hide what was loaded from the garbage collector.

A full (generation 2) collection walks every object the process holds: the
modules, Django's URLconf, models and templates, the gazetteer's tables.
In a web worker that took 70-120 ms every few requests at random (a rare
word's API page: p50 70 ms, p95 200 ms; docs/benchmarks.md). `gc.freeze()`
moves everything alive at that moment into a generation the collector never
walks (what it is for: objects that live as long as the process), and a
full collection then takes about 2 ms. Objects created later are collected
as usual.
"""

from __future__ import annotations

import gc


def load_and_freeze() -> None:
    """Import every view (through the URLconf), then freeze what is alive."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views, the API and the admin
    gc.collect()
    gc.freeze()
