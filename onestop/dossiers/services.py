"""Recording a new dossier at intake; every change of status after that is in `actions`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from onestop.accounts import policy
from onestop.accounts.models import User
from onestop.calendar import WorkingCalendar
from onestop.catalogue.models import Agency, Procedure
from onestop.catalogue.queries import Names, get_agency, get_procedure
from onestop.dossiers import actions, checklist, clock
from onestop.dossiers.codes import next_code, public_token
from onestop.dossiers.models import Dossier, DossierDocument, IdempotencyKey
from onestop.dossiers.requests import INTAKE_MESSAGES, IntakeRequest
from onestop.dossiers.states import Action
from onestop.dossiers.validation import Checker, ValidationFailed, pydantic_errors
from onestop.errors import Conflict, Invalid, NotFound
from onestop.i18n import N_

CHANNELS = {
    "in_person": N_("Trực tiếp"),
    "online": N_("Trực tuyến"),
    "post": N_("Qua bưu chính"),
}
OUTCOMES = (Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE)
# The counter receives papers handed in or posted; online dossiers come from the public side.
COUNTER_CHANNELS = ("in_person", "post")
UNIT_TEXT = {"working_days": N_("ngày làm việc"), "days": N_("ngày"), "hours": N_("giờ làm việc")}
# A processing time as shown, one template per unit, so that it translates as a whole. A
# time the law states in hours also reads in working days (8 working hours make one), the
# unit the rest of the catalogue and the citizens count in.
TIME_TEXT = {
    "working_days": N_("{value} ngày làm việc"),
    "days": N_("{value} ngày"),
    "hours": N_("{value} giờ ({days} ngày làm việc)"),
}
HOURS_A_DAY = 8


@dataclass(frozen=True)
class DocumentCount:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    code: str | None = None  # the national code of the paper, when a client sends it


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
    variant: str = ""  # the case whose time applies (Procedure.variants), "" for the general
    # The papers checked against the procedure's list (onestop.dossiers.checklist).
    checked: checklist.Check = checklist.UNCHECKED


def check_intake(
    session: Session,
    data: Mapping[str, Any] | IntakeRequest,
    *,
    actor: User,
    outcome: Action | None = None,
    at_counter: bool = False,
) -> Intake:
    """Check every field at once; raise ValidationFailed (422) naming each wrong field, or
    Forbidden (403) for an agency the actor may not receive at. `data` is a form's or a
    client's request, or one the API's model has checked already.

    The papers are checked against the procedure's list (`Intake.checked`); a request without
    a `documents` list is taken to bring the required papers. intake() receives only a
    complete dossier; with `outcome` receive, an incomplete one is refused here already:
    MissingDocuments (422), or ValidationFailed naming `documents` beside the other wrong
    fields. `at_counter`: only the channels a counter receives by (COUNTER_CHANNELS)."""
    if isinstance(data, IntakeRequest):
        return _checked_intake(session, data, actor=actor, outcome=outcome, at_counter=at_counter)
    try:
        asked = IntakeRequest.model_validate(data)
    except ValidationError as exc:
        errors = pydantic_errors(exc, messages=INTAKE_MESSAGES)
        # The procedure is named beside the other fields, even when they are wrong too.
        code = data.get("procedure_code")
        if "procedure_code" not in errors and isinstance(code, str):
            c = Checker(errors)
            _checked_procedure(session, c, code)
        raise ValidationFailed(errors) from None
    return _checked_intake(session, asked, actor=actor, outcome=outcome, at_counter=at_counter)


def _checked_intake(
    session: Session,
    asked: IntakeRequest,
    *,
    actor: User,
    outcome: Action | None,
    at_counter: bool,
) -> Intake:
    """What the model cannot know: the procedure, the agency and the commune exist, the
    procedure is received by this channel, and its required papers are there."""
    c = Checker()
    procedure = _checked_procedure(session, c, asked.procedure_code)
    agency = receiving_agency(session, actor=actor, procedure=procedure, named=asked.agency)
    owner = asked.applicant
    submitter = asked.submitter
    documents = tuple(DocumentCount(**d.model_dump()) for d in asked.documents)
    if procedure is not None:
        _checked_channel(c, procedure, asked.channel, at_counter=at_counter)
    found = _checked_documents(procedure, asked, documents)
    intake = Intake(
        procedure=procedure,  # type: ignore[arg-type]  # None only if c.done() raises below
        agency=agency,
        channel=asked.channel,
        owner_name=owner.full_name,
        owner_id_number=owner.id_number,
        owner_phone=owner.phone,
        owner_email=owner.email,
        owner_address=owner.address or None,
        submitter_name=(submitter.full_name if submitter else None) or owner.full_name,
        submitter_phone=submitter.phone if submitter else None,
        documents=documents,
        sets=asked.sets,
        result_place=asked.result_place or N_("Tại {agency}").format(agency=agency.name),
        commune_code=_checked_commune(session, c, asked.commune, agency),
        variant=_checked_variant(c, procedure, asked.variant),
        checked=found,
    )
    refused = outcome is Action.RECEIVE and not found.complete
    if refused and c.errors:
        c.fail("documents", checklist.message(found))
    c.done()
    if refused:
        raise checklist.MissingDocuments(found)
    return intake


def variants(procedure: Procedure) -> list[str]:
    """The names of the procedure's cases that state a time of their own: those an officer
    may choose at intake."""
    return [v["name"] for v in procedure.data.get("variants") or [] if v.get("processing_time")]


def _checked_variant(c: Checker, procedure: Procedure | None, named: str) -> str:
    if not named or procedure is None:
        return ""
    if named not in variants(procedure):
        c.fail("variant", N_("Chọn một trường hợp trong danh sách của thủ tục."))
        return ""
    return named


def _checked_documents(
    procedure: Procedure | None, asked: IntakeRequest, documents: Sequence[DocumentCount]
) -> checklist.Check:
    if procedure is None:
        return checklist.UNCHECKED
    if "documents" not in asked.model_fields_set:
        # No list: the client states the required papers were received (the API's contract).
        return checklist.Check(known=checklist.known(procedure.data))
    return checklist.check(procedure.data, documents)


def offered_channels(procedure: Procedure, *, at_counter: bool = False) -> list[str]:
    """The channels a dossier of `procedure` may come by: those its published list names (all
    of them when it names none); at the counter, only those a counter receives by."""
    listed = {offer.get("channel") for offer in procedure.data.get("channels") or []}
    every = COUNTER_CHANNELS if at_counter else tuple(CHANNELS)
    return [channel for channel in every if not listed or channel in listed]


def _checked_channel(c: Checker, procedure: Procedure, channel: str, *, at_counter: bool) -> None:
    offered = offered_channels(procedure, at_counter=at_counter)
    if not offered:
        c.fail(
            "channel",
            N_("Thủ tục này không tiếp nhận hồ sơ tại quầy (trực tiếp hoặc qua bưu chính)."),
        )
    elif channel not in offered:
        c.fail("channel", N_("Thủ tục này không nhận hồ sơ theo hình thức nộp đã chọn."))


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
        raise Invalid(N_("Chọn cơ quan tiếp nhận."), field="agency")
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
        c.fail("commune", N_("Chọn xã, phường."))
        return None
    return found.code


def _checked_procedure(session: Session, c: Checker, code: str) -> Procedure | None:
    if not code:
        c.fail("procedure_code", N_("Chọn thủ tục."))
        return None
    try:
        return get_procedure(session, code)
    except NotFound:  # reported beside the field, with the other fields' errors
        c.fail("procedure_code", N_("Không có thủ tục mã {code}.").format(code=code))
        return None


def processing_time(procedure: Procedure, channel: str, variant: str = "") -> dict[str, Any] | None:
    """The time the procedure allows for this channel (the variant's, else the channel's own,
    else the general)."""
    return clock.allowance(procedure.data, channel, variant)


def time_text(time: Mapping[str, Any] | None, *, no_appointment: str | None = None) -> str:
    """A processing time as the law states it: "07 ngày làm việc", "168 giờ (21 ngày làm
    việc)". Without a time, a procedure for which the law sets no appointment says so, with
    its reason (`no_appointment`, "" when none is stated)."""
    if time is None:
        if no_appointment is None:
            return N_("Chưa công bố thời hạn")
        if not no_appointment.strip():
            return N_("Không hẹn ngày trả")
        return N_("Không hẹn ngày trả: {reason}").format(reason=no_appointment.strip())
    if time["unit"] == "same_day":
        return N_("Trong ngày")
    value = float(time["value"])
    return TIME_TEXT[time["unit"]].format(
        value=_number_text(value), days=_number_text(value / HOURS_A_DAY)
    )


def procedure_time_text(procedure: Procedure, channel: str, variant: str = "") -> str:
    """The time a procedure allows for a channel (and a variant), as the counter, the receipt
    and the page word it: the procedure's reason when the law sets no appointment."""
    said = time_text(
        processing_time(procedure, channel, variant),
        no_appointment=procedure.data.get("no_appointment"),
    )
    return said[:TIME_TEXT_LIMIT]


