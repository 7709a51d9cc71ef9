"""Early, on time, late (docs/domain.md#timeliness)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onestop.calendar import VN_TZ, timeliness


def vn(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


DUE = vn(5, 17)  # Thursday 05/03/2026 17:00


@pytest.mark.parametrize(
    ("ended", "now", "expected"),
    [
        pytest.param(vn(4, 16), vn(10), "early", id="a day before"),
        pytest.param(vn(4, 23, 59), vn(10), "early", id="late evening before"),
        pytest.param(vn(5, 7), vn(10), "on_time", id="morning of the due day"),
        pytest.param(vn(5, 17), vn(10), "on_time", id="exactly at the due time"),
        pytest.param(vn(5, 17, 1), vn(10), "late", id="a minute after"),
        pytest.param(vn(6, 9), vn(10), "late", id="next day"),
        pytest.param(None, vn(5, 16), None, id="open, not yet due"),
        pytest.param(None, vn(5, 17), None, id="open, at the due time"),
        pytest.param(None, vn(5, 17, 1), "late", id="open, past due"),
        pytest.param(vn(4, 9), vn(3), "early", id="now does not matter once ended"),
    ],
)
def test_timeliness(ended: datetime | None, now: datetime, expected: str | None) -> None:
    assert timeliness(due_at=DUE, ended_at=ended, now=now) == expected


def test_no_due_time_means_no_timeliness() -> None:
    assert timeliness(due_at=None, ended_at=vn(4), now=vn(10)) is None
    assert timeliness(due_at=None, ended_at=None, now=vn(10)) is None


def test_dates_are_compared_in_vietnam_time() -> None:
    # 04/03 23:30 UTC is already 05/03 06:30 in Vietnam: the due day, so on time, not early.
    ended = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    assert timeliness(due_at=DUE, ended_at=ended, now=vn(10)) == "on_time"
    due_utc = datetime(2026, 3, 5, 10, tzinfo=UTC)  # 17:00 in Vietnam
    assert timeliness(due_at=due_utc, ended_at=vn(4, 16), now=vn(10)) == "early"


def test_a_new_date_from_an_apology_does_not_change_the_measure() -> None:
    # Only due_at counts (moved by pauses only); the caller never passes the apology's date.
    assert timeliness(due_at=DUE, ended_at=vn(9, 10), now=vn(10)) == "late"


@pytest.mark.parametrize("name", ["due_at", "ended_at", "now"])
def test_naive_datetimes_are_rejected(name: str) -> None:
    given = {"due_at": DUE, "ended_at": vn(4), "now": vn(10)}
    given[name] = datetime(2026, 3, 4)
    with pytest.raises(ValueError, match=name):
        timeliness(**given)  # type: ignore[arg-type]
