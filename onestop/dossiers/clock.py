"""A dossier's clock: when it starts, pauses, resumes and what its due time is
(docs/domain.md#deadlines). The action service calls these; nothing else moves the clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from onestop.calendar import WorkingCalendar
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import PAUSED, Status


class Transition(Protocol):
    at: datetime
    from_status: int | None
    to_status: int


def allowance(data: Mapping[str, Any], channel: str, variant: str = "") -> dict[str, Any] | None:
    """The time a procedure (its catalogue data) allows for this channel: the named variant's
    (trường hợp) when it states one, else the channel's own, else the general one; None when
    none is published."""
    for case in data.get("variants", []):
        if variant and case["name"] == variant and case.get("processing_time"):
            return dict(case["processing_time"])
    for offer in data.get("channels", []):
        if offer["channel"] == channel and offer.get("processing_time"):
            return dict(offer["processing_time"])
    general = data.get("processing_time")
    return dict(general) if general else None


def due_from(calendar: WorkingCalendar, dossier: Dossier, start: datetime) -> datetime | None:
    """The due time of the dossier's own allowance counted from `start`."""
    if dossier.time_unit is None or dossier.time_value is None:
        return None
    return calendar.due(start, str(dossier.time_value), dossier.time_unit)


def start(dossier: Dossier, calendar: WorkingCalendar, now: datetime) -> None:
    """Reception: the clock starts now, and the appointment is set."""
    dossier.received_at = now
    dossier.due_at = due_from(calendar, dossier, now)


def pause(dossier: Dossier, before: Status | None, now: datetime) -> None:
    """Waiting for the citizen (status 5 or 6): remember since when, and where to resume."""
    dossier.paused_at = now
    dossier.resume_status = before.value if before is not None else None


def resume(dossier: Dossier, calendar: WorkingCalendar, now: datetime) -> Status:
    """The citizen answered: start the clock if it never ran (a supplement asked at the
    counter), else move the due times later by the working time spent waiting. Returns the
    status to go back to."""
    paused_at, back_to = dossier.paused_at, dossier.resume_status
    clear_pause(dossier)
    if dossier.received_at is None:
        start(dossier, calendar, now)
        return Status.RECEIVED
    if paused_at is not None:
        dossier.due_at = _extended(calendar, dossier.due_at, paused_at, now)
        # The apology's new date was promised in working time too: the wait does not count.
        dossier.extended_due_at = _extended(calendar, dossier.extended_due_at, paused_at, now)
    return Status(back_to or Status.RECEIVED)


def clear_pause(dossier: Dossier) -> None:
    dossier.paused_at = None
    dossier.resume_status = None


def _extended(
    calendar: WorkingCalendar, due: datetime | None, since: datetime, until: datetime
) -> datetime | None:
    return None if due is None else calendar.extend_by_pause(due, since, until)


def pauses(history: Sequence[Transition]) -> list[tuple[datetime, datetime]]:
    """The finished pauses (statuses 5 and 6) in a dossier's audit trail."""
    spans: list[tuple[datetime, datetime]] = []
    started: datetime | None = None
    for e in history:
        if e.to_status in PAUSED and e.from_status not in PAUSED:
            started = e.at
        elif e.from_status in PAUSED and e.to_status not in PAUSED and started is not None:
            spans.append((started, e.at))
            started = None
    return spans


def recomputed_due(
    calendar: WorkingCalendar, dossier: Dossier, history: Sequence[Transition]
) -> datetime | None:
    """The due time `calendar` gives: from reception, moved by each finished pause after it."""
    if dossier.received_at is None:
        return None
    due = due_from(calendar, dossier, dossier.received_at)
    if due is None:
        return None
    for since, until in pauses(history):
        # A pause that began before reception (a counter's supplement request) is not one.
        if since >= dossier.received_at:
            due = calendar.extend_by_pause(due, since, until)
    return due
