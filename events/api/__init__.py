"""The read-only JSON API under /api/: events, stories, actors, places, and the OpenAPI schema.

Documented for readers in docs/reader.md ("API and sync").
"""
