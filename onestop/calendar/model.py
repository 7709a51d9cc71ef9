"""Values shared by the calendar: the time zone, units, overrides, days and amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Amount = Decimal | int | float | str
OverrideKind = Literal["day_off", "working_day"]
_KINDS: tuple[OverrideKind, ...] = ("day_off", "working_day")

# Digits with at most one decimal separator; Vietnamese writes "0,25", code writes "0.25".
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


class Unit(StrEnum):
    """How a procedure states its processing time (docs/domain.md#units)."""

    WORKING_DAYS = "working_days"
    DAYS = "days"
    HOURS = "hours"
    SAME_DAY = "same_day"


@dataclass(frozen=True)
class DayOverride:
    """One day of an official decision: an extra day off or a make-up working day."""

    day: date
    kind: OverrideKind
    reason: str
    decision: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)}, not {self.kind!r}")
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError("day must be a date")
        if not self.reason.strip():
            raise ValueError("an override needs a reason")


@dataclass(frozen=True)
class DayInfo:
    """Whether a calendar day is worked, and why it is off (or why a weekend is worked)."""

    day: date
    working: bool
    reason: str | None


@dataclass(frozen=True)
class Explanation:
    """A due time with the steps behind it, for the staff pages."""

    due: datetime
    counting_from: datetime
    unit: Unit
    value: Decimal
    days: list[DayInfo]

    @property
    def days_counted(self) -> list[DayInfo]:
        """The working days between reception and due date."""
        return [info for info in self.days if info.working]

    @property
    def days_skipped(self) -> list[DayInfo]:
        """The days off between reception and due date, each with its reason."""
        return [info for info in self.days if not info.working]


def as_vietnam(dt: datetime) -> datetime:
    """`dt` in Vietnam time; a naive `dt` is taken as Vietnam wall-clock time.

    The only function of the calendar that accepts a naive datetime: the CLI's `--received`
    without an offset means Vietnam time, whatever the machine's time zone is.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ)


def in_vietnam(dt: datetime, name: str) -> datetime:
    """`dt` converted to Vietnam time; a naive datetime is a bug in the caller."""
    if dt.tzinfo is VN_TZ:
        return dt
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {dt.isoformat()})")
    return dt.astimezone(VN_TZ)


def to_decimal(value: Amount) -> Decimal:
    """A non-negative amount as an exact Decimal; "0,25" and "0.25" both mean a quarter."""
    if isinstance(value, bool):
        raise TypeError("an amount must be a number, not a bool")
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"not a number: {value!r}")
        amount = Decimal(text.replace(",", "."))
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        # repr is the shortest decimal that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
        amount = Decimal(repr(value))
    else:
        raise TypeError(f"an amount must be a number or a string, not {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if amount < 0:
        raise ValueError(f"a time allowance cannot be negative: {value!r}")
    return amount
