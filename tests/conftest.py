"""Fixtures: every database test runs on SQLite and, when ONESTOP_TEST_DATABASE_URL is set,
on PostgreSQL too. Each database is migrated once per run; each test runs inside an outer
transaction that is rolled back, so tests never see each other's rows."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from onestop import db, migrate
from onestop.app import create_app
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT, normalise_database_url

PG_URL = os.environ.get("ONESTOP_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam, a Wednesday


def _with_schema(url: str, schema: str) -> str:
    # libpq's `options` puts every connection of the engine in that schema.
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a new, empty schema of the test PostgreSQL database, dropped on the way out."""
    assert PG_URL is not None
    base = normalise_database_url(PG_URL)
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _with_schema(base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the backend under test."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'onestop.db'}"
        return
    with pg_schema() as url:
        yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that touches a database once per backend."""
    if "empty_database_url" in metafunc.fixturenames:
        metafunc.parametrize("empty_database_url", BACKENDS, indirect=True)
    elif "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


@pytest.fixture(scope="session")
def migrated_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database with the shipped catalogue, per backend and per test run."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'onestop.db'}"
        else:
            url = stack.enter_context(pg_schema())
        migrate.upgrade(url)
        database = db.Database(url)
        with database.session_scope() as session:
            load_catalogue(session, directory=ROOT / "procedures", now=NOW)
        database.engine.dispose()
        yield url


@pytest.fixture
def connection(migrated_url: str) -> Iterator[Connection]:
    engine = db.make_engine(migrated_url)
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()
    engine.dispose()


@pytest.fixture
def app(
    migrated_url: str, connection: Connection, tmp_path: Path, request: pytest.FixtureRequest
) -> Flask:
    """The app on the test's transaction; `@pytest.mark.config(NAME=value)` adds settings."""
    marker = request.node.get_closest_marker("config")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": migrated_url,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "PUBLIC_RATE_LIMIT": "0",
            "NOW": NOW,  # the views' clock: 09:00 on Wednesday 25/11/2026 in Vietnam
        }
        | (marker.kwargs if marker else {})
    )
    database = db.database(app)
    database.engine.dispose()
    # Commits in views become savepoint releases inside the test's outer transaction.
    database.sessionmaker = sessionmaker(
        bind=connection,
        class_=Session,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
    )
    database.reader = lambda: nullcontext(connection)
    return app


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session on the test's transaction, for calling services directly."""
    s = db.database(app).sessionmaker()
    yield s
    s.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(session: Session) -> Callable[..., Any]:
    """Factory: make_user(role="officer", agency_code=...) -> (user, password)."""
    from onestop.accounts.services import create_user

    counter = iter(range(1, 10_000))

    def make(role: str = "officer", agency_code: str | None = "000.01.31.H21", **kw: Any) -> Any:
        if role == "admin":
            agency_code = None
        username = kw.pop("username", f"{role}{next(counter)}")
        user, password = create_user(
            session,
            username=username,
            role=role,
            agency_code=agency_code,
            password=kw.pop("password", "mat-khau-dung-1"),
            now=NOW,
            **kw,
        )
        session.commit()
        return user, password

    return make


class Auth:
    """Logging in and out through the real form, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf(self, path: str = "/dang-nhap") -> str:
        page = self.client.get(path).get_data(as_text=True)
        marker = 'name="csrf_token" type="hidden" value="'
        start = page.index(marker) + len(marker)
        return page[start : page.index('"', start)]

    def login(self, username: str, password: str, **kw: Any) -> Any:
        data = {"username": username, "password": password, "csrf_token": self.csrf()}
        return self.client.post("/dang-nhap", data=data, **kw)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def token(session: Session, make_user: Callable[..., Any]) -> Callable[..., str]:
    """Factory: token(role, **user fields) -> a bearer token of a new user with that role."""
    from onestop.accounts.services import create_token

    def make(role: str = "officer", **kw: Any) -> str:
        user, _ = make_user(role, **kw)
        secret = create_token(session, user=user, now=NOW)
        session.commit()
        return secret

    return make
