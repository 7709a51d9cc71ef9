"""Early, on time or late against a due time (docs/domain.md#timeliness, Decision 766/QĐ-TTg)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from onestop.calendar.model import in_vietnam

Timeliness = Literal["early", "on_time", "late"]


def timeliness(
    *, due_at: datetime | None, ended_at: datetime | None, now: datetime
) -> Timeliness | None:
    """How a dossier (or one step of it) stands against its due time.

    Late iff it ended after `due_at`, or it is still open and `now` is past `due_at`. Early iff
    it ended on a calendar date (Vietnam time) before the due date. Otherwise on time. None
    while it is open and not yet late, and when there is no due time at all.
    """
    current = in_vietnam(now, "now")
    if due_at is None:
        return None
    due = in_vietnam(due_at, "due_at")
    if ended_at is None:
        return "late" if current > due else None
    ended = in_vietnam(ended_at, "ended_at")
    if ended > due:
        return "late"
    # Dates compared in Vietnam time: 23:00 UTC is already the next day in Hà Nội.
    return "early" if ended.date() < due.date() else "on_time"
