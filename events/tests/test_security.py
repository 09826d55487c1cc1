"""Security: production settings, headers, who may write, CSRF, and no SQL built from input.

Write paths are enumerated from the URL resolver, so an admin page or API
endpoint added later is covered without touching this module.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from events.models import Event, EventSource, IngestFailure, IngestRun, Place
from events.tests.personas import CAROL_PASSWORD, carol, make_event  # noqa: F401 (fixture)

REPO_ROOT = Path(__file__).resolve().parents[2]
WRITE_METHODS = ("post", "put", "patch", "delete")
PRODUCTION_KEY = "Xq3v9LmP0sT7wZ2yB5nR8cF1hJ4kD6gA-eU_iO3pQ9rS2tV5xY8zA1bC4dE7fG0h"  # 64 random-looking chars
# Views that answer any method without changing anything (a write to them is not a write).
READ_ONLY_ANY_METHOD = {"health": "runs SELECT 1 whatever the method"}
# Where anyone may post: logging in and out changes a session, never the data.
SESSION_PATHS = ("/admin/login/", "/admin/logout/")


# --- production settings ------------------------------------------------------------------


def run_production(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conflictdb.settings",
        "CONFLICTDB_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "conflictdb.example.org",
        "DEBUG": "",
        "REPLICA_DATABASE_URL": "",
        **env,
    }
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    return subprocess.run([sys.executable, *code], cwd=REPO_ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short-key", "dev-only-insecure-key-do-not-use-in-production"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = run_production(["manage.py", "check"], SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_redirects_to_https_and_sends_hsts(db):
    from django.db import connection

    code = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='conflictdb.example.org'); "
        "r = c.get('/health/'); print(r.status_code, r.headers.get('Location')); "
        "r = c.get('/health/', secure=True); print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    result = run_production(["-c", code], DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    redirect, secure = result.stdout.splitlines()
    assert redirect == "301 https://conflictdb.example.org/health/"
    assert secure == "200 max-age=31536000; includeSubDomains; preload"


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/events/", "/api/events/", "/admin/login/", "/health/"])
def test_security_headers_on_pages(client, db, path):
    response = client.get(path, follow=True)
    if response.status_code == 404:
        pytest.skip(f"{path} does not exist yet")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no CDN
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["img-src"].split()[:2] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_allows_the_configured_map_tile_host():
    from conflictdb.settings import _tile_source

    assert _tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == ["https://*.tile.openstreetmap.org"]
    assert _tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == ["https://tiles.example.org"]
    assert _tile_source("") == []


# --- the world the write-path tests attack ----------------------------------------------


@pytest.fixture
def world(db, alice, rita, carol):  # noqa: F811
    """One row of every kind, so that every change/delete URL names a real object."""
    event = make_event()
    run = IngestRun.objects.create(sources="seed.txt")
    IngestFailure.objects.create(run=run, source_name="seed.txt", reason="no body")
    return {"event": event, "alice": alice}


def object_id_for(model, world) -> str:
    if model is User:
        return str(world["alice"].pk)  # the superuser: the most tempting target
    if model is Group:
        return str(Group.objects.get(name="Curator").pk)
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj else "1"


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def admin_model(route: str):
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    try:
        return apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return None


def view_model(route: str, pattern: URLPattern):
    """The model a route shows: its ModelAdmin's, its DRF view's queryset's, or the admin URL's."""
    callback = pattern.callback
    if getattr(callback, "model_admin", None):
        return callback.model_admin.model
    queryset = getattr(getattr(callback, "cls", None), "queryset", None)
    if queryset is not None:
        return queryset.model
    return admin_model(route)


def concrete_path(route: str, pattern: URLPattern, world) -> str | None:
    """A URL for a route: converters and regex groups filled with ids of real rows."""
    model = view_model(route, pattern)
    ids = {
        "object_id": lambda: object_id_for(model, world) if model else "1",
        "pk": lambda: object_id_for(model, world) if model else "1",
        "id": lambda: object_id_for(model or User, world),
        "source_id": lambda: object_id_for(EventSource, world),
        "place_id": lambda: object_id_for(Place, world),
        "content_type_id": lambda: str(ContentType.objects.get_for_model(Event).pk),
        "format": lambda: "json",
        "app_label": lambda: "events",
    }
    if "(?P<url>" in route:
        return None  # the admin's catch-all: not a page of its own
    # Django converters: <int:name>, <path:name>, <name>
    route = route.replace("<drf_format_suffix:format>", ".json")  # DRF's format suffix converter keeps the dot
    route = re.sub(r"(?<!\?P)<(?:\w+:)?(\w+)>", lambda m: ids.get(m.group(1), lambda: "1")(), route)
    # Regex groups (DRF routers, simple_history): named ones by name, unnamed ones as the object id.
    out, i, unnamed = [], 0, 0
    while i < len(route):
        if route[i] == "(":
            depth, j = 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(route[j], 0) if route[j - 1] != "\\" else 0
                j += 1
            group = route[i:j]
            named = re.match(r"\(\?P<(\w+)>", group)
            if named:
                out.append(ids.get(named.group(1), lambda: "1")())
            else:
                out.append(ids["object_id"]() if unnamed == 0 else "1")
                unnamed += 1
            i = j
        else:
            out.append(route[i])
            i += 1
    path = "".join(out).replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".").replace("\\", "")
    return "/" + path


def all_paths(world) -> list[tuple[str, str | None]]:
    """(path, url name) of every route the project serves."""
    seen, paths = set(), []
    for route, pattern in walk(get_resolver().url_patterns):
        path = concrete_path(route, pattern, world)
        if path and path not in seen:
            seen.add(path)
            paths.append((path, pattern.name))
    return paths


def database_state() -> dict:
    """Row counts of every table, event versions and user powers: what a write would change.

    Sessions are left out: a visit may start one, which is not a change to the data.
    """
    state = {model._meta.label: model._default_manager.count() for model in apps.get_models() if model._meta.app_label != "sessions"}
    state["event versions"] = Event.objects.aggregate(total=Sum("version"))["total"]
    state["powers"] = sorted(User.objects.values_list("username", "is_staff", "is_superuser"))
    state["group permissions"] = sorted(Group.objects.values_list("name", "permissions__codename"))
    return state


def attack(client: Client, world) -> list[str]:
    """Every write method on every path; returns the ones that were not refused."""
    failures = []
    for path, name in all_paths(world):
        if path.startswith(SESSION_PATHS):
            continue  # logging in is tested on its own; logging out would end the attacker's session
        for method in WRITE_METHODS:
            response = getattr(client, method)(path, data={}, content_type="application/json") if method != "post" else client.post(path, {})
            status = response.status_code
            if path.startswith("/admin/"):
                refused = status in (403, 405) or (status == 302 and response["Location"].startswith("/admin/login/"))
            elif path.startswith("/api/"):
                refused = status in (401, 403, 405)  # 405: a read-only view open to all (the schema, the API root)
            else:
                refused = status in (301, 302, 401, 403, 405) or name in READ_ONLY_ANY_METHOD
            if not refused:
                failures.append(f"{method.upper()} {path} -> {status}")
    return failures


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["with-csrf-token", "csrf-enforced"])
def test_anonymous_users_cannot_write_anywhere(world, enforce_csrf):
    before = database_state()
    failures = attack(Client(enforce_csrf_checks=enforce_csrf), world)
    assert not failures, "not refused:\n" + "\n".join(failures)
    assert database_state() == before


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["with-csrf-token", "csrf-enforced"])
def test_readers_cannot_write_anywhere(world, rita, enforce_csrf):
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(rita)
    before = database_state()
    failures = attack(client, world)
    assert not failures, "not refused:\n" + "\n".join(failures)
    assert database_state() == before


def test_the_api_refuses_writes_with_a_readers_credentials(world, rita):
    """HTTP Basic with a Reader's password is still a Reader: no API write."""
    import base64

    api_paths = [path for path, _ in all_paths(world) if path.startswith("/api/")]
    if not api_paths:
        pytest.skip("the API does not exist yet")
    auth = "Basic " + base64.b64encode(b"rita:rita-pass-123").decode()
    client = Client(HTTP_AUTHORIZATION=auth)
    before = database_state()
    for path in api_paths:
        for method in WRITE_METHODS:
            response = getattr(client, method)(path, data="{}", content_type="application/json")
            assert response.status_code in (401, 403, 405), f"{method.upper()} {path} -> {response.status_code}"
    assert database_state() == before


