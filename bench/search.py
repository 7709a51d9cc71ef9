"""Benchmark: the catalogue search over the shipped catalogue.

    .venv/bin/python bench/search.py [--rounds 30] [--per-page 50] [--seed 1]
                                     [--database-url postgresql://...]

Loads procedures/ into a new SQLite database (with --database-url, a schema of its own in that
PostgreSQL database, dropped at the end), then runs every query of the test table
(tests/test_catalogue_search.py) and some one-word queries `--rounds` times, in a shuffled order,
each time in a new session as a request has. Each call is `queries.search_procedures` with the
page the catalogue pages and the API show (50 procedures); the ranking alone
(`search.ranked_codes`, no page of rows loaded) is timed beside it. Prints p50, p95 and max in
ms and the catalogue's size. Goal (issue 10): p95 under 20 ms on SQLite with ~550 procedures.
Figures are kept in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__ and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # Run as a file, Python put bench/ first on sys.path: put the project root, which holds
    # the packages `bench` and `tests`, in its place (`python -m bench.NAME` needs none of it).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bench import database, report
from onestop import db
from onestop.catalogue import search
from onestop.catalogue.models import Procedure
from onestop.catalogue.queries import search_procedures
from tests.test_catalogue_search import FIELDS, QUERIES

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
# What an officer types first, before a second word narrows it: the broadest lists there are.
ONE_WORD = ["dang", "cap", "giay", "dat", "ho", "khai", "xa", "thu tuc", "1.0", "chung"]
GOAL_MS = 20.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="a PostgreSQL database (SQLite by default)")
    return parser.parse_args()


def queries() -> list[tuple[str, str]]:
    """(kind, query): the test table's rows, the field names, the one-word queries."""
    return (
        [("table", q) for q, _, _ in QUERIES]
        + [("field", q) for q, _ in FIELDS]
        + [("one word", q) for q in ONE_WORD]
    )


def in_new_session(base: db.Database, call: Callable[[Session], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `call` in a session of its own, opened and closed as a
    request does. The CPU time of this one process does not grow when other programs share
    the machine; the wall-clock time does."""
    session = base.sessionmaker()
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(session)
        return time.perf_counter() - started, time.process_time() - started_cpu
    finally:
        session.close()


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ms = sorted(s * 1000 for s in seconds)
    return statistics.median(ms), statistics.quantiles(ms, n=20, method="inclusive")[-1], ms[-1]


Timings = dict[tuple[str, str], tuple[list[float], list[float]]]


def run(base: db.Database, args: argparse.Namespace) -> Timings:
    """Wall and CPU seconds by (series, query kind), after one warm-up pass; series "page" is
    `search_procedures`, "ranking" the ranking alone."""
    asked = queries()
    timings: Timings = defaultdict(lambda: ([], []))
    per_query: dict[str, list[float]] = defaultdict(list)

    def page(q: str) -> Callable[[Session], object]:
        return lambda s: search_procedures(s, q=q, per_page=args.per_page)

    def ranking(q: str) -> Callable[[Session], object]:
        return lambda s: search.ranked_codes(s, q=q)

    calls = {"page": page, "ranking": ranking}
    cold = [in_new_session(base, calls["page"](q))[0] for _, q in asked]
    print(f"first pass (names not yet read once by this process): max {max(cold) * 1000:.1f} ms")
    shuffler = random.Random(args.seed)
    for _ in range(args.rounds):
        shuffler.shuffle(asked)
        for kind, q in asked:
            for series, call in calls.items():
                wall, cpu = in_new_session(base, call(q))
                for key in ((series, kind), (series, "all")):
                    timings[key][0].append(wall)
                    timings[key][1].append(cpu)
                if series == "page":
                    per_query[q].append(wall)
    slowest = sorted(per_query, key=lambda q: statistics.median(per_query[q]), reverse=True)
    print("slowest queries (search_procedures, median wall ms):")
    for q in slowest[:5]:
        print(f"  {q!r}: {statistics.median(per_query[q]) * 1000:.1f}")
    return timings


def catalogue_size(base: db.Database) -> tuple[int, int]:
    """Published procedures, and the longest name in characters."""
    with base.session_scope(write=False) as session:
        count = session.exec(select(func.count()).where(col(Procedure.active))).one()
        longest = session.exec(select(func.max(func.length(Procedure.name)))).one()
    return count, longest or 0


def main() -> None:
    args = parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        database.throwaway(Path(tmp), args.database_url, now=NOW) as url,
    ):
        print(report.machine(args.database_url))
        print(f"database: {database.shown(url)}")
        base = db.Database(url)
        try:
            count, longest = catalogue_size(base)
            print(f"catalogue: {count} procedures, longest name {longest} characters")
            print(f"{len(queries())} queries x {args.rounds} rounds, page of {args.per_page}")
            timings = run(base, args)
        finally:
            base.engine.dispose()
    rows = []
    labels = {"page": "search_procedures", "ranking": "ranking only"}
    for (series, kind), (wall, cpu) in sorted(timings.items()):
        p50, p95, top = percentiles(wall)
        cpu50, cpu95, _ = percentiles(cpu)
        rows.append(
            [labels[series], kind, str(len(wall))]
            + [f"{x:.1f}" for x in (p50, p95, top, cpu50, cpu95)]
        )
    header = ["", "queries", "calls", "p50 ms", "p95 ms", "max ms", "CPU p50", "CPU p95"]
    print(report.markdown(rows, header))
    _, p95, _ = percentiles(timings["page", "all"][0])
    met = report.goal(p95 < GOAL_MS)
    print(f"goal p95 < {GOAL_MS:.0f} ms (search_procedures, every query, wall): {met}")


if __name__ == "__main__":
    main()
