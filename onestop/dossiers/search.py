"""The staff's working lists: the handling desk (open steps at an agency) and the counter's
follow-up (finding a centre's dossiers, those waiting for the citizen, those ready to return).

Reads only. Each function takes the session and keyword arguments, `now` among them; marks
that depend on the time are computed here, against the working calendar given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import ENDED, PAUSED, Status
from onestop.fields import normalise_phone
from onestop.routing.models import DossierStep
from onestop.text import fold

# A step is "due soon" when it is due within this much working time (one working day).
SOON = timedelta(hours=8)
# Statuses in which a dossier is still being handled (an open step of an ended one is stale).
HANDLED = tuple(s.value for s in Status if s not in ENDED and s is not Status.SUBMITTED)
WAITING = tuple(sorted(s.value for s in PAUSED))  # 5 and 6: waiting for the citizen
PER_PAGE = 50
MARKS = ("overdue", "today", "soon")
NEWEST = (col(Dossier.submitted_at).desc(), col(Dossier.id).desc())


# The handling desk


@dataclass(frozen=True)
class DeskRow:
    """One open step at an agency, with its dossier and its marks."""

    step_id: int
    code: str
    procedure_code: str
    procedure_name: str
    owner_name: str
    status: int
    agency_code: str
    task: str
    started_at: datetime
    due_at: datetime | None
    paused: bool  # the dossier waits for the citizen: its clock, and the step's, stand still
    overdue: bool
    today: bool
    soon: bool

    @property
    def marks(self) -> tuple[str, ...]:
        return tuple(m for m in MARKS if getattr(self, m))


@dataclass(frozen=True)
class Desk:
    rows: list[DeskRow]
    counts: dict[str, int]  # per mark, over `rows`
    procedures: list[tuple[str, str]]  # (code, name) of every procedure with an open step here


def desk(
    session: Session,
    *,
    agency: str | None,
    now: datetime,
    calendar: WorkingCalendar,
    procedure: str | None = None,
    status: int | None = None,
    task: str | None = None,
) -> Desk:
    """The open steps at `agency` (every agency when None), soonest due first, untimed last.

    Marks: overdue (now is past the step's due time), due today (its due date, in Vietnam
    time, is today) and due within one working day. A step whose dossier waits for the citizen
    (status 5 or 6) gets none: its due time moves when the dossier resumes."""
    query = (
        select(DossierStep, Dossier)
        .join(Dossier, col(Dossier.id) == col(DossierStep.dossier_id))
        .where(col(DossierStep.ended_at).is_(None), col(Dossier.status).in_(HANDLED))
    )
    if agency:
        query = query.where(DossierStep.agency_code == agency)
    found = session.exec(query).all()
    procedures = sorted({(d.procedure_code, d.procedure_name) for _, d in found})
    words = fold(task or "")
    soon_by = calendar.add_working_time(now, SOON)
    today = now.astimezone(VN_TZ).date()
    rows = [
        _desk_row(step, dossier, now=now, today=today, soon_by=soon_by)
        for step, dossier in found
        if (not procedure or dossier.procedure_code == procedure)
        and (not status or dossier.status == status)
        and (not words or words in fold(step.task))
    ]
    rows.sort(key=lambda r: (r.due_at is None, r.due_at or r.started_at, r.started_at, r.step_id))
    counts = {m: sum(1 for r in rows if getattr(r, m)) for m in MARKS}
    return Desk(rows=rows, counts=counts, procedures=procedures)


def _desk_row(
    step: DossierStep, dossier: Dossier, *, now: datetime, today: date, soon_by: datetime
) -> DeskRow:
    due = step.due_at
    paused = dossier.status in WAITING
    timed = due is not None and not paused
    overdue = timed and due is not None and now > due
    assert step.id is not None  # read from the database
    return DeskRow(
        step_id=step.id,
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_name=dossier.procedure_name,
        owner_name=dossier.owner_name,
        status=dossier.status,
        agency_code=step.agency_code,
        task=step.task,
        started_at=step.started_at,
        due_at=due,
        paused=paused,
        overdue=overdue,
        today=timed and not overdue and due is not None and due.astimezone(VN_TZ).date() == today,
        soon=timed and not overdue and due is not None and due <= soon_by,
    )


# The counter's follow-up


@dataclass(frozen=True)
class Found:
    """One page of a search."""

    rows: list[Dossier]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_dossiers(
    session: Session,
    *,
    agency: str | None,
    now: datetime,
    q: str = "",
    status: int | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Found:
    """The dossiers received at `agency` (every agency when None), newest first.

    `q` is a dossier code (whole or its beginning), an ID number, a phone number (any
    spacing, +84 or 0), or a name typed with or without diacritics: every word typed must be a
    word of the applicant's (or the submitter's) name. `received_from` and `received_to` are
    days in Vietnam time, both included."""
    conditions = _filters(agency, status, received_from, received_to)
    text = " ".join(q.split())
    page = max(page, 1)
    if text and not any(c.isdigit() for c in text):  # names never have digits
        return _by_name(session, conditions, text, page=page, per_page=per_page)
    if text:
        conditions.append(_by_number(text))
    query = select(Dossier).where(*conditions)
    total = _count(session, query)
    rows = session.exec(query.order_by(*NEWEST).offset((page - 1) * per_page).limit(per_page)).all()
    return Found(rows=list(rows), total=total, page=page, per_page=per_page)


def _filters(
    agency: str | None, status: int | None, received_from: date | None, received_to: date | None
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if agency:
        out.append(col(Dossier.receiving_agency_code) == agency)
    if status:
        out.append(col(Dossier.status) == status)
    if received_from:
        out.append(col(Dossier.submitted_at) >= _start_of(received_from))
    if received_to:
        out.append(col(Dossier.submitted_at) < _start_of(received_to + timedelta(days=1)))
    return out


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), VN_TZ)


def _by_number(text: str) -> ColumnElement[bool]:
    """A code (or its beginning), or exactly an ID number or a phone number."""
    compact = re.sub(r"\s", "", text).upper()
    condition = col(Dossier.code).startswith(compact, autoescape=True)
    digits = normalise_phone(text)
    if digits.isdigit():
        condition = or_(
            condition, col(Dossier.owner_id_number) == digits, col(Dossier.owner_phone) == digits
        )
    return condition


def _by_name(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    text: str,
    *,
    page: int,
    per_page: int,
) -> Found:
    """Names are stored with their diacritics: fold both sides here, in Python (the same on
    every database), over the candidates' names only; then read the one page asked for."""
    words = set(fold(text).split())
    names = (
        select(col(Dossier.id), col(Dossier.owner_name), col(Dossier.submitter_name))
        .where(*conditions)
        .order_by(*NEWEST)
    )
    matching = [
        row_id
        for row_id, owner, submitter in session.exec(names).all()
        if words <= set(fold(owner).split()) or words <= set(fold(submitter).split())
    ]
    wanted = matching[(page - 1) * per_page : page * per_page]
    by_id = {d.id: d for d in session.exec(select(Dossier).where(col(Dossier.id).in_(wanted)))}
    return Found(rows=[by_id[i] for i in wanted], total=len(matching), page=page, per_page=per_page)


