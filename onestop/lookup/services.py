"""What a citizen sees of a dossier without logging in (DESIGN 2.5).

Only this module decides what leaves for the public: the code, the procedure, the status,
the appointment, the history of statuses with dates and what is asked of the citizen, with
the applicant's name masked. Never the ID number, phone, e-mail, address or internal notes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlmodel import Session

from onestop.calendar import timeliness
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


# Only the columns the public may see, read as plain rows: the QR page is the busiest page
# of the system, and loading ORM objects costs more than the queries themselves.
_D = Dossier.__table__.c  # type: ignore[attr-defined]
_PUBLIC = select(
    _D.id,
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
)
_E = DossierEvent.__table__.c  # type: ignore[attr-defined]
_HISTORY = select(_E.at, _E.action, _E.to_status).where(_E.public).order_by(_E.at, _E.id)


def by_token(session: Session, token: str) -> Row[Any]:
    """The public columns of the dossier the QR code names."""
    # Core on the session's connection: no ORM machinery between the query and the row.
    row = session.connection().execute(_PUBLIC.where(_D.public_token == token)).first()
    if row is None:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    return row


def by_code_and_digits(session: Session, *, code: str, last_digits: str) -> Dossier:
    """The dossier whose code matches and whose phone or ID number ends with `last_digits`.

    The same answer for a wrong code and wrong digits, so a code alone reveals nothing.
    """
    row = session.scalars(select(Dossier).where(Dossier.code == code.strip().upper())).first()
    digits = last_digits.strip()
    if row is not None and len(digits) == 4 and digits.isdigit():
        for secret in (row.owner_phone, row.owner_id_number):
            if hmac.compare_digest(secret[-4:], digits):
                return row
    raise NotFound(
        "Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại.",
        code="dossier_not_found",
    )


def public_view(session: Session, dossier: Row[Any] | Dossier, *, now: datetime) -> PublicDossier:
    """What the public page shows, from `by_token`'s row (or a Dossier)."""
    status = Status(dossier.status)
    asked = status in (Status.SUPPLEMENT, Status.PAYMENT)
    history = tuple(
        PublicEvent(
            at=e.at,
            label=ACTION_NAMES[Action(e.action)],
            status_name=STATUS_NAMES[Status(e.to_status)],
        )
        for e in session.connection().execute(_HISTORY.where(_E.dossier_id == dossier.id))
    )
    state = timeliness(due_at=dossier.due_at, ended_at=dossier.ended_at, now=now)
    return PublicDossier(
        code=dossier.code,
        token=dossier.public_token,
        procedure_code=dossier.procedure_code,
        procedure_name=dossier.procedure_name,
        owner=mask_name(dossier.owner_name),
        status=status.value,
        status_name=STATUS_NAMES[status],
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        extended_due_at=dossier.extended_due_at,
        ended_at=dossier.ended_at,
        late=state == "late",
        result_place=dossier.result_place,
        asked_reason=dossier.request_reason if asked else None,
        asked_documents=tuple(m["name"] for m in dossier.missing_documents or []) if asked else (),
        refusal_reason=dossier.request_reason if status is Status.REFUSED else None,
        history=history,
    )
