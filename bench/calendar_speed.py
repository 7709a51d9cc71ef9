"""Benchmark: WorkingCalendar against a naive day-by-day walk that asks `holidays` every day.

    .venv/bin/python bench/calendar_speed.py [--n 100000] [--seed 1] [--calendar FILE]

Both compute the due times of the same N random receptions (instants across 2025-2027, units
and values as the catalogue states them); the script checks that every result is identical,
then prints both timings and their ratio. The naive walk is tests/calendar/naive.py, the
reference the test suite checks the engine against. Figures are kept in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__ and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # Run as a file, Python put bench/ first on sys.path: put the project root, which holds
    # the packages `bench` and `tests`, in its place (`python -m bench.NAME` needs none of it).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import platform
import time as clock
from collections.abc import Callable
from datetime import date, datetime
from importlib.metadata import version

import holidays

from onestop.calendar import Amount, Unit, WorkingCalendar, parse_overrides_file
from onestop.config import ROOT
from tests.calendar.naive import Case, NaiveCalendar, make_cases

Due = Callable[[datetime, Amount, Unit], datetime]


def run(compute: Due, cases: list[Case]) -> list[datetime]:
    return [compute(received, value, unit) for received, value, unit in cases]


def timed(build: Callable[[], Due], cases: list[Case]) -> tuple[float, list[datetime]]:
    """Seconds to build the calculator (tables, holiday sets) and compute every case."""
    started = clock.perf_counter()
    results = run(build(), cases)
    return clock.perf_counter() - started, results


def check_identical(cases: list[Case], fast: list[datetime], slow: list[datetime]) -> None:
    for case, a, b in zip(cases, fast, slow, strict=True):
        if a.isoformat() != b.isoformat():
            raise SystemExit(f"MISMATCH for {case}: engine {a.isoformat()}, naive {b.isoformat()}")


def per_unit(
    engine: WorkingCalendar, naive: NaiveCalendar, cases: list[Case]
) -> list[tuple[Unit, int, float, float]]:
    """Warm timings (tables and holiday sets already built) per unit: (unit, n, engine, naive)."""
    rows = []
    for unit in Unit:
        subset = [case for case in cases if case[2] is unit]
        fast_s, _ = timed(lambda: engine.due, subset)
        slow_s, _ = timed(lambda: naive.due, subset)
        rows.append((unit, len(subset), fast_s, slow_s))
    return rows


class RebuildingCalendar(NaiveCalendar):
    """The naive walk without even a cached holiday set: `holidays` is built for every date."""

    def is_working(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        package = holidays.country_holidays("VN", years=day.year, language="vi")
        if day in package.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in package


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calendar", type=Path, default=ROOT / "procedures" / "calendar.yaml")
    parser.add_argument(
        "--rebuild-sample",
        type=int,
        default=1000,
        help="cases also timed with the holiday set rebuilt for every date (slow; 0 to skip)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    overrides = parse_overrides_file(args.calendar)
    cases = make_cases(args.n, args.seed)
    engine = naive = None

    def build_engine() -> Due:
        nonlocal engine
        engine = WorkingCalendar(overrides=overrides)
        return engine.due

    def build_naive() -> Due:
        nonlocal naive
        # The receptions' years and one either side: a swap can cross New Year.
        naive = NaiveCalendar(overrides, range(2024, 2030))
        return naive.due

    engine_s, fast = timed(build_engine, cases)
    naive_s, slow = timed(build_naive, cases)
    check_identical(cases, fast, slow)
    print(f"python {platform.python_version()}, holidays {version('holidays')}")
    print(f"N={args.n} seed={args.seed} calendar={args.calendar}: all {args.n} results identical")
    print("cold (building tables / holiday set included):")
    print(f"  engine {engine_s:8.3f} s {engine_s / args.n * 1e6:8.2f} us/due")
    print(f"  naive  {naive_s:8.3f} s {naive_s / args.n * 1e6:8.2f} us/due")
    print(f"  ratio  {naive_s / engine_s:8.1f}x  (goal >= 20x)")
    print("warm, per unit:       n   engine us   naive us   ratio")
    assert engine is not None and naive is not None
    for unit, count, fast_s, slow_s in per_unit(engine, naive, cases):
        print(
            f"  {unit.value:<14} {count:6d} {fast_s / count * 1e6:11.2f}"
            f" {slow_s / count * 1e6:10.2f} {slow_s / fast_s:7.1f}x"
        )
    if args.rebuild_sample:
        sample = cases[: args.rebuild_sample]
        rebuild_s, rebuilt = timed(lambda: RebuildingCalendar(overrides, range(0)).due, sample)
        check_identical(sample, fast[: len(sample)], rebuilt)
        per_due = rebuild_s / len(sample)
        print(
            f"naive walk rebuilding the holiday set for every date, first {len(sample)} cases:"
            f" {per_due * 1e6:.0f} us/due, ratio {per_due / (engine_s / args.n):.0f}x"
        )


if __name__ == "__main__":
    main()
