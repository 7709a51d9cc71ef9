"""The reference the deadline engine is checked against: a naive walk, day by day.

It shares no code with onestop/calendar's engine: it asks `holidays` about every date and
walks the working sessions one day at a time. tests/calendar/test_calendar_baseline.py asserts
both give the same due times; bench/calendar_speed.py times them against each other.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

import holidays

from onestop.calendar import VN_TZ, Amount, DayOverride, Unit

Case = tuple[datetime, Amount, Unit]

# Working sessions in microseconds after midnight: 07:00-11:30 and 13:30-17:00.
_SESSIONS_US = (
    (7 * 3600 * 10**6, 11 * 3600 * 10**6 + 1800 * 10**6),
    (13 * 3600 * 10**6 + 1800 * 10**6, 17 * 3600 * 10**6),
)
_CUTOFF_US = 15 * 3600 * 10**6  # received after 15:00, "same day" means the next working day
_HOUR_US = 3600 * 10**6
_DAY_US = 8 * _HOUR_US
_ONE_DAY = timedelta(days=1)


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
