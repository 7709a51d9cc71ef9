"""A processing time as the law states it (onestop.dossiers.services.time_text): the counter,
the receipt and the catalogue all say it this way."""

from __future__ import annotations

import pytest

from onestop.dossiers.services import time_text


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [
        (7, "working_days", "07 ngày làm việc"),
        (4.5, "working_days", "4,5 ngày làm việc"),
        (15, "days", "15 ngày"),
        (0, "same_day", "Trong ngày"),
        # A time in hours also reads in working days, 8 working hours to the day.
        (168, "hours", "168 giờ (21 ngày làm việc)"),
        (12, "hours", "12 giờ (1,5 ngày làm việc)"),
        (96, "hours", "96 giờ (12 ngày làm việc)"),
        (8, "hours", "08 giờ (01 ngày làm việc)"),
        (4, "hours", "04 giờ (0,5 ngày làm việc)"),
        (2, "hours", "02 giờ (0,25 ngày làm việc)"),
        (168.0, "hours", "168 giờ (21 ngày làm việc)"),  # a whole number read back as a float
        (20.0, "working_days", "20 ngày làm việc"),
    ],
)
def test_a_time_reads_as_the_law_states_it(value, unit, said):
    assert time_text({"value": value, "unit": unit}) == said


def test_no_published_time_says_so():
    assert time_text(None) == "Chưa công bố thời hạn"


def test_no_appointment_by_law_says_why():
    reason = "Chứng thực ngay trong buổi làm việc, người yêu cầu chờ nhận kết quả"
    assert time_text(None, no_appointment=reason) == f"Không hẹn ngày trả: {reason}"
    assert time_text(None, no_appointment="  ") == "Không hẹn ngày trả"


def test_a_channels_own_time_wins_over_no_appointment():
    assert time_text({"value": 3, "unit": "working_days"}, no_appointment="x") == (
        "03 ngày làm việc"
    )
