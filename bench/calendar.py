"""Benchmark: WorkingCalendar against a naive day-by-day walk that asks `holidays` every day.

    .venv/bin/python bench/calendar.py [--n 100000] [--seed 1] [--calendar FILE]

Both compute the due times of the same N random receptions (instants across 2025-2027, units
and values as the catalogue states them); the script checks that every result is identical,
then prints both timings and their ratio. Figures are kept in docs/PERFORMANCE.md.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# This file is named calendar.py: run as a script, its folder heads sys.path and would hide the
# standard library's `calendar`, which `holidays` imports. Put the project root there instead.
_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

import argparse
import platform
import random
import time as clock
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

import holidays

from onestop.calendar import (
    VN_TZ,
    Amount,
    DayOverride,
    Unit,
    WorkingCalendar,
    parse_overrides_file,
)

Case = tuple[datetime, Amount, Unit]

_SESSIONS_US = (
    (7 * 3600 * 10**6, 11 * 3600 * 10**6 + 1800 * 10**6),
    (13 * 3600 * 10**6 + 1800 * 10**6, 17 * 3600 * 10**6),
)
_CUTOFF_US = 15 * 3600 * 10**6
_HOUR_US = 3600 * 10**6
_DAY_US = 8 * _HOUR_US
_ONE_DAY = timedelta(days=1)
_DEFAULT_CALENDAR = _HERE.parent / "procedures" / "calendar.yaml"


class NaiveCalendar:
    """The obvious implementation: walk day by day, asking `holidays` about each date."""

    def __init__(self, overrides: Iterable[DayOverride], years: range) -> None:
        self.package = holidays.country_holidays("VN", years=years, language="vi")
        self.overrides = {o.day: o.kind == "working_day" for o in overrides}

    def is_working(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day in self.package.weekend_workdays:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self.package

    def due(self, received: datetime, value: Amount, unit: Unit) -> datetime:
        local = received.astimezone(VN_TZ)
        if unit is Unit.DAYS:
            return self.due_days(local, int(value))
        if unit is Unit.SAME_DAY:
            return self.due_same_day(local)
        per = _DAY_US if unit is Unit.WORKING_DAYS else _HOUR_US
        amount = Decimal(str(value).replace(",", ".")) * per
        return self.add(local, int(amount.to_integral_value(rounding=ROUND_CEILING)))

    def add(self, local: datetime, remaining: int) -> datetime:
        day, now = local.date(), _clock_us(local)
        while True:
            if self.is_working(day):
                for start, end in _SESSIONS_US:
                    begin = max(start, now)
                    if begin >= end:
                        continue
                    if remaining <= end - begin:
                        return _at(day, begin + remaining)
                    remaining -= end - begin
            day, now = day + _ONE_DAY, 0

    def due_days(self, local: datetime, days: int) -> datetime:
        day = self.working_on_or_after(local.date() + timedelta(days=days))
        if _at(day, _SESSIONS_US[-1][1]) < local:
            day = self.working_on_or_after(day + _ONE_DAY)
        return _at(day, _SESSIONS_US[-1][1])

    def due_same_day(self, local: datetime) -> datetime:
        day = local.date()
        if not (self.is_working(day) and _clock_us(local) <= _CUTOFF_US):
            day = self.working_on_or_after(day + _ONE_DAY)
        return _at(day, _SESSIONS_US[-1][1])

    def working_on_or_after(self, day: date) -> date:
        while not self.is_working(day):
            day += _ONE_DAY
        return day


def _clock_us(moment: datetime) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * 10**6 + moment.microsecond


def _at(day: date, us: int) -> datetime:
    midnight = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
    return midnight + timedelta(microseconds=us)


def make_cases(n: int, seed: int) -> list[Case]:
    """N receptions at random instants of 2025-2027, with catalogue-like allowances."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=VN_TZ)
    seconds = int((datetime(2028, 1, 1) - datetime(2025, 1, 1)).total_seconds())
    makers: Sequence[Callable[[], tuple[Amount, Unit]]] = (
        lambda: (rng.randint(1, 30), Unit.WORKING_DAYS),
        # 0,25 to 4,5 in quarters, written the Vietnamese way as the catalogue does.
        lambda: (str(Decimal(rng.randint(1, 18)) / 4).replace(".", ","), Unit.WORKING_DAYS),
        lambda: (rng.randint(1, 45), Unit.DAYS),
        lambda: (rng.randint(4, 168), Unit.HOURS),
        lambda: (0, Unit.SAME_DAY),
    )
    cases = []
    for _ in range(n):
        received = start + timedelta(seconds=rng.randrange(seconds))
        value, unit = rng.choice(makers)()
        cases.append((received, value, unit))
    return cases


def run(compute: Callable[[datetime, Amount, Unit], datetime], cases: list[Case]) -> list[datetime]:
    return [compute(received, value, unit) for received, value, unit in cases]


def timed(
    build: Callable[[], Callable[[datetime, Amount, Unit], datetime]], cases: list[Case]
) -> tuple[float, list[datetime]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calendar", type=Path, default=_DEFAULT_CALENDAR)
    parser.add_argument(
        "--rebuild-sample",
        type=int,
        default=1000,
        help="cases also timed with the holiday set rebuilt for every date (slow; 0 to skip)",
    )
    args = parser.parse_args()
    overrides = parse_overrides_file(args.calendar)
    cases = make_cases(args.n, args.seed)
    engine = naive = None

    def build_engine() -> Callable[[datetime, Amount, Unit], datetime]:
        nonlocal engine
        engine = WorkingCalendar(overrides=overrides)
        return engine.due

    def build_naive() -> Callable[[datetime, Amount, Unit], datetime]:
        nonlocal naive
        # The receptions' years and one either side: a swap can cross New Year.
        naive = NaiveCalendar(overrides, range(2024, 2030))
        return naive.due

    engine_s, fast = timed(build_engine, cases)
    naive_s, slow = timed(build_naive, cases)
    check_identical(cases, fast, slow)
    print(f"python {platform.python_version()}, holidays {holidays.__version__}")
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