def test_the_admin_is_behind_a_login(world, rita):
    reader = Client()
    reader.force_login(rita)
    for client in (Client(), reader):
        for path, _ in all_paths(world):
            if not path.startswith("/admin/") or path.startswith(("/admin/login/", "/admin/logout/", "/admin/jsi18n/")):
                continue
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/admin/login/"), path


# --- curators ------------------------------------------------------------------------------


def user_admin_paths(world) -> list[str]:
    return [path for path, _ in all_paths(world) if path.startswith(("/admin/auth/user/", "/admin/auth/group/"))]


def test_a_curator_cannot_open_users_or_groups(world, carol):  # noqa: F811
    client = Client()
    client.force_login(carol)
    assert client.get("/admin/").status_code == 200
    for path in user_admin_paths(world):
        assert client.get(path, follow=True).status_code in (403, 404), path  # 404: the admin hides what it will not show
    index = client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index and "/admin/auth/group/" not in index


def test_a_curator_cannot_change_users_or_groups(world, carol):  # noqa: F811
    client = Client()
    client.force_login(carol)
    before = database_state()
    alice_id, carol_id = world["alice"].pk, carol.pk
    attempts = {
        "/admin/auth/user/add/": {"username": "mallory", "password1": "Mallory-pass-987", "password2": "Mallory-pass-987"},
        f"/admin/auth/user/{carol_id}/change/": {"username": "carol", "is_staff": "on", "is_superuser": "on", "is_active": "on"},
        f"/admin/auth/user/{alice_id}/delete/": {"post": "yes"},
        f"/admin/auth/user/{alice_id}/password/": {"password1": "Hijack-pass-987", "password2": "Hijack-pass-987"},
        "/admin/auth/group/add/": {"name": "Admins"},
    }
    for path, data in attempts.items():
        response = client.post(path, data)
        assert response.status_code in (403, 404), f"POST {path} -> {response.status_code}"
    for path in user_admin_paths(world):
        for method in WRITE_METHODS:
            response = getattr(client, method)(path, follow=True)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {path} -> {response.status_code}"
    assert database_state() == before
    carol.refresh_from_db()
    assert not carol.is_superuser
    assert world["alice"].check_password("alice-pass-123")