TIME_TEXT_LIMIT = 400  # the dossier keeps the text it was received with (Dossier.time_text)


def _number_text(value: float) -> str:
    """A whole number on two digits as the decisions write them ("07"), a fraction with the
    Vietnamese decimal comma ("1,5")."""
    if value.is_integer():
        return f"{int(value):02d}"
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def appointment(
    calendar: WorkingCalendar,
    procedure: Procedure,
    channel: str,
    received_at: datetime,
    variant: str = "",
) -> datetime | None:
    """When the result is due for a dossier received at `received_at`; None if no time is set."""
    time = processing_time(procedure, channel, variant)
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
        raise Invalid(N_("Kết quả tiếp nhận không hợp lệ."), field="outcome")
    if outcome is Action.RECEIVE and not request.checked.complete:
        raise checklist.MissingDocuments(request.checked)
    asked = fingerprint(request, outcome, reason, missing)
    if idempotency_key:
        earlier = _earlier(session, actor, idempotency_key, asked)
        if earlier is not None:
            return earlier
    # A savepoint: an outcome refused (a reason missing) leaves no row and uses no code.
    with session.begin_nested():
        dossier = _new_dossier(session, request, actor=actor, now=now)
        assert dossier.id is not None  # flushed by _new_dossier
        for position, doc in enumerate(request.documents, 1):
            counts = {k: v for k, v in vars(doc).items() if k != "code"}  # the dossier keeps names
            session.add(DossierDocument(dossier_id=dossier.id, position=position, **counts))
        _record_outcome(session, dossier, outcome, actor, calendar, now, reason, missing)
    if idempotency_key:
        _remember(session, actor, idempotency_key, dossier, now, asked)
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


