"""Due times, unit by unit, against the rules of docs/domain.md#units (hand-computed cases)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from onestop.calendar import (
    VN_TZ,
    DayOverride,
    Unit,
    WorkingCalendar,
    as_vietnam,
    parse_overrides_file,
)

SHIPPED = Path(__file__).resolve().parents[2] / "procedures" / "calendar.yaml"
CAL = WorkingCalendar(overrides=parse_overrides_file(SHIPPED))


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


# March 2026: Mon 2, Tue 3, Wed 4, Thu 5, Fri 6, Sat 7, Sun 8, Mon 9.


@pytest.mark.parametrize(
    ("received", "value", "due"),
    [
        pytest.param(vn(2026, 3, 2, 9), 3, vn(2026, 3, 5, 9), id="design: Mon 09:00 + 3"),
        pytest.param(vn(2026, 3, 3, 18), 1, vn(2026, 3, 4, 17), id="design: Tue 18:00 + 1"),
        pytest.param(vn(2026, 3, 3, 9), 1, vn(2026, 3, 4, 9), id="same clock next day"),
        pytest.param(vn(2026, 3, 6, 16), 1, vn(2026, 3, 9, 16), id="over a weekend"),
        # Lunch reception counts from 13:30: 3.5 h that afternoon + 4.5 h = 11:30, which stays.
        pytest.param(vn(2026, 3, 3, 12), 1, vn(2026, 3, 4, 11, 30), id="lunch, ends 11:30"),
        pytest.param(vn(2026, 3, 3, 11, 30), 1, vn(2026, 3, 4, 11, 30), id="at 11:30 sharp"),
        pytest.param(vn(2026, 3, 3, 17), 1, vn(2026, 3, 4, 17), id="at 17:00 sharp"),
        pytest.param(vn(2026, 3, 3, 6), 1, vn(2026, 3, 3, 17), id="before opening"),
        pytest.param(vn(2026, 3, 7, 10), 1, vn(2026, 3, 9, 17), id="on a Saturday"),
        pytest.param(vn(2026, 3, 8, 23, 59), 2, vn(2026, 3, 10, 17), id="Sunday night"),
        pytest.param(vn(2026, 3, 2, 7), 5, vn(2026, 3, 6, 17), id="a full week stays at 17:00"),
    ],
)
def test_working_days(received: datetime, value: int, due: datetime) -> None:
    assert CAL.due(received, value, Unit.WORKING_DAYS) == due


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        pytest.param(vn(2026, 3, 3, 9), 4, vn(2026, 3, 3, 15), id="across lunch"),
        pytest.param(vn(2026, 3, 3, 7), "4,5", vn(2026, 3, 3, 11, 30), id="ends at 11:30"),
        pytest.param(vn(2026, 3, 3, 13, 30), "3.5", vn(2026, 3, 3, 17), id="ends at 17:00"),
        pytest.param(vn(2026, 3, 3, 17), 2, vn(2026, 3, 4, 9), id="after hours"),
        pytest.param(vn(2026, 3, 3, 12, 15), 1, vn(2026, 3, 3, 14, 30), id="lunch"),
        pytest.param(vn(2026, 3, 6, 16), 8, vn(2026, 3, 9, 16), id="over a weekend"),
        pytest.param(vn(2026, 3, 2, 9), 168, vn(2026, 3, 31, 9), id="21 working days"),
    ],
)
def test_hours(received: datetime, hours: int | str, due: datetime) -> None:
    assert CAL.due(received, hours, "hours") == due


def test_the_end_of_a_session_is_kept_not_moved_to_the_next_start() -> None:
    assert CAL.due(vn(2026, 3, 3, 9), "2,5", Unit.HOURS) == vn(2026, 3, 3, 11, 30)
    assert CAL.due(vn(2026, 3, 3, 9), "2,5001", Unit.HOURS) > vn(2026, 3, 3, 13, 30)
    assert CAL.due(vn(2026, 3, 6, 13, 30), "3,5", Unit.HOURS) == vn(2026, 3, 6, 17)


@pytest.mark.parametrize(
    ("received", "unit", "counting_start"),
    [
        pytest.param(vn(2026, 3, 3, 9, 15), Unit.WORKING_DAYS, vn(2026, 3, 3, 9, 15), id="open"),
        pytest.param(vn(2026, 3, 3, 12), Unit.WORKING_DAYS, vn(2026, 3, 3, 13, 30), id="lunch"),
        pytest.param(vn(2026, 3, 3, 19), Unit.HOURS, vn(2026, 3, 4, 7), id="evening"),
        pytest.param(vn(2026, 3, 7, 9), Unit.HOURS, vn(2026, 3, 9, 7), id="Saturday"),
        pytest.param(vn(2026, 3, 6, 17), Unit.HOURS, vn(2026, 3, 9, 7), id="Friday 17:00"),
    ],
)
def test_zero_allowance_is_due_where_counting_starts(
    received: datetime, unit: Unit, counting_start: datetime
) -> None:
    assert CAL.due(received, 0, unit) == counting_start


@pytest.mark.parametrize(
    ("value", "due"),
    [
        ("0,25", vn(2026, 3, 2, 11)),  # 2 hours
        ("0.25", vn(2026, 3, 2, 11)),
        (0.25, vn(2026, 3, 2, 11)),
        (Decimal("0.25"), vn(2026, 3, 2, 11)),
        ("0,1", vn(2026, 3, 2, 9, 48)),  # 48 minutes exactly, no float drift
        ("4,5", vn(2026, 3, 6, 15)),  # 4 days to Fri 09:00, then 4 h across lunch
        (" 1 ", vn(2026, 3, 3, 9)),
    ],
)
def test_fractional_working_days(value: object, due: datetime) -> None:
    assert CAL.due(vn(2026, 3, 2, 9), value, Unit.WORKING_DAYS) == due  # type: ignore[arg-type]


def test_a_fraction_finer_than_a_microsecond_is_rounded_up() -> None:
    # 1e-11 of 8 hours is 0.288 microsecond.
    due = CAL.due(vn(2026, 3, 2, 9), "0,00000000001", Unit.WORKING_DAYS)
    assert due == vn(2026, 3, 2, 9) + timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        pytest.param(vn(2026, 3, 2, 10), 3, vn(2026, 3, 5, 17), id="Mon + 3 = Thu"),
        pytest.param(vn(2026, 3, 2, 10), 5, vn(2026, 3, 9, 17), id="ends Sat -> Mon"),
        pytest.param(vn(2026, 3, 2, 10), 6, vn(2026, 3, 9, 17), id="ends Sun -> Mon"),
        pytest.param(vn(2026, 3, 7, 10), 1, vn(2026, 3, 9, 17), id="received on Saturday"),
        pytest.param(vn(2026, 3, 2, 18), 1, vn(2026, 3, 3, 17), id="evening: still day + 1"),
        pytest.param(vn(2026, 2, 10, 9), 5, vn(2026, 2, 23, 17), id="ends in Tết"),
        pytest.param(vn(2026, 3, 3, 10), 0, vn(2026, 3, 3, 17), id="0 days: that day"),
        pytest.param(vn(2026, 3, 3, 18), 0, vn(2026, 3, 4, 17), id="0 days, after hours"),
        pytest.param(vn(2026, 3, 2, 10), "15", vn(2026, 3, 17, 17), id="15 as text"),
    ],
)
def test_calendar_days(received: datetime, days: int | str, due: datetime) -> None:
    assert CAL.due(received, days, Unit.DAYS) == due


def test_calendar_days_must_be_whole() -> None:
    with pytest.raises(ValueError, match="whole number"):
        CAL.due(vn(2026, 3, 2, 10), "1,5", Unit.DAYS)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(vn(2026, 3, 3, 9), vn(2026, 3, 3, 17), id="morning"),
        pytest.param(vn(2026, 3, 3, 14, 59), vn(2026, 3, 3, 17), id="14:59"),
        pytest.param(vn(2026, 3, 3, 15), vn(2026, 3, 3, 17), id="15:00 is not after 15:00"),
        pytest.param(vn(2026, 3, 3, 15, 1), vn(2026, 3, 4, 17), id="15:01"),
        pytest.param(vn(2026, 3, 3, 6, 30), vn(2026, 3, 3, 17), id="before opening: same day"),
        pytest.param(vn(2026, 3, 3, 12), vn(2026, 3, 3, 17), id="lunch"),
        pytest.param(vn(2026, 3, 6, 16), vn(2026, 3, 9, 17), id="Friday after cut-off"),
        pytest.param(vn(2026, 3, 7, 9), vn(2026, 3, 9, 17), id="Saturday"),
        pytest.param(vn(2026, 2, 13, 16), vn(2026, 2, 23, 17), id="before Tết"),
    ],
)
def test_same_day(received: datetime, due: datetime) -> None:
    assert CAL.due(received, 0, Unit.SAME_DAY) == due
    assert CAL.due(received, 1, "same_day") == due  # the value does not matter


class TestHolidays2026:
    """The 2026 civil-servant schedule (docs/domain.md#working-calendar), with
    procedures/calendar.yaml loaded."""

    def test_tet(self) -> None:
        # Tết: off from Sat 14/02 to Sun 22/02.
        assert CAL.due(vn(2026, 2, 13, 10), 1, Unit.WORKING_DAYS) == vn(2026, 2, 23, 10)
        assert CAL.due(vn(2026, 2, 12, 10), 2, Unit.WORKING_DAYS) == vn(2026, 2, 23, 10)
        assert CAL.due(vn(2026, 2, 16, 9), 1, Unit.HOURS) == vn(2026, 2, 23, 8)

    def test_hung_kings_on_a_sunday_moves_to_monday(self) -> None:
        assert CAL.due(vn(2026, 4, 24, 9), 1, Unit.WORKING_DAYS) == vn(2026, 4, 28, 9)

    def test_30_april_and_1_may(self) -> None:
        assert CAL.due(vn(2026, 4, 29, 9), 1, Unit.WORKING_DAYS) == vn(2026, 5, 4, 9)

    def test_make_up_saturday_22_august_is_worked(self) -> None:
        assert CAL.due(vn(2026, 8, 21, 9), 1, Unit.WORKING_DAYS) == vn(2026, 8, 22, 9)
        assert CAL.due(vn(2026, 8, 22, 10), 0, Unit.SAME_DAY) == vn(2026, 8, 22, 17)

    def test_national_day_29_august_to_2_september(self) -> None:
        assert CAL.due(vn(2026, 8, 28, 9), 1, Unit.WORKING_DAYS) == vn(2026, 9, 3, 9)


class TestOverrides:
    def test_an_added_day_off_is_skipped(self) -> None:
        closed = DayOverride(datetime(2026, 3, 4).date(), "day_off", "Bão số 3")
        cal = WorkingCalendar(overrides=[closed])
        assert cal.due(vn(2026, 3, 3, 9), 1, Unit.WORKING_DAYS) == vn(2026, 3, 5, 9)
        assert cal.day_info(closed.day).reason == "Bão số 3"

    def test_an_added_working_saturday_is_counted(self) -> None:
        opened = DayOverride(datetime(2026, 3, 7).date(), "working_day", "Làm bù")
        cal = WorkingCalendar(overrides=[opened])
        assert cal.due(vn(2026, 3, 6, 9), 1, Unit.WORKING_DAYS) == vn(2026, 3, 7, 9)

    def test_an_override_wins_over_the_package(self) -> None:
        opened = DayOverride(datetime(2026, 9, 1).date(), "working_day", "Thử nghiệm")
        cal = WorkingCalendar(overrides=[opened])
        assert cal.due(vn(2026, 8, 28, 9), 1, Unit.WORKING_DAYS) == vn(2026, 9, 1, 9)

    def test_the_last_override_of_a_day_wins(self) -> None:
        day = datetime(2026, 3, 4).date()
        cal = WorkingCalendar(
            overrides=[DayOverride(day, "day_off", "a"), DayOverride(day, "working_day", "b")]
        )
        assert cal.is_working_day(day)


class TestWorkingTime:
    def test_between_across_lunch(self) -> None:
        span = CAL.working_time_between(vn(2026, 3, 3, 11), vn(2026, 3, 3, 14))
        assert span == timedelta(hours=1)

    def test_between_across_a_night(self) -> None:
        span = CAL.working_time_between(vn(2026, 3, 3, 16), vn(2026, 3, 4, 8))
        assert span == timedelta(hours=2)

    def test_between_across_tet(self) -> None:
        span = CAL.working_time_between(vn(2026, 2, 13, 16), vn(2026, 2, 23, 8))
        assert span == timedelta(hours=2)

    def test_between_inside_a_break_is_zero(self) -> None:
        assert CAL.working_time_between(vn(2026, 3, 3, 12), vn(2026, 3, 3, 13)) == timedelta(0)
        assert CAL.working_time_between(vn(2026, 3, 7, 8), vn(2026, 3, 8, 16)) == timedelta(0)

    def test_between_backwards_is_zero(self) -> None:
        assert CAL.working_time_between(vn(2026, 3, 4, 9), vn(2026, 3, 3, 9)) == timedelta(0)

    def test_add(self) -> None:
        added = CAL.add_working_time(vn(2026, 3, 3, 10), timedelta(hours=2, minutes=30))
        assert added == vn(2026, 3, 3, 14, 30)  # 1.5 h before lunch, 1 h after

    def test_add_rejects_negative(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            CAL.add_working_time(vn(2026, 3, 3, 10), timedelta(minutes=-1))


class TestPause:
    def test_due_moves_by_the_working_time_paused(self) -> None:
        # Paused Mon 15:00 -> Tue 10:00: 2 h + 3 h. Thu 09:00 + 5 h = Thu 16:00.
        due = CAL.extend_by_pause(vn(2026, 3, 5, 9), vn(2026, 3, 2, 15), vn(2026, 3, 3, 10))
        assert due == vn(2026, 3, 5, 16)

    def test_a_pause_without_working_time_changes_nothing(self) -> None:
        due = CAL.extend_by_pause(vn(2026, 3, 6, 17), vn(2026, 3, 7, 9), vn(2026, 3, 8, 20))
        assert due == vn(2026, 3, 6, 17)

    def test_a_due_at_closing_moves_into_the_next_day(self) -> None:
        due = CAL.extend_by_pause(vn(2026, 3, 6, 17), vn(2026, 3, 2, 9), vn(2026, 3, 2, 10))
        assert due == vn(2026, 3, 9, 8)


class TestExplain:
    def test_lunch_reception_counts_from_13_30_and_lists_the_days(self) -> None:
        explained = CAL.explain(vn(2026, 4, 24, 12), "1", Unit.WORKING_DAYS)
        assert explained.due == vn(2026, 4, 28, 11, 30)
        assert explained.counting_from == vn(2026, 4, 24, 13, 30)
        assert explained.value == Decimal(1)
        assert [info.day.day for info in explained.days] == [24, 25, 26, 27, 28]
        assert [info.day.day for info in explained.days_counted] == [24, 28]
        reasons = [info.reason for info in explained.days_skipped]
        assert reasons[0] == "Thứ Bảy"
        assert all("Hùng Vương" in str(reason) for reason in reasons[1:])

    def test_calendar_days_count_from_the_next_midnight(self) -> None:
        explained = CAL.explain(vn(2026, 3, 2, 10), 5, "days")
        assert explained.counting_from == vn(2026, 3, 3)
        assert explained.due == vn(2026, 3, 9, 17)

    def test_same_day_after_cut_off_counts_from_the_next_opening(self) -> None:
        explained = CAL.explain(vn(2026, 3, 6, 16), 0, Unit.SAME_DAY)
        assert explained.counting_from == vn(2026, 3, 9, 7)


class TestInputs:
    @pytest.mark.parametrize("value", [-1, "-0,5", Decimal("-1"), -0.25])
    def test_negative_values_are_rejected(self, value: object) -> None:
        with pytest.raises(ValueError, match="negative"):
            CAL.due(vn(2026, 3, 3, 9), value, Unit.WORKING_DAYS)  # type: ignore[arg-type]

    @pytest.mark.parametrize("unit", list(Unit))
    def test_negative_values_are_rejected_for_every_unit(self, unit: Unit) -> None:
        with pytest.raises(ValueError, match="negative"):
            CAL.due(vn(2026, 3, 3, 9), -1, unit)

    @pytest.mark.parametrize("value", ["abc", "1,000.5", "", "1e3", float("nan"), float("inf")])
    def test_garbled_values_are_rejected(self, value: object) -> None:
        with pytest.raises(ValueError):
            CAL.due(vn(2026, 3, 3, 9), value, Unit.HOURS)  # type: ignore[arg-type]

    def test_a_bool_is_not_an_amount(self) -> None:
        with pytest.raises(TypeError):
            CAL.due(vn(2026, 3, 3, 9), True, Unit.HOURS)

    def test_an_unknown_unit_is_rejected(self) -> None:
        with pytest.raises(ValueError):
            CAL.due(vn(2026, 3, 3, 9), 1, "weeks")

    def test_naive_datetimes_are_rejected_everywhere(self) -> None:
        naive, aware = datetime(2026, 3, 3, 9), vn(2026, 3, 3, 9)
        calls = [
            lambda: CAL.due(naive, 1, Unit.WORKING_DAYS),
            lambda: CAL.due(naive, 1, Unit.SAME_DAY),
            lambda: CAL.explain(naive, 1, Unit.HOURS),
            lambda: CAL.working_time_between(naive, aware),
            lambda: CAL.working_time_between(aware, naive),
            lambda: CAL.add_working_time(naive, timedelta(hours=1)),
            lambda: CAL.extend_by_pause(naive, aware, aware),
            lambda: CAL.extend_by_pause(aware, naive, aware),
            lambda: CAL.is_working_day(naive),
        ]
        for call in calls:
            with pytest.raises(ValueError, match="timezone-aware"):
                call()

    def test_other_time_zones_are_converted_and_results_are_in_vietnam_time(self) -> None:
        received = datetime(2026, 3, 3, 2, tzinfo=UTC)  # 09:00 in Vietnam
        due = CAL.due(received, 1, Unit.WORKING_DAYS)
        assert due == vn(2026, 3, 4, 9)
        assert due.tzinfo is VN_TZ

    def test_as_vietnam(self) -> None:
        assert as_vietnam(datetime(2026, 3, 3, 9)) == vn(2026, 3, 3, 9)
        assert as_vietnam(datetime(2026, 3, 3, 2, tzinfo=UTC)).hour == 9
        assert as_vietnam(datetime(2026, 3, 3, 9)).tzinfo is VN_TZ


class TestSessions:
    def test_configured_sessions(self) -> None:
        cal = WorkingCalendar(
            sessions=[(time(7, 30), time(11, 30)), (time(13), time(17))],
            same_day_cutoff=time(16),
        )
        assert cal.due(vn(2026, 3, 3, 12), 1, Unit.HOURS) == vn(2026, 3, 3, 14)
        assert cal.due(vn(2026, 3, 3, 9), 1, Unit.WORKING_DAYS) == vn(2026, 3, 4, 9)
        assert cal.due(vn(2026, 3, 3, 15, 30), 0, Unit.SAME_DAY) == vn(2026, 3, 3, 17)

    @pytest.mark.parametrize(
        "sessions",
        [
            [],
            [(time(11), time(7))],
            [(time(13), time(17)), (time(7), time(11))],
            [(time(7), time(12)), (time(11), time(17))],
        ],
    )
    def test_bad_sessions_are_rejected(self, sessions: list[tuple[time, time]]) -> None:
        with pytest.raises(ValueError):
            WorkingCalendar(sessions=sessions)

    def test_cut_off_after_closing_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="cut-off"):
            WorkingCalendar(same_day_cutoff=time(18))
