"""Keep Python's garbage collector out of the way of long-running processes: web workers, ingest.

A full (generation 2) collection walks every object the process holds: the
modules, Django's URLconf, models and templates, the gazetteer's tables. In a
web worker that took 70-120 ms every few requests, at random (a rare word's API
page: p50 70 ms, p95 200 ms; docs/benchmarks.md). Two measures:

* `load_and_freeze`, once per worker: `gc.freeze()` moves everything alive after
  loading into a generation the collector never walks (what it is for: objects
  that live as long as the process). A full collection then walks ~30,000
  objects instead of ~120,000.
* `collect_after_response`, on Django's `request_finished` signal: the cycles
  a request leaves (model instances and their prefetch caches, DRF responses)
  are freed after its response went out (WSGI servers close the response, which
  sends the signal, once its body is written), 2-5 ms each time, instead of
  piling up until a full collection in the middle of a later request frees
  them all at once (20-30 ms). The benchmarks, whose test client closes the
  response inside the timed call, collect between requests instead.

`manage.py ingest` freezes what is loaded before its run (`freeze_loaded`).
"""

from __future__ import annotations

import gc


def freeze_loaded() -> None:
    """Collect what is garbage now, then freeze the rest: for a process that runs long after loading
    (a web worker, `manage.py ingest`: 0.2 ms less Python per story, 8%)."""
    gc.collect()
    gc.freeze()


def load_and_freeze(collect_after_responses: bool = True) -> None:
    """Import every view (through the URLconf), then freeze what is alive."""
    from django.core.signals import request_finished
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views, the API and the admin
    if collect_after_responses:
        request_finished.connect(collect_after_response, dispatch_uid="conflictdb.collect_after_response")
    freeze_loaded()


def collect_after_response(**kwargs) -> None:
    """Free what the finished request left behind (WSGI sends `request_finished` once the body is sent)."""
    gc.collect()
