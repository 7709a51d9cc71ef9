"""What a citizen sees of a dossier without logging in (docs/domain.md#privacy).

Only this module decides what leaves for the public: the code, the procedure, the status,
the appointment, the history of statuses with dates and what is asked of the citizen, with
the applicant's name masked. Never the ID number, phone, e-mail, address or internal notes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session, col

from onestop.calendar import timeliness
from onestop.db import DriverQuery
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.states import ACTION_NAMES, STATUS_NAMES, Action, Status
from onestop.errors import NotFound


def mask_name(full_name: str) -> str:
    """ "Nguyễn Văn An" -> "Nguyễn V** A**": the family name, then initials."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{w[0]}**" for w in words[1:])])


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    label: str
    status_name: str


@dataclass(frozen=True)
class PublicDossier:
    code: str
    token: str
    procedure_code: str
    procedure_name: str
    owner: str  # masked
    status: int
    status_name: str
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    extended_due_at: datetime | None
    ended_at: datetime | None
    late: bool
    result_place: str
    asked_reason: str | None  # what is asked of the citizen, while it is asked
    refusal_reason: str | None  # the reason written on Mẫu 03
    asked_documents: tuple[str, ...]
    history: tuple[PublicEvent, ...]


# Only the columns the public may see, with the public events, in one query compiled once and
# run on the driver (db.DriverQuery): the QR page is the busiest page of the system.
_D = Dossier.__table__.c  # type: ignore[attr-defined]
_E = DossierEvent.__table__.c  # type: ignore[attr-defined]
_PAGE = DriverQuery(
    select(
        _D.code,
        _D.public_token,
        _D.procedure_code,
        _D.procedure_name,
        _D.owner_name,
        _D.status,
        _D.submitted_at,
        _D.received_at,
        _D.due_at,
        _D.extended_due_at,
        _D.ended_at,
        _D.result_place,
        _D.request_reason,
        _D.missing_documents,
        _E.at.label("event_at"),
        _E.action.label("event_action"),
        _E.to_status.label("event_status"),
    )
    .select_from(
        Dossier.__table__.outerjoin(  # type: ignore[attr-defined]
            DossierEvent.__table__,  # type: ignore[attr-defined]  # SQLModel declares none
            (_E.dossier_id == _D.id) & _E.public,
        )
    )
    .where(_D.public_token == bindparam("token"))
    .order_by(_E.at, _E.id)
)


def by_token(conn: Connection, token: str, *, now: datetime) -> PublicDossier:
    """What the public page shows of the dossier the QR code names."""
    rows = _PAGE.rows(conn, token=token)
    if not rows:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    history = tuple(
        PublicEvent(
            at=r.event_at,
            label=ACTION_NAMES[Action(r.event_action)],
            status_name=STATUS_NAMES[Status(r.event_status)],
        )
        for r in rows
        if r.event_at is not None
    )
    return _public(rows[0], history, now=now)


def by_code_and_digits(session: Session, *, code: str, last_digits: str) -> Dossier:
    """The dossier whose code matches and whose phone or ID number ends with `last_digits`.

    The same answer for a wrong code and wrong digits, so a code alone reveals nothing.
    """
    row = session.scalars(select(Dossier).where(col(Dossier.code) == code.strip().upper())).first()
    digits = last_digits.strip()
    if row is not None and len(digits) == 4 and digits.isdigit():
        for secret in (row.owner_phone, row.owner_id_number):
            if hmac.compare_digest(secret[-4:], digits):
                return row
    raise NotFound(
        "Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại.",
        code="dossier_not_found",
    )


def _public(d: Any, history: tuple[PublicEvent, ...], *, now: datetime) -> PublicDossier:
    status = Status(d.status)
    asked = status in (Status.SUPPLEMENT, Status.PAYMENT)
    state = timeliness(due_at=d.due_at, ended_at=d.ended_at, now=now)
    return PublicDossier(
        code=d.code,
        token=d.public_token,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        owner=mask_name(d.owner_name),
        status=status.value,
        status_name=STATUS_NAMES[status],
        submitted_at=d.submitted_at,
        received_at=d.received_at,
        due_at=d.due_at,
        extended_due_at=d.extended_due_at,
        ended_at=d.ended_at,
        late=state == "late",
        result_place=d.result_place,
        asked_reason=d.request_reason if asked else None,
        asked_documents=tuple(m["name"] for m in d.missing_documents or []) if asked else (),
        refusal_reason=d.request_reason if status is Status.REFUSED else None,
        history=history,
    )
