"""Building the calendar from its three layers, and editing the database layer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict, cast

from sqlalchemy import func, inspect
from sqlmodel import Session, col, select

from onestop.accounts.models import User
from onestop.calendar import VN_TZ, DayOverride, WorkingCalendar, parse_overrides_file
from onestop.calendar.model import OverrideKind
from onestop.deadlines.models import CalendarOverride
from onestop.dossiers import actions
from onestop.dossiers.clock import recomputed_due
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.states import ENDED, Action
from onestop.errors import Invalid, NotFound

SHIPPED = "calendar.yaml"  # in the catalogue directory: the official schedules we know of
_cache: dict[tuple[object, ...], WorkingCalendar] = {}
_lock = threading.Lock()


def file_overrides(catalogue_dir: str | Path, extra: str | Path | None) -> list[DayOverride]:
    """The shipped overrides, then those of ONESTOP_CALENDAR / --calendar, which win."""
    overrides: list[DayOverride] = []
    shipped = Path(catalogue_dir) / SHIPPED
    if shipped.exists():
        overrides += parse_overrides_file(shipped)
    if extra:
        overrides += parse_overrides_file(extra)
    return overrides


def db_overrides(session: Session) -> list[DayOverride]:
    rows = session.exec(select(CalendarOverride).order_by(col(CalendarOverride.day)))
    return [
        # The column holds only kinds that a DayOverride checked (set_overrides), and
        # DayOverride checks it again.
        DayOverride(
            day=r.day, kind=cast(OverrideKind, r.kind), reason=r.reason, decision=r.decision
        )
        for r in rows
    ]


def _db_version(session: Session) -> tuple[object, ...]:
    """Changes whenever an admin adds, edits or removes an override, on any app server."""
    count, last = session.exec(
        select(func.count(), func.max(CalendarOverride.created_at)).select_from(CalendarOverride)
    ).one()
    return (count, last)


def has_override_table(session: Session) -> bool:
    return inspect(session.connection()).has_table(CalendarOverride.__tablename__)


def calendar_for(
    session: Session, *, catalogue_dir: str | Path, extra: str | Path | None
) -> WorkingCalendar:
    """The calendar in force: files first, then the database, which wins.

    Built once per version of the overrides and shared by the requests of this process.
    """
    version = (str(catalogue_dir), str(extra), *_db_version(session))
    calendar = _cache.get(version)
    if calendar is None:
        overrides = file_overrides(catalogue_dir, extra) + db_overrides(session)
        calendar = WorkingCalendar(overrides=overrides)
        with _lock:
            _cache.clear()  # only the newest version is ever asked for again
            _cache[version] = calendar
    return calendar


class _OverrideValues(TypedDict):
    kind: OverrideKind
    reason: str
    decision: str | None


def set_overrides(
    session: Session, *, overrides: Sequence[DayOverride], actor: User, now: datetime
) -> int:
    """Add or replace the overrides of these days (a year's schedule in one go)."""
    days = [o.day for o in overrides]
    if len(days) != len(set(days)):
        raise Invalid("Một ngày được nhập hai lần.", code="duplicate_day")
    for o in overrides:
        row = session.get(CalendarOverride, o.day)
        values: _OverrideValues = {
            "kind": o.kind,
            "reason": o.reason.strip(),
            "decision": o.decision,
        }
        if row is None:
            session.add(
                CalendarOverride(day=o.day, created_by_id=actor.id, created_at=now, **values)
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.created_by_id, row.created_at = actor.id, now
    session.flush()
    return len(overrides)


def remove_override(session: Session, *, day: date) -> None:
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound(f"Ngày {day:%d/%m/%Y} không có điều chỉnh.", code="override_not_found")
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class Move:
    """An open dossier whose due time the calendar in force would change."""

    dossier: Dossier
    old: datetime
    new: datetime


def moves(session: Session, *, calendar: WorkingCalendar) -> list[Move]:
    """Every open dossier whose stored due time differs from what `calendar` gives."""
    open_rows = session.exec(
        select(Dossier)
        .where(col(Dossier.status).not_in([s.value for s in ENDED]))
        .where(col(Dossier.received_at).is_not(None))
        .order_by(col(Dossier.due_at))
    ).all()
    trails: dict[int, list[DossierEvent]] = {}
    ids = [d.id for d in open_rows]
    for e in session.exec(
        select(DossierEvent)
        .where(col(DossierEvent.dossier_id).in_(ids))
        .order_by(col(DossierEvent.at))
    ):
        trails.setdefault(e.dossier_id, []).append(e)
    out = []
    for dossier in open_rows:
        new = recomputed_due(calendar, dossier, trails.get(dossier.id or 0, []))
        if new is not None and dossier.due_at is not None and new != dossier.due_at:
            out.append(Move(dossier=dossier, old=dossier.due_at, new=new))
    return out


def apply_moves(
    session: Session, *, calendar: WorkingCalendar, actor: User, now: datetime
) -> list[Move]:
    """Move the due times of the dossiers `moves` lists, each through the action service."""
    done = moves(session, calendar=calendar)
    for move in done:
        note = (
            f"Hạn trả đổi từ {move.old.astimezone(VN_TZ):%H:%M %d/%m/%Y} "
            f"thành {move.new.astimezone(VN_TZ):%H:%M %d/%m/%Y} theo lịch làm việc mới."
        )
        actions.perform(
            session,
            code=move.dossier.code,
            action=Action.RESCHEDULE,
            actor=actor,
            now=now,
            calendar=calendar,
            asked=actions.Asked(note=note, new_due_at=move.new),
        )
    return done
