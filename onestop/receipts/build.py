"""From a dossier in the database to the plain data the forms are rendered from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlmodel import Session

from onestop.accounts.models import User
from onestop.catalogue.models import Agency
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.queries import documents, events
from onestop.dossiers.services import CHANNELS
from onestop.dossiers.states import Action, Status
from onestop.receipts.data import (
    DocumentLine,
    Header,
    MissingDocument,
    ReceiptData,
    RefusalData,
    SupplementData,
)

_PLACE_PREFIXES = ("Ủy ban nhân dân phường ", "Ủy ban nhân dân xã ", "Ủy ban nhân dân tỉnh ")


def lookup_url(dossier: Dossier) -> str:
    """What the QR code carries (docs/domain.md#codes)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/tra-cuu/{dossier.public_token}"


def available_forms(dossier: Dossier) -> list[str]:
    """Mẫu 01 once received; Mẫu 02 while (or since) asked to complete; Mẫu 03 if refused."""
    forms = []
    if dossier.received_at is not None:
        forms.append("receipt")
    if dossier.missing_documents:
        forms.append("supplement")
    if dossier.status == Status.REFUSED:
        forms.append("refusal")
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


def render(session: Session, dossier: Dossier, form: str) -> bytes:
    """The PDF of one of the dossier's forms (see `available_forms`)."""
    # WeasyPrint takes a second to import: only the processes that print pay for it.
    from onestop.receipts.render import render_receipt, render_refusal, render_supplement

    if form == "receipt":
        return render_receipt(receipt_data(session, dossier))
    if form == "supplement":
        return render_supplement(supplement_data(session, dossier))
    if form == "refusal":
        return render_refusal(refusal_data(session, dossier))
    raise ValueError(f"unknown form {form!r}")