# --- CSRF -----------------------------------------------------------------------------------


def test_admin_forms_refuse_a_post_without_the_csrf_token(world, carol):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    event = world["event"]
    path = f"/admin/events/event/{event.pk}/change/"
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"notes": "forged"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.notes == "Air strike on Manbij."


def test_admin_login_refuses_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "alice", "password": "alice-pass-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_every_post_form_carries_a_csrf_token(world):
    """Every form that posts, on every admin page a superuser can open and on the reader pages."""
    client = Client()
    client.force_login(world["alice"])
    checked = 0
    for path, _ in all_paths(world):
        if path.startswith("/api/") or path.startswith(("/admin/logout/", "/admin/r/")):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method=["\']?post', form[:300], flags=re.I):
                checked += 1
                assert "csrfmiddlewaretoken" in form, f"a POST form on {path} has no CSRF token"
    assert checked > 10  # the add and change pages of every model at least


# --- SQL -------------------------------------------------------------------------------------

SQL_SINKS = {"execute", "executemany", "raw", "extra", "RawSQL"}
# Calls whose result may go into SQL text: ORM-compiled SQL, quoted identifiers, numbers.
TRUSTED_CALLS = {"sql_with_params", "as_sql", "quote_name", "int", "float"}


def trusted_names(function: ast.AST) -> set[str]:
    """Names assigned from a table name or from ORM-compiled SQL in this function."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and trusted(node.value, set()):
            for target in node.targets:
                first = target.elts[0] if isinstance(target, ast.Tuple) else target
                if isinstance(first, ast.Name):
                    names.add(first.id)
    return names


def trusted(node: ast.AST, names: set[str]) -> bool:
    """SQL text made only of literals, table names, integers and ORM-compiled SQL."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Attribute) and node.attr in ("db_table", "column", "attname"):  # a model's own names
        return True
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):  # f.column for f in fields
        return trusted(node.elt, names)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return func in TRUSTED_CALLS or joined_constants(node, names)
    if isinstance(node, ast.JoinedStr):
        return all(trusted(part.value if isinstance(part, ast.FormattedValue) else part, names) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return trusted(node.left, names) and trusted(node.right, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # ["%s"] * len(names)
        return trusted(node.left, names) and is_count(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(trusted(element, names) for element in node.elts)
    return False


def module_constants(tree: ast.Module) -> set[str]:
    """Names a module assigns at its top level from trusted SQL text (each may use those before it)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and trusted(node.value, names):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def is_count(node: ast.AST) -> bool:
    """An integer literal or a len(...): repeats a trusted fragment, adds no text of its own."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int)
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "len"


def joined_constants(node: ast.AST, names: set[str]) -> bool:
    """`", ".join(<trusted fragments>)`: a literal separator between trusted SQL fragments."""
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant) and len(node.args) == 1 and trusted(node.args[0], names)
    )


def sql_arguments(call: ast.Call) -> list[ast.AST]:
    """The arguments of a SQL sink that are SQL text: the first, and .extra()'s where/select."""
    texts = list(call.args[:1])
    for keyword in call.keywords:
        if keyword.arg in ("where", "select", "sql"):
            value = keyword.value
            texts += value.elts if isinstance(value, (ast.List, ast.Tuple)) else value.values if isinstance(value, ast.Dict) else [value]
    return texts


def test_no_sql_is_built_from_input_in_the_application():
    """Values reach SQL as query parameters; SQL text is built only from constants,
    table names, integers and SQL the ORM compiled (which carries its own parameters)."""
    offenders = []
    for folder in ("conflictdb", "events", "extraction"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            # A nested function sees the trusted names of the functions around it (a closure).
            enclosing = {id(inner): outer for outer in functions for inner in ast.walk(outer) if inner in functions and inner is not outer}
            constants = module_constants(tree)
            for function in [tree, *functions]:
                names, scope = trusted_names(function) | constants, function
                while id(scope) in enclosing:
                    scope = enclosing[id(scope)]
                    names |= trusted_names(scope)
                for node in ast.walk(function):
                    if not isinstance(node, ast.Call):
                        continue
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if name in SQL_SINKS and not all(trusted(text, names) for text in sql_arguments(node)):
                        offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert sorted(set(offenders)) == [], "\n".join(sorted(set(offenders)))



def sql_offenders(source: str) -> list[int]:
    """Line numbers of SQL sinks in `source` whose SQL text the check above does not trust."""
    tree = ast.parse(source)
    names = trusted_names(tree) | module_constants(tree)
    return [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in SQL_SINKS
        and not all(trusted(text, names) for text in sql_arguments(node))
    ]


def test_the_sql_check_rejects_text_from_input_and_accepts_fragments_of_constants():
    assert sql_offenders("cursor.execute(f'SELECT * FROM t WHERE name = {name}')") == [1]
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join(columns))") == [1]
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join(['%s'] * n))") == [1]  # n may be anything
    assert sql_offenders("cursor.execute('SELECT ' + sep.join(['%s'] * 2))") == [1]
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join(['set_config(%s, %s, true)'] * len(names)), params)") == []
    assert sql_offenders("sql, params = qs.query.sql_with_params()\ncursor.execute('EXPLAIN ' + sql, params)") == []
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join(f.column for f in Story._meta.fields))") == []
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join(c for c in columns))") == [1]
    assert sql_offenders("cursor.execute('SELECT ' + ', '.join([name.upper() for name in columns]))") == [1]
    constant = "TABLE = Story._meta.db_table\nSQL = f'SELECT * FROM {TABLE}'\ndef count():\n    cursor.execute(SQL)"
    assert sql_offenders(constant) == []
    assert sql_offenders(constant.replace("Story._meta.db_table", "request.GET['t']")) == [4]