def _count(session: Session, query: Any) -> int:
    total: int = session.exec(select(func.count()).select_from(query.subquery())).one()
    return total


def waiting_for_citizen(
    session: Session, *, agency: str | None, now: datetime, limit: int = PER_PAGE
) -> tuple[list[Dossier], int]:
    """Dossiers received at `agency` that wait for the citizen (status 5 and 6), the longest
    waiting first, and how many there are."""
    since = func.coalesce(col(Dossier.paused_at), col(Dossier.updated_at))
    return _listed(session, agency, WAITING, since, limit=limit)


def ready_to_return(
    session: Session, *, agency: str | None, now: datetime, limit: int = PER_PAGE
) -> tuple[list[Dossier], int]:
    """Dossiers received at `agency` whose result waits at the counter (status 9), the
    longest waiting first, and how many there are."""
    return _listed(session, agency, (Status.DONE.value,), col(Dossier.ended_at), limit=limit)


def _listed(
    session: Session, agency: str | None, statuses: Sequence[int], since: Any, *, limit: int
) -> tuple[list[Dossier], int]:
    query = select(Dossier).where(col(Dossier.status).in_(statuses))
    if agency:
        query = query.where(col(Dossier.receiving_agency_code) == agency)
    rows = session.exec(query.order_by(since, col(Dossier.id)).limit(limit)).all()
    return list(rows), _count(session, query)
