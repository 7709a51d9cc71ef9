"""Which days are worked: weekends, the `holidays` package, the shipped overrides file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from onestop.calendar import VN_TZ, Unit, WorkingCalendar, parse_overrides_file

SHIPPED = Path(__file__).resolve().parents[2] / "procedures" / "calendar.yaml"
CAL = WorkingCalendar(overrides=parse_overrides_file(SHIPPED))

# The 2026 civil-servant schedule (docs/domain.md#working-calendar), as weekdays off and
# weekend days worked.
WEEKDAYS_OFF_2026 = {
    date(2026, 1, 1),
    *(date(2026, 2, day) for day in range(16, 21)),  # Tết 14/02-22/02, weekends around it
    date(2026, 4, 27),  # Hùng Kings fell on Sunday 26/04
    date(2026, 4, 30),
    date(2026, 5, 1),
    date(2026, 8, 31),  # swapped with Saturday 22/08
    date(2026, 9, 1),
    date(2026, 9, 2),
}
WEEKENDS_WORKED_2026 = {date(2026, 8, 22)}


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def test_the_official_2026_schedule() -> None:
    """Guards package upgrades: package + shipped file give exactly the official 2026 schedule."""
    days = days_of(2026)
    weekdays_off = {d for d in days if d.weekday() < 5 and not CAL.is_working_day(d)}
    weekends_worked = {d for d in days if d.weekday() >= 5 and CAL.is_working_day(d)}
    assert weekdays_off == WEEKDAYS_OFF_2026
    assert weekends_worked == WEEKENDS_WORKED_2026


def test_culture_day_is_worked_until_the_labour_code_says_otherwise() -> None:
    # The package makes 24/11 a day off from 2026; Resolution 30/NQ-CP (2026) proposed it, but
    # Labour Code Art. 112 does not list it yet.
    assert not WorkingCalendar().is_working_day(date(2026, 11, 24))
    info = CAL.day_info(date(2026, 11, 24))
    assert info.working
    assert info.reason is not None and "Điều 112" in info.reason


def test_reasons() -> None:
    assert CAL.day_info(date(2026, 3, 7)).reason == "Thứ Bảy"
    assert CAL.day_info(date(2026, 3, 8)).reason == "Chủ Nhật"
    assert CAL.day_info(date(2026, 3, 9)).reason is None
    assert CAL.day_info(date(2026, 2, 17)).reason == "Tết Nguyên Đán"
    assert CAL.day_info(date(2026, 4, 26)).reason == "Ngày Giỗ Tổ Hùng Vương (Chủ Nhật)"
    assert CAL.day_info(date(2026, 4, 27)).reason == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert "22/08/2026" in str(CAL.day_info(date(2026, 8, 31)).reason)
    make_up = CAL.day_info(date(2026, 8, 22))
    assert make_up.working
    assert make_up.reason == "Ngày làm việc bù (nghỉ bù vào ngày 31/08/2026)"


def test_an_aware_datetime_counts_by_its_vietnam_date() -> None:
    # 23:30 UTC on Sunday 01/03 is 06:30 on Monday 02/03 in Vietnam.
    assert CAL.is_working_day(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    assert CAL.day_info(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)).day == date(2026, 3, 2)


def test_results_do_not_depend_on_the_order_years_are_built() -> None:
    forward, backward = WorkingCalendar(), WorkingCalendar()
    for year in (2020, 2026, 2031):
        forward.is_working_day(date(year, 6, 1))
    for year in (2031, 2026, 2020):
        backward.is_working_day(date(year, 6, 1))
    received = datetime(2019, 12, 20, 9, tzinfo=VN_TZ)
    for value in (1, 30, 400, 3000):
        expected = WorkingCalendar().due(received, value, Unit.WORKING_DAYS)
        assert forward.due(received, value, Unit.WORKING_DAYS) == expected
        assert backward.due(received, value, Unit.WORKING_DAYS) == expected
        worked = backward.working_time_between(received, expected)
        assert worked == timedelta(hours=8 * value)


def test_a_long_allowance_across_new_year() -> None:
    received = datetime(2026, 12, 30, 9, tzinfo=VN_TZ)
    # Wed 30/12, Thu 31/12, Fri 01/01/2027 off, then Mon 04/01.
    assert CAL.due(received, 2, Unit.WORKING_DAYS) == datetime(2027, 1, 4, 9, tzinfo=VN_TZ)
