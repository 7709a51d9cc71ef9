"""The overrides file: what it accepts, and `file:line: message` for what it does not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from onestop.calendar import (
    DayOverride,
    OverridesFileError,
    parse_overrides_file,
    parse_overrides_text,
)

SHIPPED = Path(__file__).resolve().parents[2] / "procedures" / "calendar.yaml"


def errors_of(text: str) -> list[tuple[str, int, str]]:
    with pytest.raises(OverridesFileError) as caught:
        parse_overrides_text(dedent(text), filename="cal.yaml")
    return caught.value.errors


def test_the_shipped_file_parses() -> None:
    overrides = parse_overrides_file(SHIPPED)
    assert (
        DayOverride(
            date(2026, 11, 24),
            "working_day",
            "Ngày Văn hóa Việt Nam chưa là ngày nghỉ lễ theo Điều 112 Bộ luật Lao động 2019",
        )
        in overrides
    )


def test_a_full_file() -> None:
    text = """\
        days_off:
          - date: 2026-03-04
            reason: Bão số 3
            decision: Công điện 12/CĐ-UBND
          - {date: "2026-03-05", reason: "Bão số 3", decision: }
        working_days:
          - date: 2026-03-07
            reason: Làm bù
        """
    assert parse_overrides_text(dedent(text)) == [
        DayOverride(date(2026, 3, 4), "day_off", "Bão số 3", "Công điện 12/CĐ-UBND"),
        DayOverride(date(2026, 3, 5), "day_off", "Bão số 3"),
        DayOverride(date(2026, 3, 7), "working_day", "Làm bù"),
    ]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "days_off:\nworking_days: []\n"])
def test_empty_files_and_sections_mean_no_overrides(text: str) -> None:
    assert parse_overrides_text(text) == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("days_off:\n  - date: 2026-02-30\n    reason: x\n", 2, "bad date '2026-02-30'"),
        ("days_off:\n  - date: 30/04/2026\n    reason: x\n", 2, "bad date '30/04/2026'"),
        ("days_off:\n  - date: 2026-04-30 10:00\n    reason: x\n", 2, "bad date"),
        ("days_off:\n  - date: [2026]\n    reason: x\n", 2, "bad date 'a sequence'"),
        ("holidays:\n  - {date: 2026-04-30, reason: x}\n", 1, "unknown key 'holidays'"),
        ("days_off:\n  - date: 2026-04-30\n    reason: x\n    decison: y\n", 4, "unknown key"),
        ("days_off:\n  - date: 2026-04-30\n", 2, "missing reason"),
        ("days_off:\n  - reason: x\n", 2, "missing date"),
        ("days_off:\n  - date: 2026-04-30\n    reason: '  '\n", 3, "reason must be"),
        ("days_off:\n  - date: 2026-04-30\n    reason:\n", 3, "reason must be"),
        ("days_off: 2026-04-30\n", 1, "days_off must be a list"),
        ("days_off:\n  date: 2026-04-30\n  reason: x\n", 2, "days_off must be a list"),
        ("days_off:\n  - 2026-04-30\n", 2, "an entry must be a mapping"),
        ("- date: 2026-04-30\n", 1, "expected a mapping"),
        ("days_off: []\ndays_off: []\n", 2, "duplicate key 'days_off'"),
        ("days_off:\n  - date: 2026-04-30\n    date: 2026-05-01\n    reason: x\n", 3, "duplicate"),
        ("days_off:\n  - date: 2026-04-30\n   reason: x\n", 3, "invalid YAML"),
    ],
)
def test_errors_carry_their_line(text: str, line: int, message: str) -> None:
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert errors[0][0] == "cal.yaml"
    assert errors[0][1] == line
    assert message in errors[0][2]


def test_a_date_both_off_and_worked() -> None:
    text = """\
        days_off:
          - date: 2026-08-22
            reason: x
        working_days:
          - date: 2026-08-22
            reason: y
        """
    [(_, line, message)] = errors_of(text)
    assert line == 5
    assert message == "2026-08-22 is listed both as a day off (line 2) and as a working day"


def test_a_date_listed_twice() -> None:
    text = "days_off:\n  - {date: 2026-08-24, reason: x}\n  - {date: 2026-08-24, reason: y}\n"
    [(_, line, message)] = errors_of(text)
    assert (line, message) == (3, "2026-08-24 is listed twice (also at line 2)")


def test_every_error_is_reported_at_once_and_the_message_is_one_per_line() -> None:
    text = """\
        days_off:
          - date: 2026-13-01
            reason: x
          - date: 2026-04-30
        extra: 1
        """
    with pytest.raises(OverridesFileError) as caught:
        parse_overrides_text(dedent(text), filename="cal.yaml")
    assert str(caught.value).splitlines() == [
        "cal.yaml:2: bad date '2026-13-01' (expected YYYY-MM-DD, a real day)",
        "cal.yaml:4: missing reason",
        "cal.yaml:5: unknown key 'extra' (expected days_off, working_days)",
    ]


def test_an_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_overrides_text("days_off: 1\n")


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(OverridesFileError) as caught:
        parse_overrides_file(missing)
    assert caught.value.errors[0][:2] == (str(missing), 1)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("days_off:\n  - {date: 2026-04-30, reason: Ngh\xe9}\n".encode("latin-1"))
    with pytest.raises(OverridesFileError, match="not UTF-8"):
        parse_overrides_file(path)


def test_an_override_needs_a_known_kind_and_a_reason() -> None:
    with pytest.raises(ValueError):
        DayOverride(date(2026, 4, 30), "holiday", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        DayOverride(date(2026, 4, 30), "day_off", " ")
