"""`onestop backup` and `onestop restore`, run as an operator runs them, on real databases."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from onestop import db
from onestop import demo as demo_module
from onestop.accounts.services import create_user, get_user
from tests.conftest import NOW, PG_URL, pg_schema
from tests.factories import OFFICE, make_dossier

DEMO_DOSSIERS = len(demo_module.SAMPLES) + len(demo_module.JOURNEYS)  # made by init --demo
ONESTOP = Path(sys.executable).with_name("onestop")
# The CLI keeps the demo passwords in ROOT/instance, which no environment variable moves:
# this runs the very same command with the instance folder inside the test's folder.
INIT_DEMO = (
    "import sys; from pathlib import Path; from onestop import config; "
    "config.INSTANCE = Path(sys.argv[1]); from onestop.cli import main; main(['init', '--demo'])"
)


def _env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "ONESTOP_DATABASE_URL": url, "ONESTOP_SECRET_KEY": "test", **extra}


def onestop(
    url: str, *args: str, cwd: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ONESTOP), *args],
        env=_env(url, **env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def init_demo(url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INIT_DEMO, str(tmp_path / "instance")],
        env=_env(url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Hồ sơ mẫu" in done.stdout


def dossiers(url: str) -> dict[str, list[tuple[str, int]]]:
    """Every dossier's code with its events (action, to status), in order."""
    engine = create_engine(url)
    query = text(
        "SELECT d.code, e.action, e.to_status FROM dossier d"
        " LEFT JOIN dossier_event e ON e.dossier_id = d.id ORDER BY d.code, e.id"
    )
    found: dict[str, list[tuple[str, int]]] = {}
    try:
        with engine.connect() as conn:
            for code, action, to_status in conn.execute(query):
                found.setdefault(code, [])
                if action is not None:
                    found[code].append((action, to_status))
    finally:
        engine.dispose()
    return found


class Writer(threading.Thread):
    """Receives dossiers one after another through its own connection, as a counter does.

    `log` holds (began, committed, code) in commit order, on time.monotonic()."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.database = db.Database(url)
        self.log: list[tuple[float, float, str]] = []
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.database.session_scope() as session:
                create_user(session, username="writer", role="officer", agency_code=OFFICE, now=NOW)
            while not self.stopping.is_set():
                began = time.monotonic()
                with self.database.session_scope() as session:
                    code = make_dossier(session, get_user(session, "writer")).code
                self.log.append((began, time.monotonic(), code))
        except BaseException as exc:
            self.error = exc
        finally:
            self.database.engine.dispose()

    def wait_for(self, condition: str, predicate: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while not predicate():
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"the writer never got to: {condition}"
            time.sleep(0.01)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)
        assert not self.is_alive()
        assert self.error is None, self.error

    def __enter__(self) -> Writer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        # Also when an assertion failed: the database is dropped once the test ends.
        self.stopping.set()
        self.join(timeout=30)


def emptied(url: str, tmp_path: Path) -> str:
    """An empty database to restore into: a new SQLite file, or the PostgreSQL schema of
    `url` dropped and made again (pg_restore writes back into the schema it dumped)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'onestop.db'}"
    schema = re.search(r"search_path%3D(\w+)", url)
    assert schema is not None
    admin = create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema[1]} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema[1]}"))
    admin.dispose()
    return url


def backup_name(url: str) -> str:
    return "backup.db" if url.startswith("sqlite") else "backup.dump"


