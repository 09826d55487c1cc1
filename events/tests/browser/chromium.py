"""What every browser test shares: Debian's chromium, its flags, the markers, where screenshots go.

Never a downloaded browser: Playwright drives /usr/bin/chromium (apt-get install chromium),
headless, and the tests are skipped with a reason where it is not installed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))

def close_connections_of_this_context() -> None:
    """Close the database connections opened while Playwright's loop ran.

    Django keeps a connection per thread and asyncio context; the ones opened
    inside `sync_playwright()` are not the ones the test database's teardown
    closes, and one left open makes its DROP DATABASE fail.
    """
    from django.db import connections

    connections.close_all()


MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]
