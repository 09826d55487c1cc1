"""WSGI entry point, served by gunicorn (`gunicorn conflictdb.wsgi`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
application = get_wsgi_application()

from conflictdb.preload import load_and_freeze  # noqa: E402 - needs the application set up

load_and_freeze()
