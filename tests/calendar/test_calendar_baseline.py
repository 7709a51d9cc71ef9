"""The engine against the naive day-by-day walk of tests/calendar/naive.py: same results, always.

Two implementations that share no code: the walk asks `holidays` about each date, the engine
adds integers on precomputed tables. Random receptions and every session boundary.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from onestop.calendar import VN_TZ, Amount, Unit, WorkingCalendar, parse_overrides_file
from tests.calendar.naive import Case, NaiveCalendar, make_cases

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = parse_overrides_file(ROOT / "procedures" / "calendar.yaml")
CLOCKS = [
    time(0),
    time(6, 59, 59, 999999),
    time(7),
    time(9, 15, 30),
    time(11, 29, 59),
    time(11, 30),
    time(12),
    time(13, 30),
    time(15),
    time(15, 0, 0, 1),
    time(16, 59),
    time(17),
    time(23, 59, 59, 999999),
]
ALLOWANCES: list[tuple[Amount, Unit]] = [
    (0, Unit.WORKING_DAYS),
    (1, Unit.WORKING_DAYS),
    ("0,25", Unit.WORKING_DAYS),
    ("4,5", Unit.WORKING_DAYS),
    (30, Unit.WORKING_DAYS),
    (0, Unit.DAYS),
    (1, Unit.DAYS),
    (45, Unit.DAYS),
    (0, Unit.HOURS),
    ("2,5", Unit.HOURS),
    (4, Unit.HOURS),
    (168, Unit.HOURS),
    (0, Unit.SAME_DAY),
]


def compare(cases: list[Case]) -> None:
    engine = WorkingCalendar(overrides=OVERRIDES)
    naive = NaiveCalendar(OVERRIDES, range(2024, 2030))
    for received, value, unit in cases:
        expected = naive.due(received, value, unit)
        assert engine.due(received, value, unit) == expected, (received, value, unit)


def test_random_receptions() -> None:
    compare(make_cases(3000, seed=7))


def test_every_session_boundary_around_the_2026_holidays() -> None:
    # Tết, Hùng Kings and 30/4-1/5, the make-up Saturday and Quốc khánh.
    starts_and_lengths = [(date(2026, 2, 13), 11), (date(2026, 4, 24), 11), (date(2026, 8, 20), 15)]
    days = [
        start + timedelta(days=n) for start, length in starts_and_lengths for n in range(length)
    ]
    cases = [
        (datetime.combine(day, clock, tzinfo=VN_TZ), value, unit)
        for day in days
        for clock in CLOCKS
        for value, unit in ALLOWANCES
    ]
    compare(cases)
