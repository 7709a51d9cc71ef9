"""Recording a new dossier at intake; every change of status after that is in `actions`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from onestop.accounts import policy
from onestop.accounts.models import User
from onestop.calendar import WorkingCalendar
from onestop.catalogue.models import Agency, Procedure
from onestop.catalogue.queries import Names, get_agency, get_procedure
from onestop.dossiers import actions, clock
from onestop.dossiers.codes import next_code, public_token
from onestop.dossiers.models import Dossier, DossierDocument, IdempotencyKey
from onestop.dossiers.states import Action
from onestop.dossiers.validation import Checker, ValidationFailed
from onestop.errors import Conflict, Invalid, NotFound

CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "post": "Qua bưu chính"}
OUTCOMES = (Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE)
UNIT_TEXT = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ làm việc"}


@dataclass(frozen=True)
class DocumentCount:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class Intake:
    """A checked intake request: everything needed to record the dossier."""

    procedure: Procedure
    agency: Agency
    channel: str
    owner_name: str
    owner_id_number: str
    owner_phone: str
    owner_email: str | None
    owner_address: str | None
    submitter_name: str
    submitter_phone: str | None
    documents: tuple[DocumentCount, ...]
    sets: int
    result_place: str
    commune_code: str | None = None


def check_intake(session: Session, data: Mapping[str, Any], *, actor: User) -> Intake:
    """Check every field at once; raise ValidationFailed (422) naming each wrong field, or
    Forbidden (403) for an agency the actor may not receive at."""
    c = Checker()
    procedure = _checked_procedure(session, c, data.get("procedure_code"))
    agency = receiving_agency(session, actor=actor, procedure=procedure, named=data.get("agency"))
    channel = str(data.get("channel") or "in_person")
    if channel not in CHANNELS:
        c.fail("channel", "Hình thức nộp không hợp lệ.")
    applicant = data.get("applicant") or {}
    if not isinstance(applicant, Mapping):
        c.fail("applicant", "Thiếu thông tin người nộp.")
        applicant = {}
    owner = c.name("applicant.full_name", applicant.get("full_name"), "họ và tên")
    submitter = data.get("submitter") or {}
    intake = Intake(
        procedure=procedure,  # type: ignore[arg-type]  # None only if c.done() raises below
        agency=agency,
        channel=channel,
        owner_name=owner,
        owner_id_number=c.id_number("applicant.id_number", applicant.get("id_number")),
        owner_phone=c.phone("applicant.phone", applicant.get("phone")) or "",
        owner_email=c.email("applicant.email", applicant.get("email")),
        owner_address=c.text("applicant.address", applicant.get("address"), limit=300),
        submitter_name=(
            c.name("submitter.full_name", submitter.get("full_name"), "họ tên người nộp")
            if submitter.get("full_name")
            else owner
        ),
        submitter_phone=c.phone("submitter.phone", submitter.get("phone"), required=False),
        documents=_checked_documents(c, data.get("documents")),
        sets=c.count("sets", data.get("sets"), minimum=1),
        result_place=c.text("result_place", data.get("result_place"), limit=300)
        or f"Tại {agency.name}",
        commune_code=_checked_commune(session, c, data.get("commune"), agency),
    )
    c.done()
    return intake


def receiving_agency(
    session: Session, *, actor: User, procedure: Procedure | None, named: Any
) -> Agency:
    """Where a new dossier is received: an officer's own agency; an admin names one, or the
    procedure's provincial agency is taken (a commune-level procedure needs one named)."""
    code = str(named or "").strip() or actor.agency_code
    if not code and procedure is not None:
        provincial = Names(session).provincial.get(procedure.agency_role)
        code = provincial.code if provincial else None
    if not code:
        raise Invalid("Chọn cơ quan tiếp nhận.", field="agency")
    policy.check_receive_at(actor, code)
    return get_agency(session, code)


def _checked_commune(session: Session, c: Checker, named: Any, agency: Agency) -> str | None:
    """The commune whose agencies handle the commune-level steps: the receiving centre's own,
    or the one named at a counter that receives for every commune (any-counter procedures)."""
    from onestop.routing.services import COMMUNE_ROLE, commune_of

    if not named:
        return commune_of(session, agency)
    found = session.get(Agency, str(named).strip())
    if found is None or found.role != COMMUNE_ROLE:
        c.fail("commune", "Chọn xã, phường.")
        return None
    return found.code


def _checked_procedure(session: Session, c: Checker, code: Any) -> Procedure | None:
    if not code:
        c.fail("procedure_code", "Chọn thủ tục.")
        return None
    try:
        return get_procedure(session, str(code))
    except NotFound:  # reported beside the field, with the other fields' errors
        c.fail("procedure_code", f"Không có thủ tục mã {code}.")
        return None


