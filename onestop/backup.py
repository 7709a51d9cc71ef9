"""Backing the database up while the app serves, and putting a backup back.

SQLite goes through its online backup API, PostgreSQL through pg_dump and pg_restore.
A backup holds ID numbers and phone numbers: it is written with mode 0600.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why, for the operator."""


def backup(url: str, path: Path) -> Path:
    """Write a consistent copy of the database at `url` to `path`; returns `path`.

    The copy goes to a temporary file beside `path`, renamed once complete, so a failed
    backup never leaves a half-written file and never spoils an older backup of that name.
    """
    parsed = make_url(url)
    if not path.parent.is_dir():
        raise BackupError(f"Không có thư mục {path.parent}: không ghi gì.")
    if path.is_dir():
        raise BackupError(f"{path} là một thư mục: hãy cho tên tệp.")
    if parsed.get_backend_name() == "sqlite":
        database = _sqlite_file(parsed)
        if _same_file(path, database):
            raise BackupError("Không thể sao lưu đè lên chính cơ sở dữ liệu.")
        _write_atomically(path, lambda tmp: _sqlite_copy(database, tmp))
    else:
        # pg_dump reads everything in one snapshot, and blocks no writer.
        args = ["--format=custom", *(f"--schema={s}" for s in _schemas(parsed))]
        _write_atomically(path, lambda tmp: _pg_run("pg_dump", parsed, [*args, f"--file={tmp}"]))
    return path


def restore(url: str, path: Path) -> int:
    """Replace the database at `url` with the backup at `path`; returns the dossiers in it."""
    parsed = make_url(url)
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    if parsed.get_backend_name() == "sqlite":
        database = _sqlite_file(parsed, must_exist=False)
        if _same_file(path, database):
            raise BackupError("Tệp sao lưu chính là cơ sở dữ liệu đang dùng.")
        _sqlite_restore(path, database)
    else:
        _pg_check_archive(parsed, path)
        # One transaction: a restore that fails half-way leaves the database as it was.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _pg_run("pg_restore", parsed, [*options, str(path)])
    return _count_dossiers(url)


def size_text(size: int) -> str:
    """A file size as people read it: 812 B, 40.0 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


# SQLite


def _sqlite_file(parsed: URL, *, must_exist: bool = True) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ: không có gì để sao lưu.")
    database = Path(parsed.database)
    if must_exist and not database.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu {database}.")
    return database


def _open_read_only(path: Path) -> sqlite3.Connection:
    # Read-only: a wrong path must never create an empty database, nor change a file.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)


def _sqlite_copy(database: Path, target_path: Path) -> None:
    try:
        source = _open_read_only(database)
        target = sqlite3.connect(target_path)
        try:
            # All pages in one step, inside one read transaction: a snapshot of one instant.
            # In WAL mode the app's writers go on meanwhile.
            source.backup(target)
            # The copy inherits WAL mode; make it one self-contained file with no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Sao lưu SQLite lỗi: {exc}.") from exc


def _sqlite_restore(path: Path, database: Path) -> None:
    try:
        source = _open_read_only(path)
        try:
            _check_sqlite_backup(source, path)
            target = sqlite3.connect(database, timeout=10)
            try:
                # One step under the write lock: the app's connections see the old database or
                # the restored one, never a mix; WAL mode of the live file is kept.
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Khôi phục SQLite lỗi: {exc}.") from exc


def _check_sqlite_backup(source: sqlite3.Connection, path: Path) -> None:
    not_ours = BackupError(f"{path} không phải bản sao lưu SQLite của onestop: không khôi phục.")
    try:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
        verdict = source.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:  # "file is not a database"
        raise not_ours from exc
    if "alembic_version" not in tables:
        raise not_ours
    if verdict != "ok":
        raise BackupError(f"{path} bị hỏng ({verdict}): không khôi phục.")


# PostgreSQL


def _schemas(parsed: URL) -> list[str]:
    """The schemas named by `options=-csearch_path=...` in the URL (tests use one schema)."""
    options = parsed.query.get("options", "")
    found = re.search(r"(?:-c\s*|--)search_path=(\S+)", str(options))
    if not found:
        return []
    names = (name.strip().strip('"') for name in found.group(1).split(","))
    return [name for name in names if name and name != "$user"]


def _pg_run(tool: str, parsed: URL, args: list[str]) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"Không tìm thấy {tool}: cài gói postgresql-client cùng phiên bản chính với máy chủ."
        )
    env = dict(os.environ)
    if parsed.password is not None:
        # The environment, not the command line, which other users can read with ps.
        env["PGPASSWORD"] = str(parsed.password)
    connection = f"--dbname={_conninfo(parsed)}"
    command = [tool, "--no-password", connection, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} lỗi:\n{done.stderr.strip()}")


def _conninfo(parsed: URL) -> str:
    """libpq's `key=value` string; URL query parameters (options, sslmode...) are libpq's own."""
    from psycopg.conninfo import make_conninfo

    params: dict[str, str | int | None] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
    }
    params.update({key: value for key, value in parsed.query.items() if isinstance(value, str)})
    return make_conninfo("", **{key: value for key, value in params.items() if value is not None})


def _pg_check_archive(parsed: URL, path: Path) -> None:
    """Refuse anything but our own archive, and one taken of another schema.

    pg_restore puts objects back in the schema they were dumped from, whatever the URL says:
    restoring another schema's backup would write beside this database, not into it.
    """
    if shutil.which("pg_restore") is None:
        raise BackupError("Không tìm thấy pg_restore: cài gói postgresql-client.")
    listed = subprocess.run(
        ["pg_restore", "--list", str(path)], capture_output=True, text=True, check=False
    )
    found = re.search(r"^\d+; \d+ \d+ TABLE (\S+) alembic_version\b", listed.stdout, re.M)
    if listed.returncode != 0 or not found:
        raise BackupError(f"{path} không phải bản sao lưu pg_dump của onestop: không khôi phục.")
    expected = (_schemas(parsed) or ["public"])[0]
    if found.group(1) != expected:
        raise BackupError(
            f"Bản sao lưu là của schema {found.group(1)}, cơ sở dữ liệu dùng schema {expected}: "
            "không khôi phục."
        )


# Both


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    try:
        # mkstemp creates the file with mode 0600 before anything is written into it.
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"Không ghi được vào {path.parent}: {exc.strerror}.") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with tmp.open("rb") as written:
            os.fsync(written.fileno())  # on disk before the rename makes it the backup
        os.replace(tmp, path)
    except OSError as exc:
        raise BackupError(f"Không ghi được {path}: {exc.strerror}.") from exc
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{end}") for end in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _count_dossiers(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM dossier")).scalar_one())
    finally:
        engine.dispose()
