"""Reading dossiers: one by code, lists, and the shapes the API gives them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from onestop.calendar import VN_TZ, timeliness
from onestop.catalogue.models import Agency
from onestop.dossiers.models import Dossier, DossierDocument, DossierEvent
from onestop.dossiers.states import STATUS_NAMES, Status
from onestop.errors import NotFound
from onestop.i18n import N_
from onestop.routing import services as routing
from onestop.routing.models import DossierStep


def get_dossier(session: Session, code: str) -> Dossier:
    row = session.exec(select(Dossier).where(Dossier.code == code.strip())).first()
    if row is None:
        raise NotFound(N_("Không có hồ sơ mã {code}.").format(code=code), code="dossier_not_found")
    return row


def documents(session: Session, dossier: Dossier) -> list[DossierDocument]:
    query = select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
    return list(session.exec(query.order_by(col(DossierDocument.position))))


def events(session: Session, dossier: Dossier, *, public_only: bool = False) -> list[DossierEvent]:
    query = select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
    if public_only:
        query = query.where(col(DossierEvent.public))
    return list(session.exec(query.order_by(col(DossierEvent.at), col(DossierEvent.id))))


def list_dossiers(
    session: Session,
    *,
    agency: str | None = None,
    status: int | None = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Dossier], int]:
    query = select(Dossier)
    if agency:
        open_here = select(DossierStep.dossier_id).where(
            DossierStep.agency_code == agency, col(DossierStep.ended_at).is_(None)
        )
        query = query.where(
            (col(Dossier.receiving_agency_code) == agency)
            | (col(Dossier.current_agency_code) == agency)
            | col(Dossier.id).in_(open_here)
        )
    if status:
        query = query.where(Dossier.status == status)
    if received_from:
        query = query.where(Dossier.submitted_at >= received_from)
    if received_to:
        query = query.where(Dossier.submitted_at < received_to)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Dossier.submitted_at).desc(), col(Dossier.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in Vietnam time (+07:00), like `onestop due`."""
    return value.astimezone(VN_TZ).isoformat() if value else None


def dossier_timeliness(dossier: Dossier, now: datetime) -> str | None:
    result = timeliness(due_at=dossier.due_at, ended_at=dossier.ended_at, now=now)
    return str(result) if result else None


def dossier_summary(dossier: Dossier, *, now: datetime) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": dossier.status,
        "status_name": STATUS_NAMES[Status(dossier.status)],
        "channel": dossier.channel,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "apology_late": dossier.apology_late,
        "ended_at": _iso(dossier.ended_at),
        "timeliness": dossier_timeliness(dossier, now),
        "receiving_agency": dossier.receiving_agency_code,
        "current_agency": dossier.current_agency_code,
        "owner_name": dossier.owner_name,
    }


def dossier_detail(session: Session, dossier: Dossier, *, now: datetime) -> dict[str, Any]:
    history = [
        {
            "at": _iso(e.at),
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor_name,
            "note": e.note,
        }
        for e in events(session, dossier)
    ]
    docs = [
        {
            "name": d.name,
            "originals": d.originals,
            "certified_copies": d.certified_copies,
            "photocopies": d.photocopies,
        }
        for d in documents(session, dossier)
    ]
    return dossier_summary(dossier, now=now) | {
        "applicant": {
            "full_name": dossier.owner_name,
            "id_number": dossier.owner_id_number,
            "phone": dossier.owner_phone,
            "email": dossier.owner_email,
            "address": dossier.owner_address,
        },
        "submitter": {"full_name": dossier.submitter_name, "phone": dossier.submitter_phone},
        "sets": dossier.sets,
        "processing_time": dossier.time_text,
        "result_place": dossier.result_place,
        "documents": docs,
        "request_reason": dossier.request_reason,
        "missing_documents": dossier.missing_documents or [],
        "history": history,
        "steps": step_dicts(session, dossier, now=now),
        "current_agencies": routing.holders(session, dossier),
    }


def step_dicts(session: Session, dossier: Dossier, *, now: datetime) -> list[dict[str, Any]]:
    """Every handover between agencies, with its own early / on time / late (Mẫu 06)."""
    names = {a.code: a.name for a in session.exec(select(Agency))}
    return [
        {
            "agency": s.agency_code,
            "agency_name": names.get(s.agency_code, s.agency_code),
            "task": s.task,
            "position": s.position,
            "parallel": s.parallel,
            "allowance": {"value": s.allowance_value, "unit": s.allowance_unit}
            if s.allowance_unit
            else None,
            "stops_clock": s.stops_clock,
            "started_at": _iso(s.started_at),
            "due_at": _iso(s.due_at),
            "ended_at": _iso(s.ended_at),
            "timeliness": timeliness(due_at=s.due_at, ended_at=s.ended_at, now=now),
            "given_by": s.given_by,
            "by": s.closed_by,
            "outcome": s.outcome,
        }
        for s in routing.steps(session, dossier)
    ]
