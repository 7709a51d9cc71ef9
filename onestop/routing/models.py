"""The steps of a dossier's journey between agencies (Mẫu 06, the control sheet)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class DossierStep(SQLModel, table=True):
    """One step: opened at a handover, closed at the next, with its own allowance."""

    __tablename__ = "dossier_step"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    # Its place in the procedure's routing plan; None for a handover out of plan.
    position: int | None = None
    parallel: str | None = Field(default=None, max_length=40)
    agency_code: str = Field(foreign_key="agency.code", max_length=20, index=True)
    task: str = Field(max_length=500)
    # The allowance of the plan; none for an untimed step (the clock stops) or out of plan.
    allowance_value: float | None = None
    allowance_unit: str | None = Field(default=None, max_length=20)
    # An untimed step of the plan (the tax office's assessment): the dossier's clock stops.
    stops_clock: bool = False
    started_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # Who handed the dossier to this step, and who handed it on (kept as written then).
    given_by: str = Field(max_length=200)
    closed_by: str | None = Field(default=None, max_length=200)
    # How the step ended: the action that closed it (transfer, complete, ...).
    outcome: str | None = Field(default=None, max_length=30)
