"""Read replicas: reader reads go to `replica`, writes and curators stay on the primary.

The `replica` alias here is a second connection to the test database (what
Django's TEST MIRROR does), so a row committed through `default` is visible
through it, and the queries each connection ran show where routing sent them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from conflictdb.db_router import REPLICA, ReplicaRouter, ReplicaRoutingMiddleware, reader_reads
from events.models import Outlet

REPO_ROOT = Path(__file__).resolve().parents[2]
ROUTERS = ["conflictdb.db_router.ReplicaRouter"]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """Register `replica` as a TEST MIRROR of default (its own connection, same database).

    Module-scoped so that it exists before the django_db marker checks the
    aliases a test may use.
    """
    replica_settings = {**connections["default"].settings_dict}
    replica_settings["TEST"] = {**replica_settings["TEST"], "MIRROR": "default"}
    connections.settings[REPLICA] = replica_settings
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(transactional_db):
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        yield connections[REPLICA]


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def list_outlets(request):
    return HttpResponse(", ".join(Outlet.objects.values_list("name", flat=True)))


def stream_outlets(request):
    return StreamingHttpResponse(f"{name}\n" for name in Outlet.objects.values_list("name", flat=True).iterator())


def create_outlet(request):
    Outlet.objects.create(name=request.POST["name"])
    return HttpResponse(", ".join(Outlet.objects.values_list("name", flat=True)))


def serve(view, request):
    from django.contrib.auth.models import AnonymousUser

    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return ReplicaRoutingMiddleware(view)(request)


def outlet_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "events_outlet" in q["sql"]]


def test_a_readers_page_reads_from_the_replica_and_sees_committed_rows(replica):
    Outlet.objects.create(name="Reuters")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = serve(list_outlets, RequestFactory().get("/events/"))
    assert response.content == b"Reuters"
    assert outlet_queries(on_replica) and not outlet_queries(on_primary)


def test_a_streamed_export_keeps_reading_from_the_replica_after_the_view_returns(replica):
    Outlet.objects.create(name="AFP")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = serve(stream_outlets, RequestFactory().get("/events/export.csv"))
        body = b"".join(response.streaming_content)
    assert body == b"AFP\n"
    assert outlet_queries(on_replica) and not outlet_queries(on_primary)


def test_writes_and_the_reads_of_a_write_request_stay_on_the_primary(replica):
    with CaptureQueriesContext(replica) as on_replica:
        response = serve(create_outlet, RequestFactory().post("/api/outlets/", {"name": "AP"}))
    assert response.content == b"AP"  # read back at once: no replication lag for the writer
    assert not outlet_queries(on_replica)


def test_curators_and_the_admin_read_from_the_primary(replica, django_user_model):
    Outlet.objects.create(name="Reuters")
    curator = django_user_model.objects.create_user("carol", password="x", is_staff=True)
    staff_request = RequestFactory().get("/events/")
    staff_request.user = curator
    with CaptureQueriesContext(replica) as on_replica:
        serve(list_outlets, staff_request)
        serve(list_outlets, RequestFactory().get("/admin/events/outlet/"))
    assert not outlet_queries(on_replica)


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    Outlet.objects.create(name="Reuters")
    router = ReplicaRouter()
    with reader_reads():
        assert router.db_for_read(Outlet) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Outlet) == "default"


def test_sessions_and_users_are_never_read_from_the_replica(replica):
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    with reader_reads():
        assert ReplicaRouter().db_for_read(Session) == "default"
        assert ReplicaRouter().db_for_read(User) == "default"


def test_without_a_replica_everything_uses_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA)
    with reader_reads():
        assert ReplicaRouter().db_for_read(Outlet) == "default"
    assert ReplicaRouter().db_for_write(Outlet) == "default"


def settings_in_subprocess(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': getattr(settings, 'DATABASE_ROUTERS', []), "
        "'mirror': settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'), "
        "'middleware': [m for m in settings.MIDDLEWARE if 'db_router' in m]}))"
    )
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "conflictdb.settings", **env}
    full_env.pop("REPLICA_DATABASE_URL", None) if "REPLICA_DATABASE_URL" not in env else None
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=full_env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_add_the_replica_only_when_its_url_is_set():
    plain = settings_in_subprocess()
    assert plain == {"aliases": ["default"], "routers": [], "mirror": None, "middleware": []}
    wired = settings_in_subprocess(REPLICA_DATABASE_URL="postgres://postgres@replica.internal:5432/conflictdb")
    assert wired == {
        "aliases": ["default", "replica"],
        "routers": ROUTERS,
        "mirror": "default",
        "middleware": ["conflictdb.db_router.ReplicaRoutingMiddleware"],
    }
