"""The curators' admin, one module per concern.

* `events.py`   - the Event review queue and change page (evidence, proposals, lock, merge, split)
* `filters.py`  - review-queue filters that stay on indexes at a million events
* `actions.py`  - bulk verify / reject / send back to review / merge
* `evidence.py` - the sources panel and proposed values beside the form
* `paginator.py`- a paginator that estimates instead of counting a million rows
* `sources.py`  - outlets, stories, actors, places
* `ingest.py`   - "Add story", "Upload file", ingest runs and their failures
"""

from django.contrib import admin

from . import events, ingest, sources  # noqa: F401  (registrations)

admin.site.site_header = "conflictdb curation"
admin.site.site_title = "conflictdb"
admin.site.index_title = "Curate events"

ingest.register(admin.site)