def _checked_documents(c: Checker, raw: Any) -> tuple[DocumentCount, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        c.fail("documents", "Danh sách giấy tờ không hợp lệ.")
        return ()
    out = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        key = f"documents.{i}"
        name = c.text(f"{key}.name", item.get("name"), limit=500, required="Nhập tên giấy tờ.")
        counts = {
            k: c.count(f"{key}.{k}", item.get(k))
            for k in ("originals", "certified_copies", "photocopies")
        }
        out.append(DocumentCount(name=name or "", **counts))
    return tuple(out)


def processing_time(procedure: Procedure, channel: str) -> dict[str, Any] | None:
    """The time the procedure allows for this channel (the channel's own, else the general)."""
    return clock.allowance(procedure.data, channel)


def time_text(time: Mapping[str, Any] | None) -> str:
    if time is None:
        return "Chưa công bố thời hạn"
    if time["unit"] == "same_day":
        return "Trong ngày"
    value = time["value"]
    shown = f"{value:02d}" if isinstance(value, int) else str(value).replace(".", ",")
    return f"{shown} {UNIT_TEXT[time['unit']]}"


def appointment(
    calendar: WorkingCalendar, procedure: Procedure, channel: str, received_at: datetime
) -> datetime | None:
    """When the result is due for a dossier received at `received_at`; None if no time is set."""
    time = processing_time(procedure, channel)
    if time is None:
        return None
    return calendar.due(received_at, str(time["value"]), time["unit"])


def intake(
    session: Session,
    *,
    request: Intake,
    outcome: Action,
    actor: User,
    calendar: WorkingCalendar,
    now: datetime,
    reason: str | None = None,
    missing: Sequence[Mapping[str, str | None]] = (),
    idempotency_key: str | None = None,
) -> Dossier:
    """Record a dossier at the counter: received (Mẫu 01), asked to complete (Mẫu 02) or refused
    (Mẫu 03). A repeated idempotency key returns the dossier already recorded."""
    if outcome not in OUTCOMES:
        raise Invalid("Kết quả tiếp nhận không hợp lệ.", field="outcome")
    if idempotency_key:
        earlier = _earlier(session, actor, idempotency_key)
        if earlier is not None:
            return earlier
    # A savepoint: an outcome refused (a reason missing) leaves no row and uses no code.
    with session.begin_nested():
        dossier = _new_dossier(session, request, actor=actor, now=now)
        assert dossier.id is not None  # flushed by _new_dossier
        for position, doc in enumerate(request.documents, 1):
            session.add(DossierDocument(dossier_id=dossier.id, position=position, **vars(doc)))
        _record_outcome(session, dossier, outcome, actor, calendar, now, reason, missing)
    if idempotency_key:
        _remember(session, actor, idempotency_key, dossier, now)
    return dossier


# The action service names what comes with an action as the API does; intake has its own names.
_INTAKE_FIELDS = {"note": "reason", "documents": "missing"}


def _record_outcome(
    session: Session,
    dossier: Dossier,
    outcome: Action,
    actor: User,
    calendar: WorkingCalendar,
    now: datetime,
    reason: str | None,
    missing: Sequence[Mapping[str, str | None]],
) -> None:
    try:
        actions.record(
            session,
            dossier=dossier,
            action=outcome,
            actor=actor,
            now=now,
            calendar=calendar,
            asked=actions.Asked(note=reason, documents=missing),
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            {_INTAKE_FIELDS.get(k, k): m for k, m in exc.errors.items()}
        ) from None


def _earlier(session: Session, actor: User, key: str) -> Dossier | None:
    row = session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id, IdempotencyKey.key == key)
    ).first()
    return session.get(Dossier, row.dossier_id) if row else None


def _remember(session: Session, actor: User, key: str, dossier: Dossier, now: datetime) -> None:
    assert actor.id is not None and dossier.id is not None
    try:
        with session.begin_nested():
            session.add(
                IdempotencyKey(user_id=actor.id, key=key, dossier_id=dossier.id, created_at=now)
            )
    except IntegrityError as exc:
        # Another request with the same key won the race: this one must not be recorded.
        raise Conflict(
            "Yêu cầu này đang được xử lý; tải lại trang để xem hồ sơ.", code="duplicate_request"
        ) from exc


def _new_dossier(session: Session, r: Intake, *, actor: User, now: datetime) -> Dossier:
    code = next_code(session, agency_code=r.agency.code, now=now)
    time = processing_time(r.procedure, r.channel)
    dossier = Dossier(
        code=code,
        public_token=public_token(),
        procedure_code=r.procedure.code,
        procedure_name=r.procedure.name,
        receiving_agency_code=r.agency.code,
        current_agency_code=r.agency.code,
        commune_code=r.commune_code,
        channel=r.channel,
        status=0,  # set by actions.record() below
        owner_name=r.owner_name,
        owner_id_number=r.owner_id_number,
        owner_phone=r.owner_phone,
        owner_email=r.owner_email,
        owner_address=r.owner_address,
        submitter_name=r.submitter_name,
        submitter_phone=r.submitter_phone,
        sets=r.sets,
        summary=f"{r.procedure.name} - {r.owner_name}"[:500],
        result_place=r.result_place,
        time_value=float(time["value"]) if time else None,
        time_unit=time["unit"] if time else None,
        time_text=time_text(time),
        submitted_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    session.add(dossier)
    session.flush()
    return dossier
