"""Reading what an administrator types into the calendar page: one day of the form, or a
year's schedule pasted in the format of the overrides file. Every problem is in Vietnamese,
beside its field or with its line, and nothing is kept when there is one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import yaml
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from onestop.calendar import (
    DayOverride,
    OverridesFileError,
    WorkingCalendar,
    parse_overrides_text,
)
from onestop.calendar.model import OverrideKind
from onestop.dossiers.validation import ValidationFailed
from onestop.errors import Invalid
from onestop.fields import FIRST_YEAR, LAST_YEAR, bad_character

MAX_REASON, MAX_DECISION = 300, 200  # the columns of CalendarOverride
KINDS: tuple[OverrideKind, ...] = ("day_off", "working_day")


def _(msgid: str, /, **variables: Any) -> str:
    """gettext, typed: the messages are read in the request's language, Vietnamese first."""
    return str(gettext(msgid, **variables))


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Line:
    """A message about one line of a pasted schedule."""

    number: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(message)s", line=self.number, message=self.message)


class ScheduleInvalid(Invalid):
    """A pasted schedule that cannot be used; `lines` holds every problem, by line."""

    code = "schedule_invalid"

    def __init__(self, lines: list[Line]) -> None:
        self.lines = sorted(lines, key=lambda line: line.number)
        super().__init__(str(self.lines[0]), field="overrides")


def dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def read_day(raw: str) -> date:
    """A date from the date picker (YYYY-MM-DD) or typed by hand (dd/mm/yyyy)."""
    text = raw.strip()
    if not text:
        raise Invalid(_("Chọn ngày."), field="day")
    try:
        if _ISO.fullmatch(text):
            day = date.fromisoformat(text)
        elif found := _DMY.fullmatch(text):
            d, m, y = (int(part) for part in found.groups())
            day = date(y, m, d)
        else:
            raise ValueError(text)
    except ValueError as exc:  # also 30/02, month 13
        raise Invalid(
            _("Ngày không hợp lệ: chọn trên lịch hoặc nhập theo dạng dd/mm/yyyy."), field="day"
        ) from exc
    if message := out_of_range(day):
        raise Invalid(message, field="day")
    return day


def out_of_range(day: date) -> str | None:
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return _(
        "Chỉ nhập được ngày từ năm %(first)s đến năm %(last)s.", first=FIRST_YEAR, last=LAST_YEAR
    )


def read_entry(*, day: str, kind: str, reason: str, decision: str) -> DayOverride:
    """One day of the form; ValidationFailed names every field at fault at once."""
    errors: dict[str, str] = {}
    parsed: date | None = None
    try:
        parsed = read_day(day)
    except Invalid as exc:
        errors["day"] = exc.message
    if kind not in KINDS:
        errors["kind"] = _("Chọn loại ngày: ngày nghỉ hoặc ngày làm việc bù.")
    reason = " ".join(reason.split())
    decision = " ".join(decision.split())
    if not reason:
        errors["reason"] = _("Nhập lý do (ví dụ: Nghỉ Tết Nguyên đán).")
    for name, value in (("reason", reason), ("decision", decision)):
        if message := _text_problem(name, value):
            errors.setdefault(name, message)
    if errors or parsed is None:
        raise ValidationFailed(errors)
    checked = cast(OverrideKind, kind)  # one of KINDS (above)
    return DayOverride(day=parsed, kind=checked, reason=reason, decision=decision or None)


def read_schedule(text: str) -> list[tuple[int, DayOverride]]:
    """The days of a pasted schedule, each with its line; ScheduleInvalid lists every problem."""
    if not text.strip():
        raise ScheduleInvalid([Line(1, _("Chưa nhập ngày nào."))])
    ch = bad_character(text, multiline=True)
    if ch is not None:
        line = text[: text.index(ch)].count("\n") + 1
        message = _("Có ký tự không được phép (U+%(point)s).", point=f"{ord(ch):04X}")
        raise ScheduleInvalid([Line(line, message)])
    try:
        overrides = parse_overrides_text(text, filename="")
    except OverridesFileError as exc:
        raise ScheduleInvalid([Line(line, vietnamese(m)) for _f, line, m in exc.errors]) from exc
    except yaml.YAMLError as exc:  # characters YAML refuses (U+FFFE ...): no line to point at
        raise ScheduleInvalid([Line(1, _("Có ký tự không đọc được."))]) from exc
    if not overrides:
        raise ScheduleInvalid([Line(1, _("Chưa nhập ngày nào."))])
    lines = _entry_lines(text)
    found = [(lines.get(o.day, 1), o) for o in overrides]
    problems = [Line(n, m) for n, o in found for m in _texts(o)]
    problems += [Line(n, m) for n, o in found if (m := out_of_range(o.day))]
    if problems:
        raise ScheduleInvalid(problems)
    return found


def _text_problem(name: str, value: str) -> str | None:
    """What is wrong with a reason or a decision, if anything (both are one line of text)."""
    ch = bad_character(value)
    if ch is not None:
        return _("Có ký tự không được phép (U+%(point)s).", point=f"{ord(ch):04X}")
    if name == "reason" and len(value) > MAX_REASON:
        return _("Lý do dài quá %(n)s ký tự.", n=MAX_REASON)
    if name == "decision" and len(value) > MAX_DECISION:
        return _("Số quyết định, thông báo dài quá %(n)s ký tự.", n=MAX_DECISION)
    return None