# --- uploads ---------------------------------------------------------------------------------


def test_a_request_body_over_the_limit_is_refused_with_400(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/admin/login/", {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 400


def upload_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("admin:events_ingestrun_upload")
    except NoReverseMatch:
        pytest.skip("the admin has no upload view")


def test_an_upload_over_the_size_limit_is_refused(carol, settings):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.models import Story

    url = upload_url()
    settings.INGEST_MAX_FILE_BYTES = 1024
    client = Client()
    client.force_login(carol)
    response = client.post(url, {"file": SimpleUploadedFile("big.txt", b"Headline\n\nBEIRUT (Reuters) - text. " * 200)})
    assert response.status_code == 200  # the form again, with the reason
    assert "over the" in response.content.decode()
    assert Story.objects.count() == 0


@pytest.mark.parametrize("name,content", [("map.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), ("dump.txt", b"PK\x03\x04" + bytes(300))])
def test_a_binary_upload_is_refused_whatever_its_name(carol, name, content):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.models import Story

    url = upload_url()
    client = Client()
    client.force_login(carol)
    client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert Story.objects.count() == 0
    assert IngestFailure.objects.filter(reason__contains="binary").exists()


def test_sessions_and_csrf_cookies_are_not_readable_cross_site():
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.CSRF_COOKIE_SAMESITE in ("Lax", "Strict")

