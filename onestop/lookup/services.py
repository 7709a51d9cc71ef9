"""What a citizen sees of a dossier without logging in (docs/domain.md#privacy).

Only this module decides what leaves for the public: the code, the procedure, the status,
the appointment, the history of statuses with dates and what is asked of the citizen, with
the applicant's name masked. Never the ID number, phone, e-mail, address or internal notes.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session

from onestop.calendar import timeliness
from onestop.db import DriverQuery
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.states import ACTION_NAMES, STATUS_NAMES, Action, Status
from onestop.errors import Invalid, NotFound
from onestop.i18n import N_
from onestop.lookup import attempts


def mask_name(full_name: str) -> str:
    """ "Nguyễn Văn An" -> "Nguyễn V** A**": the family name, then initials. A name of one
    word shows only its initial ("An" -> "A**"): shown whole, it would be the whole name.

    Control and invisible characters separate words (a name stored as "Phạm\\x00Thu" must not
    show "PhạmThu"), and punctuation around a word is dropped."""
    words = [w for w in map(_bare_word, _visible(full_name).split()) if w]
    if not words:
        return ""
    initials = [f"{w[0].upper()}{_HIDDEN}" for w in words]
    if len(words) == 1:
        return initials[0]
    return " ".join([words[0], *initials[1:]])


_HIDDEN = "**"


def _visible(text: str) -> str:
    """The text with every control, format (zero-width...), private or unassigned character
    turned into a space."""
    normal = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in normal)


def _bare_word(word: str) -> str:
    """The word from its first to its last letter or digit ("(An)" -> "An", "-" -> "")."""
    kept = [i for i, c in enumerate(word) if unicodedata.category(c)[0] in "LN"]
    return word[kept[0] : kept[-1] + 1] if kept else ""


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


TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def by_token(conn: Connection, token: str, *, now: datetime) -> PublicDossier:
    """What the public page shows of the dossier the QR code names."""
    # Tokens are URL-safe base64 (onestop/dossiers/codes.py): anything else names no dossier
    # and never reaches the database (a NUL is an error to PostgreSQL's driver).
    rows = _PAGE.rows(conn, token=token) if TOKEN_SHAPE.match(token) else []
    if not rows:
        raise NotFound(N_("Không tìm thấy hồ sơ."), code="dossier_not_found")
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


# A dossier code is `{agency}-{YYMMDD}-{NNNN}` (onestop/dossiers/codes.py); anything else is a
# typing mistake, answered as such and not counted as a guess.
CODE_FORMAT = re.compile(r"[0-9A-Z.]{1,20}-[0-9]{6}-[0-9]{4,10}")
DIGITS_FORMAT = re.compile(r"[0-9]{4}")
MISS = N_(
    "Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại, hoặc quét mã QR"
    " trên giấy tiếp nhận và hẹn trả kết quả, hoặc hỏi tại Bộ phận Một cửa."
)


def clean_code(raw: str) -> str:
    """The code as stored: upper case, without the spaces a phone keyboard adds."""
    return "".join(raw.split()).upper()


def code_well_formed(code: str) -> bool:
    return CODE_FORMAT.fullmatch(code) is not None


def digits_well_formed(digits: str) -> bool:
    return DIGITS_FORMAT.fullmatch(digits) is not None


def by_code_and_digits(
    session: Session,
    *,
    code: str,
    last_digits: str,
    address: str,
    now: datetime,
    limit: attempts.Limit = attempts.LIMIT,
) -> str:
    """The public token of the dossier whose code matches and whose phone or ID number ends
    with `last_digits`; every try is recorded.

    Every miss (an unknown code, wrong digits, a blocked code) raises the same NotFound, so
    the answer tells nothing about whether a code exists or is blocked. Malformed input is
    refused (Invalid) before anything is counted.
    """
    wanted, digits = clean_code(code), last_digits.strip()
    if not code_well_formed(wanted):
        raise Invalid(N_("Mã hồ sơ không đúng dạng."), code="invalid_code", field="code")
    if not digits_well_formed(digits):
        raise Invalid(N_("Nhập đúng 4 chữ số."), code="invalid_digits", field="digits")
    # The row lock serialises the tries of one code on PostgreSQL (SQLite's writers are
    # serialised already), so parallel guesses cannot all slip under the limit.
    row = session.execute(
        select(_D.public_token, _D.owner_phone, _D.owner_id_number)
        .where(_D.code == wanted)
        .with_for_update()
    ).first()
    attempts.prune(session, now=now)
    wrong = attempts.wrong_tries(session, code=wanted, now=now, limit=limit)
    if attempts.blocked_until(wrong, now=now, limit=limit) is not None:
        attempts.record(session, code=wanted, address=address, now=now, ok=False, blocked=True)
        raise _miss()
    ok = row is not None and _matches((row.owner_phone, row.owner_id_number), digits)
    attempts.record(session, code=wanted, address=address, now=now, ok=ok)
    if ok:
        assert row is not None
        token: str = row.public_token
        return token
    until = attempts.blocked_until([*wrong, now], now=now, limit=limit)
    if until is not None:
        attempts.note_block(wanted, address=address, until=until, limit=limit)
    raise _miss()


def _matches(secrets: tuple[str, str], digits: str) -> bool:
    # Both compared every time, in constant time: how long a miss takes tells nothing either.
    hits = [hmac.compare_digest(s[-4:].encode(), digits.encode()) for s in secrets]
    return any(hits)


def _miss() -> NotFound:
    return NotFound(MISS, code="dossier_not_found")


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
