"""Loading the checked catalogue into the database, idempotently."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypedDict

from sqlmodel import Session, select

from onestop.catalogue import models, search
from onestop.catalogue.files import Catalogue, read_catalogue
from onestop.catalogue.schema import Directory, Procedure
from onestop.errors import Invalid


class CatalogueInvalid(Invalid):
    """The catalogue has problems; nothing of it was loaded."""

    code = "catalogue_invalid"

    def __init__(self, catalogue: Catalogue) -> None:
        self.problems = catalogue.problems
        super().__init__("\n".join(str(p) for p in catalogue.problems) or "no agencies.yaml")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} thêm mới, {self.updated} cập nhật, "
            f"{self.unchanged} không đổi, {self.withdrawn} ngừng công bố"
        )


def load_catalogue(session: Session, *, directory: Path | str, now: datetime) -> LoadReport:
    """Check the whole directory, then load it; raise CatalogueInvalid and load nothing."""
    catalogue = read_catalogue(directory)
    if not catalogue.ok or catalogue.directory is None:
        raise CatalogueInvalid(catalogue)
    _load_directory(session, catalogue.directory)
    report = _load_procedures(session, catalogue.procedures, now=now)
    session.flush()
    return report


def _upsert(session: Session, model: type, key: object, values: dict[str, object]) -> None:
    row = session.get(model, key)
    if row is None:
        session.add(model(**values))
        return
    for name, value in values.items():
        setattr(row, name, value)


def _load_directory(session: Session, d: Directory) -> None:
    for f in d.fields:
        _upsert(session, models.ProcedureField, f.code, f.model_dump())
    for role in d.roles:
        _upsert(session, models.AgencyRole, role.key, role.model_dump(mode="json"))
    session.flush()
    # Parents first, so the foreign key to the parent is always satisfied.
    for agency in sorted(d.agencies, key=lambda a: a.parent is not None):
        values = agency.model_dump(exclude={"parent"}) | {"parent_code": agency.parent}
        _upsert(session, models.Agency, agency.code, values | {"active": True})
        session.flush()
    listed = {a.code for a in d.agencies}
    for row in session.exec(select(models.Agency).where(models.Agency.active)):
        if row.code not in listed:
            row.active = False


def content_hash(procedure: Procedure) -> str:
    payload = json.dumps(procedure.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class _ProcedureValues(TypedDict):
    """The columns of a `models.Procedure` row that loading sets."""

    code: str
    name: str
    search_text: str
    field_code: str
    level: str
    agency_role: str
    interconnected: bool
    data: dict[str, Any]
    content_hash: str
    active: bool
    updated_at: datetime


def _row_values(p: Procedure, now: datetime) -> _ProcedureValues:
    return {
        "code": p.code,
        "name": p.name,
        "search_text": search.search_text(p.code, p.name),
        "field_code": p.field,
        "level": p.level.value,
        "agency_role": p.agency,
        "interconnected": p.interconnected,
        "data": p.model_dump(mode="json"),
        "content_hash": content_hash(p),
        "active": True,
        "updated_at": now,
    }


def _load_procedures(
    session: Session, procedures: dict[str, Procedure], *, now: datetime
) -> LoadReport:
    report = LoadReport()
    existing = {row.code: row for row in session.exec(select(models.Procedure))}
    for code, procedure in procedures.items():
        row = existing.get(code)
        values = _row_values(procedure, now)
        if row is None:
            session.add(models.Procedure(**values))
            report.created += 1
        elif row.content_hash != values["content_hash"] or not row.active:
            for name, value in values.items():
                setattr(row, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
    for code, row in existing.items():
        if code not in procedures and row.active:
            row.active = False
            row.updated_at = now
            report.withdrawn += 1
    return report
