"""Tables of dossiers, their documents, their audit events and their daily code counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class Dossier(SQLModel, table=True):
    """One dossier (hồ sơ), with the fields the national portal syncs (docs/domain.md#portal)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)  # MaHoSo
    # What the QR code carries: random, never derived from the code (docs/domain.md#codes).
    public_token: str = Field(max_length=40, unique=True)
    procedure_code: str = Field(foreign_key="procedure.code", max_length=20, index=True)
    procedure_name: str = Field(sa_type=Text)  # as published the day it was received
    receiving_agency_code: str = Field(foreign_key="agency.code", max_length=20, index=True)
    current_agency_code: str = Field(foreign_key="agency.code", max_length=20, index=True)
    # The commune (its People's Committee) whose agencies handle the commune-level steps: the
    # receiving centre's own, or the one named at intake when any counter may receive.
    # No foreign key: SQLite would have to rebuild the table to add one (the code is checked
    # against the agencies when it is set).
    commune_code: str | None = Field(default=None, max_length=20)
    channel: str = Field(max_length=20)  # in_person / online / post (KenhThucHien 1 / 2 / 3)
    status: int = Field(index=True)  # the national code, 1-10
    # The applicant (chủ hồ sơ) and whoever brought the papers.
    owner_name: str = Field(max_length=200)
    owner_id_number: str = Field(max_length=12, index=True)
    owner_phone: str = Field(max_length=15)
    owner_email: str | None = Field(default=None, max_length=200)
    owner_address: str | None = Field(default=None, max_length=300)
    submitter_name: str = Field(max_length=200)
    submitter_phone: str | None = Field(default=None, max_length=15)
    sets: int = 1
    summary: str = Field(max_length=500)  # TrichYeuHoSo
    result_place: str = Field(max_length=300)
    # The time the procedure allows, as applied to this dossier.
    time_value: float | None = None
    time_unit: str | None = Field(default=None, max_length=20)
    time_text: str = Field(max_length=400)
    submitted_at: datetime = Field(sa_type=UTCDateTime)  # NgayNopHoSo
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    extended_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The apology (Mẫu 04) is due one working day before the due time; written later, late.
    apology_late: bool | None = None
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # While paused (status 5 or 6): since when, and the status to resume.
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resume_status: int | None = None
    # What the citizen is asked (Mẫu 02) or why the dossier was refused (Mẫu 03).
    request_reason: str | None = Field(default=None, max_length=2000)
    missing_documents: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    supplement_number: str | None = Field(default=None, max_length=30)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DossierDocument(SQLModel, table=True):
    """A paper received with the dossier, with its counts as on Mẫu 01."""

    __tablename__ = "dossier_document"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    position: int
    name: str = Field(max_length=500)
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


class DossierEvent(SQLModel, table=True):
    """The audit trail: who did what, when, from which status to which. Append-only."""

    __tablename__ = "dossier_event"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    action: str = Field(max_length=30)
    from_status: int | None = None
    to_status: int
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_name: str = Field(max_length=200)  # kept as it was, even if the account changes
    agency_code: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)
    # Internal notes are never shown to the public.
    public: bool = True


class DossierCounter(SQLModel, table=True):
    """The last sequence number used by an agency on a day (the NNNN of the code)."""

    __tablename__ = "dossier_counter"

    agency_code: str = Field(primary_key=True, max_length=20)
    day: str = Field(primary_key=True, max_length=6)  # YYMMDD, Vietnam time
    last: int = 0


class IdempotencyKey(SQLModel, table=True):
    """A request already answered: a resent form or a retried POST gets the same dossier."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    key: str = Field(max_length=100)
    dossier_id: int = Field(foreign_key="dossier.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    # SHA-256 of what was asked: the same key with another request is refused, not answered
    # with the first request's dossier. Empty for keys recorded before it was kept.
    fingerprint: str | None = Field(default=None, max_length=64)


def _refuse_change(_mapper: Any, _connection: Any, target: DossierEvent) -> None:
    raise RuntimeError(f"audit events are append-only (event {target.id})")


event.listen(DossierEvent, "before_update", _refuse_change)
event.listen(DossierEvent, "before_delete", _refuse_change)
