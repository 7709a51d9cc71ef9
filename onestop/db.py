"""Database engine, sessions and column types shared by every domain package.

Services take a session and flush; the request, CLI command or job commits once at the edge:
`_commit` after a request, `Database.session_scope` for a command or a job.
"""

from __future__ import annotations

import logging
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Connection, DateTime, Engine, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

# Stable constraint names, so that Alembic migrations name them the same on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


log = logging.getLogger("onestop.db")
V = TypeVar("V", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; SQLite keeps no offset, so store UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database: pass an aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current instant; only edges (views, CLI, jobs) call it and pass `now` down."""
    return datetime.now(UTC)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks savepoints; SQLAlchemy
    # emits BEGIN itself instead (see _sqlite_begin), as its documentation recommends.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer writes; the timeout queues writers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate")
    # Straight to the driver: every request begins one, and this is half the cost of
    # going through SQLAlchemy's statement execution.
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session) -> None:
    """Begin the session's transaction as a writer.

    On SQLite, BEGIN IMMEDIATE takes the write lock at once: a transaction that reads and
    then writes would otherwise fail on a stale snapshot when another writer went first.
    Writers queue on the busy timeout instead. PostgreSQL needs nothing here.
    """
    if session.in_transaction():
        return
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_immediate": True})


def private_file(path: Path) -> Callable[..., None]:
    """A connect hook keeping the database file readable by this account only (0600): it holds
    every applicant's ID number and phone. SQLite creates the file at the first connection
    (with the umask's mode) and gives its -wal and -shm files the file's mode. The folder is
    created 0700 when it does not exist."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)

    def make_private(*_args: Any) -> None:
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:  # an in-memory or not yet written database
            pass

    return make_private


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and their folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_connect)
        if parsed.database and parsed.database != ":memory:":
            event.listen(engine, "connect", private_file(Path(parsed.database)))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One engine and its session factory; tests may rebind the factory to a connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine, class_=Session, expire_on_commit=False)
        # Tests point both at the connection of their outer transaction.
        self.reader: Callable[[], AbstractContextManager[Connection]] = self._read_connection

    @contextmanager
    def _read_connection(self) -> Iterator[Connection]:
        """A pooled connection for reads only, without an ORM session. On PostgreSQL it runs
        in autocommit: no BEGIN and no ROLLBACK, two round trips fewer per page. SQLite keeps
        its (cheap, local) deferred BEGIN: switching its isolation level per checkout would
        undo the explicit-BEGIN set-up of `_sqlite_connect`."""
        conn = self.engine.connect()
        try:
            if self.engine.dialect.name != "sqlite":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def session_scope(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction for a CLI command or a job: committed once when the block ends,
        rolled back on any error. `write` takes SQLite's write lock from the start."""
        session = self.sessionmaker()
        try:
            if write:
                begin_write(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def init_app(app: Flask) -> None:
    app.extensions["onestop.db"] = Database(app.config["DATABASE_URL"])
    app.after_request(_commit)
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    found: Database = (app or current_app).extensions["onestop.db"]
    return found


def session() -> Session:
    """The session of the current request, committed by the edge (`_commit`), never by a view.

    A request that may write (any method but GET, HEAD, OPTIONS) begins as a writer, so on
    SQLite it holds the write lock for its whole transaction (docs/transactions.md)."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
        if has_request_context() and _may_write():
            begin_write(g.db_session)
    current: Session = g.db_session
    return current


def read_only(view: V) -> V:
    """Mark a view that never writes although its method could (a search sent by POST to keep
    what was typed out of logs): its requests do not queue behind SQLite's writers."""
    view.onestop_read_only = True  # type: ignore[attr-defined]  # a marker on a function
    return view


def _may_write() -> bool:
    if request.method in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "onestop_read_only", False)


class DriverQuery:
    """A SELECT compiled once per dialect and run straight on the driver's cursor; each value
    goes through its column type's own SQLAlchemy result processor, so rows come back exactly
    as `Connection.execute` would give them. For the busiest read of all (the QR page), where
    SQLAlchemy's per-statement machinery costs five times SQLite's own work."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._prepared: dict[str, _Prepared] = {}

    def rows(self, conn: Connection, **params: Any) -> list[Any]:
        prepared = self._prepared.get(conn.dialect.name) or self._prepare(conn)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(prepared.sql, prepared.arguments(params))
            raw = cursor.fetchall()
        finally:
            cursor.close()
        make, processors = prepared.row, prepared.processors
        return [make(*(p(v) if p else v for p, v in zip(processors, r, strict=True))) for r in raw]

    def _prepare(self, conn: Connection) -> _Prepared:
        dialect = conn.dialect
        compiled = self.statement.compile(dialect=dialect)
        columns = list(self.statement.selected_columns)
        prepared = _Prepared(
            sql=compiled.string,
            positions=list(compiled.positiontup or []) if compiled.positional else None,
            processors=[
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            ],
            row=namedtuple("Row", [c.key for c in columns]),  # type: ignore[misc]  # dynamic
        )
        self._prepared[dialect.name] = prepared
        return prepared


@dataclass(frozen=True)
class _Prepared:
    sql: str
    positions: list[str] | None  # parameter names in order, for drivers with `?` markers
    processors: list[Callable[[Any], Any] | None]
    row: Callable[..., Any]

    def arguments(self, params: dict[str, Any]) -> Any:
        return params if self.positions is None else tuple(params[n] for n in self.positions)


def reading() -> AbstractContextManager[Connection]:
    """A connection for a read-only page that needs no session (the QR page): Core queries of
    committed rows, no ORM, no transaction to end. Never write through it."""
    return database().reader()


def keep_on_error() -> None:
    """This request's writes stand even though it answers with an error (a failed login is
    recorded although the login is refused)."""
    g.db_keep_on_error = True


def later(work: Callable[[Session], None]) -> None:
    """Run `work` in a short transaction of its own once the response has been sent: for
    bookkeeping that must not make a read a write, nor hold a writer's lock any longer."""
    g.setdefault("db_later", []).append(work)


def _commit(response: Response) -> Response:
    """The one commit of a request: a success commits, an error answer (4xx, 5xx) does not."""
    s = g.get("db_session")
    if s is not None and (response.status_code < 400 or g.get("db_keep_on_error")):
        s.commit()
    for work in g.pop("db_later", ()):
        response.call_on_close(partial(_run_later, database(), work))
    return response


def _run_later(db: Database, work: Callable[[Session], None]) -> None:
    try:
        with db.session_scope() as s:
            work(s)
    except Exception:  # bookkeeping only: never fail a request that has been answered
        log.warning("deferred database work failed", exc_info=True)


def _close_session(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        # Whatever was not committed is discarded: nothing half-written.
        s.rollback()
        s.close()
