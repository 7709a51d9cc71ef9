"""Tables of the published catalogue: fields, agency roles, agencies and procedures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class ProcedureField(SQLModel, table=True):
    """A field of procedures (lĩnh vực)."""

    __tablename__ = "procedure_field"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


class AgencyRole(SQLModel, table=True):
    """A kind of agency; a provincial role has one agency, a commune role one per commune."""

    __tablename__ = "agency_role"

    key: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    level: str = Field(max_length=30)


class Agency(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=300)
    role: str = Field(foreign_key="agency_role.key", max_length=40, index=True)
    parent_code: str | None = Field(default=None, foreign_key="agency.code", max_length=20)
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    illustrative: bool = False
    active: bool = True


class Procedure(SQLModel, table=True):
    """A published procedure; `data` holds every Art. 8 component as the schema validated it."""

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(sa_type=Text)  # national names run to 1,200 characters
    # Code and name without diacritics, lower case: what the search matches against.
    search_text: str = Field(sa_type=Text)
    field_code: str = Field(foreign_key="procedure_field.code", max_length=40, index=True)
    level: str = Field(max_length=30)
    agency_role: str = Field(foreign_key="agency_role.key", max_length=40)
    interconnected: bool = False
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # Hash of the file's content: loading again skips what did not change.
    content_hash: str = Field(max_length=64)
    # Dossiers keep pointing at a procedure taken out of the catalogue, so it is withdrawn,
    # never deleted.
    active: bool = True
    updated_at: datetime = Field(sa_type=UTCDateTime)
