"""The public lookup's attempts: kept in the database so that every app server counts them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class LookupAttempt(SQLModel, table=True):
    """One try of the lookup by dossier code and 4 digits (never the digits themselves)."""

    __tablename__ = "lookup_attempt"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)  # as typed, normalised; may name no dossier
    address: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    ok: bool  # the dossier was shown
    # Refused because the code was blocked: the digits were not even compared, so the try
    # does not count as a wrong one (the block ends an hour after it began, however many
    # times it is tried meanwhile).
    blocked: bool = False