def fingerprint(
    request: Intake, outcome: Action, reason: str | None, missing: Sequence[Mapping[str, Any]]
) -> str:
    """What was asked, as a digest: the same key must come with the same request."""
    asked = {
        "procedure": request.procedure.code,
        "agency": request.agency.code,
        "outcome": outcome.value,
        "reason": reason,
        "missing": [dict(m) for m in missing],
    } | {k: v for k, v in vars(request).items() if k not in ("procedure", "agency")}
    canonical = json.dumps(asked, sort_keys=True, default=vars, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _earlier(session: Session, actor: User, key: str, asked: str) -> Dossier | None:
    row = session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id, IdempotencyKey.key == key)
    ).first()
    if row is None:
        return None
    if row.fingerprint is not None and row.fingerprint != asked:
        raise Invalid(
            N_(
                "Idempotency-Key này đã dùng cho một yêu cầu khác; dùng một khóa mới cho mỗi hồ sơ."
            ),
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    return session.get(Dossier, row.dossier_id)


def _remember(
    session: Session, actor: User, key: str, dossier: Dossier, now: datetime, asked: str
) -> None:
    assert actor.id is not None and dossier.id is not None
    try:
        with session.begin_nested():
            session.add(
                IdempotencyKey(
                    user_id=actor.id,
                    key=key,
                    dossier_id=dossier.id,
                    created_at=now,
                    fingerprint=asked,
                )
            )
    except IntegrityError as exc:
        # Another request with the same key won the race: this one must not be recorded.
        raise Conflict(
            N_("Yêu cầu này đang được xử lý; tải lại trang để xem hồ sơ."), code="duplicate_request"
        ) from exc


def _new_dossier(session: Session, r: Intake, *, actor: User, now: datetime) -> Dossier:
    code = next_code(session, agency_code=r.agency.code, now=now)
    time = processing_time(r.procedure, r.channel, r.variant)
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
        time_text=procedure_time_text(r.procedure, r.channel, r.variant),
        submitted_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    session.add(dossier)
    session.flush()
    return dossier