def test_backup_under_load_then_restore_into_an_empty_database(
    empty_database_url: str, tmp_path: Path
) -> None:
    url = empty_database_url
    init_demo(url, tmp_path)
    demo = dossiers(url)
    assert len(demo) == DEMO_DOSSIERS
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / backup_name(url)

    with Writer(url) as writer:
        writer.wait_for("3 dossiers", lambda: len(writer.log) >= 3)
        started = time.monotonic()
        done = onestop(url, "backup", str(target), cwd=tmp_path)
        ended = time.monotonic()
        writer.wait_for("a dossier after the backup", lambda: writer.log[-1][0] > ended)
        writer.stop()

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Đã sao lưu cơ sở dữ liệu vào {target} (")
    assert len(done.stdout.splitlines()) == 1
    assert any(started < committed < ended for _, committed, _ in writer.log), "no load"
    assert [p.name for p in folder.iterdir()] == [target.name]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o600
    source = dossiers(url)
    order = [code for _, _, code in writer.log]
    before = set(demo) | {code for _, committed, code in writer.log if committed < started}
    after = {code for began, _, code in writer.log if began > ended}

    restored_url = emptied(url, tmp_path)
    restored = onestop(restored_url, "restore", "--yes", str(target), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    found = dossiers(restored_url)
    assert restored.stdout.strip() == f"Đã khôi phục từ {target}: {len(found)} hồ sơ."
    assert before <= set(found)
    assert not after & set(found)
    # One instant: the writer's dossiers up to some point, none missing before it.
    mine = [code for code in order if code in found]
    assert mine == order[: len(mine)]
    for code, events in found.items():
        assert events and events == source[code], code
    if restored_url.startswith("sqlite"):
        database = make_url(restored_url).database
        assert database is not None
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_restore_in_place_after_more_writes(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    init_demo(url, tmp_path)
    target = tmp_path / backup_name(url)
    assert onestop(url, "backup", str(target), cwd=tmp_path).returncode == 0
    # The app goes on serving: a pooled connection stays open across the restore.
    app_database = db.Database(url)
    try:
        with app_database.session_scope() as session:
            officer, _ = create_user(
                session, username="lan", role="officer", agency_code=OFFICE, now=NOW
            )
            later = {make_dossier(session, officer).code for _ in range(3)}
        assert later <= set(dossiers(url))

        restored = onestop(url, "restore", "--yes", str(target), cwd=tmp_path)
        assert restored.returncode == 0, restored.stderr
        assert restored.stdout.endswith(f": {DEMO_DOSSIERS} hồ sơ.\n")
        with app_database.session_scope(write=False) as session:
            codes = set(session.execute(text("SELECT code FROM dossier")).scalars())
        assert len(codes) == DEMO_DOSSIERS and not later & codes
    finally:
        app_database.engine.dispose()


def test_a_failed_backup_writes_nothing(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    missing = tmp_path / "no-such-folder" / "onestop.db"
    done = onestop(url, "backup", str(missing), cwd=tmp_path)
    assert done.returncode == 1
    assert "Không có thư mục" in done.stderr and "Traceback" not in done.stderr
    assert not missing.parent.exists()

    folder = tmp_path / "backups"
    folder.mkdir()
    if url.startswith("sqlite"):
        broken = f"sqlite:///{tmp_path / 'never-created.db'}"  # no database there
    else:
        broken = make_url(url).set(database="onestop_no_such_database").render_as_string(False)
    done = onestop(broken, "backup", str(folder / "onestop.bak"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("Lỗi: ") and "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []


def test_restore_refuses_what_is_not_a_backup(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    init_demo(url, tmp_path)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("không phải bản sao lưu\n" * 100)
    other_sqlite = tmp_path / "other.db"
    with sqlite3.connect(other_sqlite) as conn:
        conn.execute("CREATE TABLE dossier (id INTEGER)")
    other_sqlite_size = other_sqlite.stat().st_size
    for path in (text_file, other_sqlite, tmp_path / "missing.db"):
        done = onestop(url, "restore", "--yes", str(path), cwd=tmp_path)
        assert done.returncode == 1, path
        assert done.stderr.startswith("Lỗi: ") and "Traceback" not in done.stderr
    asked = onestop(url, "restore", str(text_file), cwd=tmp_path, stdin="n\n")
    assert asked.returncode == 1 and "Aborted" in asked.stderr
    assert len(dossiers(url)) == DEMO_DOSSIERS
    assert other_sqlite.stat().st_size == other_sqlite_size
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.skipif(not PG_URL, reason="ONESTOP_TEST_DATABASE_URL is not set")
def test_pg_restore_refuses_another_schemas_backup(tmp_path: Path) -> None:
    with pg_schema() as first, pg_schema() as second:
        init_demo(first, tmp_path)
        target = tmp_path / "first.dump"
        assert onestop(first, "backup", str(target), cwd=tmp_path).returncode == 0
        init_demo(second, tmp_path)
        done = onestop(second, "restore", "--yes", str(target), cwd=tmp_path)
        assert done.returncode == 1
        assert "schema" in done.stderr and "Traceback" not in done.stderr
        assert len(dossiers(first)) == DEMO_DOSSIERS and len(dossiers(second)) == DEMO_DOSSIERS


@pytest.mark.skipif(not PG_URL, reason="ONESTOP_TEST_DATABASE_URL is not set")
def test_pg_dump_missing(tmp_path: Path) -> None:
    with pg_schema() as url:
        done = onestop(url, "backup", str(tmp_path / "x.dump"), cwd=tmp_path, PATH=str(tmp_path))
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.dump").exists()
