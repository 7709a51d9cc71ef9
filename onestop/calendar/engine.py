"""Due times on the working calendar (docs/domain.md#deadlines).

Working time is a single integer line: working day number k covers the microseconds
[k * day_length, (k + 1) * day_length), where day_length is the sum of the sessions (8 hours by
default). An instant maps to its place on that line (instants outside the sessions map to the
next counting start), amounts are added as integers, and the result maps back to a clock time.
Integers keep results exact: 0,25 working day is exactly 2 hours, never 1:59:59.999.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING
from functools import lru_cache

from onestop.calendar.days import classify
from onestop.calendar.model import (
    VN_TZ,
    Amount,
    DayInfo,
    DayOverride,
    Explanation,
    Unit,
    in_vietnam,
    to_decimal,
)
from onestop.calendar.timeline import Timeline

DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
_US_PER_HOUR = 3_600_000_000
_ONE_US = timedelta(microseconds=1)
# Enum lookups and hashes run Python code; due() runs for every dossier of every list page.
_UNIT_OF: dict[str, Unit] = {unit.value: unit for unit in Unit}
_WORKING_DAYS, _HOURS, _DAYS = Unit.WORKING_DAYS, Unit.HOURS, Unit.DAYS


class WorkingCalendar:
    """Working days, working hours and due times of one deployment."""

    def __init__(
        self,
        *,
        overrides: Iterable[DayOverride] = (),
        sessions: Sequence[tuple[time, time]] = DEFAULT_SESSIONS,
        same_day_cutoff: time = time(15, 0),
    ) -> None:
        """Build a calendar; of several overrides for one day, the last one wins.

        Later entries win so that a deployment's own file, given after the shipped one,
        can correct it.
        """
        self._overrides = {override.day: override for override in overrides}
        self._sessions = _session_table(sessions)
        self._day_us = self._sessions[-1][3]
        self._closes_us = self._sessions[-1][1]
        self._closing: dict[int, datetime] = {}
        self._cutoff_us = _clock_us(same_day_cutoff)
        if self._cutoff_us > self._closes_us:
            raise ValueError("the same-day cut-off must not be after the last session ends")
        self._timeline = Timeline(lambda day: classify(day, self._overrides))

    # Days

    def day_info(self, day: date) -> DayInfo:
        """Whether `day` is worked, and why not (or why a weekend is worked)."""
        return self._timeline.info(_ordinal(day))

    def is_working_day(self, day: date) -> bool:
        """Whether the centre works on `day` (an aware datetime counts by its Vietnam date)."""
        return self._timeline.day(_ordinal(day))[1]

    # Due times

    def due(self, received: datetime, value: Amount, unit: Unit | str) -> datetime:
        """The due time of an allowance of `value` `unit`s for a dossier received at `received`."""
        local = received if received.tzinfo is VN_TZ else in_vietnam(received, "received")
        if type(unit) is not Unit:
            unit = _UNIT_OF.get(unit) or Unit(unit)
        if unit is _WORKING_DAYS:
            return self._shift(self._position(local), _span_us(value, self._day_us))
        if unit is _HOURS:
            return self._shift(self._position(local), _span_us(value, _US_PER_HOUR))
        if unit is _DAYS:
            return self._due_days(local, _whole_days(value))
        if type(value) is not int or value < 0:
            # Same day ignores the value, but a negative or garbled one is still an error.
            to_decimal(value)
        return self._due_same_day(local)

    def explain(self, received: datetime, value: Amount, unit: Unit | str) -> Explanation:
        """The due time with where counting starts and every day up to it, worked or not."""
        local = in_vietnam(received, "received")
        unit = Unit(unit)
        due = self.due(local, value, unit)
        first, last = local.toordinal(), due.toordinal()
        return Explanation(
            due=due,
            counting_from=self._counting_from(local, unit, value, due),
            unit=unit,
            value=to_decimal(value),
            days=[self._timeline.info(ordinal) for ordinal in range(first, last + 1)],
        )

    # Working time

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The working time from `start` to `end`; zero when `end` is not after `start`."""
        begin = self._position(in_vietnam(start, "start"))
        finish = self._position(in_vietnam(end, "end"))
        return timedelta(microseconds=max(0, finish - begin))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """`start` moved later by `amount` of working time (zero: to where counting starts)."""
        if amount < timedelta(0):
            raise ValueError("working time to add cannot be negative")
        return self._shift(self._position(in_vietnam(start, "start")), amount // _ONE_US)

    def extend_by_pause(
        self, due_at: datetime, paused_from: datetime, paused_until: datetime
    ) -> datetime:
        """`due_at` moved later by the working time the dossier spent paused.

        A pause with no working time in it (a night, a weekend) leaves `due_at` as it is.
        """
        due_local = in_vietnam(due_at, "due_at")
        paused = self.working_time_between(paused_from, paused_until)
        if not paused:
            return due_local
        return self.add_working_time(due_local, paused)

    # The working-time line

    def _position(self, local: datetime) -> int:
        """The place of a Vietnam-time instant on the working line (its counting start)."""
        number, working = self._timeline.day(local.toordinal())
        base = number * self._day_us
        if not working:
            return base
        clock = _clock_us(local)
        for start, end, offset, _ in self._sessions:
            if clock < start:
                return base + offset
            if clock < end:
                return base + offset + clock - start
        return base + self._day_us

    def _shift(self, position: int, span: int) -> datetime:
        # A zero allowance is due where counting starts; a positive one that lands on a session
        # boundary stays at the end of the session (11:30, 17:00), not the next start.
        if span == 0:
            return self._instant(position, at_end=False)
        return self._instant(position + span, at_end=True)

    def _instant(self, position: int, *, at_end: bool) -> datetime:
        number, into = divmod(position, self._day_us)
        if at_end and into == 0:
            number, into = number - 1, self._day_us
        ymd = self._timeline.ymd(number)
        for start, _, offset, stop in self._sessions:
            if into < stop or (at_end and into == stop):
                return _at(ymd, start + into - offset)
        raise AssertionError("a position beyond the working day")  # pragma: no cover

    def _end_of_working_day(self, number: int) -> datetime:
        # Every calendar-day and same-day allowance ends at a closing time: keep them.
        closing = self._closing.get(number)
        if closing is None:
            closing = self._closing[number] = _at(self._timeline.ymd(number), self._closes_us)
        return closing

    # Calendar days and same day

    def _due_days(self, local: datetime, days: int) -> datetime:
        # Civil Code 2015 Art. 147-148: the period ends at the end of its last day; a last day
        # that is off moves to the next working day. End of day = end of the last session.
        number, _ = self._timeline.day(local.toordinal() + days)
        due = self._end_of_working_day(number)
        if due < local:  # only for 0 days, received after the last session
            due = self._end_of_working_day(number + 1)
        return due

    def _due_same_day(self, local: datetime) -> datetime:
        # Received before opening on a working day is that same day: the cut-off is what matters.
        number, working = self._timeline.day(local.toordinal())
        if working and _clock_us(local) > self._cutoff_us:
            number += 1
        return self._end_of_working_day(number)

    def _counting_from(self, local: datetime, unit: Unit, value: Amount, due: datetime) -> datetime:
        if unit is Unit.DAYS:
            if _whole_days(value) == 0:
                return local
            # Art. 147(1): the period starts on the day after the day of reception.
            return _at(_ymd(local.date() + timedelta(days=1)), 0)
        if unit is Unit.SAME_DAY and due.date() != local.date():
            return _at(_ymd(due.date()), self._sessions[0][0])
        return self._instant(self._position(local), at_end=False)


def _session_table(sessions: Sequence[tuple[time, time]]) -> tuple[tuple[int, int, int, int], ...]:
    """Per session, in microseconds: start, end, working time before it and up to its end."""
    table: list[tuple[int, int, int, int]] = []
    offset = previous_end = 0
    for start_time, end_time in sessions:
        start, end = _clock_us(start_time), _clock_us(end_time)
        if not previous_end <= start < end:
            raise ValueError("sessions must be in order, each ending after it starts")
        table.append((start, end, offset, offset + end - start))
        offset += end - start
        previous_end = end
    if not table:
        raise ValueError("a working day needs at least one session")
    return tuple(table)


def _clock_us(moment: time | datetime) -> int:
    """Microseconds since midnight of the wall-clock time."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond


def _at(ymd: tuple[int, int, int], clock_us: int) -> datetime:
    seconds, micro = divmod(clock_us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return datetime(*ymd, hour, minute, second, micro, tzinfo=VN_TZ)


def _ymd(day: date) -> tuple[int, int, int]:
    return day.year, day.month, day.day


def _ordinal(day: date) -> int:
    if isinstance(day, datetime):
        return in_vietnam(day, "day").toordinal()
    return day.toordinal()


def _span_us(value: Amount, unit_us: int) -> int:
    """An allowance in whole microseconds, rounded up so that rounding never shortens it."""
    if type(value) is int and value >= 0:  # the common case, kept off the Decimal path
        return value * unit_us
    if isinstance(value, str):
        return _scaled_text(value, unit_us)
    return _scaled(value, unit_us)


@lru_cache(maxsize=4096)
def _scaled_text(value: str, unit_us: int) -> int:
    # A catalogue has a few dozen distinct texts ("0,25", "4,5"): parse each once.
    return _scaled(value, unit_us)


def _scaled(value: Amount, unit_us: int) -> int:
    scaled = to_decimal(value) * unit_us
    return int(scaled.to_integral_value(rounding=ROUND_CEILING))


def _whole_days(value: Amount) -> int:
    if type(value) is int and value >= 0:
        return value
    amount = to_decimal(value)
    if amount != amount.to_integral_value():
        raise ValueError(f"calendar days must be a whole number, not {value!r}")
    return int(amount)
