"""Settings come from the environment, fail loudly, and run on PostgreSQL only."""
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CONFLICTDB_ENV"}}
    clean.update(env)
    code = "import conflictdb.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['NAME'])"
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=clean, capture_output=True, text=True)


def test_database_is_postgresql_with_health_checks():
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["CONN_MAX_AGE"] > 0


def test_database_url_is_read_from_the_environment():
    result = load_settings(DATABASE_URL="postgres://u@db.example:5432/events_prod")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "events_prod"


def test_sqlite_is_refused():
    result = load_settings(DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(CONFLICTDB_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="events.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_to_debug_off():
    result = load_settings(CONFLICTDB_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="events.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ['events.example.org']")


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = load_settings(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_a_malformed_api_rate_limit_is_an_error_and_off_turns_it_off():
    result = load_settings(API_RATE_LIMIT="lots")
    assert result.returncode != 0
    assert "API_RATE_LIMIT='lots' is not a rate" in result.stderr
    code = "import conflictdb.settings as s; print(s.API_RATE_LIMIT)"
    answers = [
        subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env={**os.environ, "API_RATE_LIMIT": value}, capture_output=True, text=True).stdout.strip()
        for value in ("20/s", "off")
    ]
    assert answers == ["20/s", "None"]


def test_redis_url_shares_the_cache_between_workers_else_each_keeps_its_own():
    code = "import conflictdb.settings as s; print(s.CACHES['default']['BACKEND'] if hasattr(s, 'CACHES') else 'default')"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    backends = [
        subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env={**env, **extra}, capture_output=True, text=True).stdout.strip()
        for extra in ({"REDIS_URL": "redis://cache.internal:6379/0"}, {})
    ]
    assert backends == ["django_redis.cache.RedisCache", "default"]


def test_a_web_worker_hides_the_loaded_application_from_the_garbage_collector():
    """gunicorn imports conflictdb.wsgi in each worker: after it, a full collection skips the
    modules, models and views (which cost a worker 70-120 ms a collection)."""
    code = "import gc; before = gc.get_freeze_count(); import conflictdb.wsgi; print(before, gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=dict(os.environ), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, after = map(int, result.stdout.split())
    assert before == 0 and after > 50_000  # the application's objects, not a handful
