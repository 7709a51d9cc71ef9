"""From a dossier in the database to the plain data the forms are rendered from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlmodel import Session, col, select

from onestop import db
from onestop.accounts.models import User
from onestop.calendar import Timeliness, timeliness
from onestop.catalogue.models import Agency
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.queries import documents, events
from onestop.dossiers.services import CHANNELS, UNIT_TEXT, time_text
from onestop.dossiers.states import ACTION_NAMES, Action, Status
from onestop.receipts.data import (
    ApologyData,
    ControlRow,
    ControlSheetData,
    DocumentLine,
    Header,
    MissingDocument,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
)
from onestop.routing.models import DossierStep

_PLACE_PREFIXES = ("Ủy ban nhân dân phường ", "Ủy ban nhân dân xã ", "Ủy ban nhân dân tỉnh ")


def lookup_url(dossier: Dossier) -> str:
    """What the QR code carries (docs/domain.md#codes)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/tra-cuu/{dossier.public_token}"


def available_forms(dossier: Dossier) -> list[str]:
    """Mẫu 01 once received; Mẫu 02 while (or since) asked to complete; Mẫu 03 if refused;
    Mẫu 04 once apologised for (a new appointment); Mẫu 05 if stopped; Mẫu 06 once received."""
    forms = []
    if dossier.received_at is not None:
        forms.append("receipt")
    if dossier.missing_documents:
        forms.append("supplement")
    if dossier.status == Status.REFUSED:
        forms.append("refusal")
    if dossier.extended_due_at is not None:
        forms.append("apology")
    if dossier.status == Status.STOPPED:
        forms.append("stop-notice")
    if dossier.received_at is not None:
        forms.append("control-sheet")
    return forms


def _header(session: Session, agency: Agency, issued_at: Any) -> Header:
    parent = session.get(Agency, agency.parent_code) if agency.parent_code else None
    top = parent or agency
    place = top.name
    for prefix in _PLACE_PREFIXES:
        place = place.removeprefix(prefix)
    return Header(
        parent_agency_name=(parent.name if parent else agency.name).upper(),
        agency_name=agency.name,
        place=place,
        issued_at=issued_at,
    )


def _last(
    session: Session, dossier: Dossier, wanted: Callable[[DossierEvent], bool]
) -> DossierEvent:
    return next(e for e in reversed(events(session, dossier)) if wanted(e))


def _last_action(session: Session, dossier: Dossier, action: Action) -> DossierEvent | None:
    return next((e for e in reversed(events(session, dossier)) if e.action == action), None)


def _acting_agency(session: Session, dossier: Dossier, event: DossierEvent | None) -> Agency:
    """The agency of the officer who acted, else the one holding the dossier."""
    agency = session.get(Agency, event.agency_code) if event and event.agency_code else None
    agency = agency or session.get(Agency, dossier.current_agency_code)
    assert agency is not None
    return agency


def _officer(session: Session, event: DossierEvent) -> tuple[str, str | None]:
    user = session.get(User, event.actor_id) if event.actor_id else None
    agency = session.get(Agency, user.agency_code) if user and user.agency_code else None
    return event.actor_name, agency.phone if agency else None


def _request(dossier: Dossier) -> str:
    return f"{dossier.procedure_code} - {dossier.procedure_name}"


def receipt_data(session: Session, dossier: Dossier) -> ReceiptData:
    agency = session.get(Agency, dossier.receiving_agency_code)
    assert agency is not None and dossier.received_at is not None
    # Received at the counter, or later when the missing papers were brought.
    event = _last(session, dossier, lambda e: e.to_status == Status.RECEIVED)
    return ReceiptData(
        header=_header(session, agency, dossier.received_at),
        code=dossier.code,
        lookup_url=lookup_url(dossier),
        submitter_name=dossier.submitter_name,
        owner_name=dossier.owner_name,
        address=dossier.owner_address,
        phone=dossier.owner_phone,
        email=dossier.owner_email,
        id_number=dossier.owner_id_number,
        channel=CHANNELS.get(dossier.channel, dossier.channel),
        request=_request(dossier),
        documents=[
            DocumentLine(d.name, d.originals, d.certified_copies, d.photocopies)
            for d in documents(session, dossier)
        ],
        sets=dossier.sets,
        processing_time=dossier.time_text,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        result_place=dossier.result_place,
        officer_name=_officer(session, event)[0],
    )


def supplement_data(session: Session, dossier: Dossier) -> SupplementData:
    agency = session.get(Agency, dossier.current_agency_code)
    assert agency is not None
    event = _last(session, dossier, lambda e: e.action == Action.REQUEST_SUPPLEMENT)
    officer, phone = _officer(session, event)
    return SupplementData(
        header=_header(session, agency, event.at),
        number=dossier.supplement_number or f"{dossier.code}/HDHS",
        code=dossier.code,
        owner_name=dossier.owner_name,
        address=dossier.owner_address,
        phone=dossier.owner_phone,
        email=dossier.owner_email,
        request=_request(dossier),
        missing=[
            MissingDocument(m["name"], m.get("note")) for m in dossier.missing_documents or []
        ],
        reason=dossier.request_reason or "",
        officer_name=officer,
        officer_phone=phone,
        lookup_url=lookup_url(dossier),
    )


def refusal_data(session: Session, dossier: Dossier) -> RefusalData:
    agency = session.get(Agency, dossier.receiving_agency_code)
    assert agency is not None
    event = _last(session, dossier, lambda e: e.action == Action.REFUSE)
    return RefusalData(
        header=_header(session, agency, event.at),
        code=dossier.code,
        owner_name=dossier.owner_name,
        address=dossier.owner_address,
        phone=dossier.owner_phone,
        email=dossier.owner_email,
        request=_request(dossier),
        reason=dossier.request_reason or "",
        officer_name=event.actor_name,
    )


def apology_data(session: Session, dossier: Dossier) -> ApologyData:
    """Mẫu 04: the reason is the note of the last `apologize` event, the new appointment
    `extended_due_at` (as later pauses moved it)."""
    assert dossier.extended_due_at is not None
    event = _last_action(session, dossier, Action.APOLOGIZE)
    receiving = session.get(Agency, dossier.receiving_agency_code)
    assert receiving is not None
    return ApologyData(
        header=_header(
            session,
            _acting_agency(session, dossier, event),
            event.at if event else dossier.updated_at,
        ),
        **_addressee(dossier),
        receiving_agency_name=receiving.name,
        reason=(event.note if event else None) or "",
        new_due_at=dossier.extended_due_at,
        officer_name=event.actor_name if event else "",
        lookup_url=lookup_url(dossier),
    )


def _addressee(dossier: Dossier) -> dict[str, Any]:
    """What a letter to the applicant (Mẫu 04, 05) says of them and of their dossier."""
    return {
        "code": dossier.code,
        "owner_name": dossier.owner_name,
        "address": dossier.owner_address,
        "phone": dossier.owner_phone,
        "email": dossier.owner_email,
        "request": _request(dossier),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }


def stop_notice_data(session: Session, dossier: Dossier) -> StopNoticeData:
    """Mẫu 05: the reason the `stop` action stored, dated when the dossier ended."""
    event = _last_action(session, dossier, Action.STOP)
    stopped_at = dossier.ended_at or (event.at if event else dossier.updated_at)
    return StopNoticeData(
        header=_header(session, _acting_agency(session, dossier, event), stopped_at),
        **_addressee(dossier),
        stopped_at=stopped_at,
        reason=dossier.request_reason or (event.note if event else None) or "",
        officer_name=event.actor_name if event else "",
    )


TIMELINESS_TEXT: dict[Timeliness, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
}
OPEN_STEP = "Đang xử lý"


def _allowance(step: DossierStep) -> str | None:
    if step.stops_clock:
        return "Không tính thời gian"
    value, unit = step.allowance_value, step.allowance_unit
    if value is None or unit is None:
        return None
    shown: int | float = int(value) if float(value).is_integer() else value
    if unit != "same_day" and unit not in UNIT_TEXT:
        return f"{shown} {unit}"
    return time_text({"value": shown, "unit": unit})


def _outcome(outcome: str | None) -> str | None:
    try:
        return ACTION_NAMES[Action(outcome)] if outcome else None
    except ValueError:
        return None  # an internal code: the form says nothing rather than print it


def _clock_started(history: list[DossierEvent]) -> DossierEvent | None:
    """The event that received the dossier: at the counter, or when the missing papers of a
    supplement asked at the counter were brought."""
    starts = (Action.RECEIVE, Action.SUPPLEMENT_RECEIVED)
    return next((e for e in history if e.action in starts and e.to_status == Status.RECEIVED), None)


def steps(session: Session, dossier: Dossier) -> list[DossierStep]:
    """The dossier's steps in the order they were opened."""
    query = select(DossierStep).where(DossierStep.dossier_id == dossier.id)
    return list(session.exec(query.order_by(col(DossierStep.started_at), col(DossierStep.id))))


def control_sheet_data(session: Session, dossier: Dossier, now: datetime) -> ControlSheetData:
    """Mẫu 06: the reception, every step between agencies, and the return once returned.
    Open steps are judged against `now`."""
    agency = session.get(Agency, dossier.receiving_agency_code)
    assert agency is not None and dossier.received_at is not None
    history = events(session, dossier)
    start = _clock_started(history)
    rows = [
        ControlRow(
            kind="reception",
            agency_name=agency.name,
            task="Tiếp nhận hồ sơ",
            started_at=dossier.received_at,
            given_by=dossier.submitter_name,
            received_by=start.actor_name if start else None,
        )
    ]
    found = steps(session, dossier)
    codes = {step.agency_code for step in found}
    names = {
        a.code: a.name for a in session.exec(select(Agency).where(col(Agency.code).in_(codes)))
    }
    for step in found:
        state = timeliness(due_at=step.due_at, ended_at=step.ended_at, now=now)
        rows.append(
            ControlRow(
                kind="step",
                agency_name=names.get(step.agency_code, step.agency_code),
                task=step.task,
                started_at=step.started_at,
                given_by=step.given_by,
                allowance=_allowance(step),
                due_at=step.due_at,
                ended_at=step.ended_at,
                closed_by=step.closed_by,
                result=TIMELINESS_TEXT[state] if state else OPEN_STEP if not step.ended_at else "",
                note=_outcome(step.outcome),
            )
        )
    if dossier.status == Status.RETURNED:
        back = next(e for e in reversed(history) if e.action == Action.RETURN_RESULT)
        overall = timeliness(due_at=dossier.due_at, ended_at=dossier.ended_at, now=now)
        rows.append(
            ControlRow(
                kind="return",
                agency_name=_acting_agency(session, dossier, back).name,
                task="Trả kết quả cho tổ chức, cá nhân",
                ended_at=back.at,
                closed_by=back.actor_name,
                due_at=dossier.due_at,
                result=TIMELINESS_TEXT[overall] if overall else "",
                note="So với ngày hẹn trả" if overall else None,
            )
        )
    return ControlSheetData(
        header=_header(session, agency, dossier.received_at),
        code=dossier.code,
        owner_name=dossier.owner_name,
        address=dossier.owner_address,
        phone=dossier.owner_phone,
        request=_request(dossier),
        received_at=dossier.received_at,
        processing_time=dossier.time_text,
        due_at=dossier.due_at,
        extended_due_at=dossier.extended_due_at,
        documents=len(documents(session, dossier)),
        sets=dossier.sets,
        rows=rows,
        printed_at=now,
    )


def render(session: Session, dossier: Dossier, form: str, *, now: datetime | None = None) -> bytes:
    """The PDF of one of the dossier's forms (see `available_forms`). `now` is the time the
    open steps of the control sheet are judged against (default: the database clock)."""
    # WeasyPrint takes a second to import: only the processes that print pay for it.
    from onestop.receipts.render import (
        render_apology,
        render_control_sheet,
        render_receipt,
        render_refusal,
        render_stop_notice,
        render_supplement,
    )

    if form == "receipt":
        return render_receipt(receipt_data(session, dossier))
    if form == "supplement":
        return render_supplement(supplement_data(session, dossier))
    if form == "refusal":
        return render_refusal(refusal_data(session, dossier))
    if form == "apology":
        return render_apology(apology_data(session, dossier))
    if form == "stop-notice":
        return render_stop_notice(stop_notice_data(session, dossier))
    if form == "control-sheet":
        return render_control_sheet(control_sheet_data(session, dossier, now or db.utcnow()))
    raise ValueError(f"unknown form {form!r}")
