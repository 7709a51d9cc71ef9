"""Reading, checking and loading the whole shipped catalogue: what `onestop init` costs.

Measures, on a fresh database each round: `read_catalogue` (parse and check every file with its
overlay), the first load into an empty database, and a second load that finds nothing changed;
then `onestop catalogue import` of the national records into an empty folder.
Run: `.venv/bin/python bench/catalogue_load.py [--rounds 3] [--database-url URL]`
(default: a temporary SQLite file; a PostgreSQL URL is emptied first, so give a scratch one).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from onestop import db, migrate
from onestop.catalogue.files import read_catalogue
from onestop.catalogue.importing import import_records
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
CATALOGUE = ROOT / "procedures"
RECORDS = ROOT / "tests" / "data" / "national"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def fresh_database(url: str | None, folder: Path, round_: int) -> str:
    if url is None:
        return f"sqlite:///{folder / f'round{round_}.db'}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def load_once(url: str) -> float:
    database = db.Database(url)
    with database.session_scope() as session:
        spent, _ = timed(lambda: load_catalogue(session, directory=CATALOGUE, now=NOW))
    database.engine.dispose()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    results: dict[str, list[float]] = {"read": [], "first": [], "again": [], "import": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for round_ in range(args.rounds):
            spent, catalogue = timed(lambda: read_catalogue(CATALOGUE))
            results["read"].append(spent)
            url = fresh_database(args.database_url, folder, round_)
            migrate.upgrade(url)
            results["first"].append(load_once(url))
            results["again"].append(load_once(url))
            target = folder / f"import{round_}"
            target.mkdir()
            shutil.copy(CATALOGUE / "agencies.yaml", target)
            spent, _ = timed(lambda target=target: import_records([RECORDS], root=target))
            results["import"].append(spent)
    files = len(list(CATALOGUE.rglob("*.yaml")))
    print(f"catalogue: {len(catalogue.procedures)} procedures, {files} files")
    for name, values in results.items():
        print(f"{name:>7}: median {statistics.median(values):7.0f} ms, max {max(values):7.0f} ms")


if __name__ == "__main__":
    main()
