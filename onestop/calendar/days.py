"""Which days are worked: weekends, the `holidays` package, then the overrides layer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache

import holidays

from onestop.calendar.model import DayInfo, DayOverride
from onestop.i18n import N_

_WEEKEND = {5: N_("Thứ Bảy"), 6: N_("Chủ Nhật")}
_MAKE_UP = N_("Ngày làm việc bù")


@cache
def package_days(year: int) -> tuple[Mapping[date, str], Mapping[date, str]]:
    """The days off and the weekend working days that `holidays` knows for `year`.

    Both map a date to its reason in Vietnamese. The package is asked for the neighbouring
    years too, because a swap can cross New Year (2015-01-02 off, Saturday 2014-12-27 worked)
    and the package files the working Saturday under the year of the day off.
    """
    known = holidays.country_holidays("VN", years=(year - 1, year, year + 1), language="vi")
    days_off = {day: name for day, name in known.items() if day.year == year}
    # `weekend_workdays` lists the make-up Saturdays of the government's swaps; older
    # releases of the package lack it, and the overrides file must then say them.
    worked: set[date] = getattr(known, "weekend_workdays", set())
    workdays = {day: _make_up_reason(day, known) for day in worked if day.year == year}
    return days_off, workdays


def _make_up_reason(day: date, known: Mapping[date, str]) -> str:
    # The package names the day off of a swap "Ngày nghỉ (thay cho ngày 22/08/2026)".
    label = f"{day.day:02d}/{day.month:02d}/{day.year}"
    for off, name in sorted(known.items()):
        if label in name:
            shown = f"{off.day:02d}/{off.month:02d}/{off.year}"
            return N_("Ngày làm việc bù (nghỉ bù vào ngày {day})").format(day=shown)
    return _MAKE_UP


def classify(day: date, overrides: Mapping[date, DayOverride]) -> DayInfo:
    """Whether `day` is worked and why: an override wins over the package and the weekend."""
    override = overrides.get(day)
    if override is not None:
        return DayInfo(day, override.kind == "working_day", override.reason)
    days_off, workdays = package_days(day.year)
    if day in workdays:
        return DayInfo(day, True, workdays[day])
    weekend = _WEEKEND.get(day.weekday())
    holiday = days_off.get(day)
    if holiday is not None and weekend is not None:
        return DayInfo(day, False, f"{holiday} ({weekend})")
    reason = holiday or weekend
    return DayInfo(day, reason is None, reason)
