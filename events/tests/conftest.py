"""Shared fixtures: the seed stories and named personas.

Personas read as sentences in tests: Alice is a superuser, Carol a curator,
Rita a reader with no admin access, and anonymous users are just the client.
"""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "fixtures" / "seeds"


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache: no cached chart, no COUNT remembered as slow from another test.

    Always the in-memory cache, even with REDIS_URL set: clearing a Redis would
    empty the whole database of whoever else uses it.
    """
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def alice(django_user_model):
    """A superuser: manages users and everything else."""
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "alice-pass-123")


@pytest.fixture
def rita(django_user_model):
    """A reader: an account with no staff access."""
    return django_user_model.objects.create_user("rita", "rita@example.org", "rita-pass-123")