def _texts(override: DayOverride) -> list[str]:
    found = [_text_problem("reason", override.reason)]
    found.append(_text_problem("decision", override.decision or ""))
    return [message for message in found if message]


def _entry_lines(text: str) -> dict[date, int]:
    """The line of each day's entry; the text has been parsed already, so its shape is right."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[date, int] = {}
    for _key, section in root.value if isinstance(root, yaml.MappingNode) else []:
        for entry in section.value if isinstance(section, yaml.SequenceNode) else []:
            for key, value in entry.value:
                if key.value == "date":
                    lines[date.fromisoformat(value.value)] = entry.start_mark.line + 1
    return lines


# The overrides file's parser reports in English, for the people who edit the files; the
# administrators read the same problems in Vietnamese. A message of the parser that is not
# known here still gets its line, with a general sentence (tests pin every one of them).
_KIND_WORDS = {"a day off": _l("ngày nghỉ"), "a working day": _l("ngày làm việc bù")}
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"invalid YAML: .*", _l("Sai cú pháp (xem lại thụt đầu dòng, dấu hai chấm, dấu ngoặc).")),
        (
            r"expected a mapping with the keys days_off and working_days",
            _l("Cần hai mục days_off (ngày nghỉ) và working_days (ngày làm việc bù)."),
        ),
        (
            r"unknown key '(?P<key>.*)' \(expected days_off, working_days\)",
            _l("Mục '%(key)s' không có (chỉ dùng days_off và working_days)."),
        ),
        (
            r"(?P<key>\w+) must be a list of \{date, reason\} entries",
            _l("Mục %(key)s phải là một danh sách, mỗi dòng một ngày có date và reason."),
        ),
        (
            r"an entry must be a mapping with date and reason",
            _l("Mỗi ngày cần date và reason, ví dụ {date: 2027-02-05, reason: Nghỉ Tết}."),
        ),
        (
            r"unknown key '(?P<key>.*)' \(expected date, reason, decision\)",
            _l("Khóa '%(key)s' không có (chỉ dùng date, reason, decision)."),
        ),
        (r"missing date", _l("Thiếu ngày (date).")),
        (r"missing reason", _l("Thiếu lý do (reason).")),
        (
            r"bad date '(?P<text>.*)' \(expected YYYY-MM-DD, a real day\)",
            _l("Ngày '%(text)s' không hợp lệ (viết theo dạng YYYY-MM-DD, một ngày có thật)."),
        ),
        (r"reason must be a non-empty text", _l("Lý do (reason) phải là một đoạn chữ.")),
        (
            r"decision must be a non-empty text",
            _l("Quyết định (decision) phải là một đoạn chữ hoặc để trống."),
        ),
        (
            r"(?P<day>\S+) is listed twice \(also at line (?P<line>\d+)\)",
            _l("Ngày %(day)s được nhập hai lần (cả ở dòng %(line)s)."),
        ),
        (
            r"(?P<day>\S+) is listed both as (?P<first>a day off|a working day) "
            r"\(line (?P<line>\d+)\) and as (?P<second>a day off|a working day)",
            _l("Ngày %(day)s vừa là %(first)s (dòng %(line)s) vừa là %(second)s."),
        ),
        (r"a key must be plain text", _l("Khóa phải là chữ.")),
        (r"duplicate key '(?P<key>.*)'", _l("Khóa '%(key)s' bị lặp lại.")),
    )
)


def vietnamese(message: str) -> str:
    """A problem of the overrides file's parser, in Vietnamese."""
    for pattern, template in _MESSAGES:
        found = pattern.fullmatch(message)
        if found is not None:
            return str(template) % {k: _shown(k, v) for k, v in found.groupdict().items()}
    return _("Không đọc được nội dung dòng này.")


def _shown(key: str, value: str) -> str:
    if key == "day":
        return dmy(date.fromisoformat(value))
    if key in ("first", "second"):
        return str(_KIND_WORDS[value])
    return value


def kind_name(kind: str) -> str:
    return _("ngày nghỉ") if kind == "day_off" else _("ngày làm việc bù")


def redundant(base: WorkingCalendar, override: DayOverride) -> str | None:
    """Why entering `override` would change nothing, if it would not.

    `base` is the calendar below the administrators' entries: an entry that repeats it
    hides a later correction of the files or the holidays package behind the database.
    """
    info = base.day_info(override.day)
    day = dmy(override.day)
    if override.kind == "day_off" and not info.working:
        return _(
            "Ngày %(day)s đã là ngày nghỉ (%(why)s): không cần nhập.", day=day, why=info.reason
        )
    if override.kind == "working_day" and info.working:
        if info.reason:
            return _(
                "Ngày %(day)s đã là ngày làm việc (%(why)s): không cần ngày làm việc bù.",
                day=day,
                why=info.reason,
            )
        return _("Ngày %(day)s đã là ngày làm việc: không cần ngày làm việc bù.", day=day)
    return None
