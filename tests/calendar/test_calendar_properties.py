"""Properties of the calendar that must hold for every reception and allowance."""

from __future__ import annotations

import os
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.calendar import (
    DEFAULT_SESSIONS,
    VN_TZ,
    Unit,
    WorkingCalendar,
    as_vietnam,
    parse_overrides_file,
)

SHIPPED = Path(__file__).resolve().parents[2] / "procedures" / "calendar.yaml"
OVERRIDES = parse_overrides_file(SHIPPED)
CAL = WorkingCalendar(overrides=OVERRIDES)

ZONES = st.sampled_from([VN_TZ, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")])
INSTANTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59), timezones=ZONES
)


def quarters(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Multiples of 0,25 from low to high: the fractions the catalogue uses."""
    return st.integers(low * 4, high * 4).map(lambda q: Decimal(q) / 4)


def amounts(unit: Unit) -> st.SearchStrategy[Decimal | int]:
    if unit is Unit.DAYS:
        return st.integers(0, 60)
    if unit is Unit.SAME_DAY:
        return st.just(0)
    return quarters(0, 40 if unit is Unit.WORKING_DAYS else 300)


ALLOWANCES = st.sampled_from(list(Unit)).flatmap(lambda u: st.tuples(amounts(u), st.just(u)))
MODEST = settings(max_examples=200, deadline=None)


@MODEST
@given(received=INSTANTS, allowance=ALLOWANCES)
def test_due_is_in_a_session_of_a_working_day_or_at_its_end(
    received: datetime, allowance: tuple[Decimal, Unit]
) -> None:
    due = CAL.due(received, *allowance)
    assert due.tzinfo is VN_TZ
    assert due >= received
    assert CAL.is_working_day(due.date())
    assert any(start <= due.time() <= end for start, end in DEFAULT_SESSIONS)


@MODEST
@given(received=INSTANTS, unit=st.sampled_from(list(Unit)), data=st.data())
def test_more_time_never_gives_an_earlier_due(
    received: datetime, unit: Unit, data: st.DataObject
) -> None:
    low, high = sorted([data.draw(amounts(unit)), data.draw(amounts(unit))])
    assert CAL.due(received, low, unit) <= CAL.due(received, high, unit)


@MODEST
@given(first=INSTANTS, later_by=st.timedeltas(timedelta(0), timedelta(days=20)), a=ALLOWANCES)
def test_a_later_reception_never_gives_an_earlier_due(
    first: datetime, later_by: timedelta, a: tuple[Decimal, Unit]
) -> None:
    assert CAL.due(first, *a) <= CAL.due(first + later_by, *a)


@MODEST
@given(
    received=INSTANTS,
    unit=st.sampled_from([Unit.HOURS, Unit.WORKING_DAYS]),
    a=quarters(0, 40).filter(bool),
    b=quarters(0, 40).filter(bool),
)
def test_allowances_add_up(received: datetime, unit: Unit, a: Decimal, b: Decimal) -> None:
    # Not for a zero `b`: zero moves a due time at 17:00 to the next opening (counting start).
    assert CAL.due(CAL.due(received, a, unit), b, unit) == CAL.due(received, a + b, unit)


@MODEST
@given(received=INSTANTS, hours=quarters(0, 300))
def test_working_time_to_the_due_time_is_the_allowance(received: datetime, hours: Decimal) -> None:
    # Holds for receptions outside the sessions too: they count from the next opening, and the
    # working time from the reception to that opening is zero.
    due = CAL.due(received, hours, Unit.HOURS)
    allowance = timedelta(minutes=int(hours * 60))  # quarters of an hour: whole minutes
    assert CAL.working_time_between(received, due) == allowance
    assert CAL.add_working_time(received, allowance) == due


@MODEST
@given(due=INSTANTS, paused_from=INSTANTS, pause=st.timedeltas(timedelta(0), timedelta(days=30)))
def test_a_pause_moves_the_due_time_by_its_working_time(
    due: datetime, paused_from: datetime, pause: timedelta
) -> None:
    moved = CAL.extend_by_pause(due, paused_from, paused_from + pause)
    paused = CAL.working_time_between(paused_from, paused_from + pause)
    assert moved >= due
    assert CAL.working_time_between(due, moved) == paused


@contextmanager
def tz_environment(name: str) -> Iterator[None]:
    """The process's local time zone set to `name` (TZ plus tzset), restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    clock.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        clock.tzset()


def compute_all(received: datetime, allowance: tuple[Decimal, Unit]) -> list[object]:
    calendar = WorkingCalendar(overrides=OVERRIDES)  # built under the current TZ
    naive = received.astimezone(VN_TZ).replace(tzinfo=None)
    due = calendar.due(received, *allowance)
    return [
        due.isoformat(),
        calendar.due(as_vietnam(naive), *allowance).isoformat(),
        calendar.explain(received, *allowance).counting_from.isoformat(),
        calendar.working_time_between(received, due),
        calendar.is_working_day(received),
    ]


@settings(max_examples=50, deadline=None)
@given(received=INSTANTS, allowance=ALLOWANCES)
def test_results_do_not_depend_on_the_tz_environment_variable(
    received: datetime, allowance: tuple[Decimal, Unit]
) -> None:
    results = []
    for name in ("UTC", "Asia/Ho_Chi_Minh", "America/Los_Angeles", "Pacific/Kiritimati"):
        with tz_environment(name):
            results.append(compute_all(received, allowance))
    assert all(result == results[0] for result in results)
