"""Building the calendar from its layers (the holidays package, the shipped file, the
ONESTOP_CALENDAR file, the database), listing them, and editing the database layer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypedDict, cast

from sqlalchemy import func, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from onestop.accounts.models import User
from onestop.calendar import VN_TZ, DayInfo, DayOverride, WorkingCalendar, parse_overrides_file
from onestop.calendar.days import package_days
from onestop.calendar.model import OverrideKind
from onestop.deadlines import entries
from onestop.deadlines.entries import _
from onestop.deadlines.models import CalendarOverride
from onestop.dossiers import actions
from onestop.dossiers.clock import recomputed_due
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.states import ENDED, Action
from onestop.errors import Conflict, Invalid, NotFound
from onestop.i18n import N_

SHIPPED = "calendar.yaml"  # in the catalogue directory: the official schedules we know of
_cache: dict[tuple[object, ...], WorkingCalendar] = {}
_lock = threading.Lock()


class Layer(StrEnum):
    """Where a day off or a make-up working day comes from; each layer wins over the ones
    before it."""

    PACKAGE = "package"  # the holidays package: Labour Code 2019 Art. 112 and its swaps
    SHIPPED = "shipped"  # procedures/calendar.yaml
    LOCAL = "local"  # the ONESTOP_CALENDAR file (or `onestop due --calendar`)
    ADMIN = "admin"  # the administrators' entries, in the database


def _file_layers(catalogue_dir: str | Path, extra: str | Path | None) -> list[tuple[Layer, Path]]:
    shipped = Path(catalogue_dir) / SHIPPED
    files = [(Layer.SHIPPED, shipped)] if shipped.exists() else []
    return files + ([(Layer.LOCAL, Path(extra))] if extra else [])


def file_overrides(catalogue_dir: str | Path, extra: str | Path | None) -> list[DayOverride]:
    """The shipped overrides, then those of ONESTOP_CALENDAR / --calendar, which win."""
    overrides: list[DayOverride] = []
    for _layer, path in _file_layers(catalogue_dir, extra):
        overrides += parse_overrides_file(path)
    return overrides


def file_calendar(catalogue_dir: str | Path, extra: str | Path | None) -> WorkingCalendar:
    """The calendar below the administrators' entries: the package and the two files."""
    return WorkingCalendar(overrides=file_overrides(catalogue_dir, extra))


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
        raise Invalid(N_("Một ngày được nhập hai lần."), code="duplicate_day")
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


def add_override(
    session: Session,
    *,
    override: DayOverride,
    base: WorkingCalendar,
    actor: User,
    now: datetime,
) -> CalendarOverride:
    """One administrator's day; `base` is `file_calendar`, what the day is without it.

    A day that has an entry already is refused rather than replaced: the form adds, and
    changing a day is deleting its entry (with a confirmation) and adding the new one.
    """
    row = session.get(CalendarOverride, override.day)
    if row is not None:
        raise Conflict(
            _(
                "Ngày %(day)s đã có điều chỉnh của quản trị viên (%(kind)s: %(reason)s). "
                "Xóa điều chỉnh đó trước nếu muốn thay.",
                day=entries.dmy(row.day),
                kind=entries.kind_name(row.kind),
                reason=row.reason,
            ),
            code="override_exists",
            field="day",
        )
    if message := entries.redundant(base, override):
        raise Invalid(message, code="override_redundant", field="day")
    row = CalendarOverride(
        day=override.day,
        kind=override.kind,
        reason=override.reason,
        decision=override.decision,
        created_by_id=actor.id,
        created_at=now,
    )
    try:
        # Two administrators adding the same day at once (PostgreSQL: both read no row):
        # the second one's insert fails on the key, inside a savepoint, and is refused.
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict(
            _(
                "Ngày %(day)s vừa được người khác nhập. Tải lại trang để xem.",
                day=entries.dmy(override.day),
            ),
            code="override_exists",
            field="day",
        ) from exc
    return row


def import_schedule(
    session: Session, *, text: str, base: WorkingCalendar, actor: User, now: datetime
) -> int:
    """A year's schedule pasted in the format of the overrides file; the days it names
    replace the administrators' entries of those days. ScheduleInvalid lists every line
    at fault, and then nothing is kept."""
    found = entries.read_schedule(text)
    problems = [entries.Line(n, m) for n, o in found if (m := entries.redundant(base, o))]
    if problems:
        raise entries.ScheduleInvalid(problems)
    return set_overrides(session, overrides=[o for _n, o in found], actor=actor, now=now)


def get_override(session: Session, *, day: date) -> CalendarOverride:
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound(
            _("Ngày %(day)s không có điều chỉnh của quản trị viên.", day=entries.dmy(day)),
            code="override_not_found",
        )
    return row


def remove_override(session: Session, *, day: date) -> None:
    session.delete(get_override(session, day=day))
    session.flush()


@dataclass(frozen=True)
class LayerEntry:
    """What one layer says of a day."""

    layer: Layer
    kind: OverrideKind
    reason: str
    decision: str | None = None
    by: str | None = None  # the administrator who entered it (admin layer only)
    at: datetime | None = None


@dataclass(frozen=True)
class YearDay:
    """A day that some layer makes a day off or a working day, with every layer's say."""

    day: date
    entries: tuple[LayerEntry, ...]  # from the lowest layer up: the last one is in force
    in_force: DayInfo  # what the calendar in force makes of the day

    @property
    def admin_entry(self) -> LayerEntry | None:
        last = self.entries[-1]
        return last if last.layer is Layer.ADMIN else None


def year_days(
    session: Session,
    *,
    year: int,
    catalogue_dir: str | Path,
    extra: str | Path | None,
    calendar: WorkingCalendar,
) -> list[YearDay]:
    """Every day of `year` that a layer lists, in date order, with where each entry comes
    from; `calendar` is the calendar in force (`calendar_for`)."""
    found: dict[date, list[LayerEntry]] = {}
    days_off, workdays = package_days(year)
    # Days off first: the engine lets the package's make-up day win over its day off.
    for kind, days in (("day_off", days_off), ("working_day", workdays)):
        for day, reason in days.items():
            found.setdefault(day, []).append(LayerEntry(Layer.PACKAGE, kind, reason))  # type: ignore[arg-type]  # one of the two kinds (above)
    for layer, path in _file_layers(catalogue_dir, extra):
        for o in parse_overrides_file(path):
            if o.day.year == year:
                entry = LayerEntry(layer, o.kind, o.reason, o.decision)
                found.setdefault(o.day, []).append(entry)
    rows = session.exec(
        select(CalendarOverride, User.full_name)
        .join(User, col(User.id) == col(CalendarOverride.created_by_id), isouter=True)
        .where(col(CalendarOverride.day) >= date(year, 1, 1))
        .where(col(CalendarOverride.day) <= date(year, 12, 31))
    )
    for row, name in rows:
        kind = cast(OverrideKind, row.kind)  # only kinds a DayOverride checked (set_overrides)
        entry = LayerEntry(Layer.ADMIN, kind, row.reason, row.decision, by=name, at=row.created_at)
        found.setdefault(row.day, []).append(entry)
    return [
        YearDay(day=day, entries=tuple(listed), in_force=calendar.day_info(day))
        for day, listed in sorted(found.items())
    ]


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
        note = N_("Hạn trả đổi từ {old} thành {new} theo lịch làm việc mới.").format(
            old=f"{move.old.astimezone(VN_TZ):%H:%M %d/%m/%Y}",
            new=f"{move.new.astimezone(VN_TZ):%H:%M %d/%m/%Y}",
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
