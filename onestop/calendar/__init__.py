"""The working calendar: days off, working hours, due times and timeliness
(docs/domain.md#deadlines, #timeliness).

Pure: no web framework, no database. Every function takes and returns timezone-aware
datetimes (results in Vietnam time) and never reads the clock or the machine's time zone;
`as_vietnam` is the one door for naive input.
"""

from onestop.calendar.engine import DEFAULT_SESSIONS, WorkingCalendar
from onestop.calendar.model import (
    VN_TZ,
    Amount,
    DayInfo,
    DayOverride,
    Explanation,
    Unit,
    as_vietnam,
)
from onestop.calendar.overrides import (
    OverridesFileError,
    parse_overrides_file,
    parse_overrides_text,
)
from onestop.calendar.timeliness import Timeliness, timeliness

__all__ = [
    "DEFAULT_SESSIONS",
    "VN_TZ",
    "Amount",
    "DayInfo",
    "DayOverride",
    "Explanation",
    "OverridesFileError",
    "Timeliness",
    "Unit",
    "WorkingCalendar",
    "as_vietnam",
    "parse_overrides_file",
    "parse_overrides_text",
    "timeliness",
]
