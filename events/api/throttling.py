"""How many API requests one client may make: DRF's rate throttle for anonymous clients.

The API has no logins, so every client is anonymous and counted by its
address: the one that connects, or, when `API_NUM_PROXIES` says how many
proxies are in front, the `X-Forwarded-For` entry the first of them added
(never one a client wrote). The rate is `settings.API_RATE_LIMIT`, read on
each request (DRF's own throttles read theirs once, at import) so that a test
or an operator's override applies at once; None turns the limit off.

Counts live in Django's cache: shared by every worker with REDIS_URL, else
each worker's own memory, so that N gunicorn workers let a client make up to
N times the rate.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class PerClientRate(AnonRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT
