"""A throwaway database: a SQLite file in a folder, or a schema of its own in PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from onestop import db, migrate
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT, normalise_database_url


def with_schema(url: str, schema: str) -> str:
    # As tests/conftest.py does: libpq's `options` puts every connection in that schema, so the
    # app, its migrations and servers in other processes all use it with nothing but the URL.
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def empty(folder: Path, database_url: str | None = None, *, keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty database, dropped at the end unless `keep`.

    Without `database_url`, a SQLite file in `folder`; with a PostgreSQL URL, a new schema in
    that database (never its existing tables).
    """
    if not database_url:
        path = folder / f"onestop-{secrets.token_hex(4)}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            if not keep:
                for suffix in ("", "-wal", "-shm"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    base = normalise_database_url(database_url)
    if not base.startswith("postgresql"):
        raise SystemExit("--database-url: only PostgreSQL URLs (SQLite is the default)")
    schema = f"bench_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        yield with_schema(base, schema)
    finally:
        if keep:
            print(f"kept schema {schema}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def prepare(url: str, *, now: datetime) -> None:
    """Migrate the database to the newest schema and load the shipped catalogue."""
    migrate.upgrade(url)
    database = db.Database(url)
    try:
        with database.session_scope() as session:
            load_catalogue(session, directory=ROOT / "procedures", now=now)
    finally:
        database.engine.dispose()


@contextmanager
def throwaway(
    folder: Path, database_url: str | None = None, *, now: datetime, keep: bool = False
) -> Iterator[str]:
    """A new database, migrated and with the catalogue; dropped at the end unless `keep`."""
    with empty(folder, database_url, keep=keep) as url:
        prepare(url, now=now)
        yield url


def shown(url: str) -> str:
    """The URL as printed: without the schema option (which says nothing to a reader)."""
    return url.split("?")[0] + (" (own schema)" if "?" in url else "")
