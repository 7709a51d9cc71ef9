"""Days off and make-up working days entered by administrators."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class CalendarOverride(SQLModel, table=True):
    """One day of an official decision; wins over the files and the holidays package."""

    __tablename__ = "calendar_override"

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=20)  # day_off / working_day
    reason: str = Field(max_length=300)
    decision: str | None = Field(default=None, max_length=200)  # e.g. "Thông báo 6150/TB-BNV"
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
