"""Working days numbered in order, so that adding N working days is an addition.

Tables are built a year at a time, on first use, and never change afterwards: the number of a
working day is fixed the moment its year is built (the first year built starts at 0, earlier
years get negative numbers). That keeps numbers taken from the tables valid while another
thread extends them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import MAXYEAR, MINYEAR, date

from onestop.calendar.model import DayInfo


class Timeline:
    """Per-day lookups: the number of the first working day on or after each day, and back."""

    def __init__(self, classify: Callable[[date], DayInfo]) -> None:
        self._classify = classify
        self._lock = threading.Lock()
        # ordinal -> (number of the first working day on or after it, is it worked)
        self._days: dict[int, tuple[int, bool]] = {}
        self._ymd_of: dict[int, tuple[int, int, int]] = {}  # working day number -> its date
        self._info: dict[int, DayInfo] = {}
        self._first_year = self._last_year = 0
        self._first_number = self._end_number = 0  # numbers of the built years: [first, end)

    def day(self, ordinal: int) -> tuple[int, bool]:
        """(number of the first working day on or after `ordinal`, whether it is worked)."""
        entry = self._days.get(ordinal)
        if entry is None:
            self._cover_year(date.fromordinal(ordinal).year)
            entry = self._days[ordinal]
        return entry

    def ymd(self, number: int) -> tuple[int, int, int]:
        """(year, month, day) of working day `number`."""
        ymd = self._ymd_of.get(number)
        if ymd is None:
            self._cover_number(number)
            ymd = self._ymd_of[number]
        return ymd

    def info(self, ordinal: int) -> DayInfo:
        """The classification of one day, with its reason."""
        info = self._info.get(ordinal)
        if info is None:
            self._cover_year(date.fromordinal(ordinal).year)
            info = self._info[ordinal]
        return info

    def _cover_year(self, year: int) -> None:
        with self._lock:
            if not self._days:
                self._first_year = self._last_year = year
                self._end_number = self._build(year, 0)
            while year > self._last_year:
                self._last_year += 1
                self._end_number = self._build(self._last_year, self._end_number)
            while year < self._first_year:
                self._prepend_year()

    def _cover_number(self, number: int) -> None:
        # Numbers come from day(), so at least one year is built already.
        with self._lock:
            while number >= self._end_number:
                if self._last_year >= MAXYEAR:
                    raise OverflowError("a due time beyond the year 9999")
                self._last_year += 1
                self._end_number = self._build(self._last_year, self._end_number)
            while number < self._first_number:
                self._prepend_year()

    def _prepend_year(self) -> None:
        year = self._first_year - 1
        if year < MINYEAR:
            raise OverflowError("a date before the year 1")
        worked = sum(self._classify(day).working for day in _days_of(year))
        self._first_year = year
        self._first_number -= worked
        self._build(year, self._first_number)

    def _build(self, year: int, number: int) -> int:
        """Number the working days of `year` from `number`; return the next free number."""
        for day in _days_of(year):
            info = self._classify(day)
            ordinal = day.toordinal()
            self._info[ordinal] = info
            if info.working:
                self._ymd_of[number] = (day.year, day.month, day.day)
                self._days[ordinal] = (number, True)
                number += 1
            else:
                self._days[ordinal] = (number, False)
        return number


def _days_of(year: int) -> list[date]:
    start = date(year, 1, 1).toordinal()
    end = date(year, 12, 31).toordinal()
    return [date.fromordinal(ordinal) for ordinal in range(start, end + 1)]
