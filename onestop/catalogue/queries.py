"""Reading the catalogue: search, one procedure, the agencies; the shapes of the JSON API
(docs/architecture.md#interfaces)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from onestop.catalogue import search
from onestop.catalogue.models import Agency, AgencyRole, Procedure, ProcedureField
from onestop.errors import NotFound
from onestop.i18n import N_


def search_procedures(
    session: Session,
    *,
    q: str = "",
    field: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Procedure], int]:
    """Published procedures matching `q`, best first, diacritics ignored (see
    onestop/catalogue/search.py); without `q`, the catalogue by field and code."""
    return search.find_procedures(session, q=q, field=field, page=page, per_page=per_page)


def get_procedure(session: Session, code: str) -> Procedure:
    row = session.get(Procedure, code.strip())
    if row is None or not row.active:
        raise NotFound(
            N_("Không có thủ tục mã {code}.").format(code=code), code="procedure_not_found"
        )
    return row


def get_agency(session: Session, code: str) -> Agency:
    row = session.get(Agency, code.strip())
    if row is None or not row.active:
        raise NotFound(N_("Không có cơ quan mã {code}.").format(code=code), code="agency_not_found")
    return row


def list_agencies(session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).where(col(Agency.active)).order_by(Agency.code)))


def fields(session: Session) -> list[ProcedureField]:
    return list(session.exec(select(ProcedureField).order_by(ProcedureField.name)))


class Names:
    """Names of roles, fields and provincial agencies, read once per request."""

    def __init__(self, session: Session) -> None:
        self.roles = {r.key: r for r in session.exec(select(AgencyRole))}
        self.fields = {f.code: f for f in session.exec(select(ProcedureField))}
        provincial = {k for k, r in self.roles.items() if r.level == "province"}
        agencies = session.exec(select(Agency).where(col(Agency.role).in_(provincial)))
        self.provincial = {a.role: a for a in agencies}

    def agency(self, role: str) -> dict[str, Any]:
        """A role as clients read it; a provincial role also names its one agency."""
        out: dict[str, Any] = {"role": role, "name": self.roles[role].name}
        agency = self.provincial.get(role)
        if agency is not None:
            out |= {"code": agency.code, "name": agency.name}
        return out


def agency_dict(agency: Agency, names: Names) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "role": agency.role,
        "level": names.roles[agency.role].level,
        "parent": agency.parent_code,
        "illustrative": agency.illustrative,
    }


def procedure_summary(p: Procedure, names: Names) -> dict[str, Any]:
    data = p.data
    return {
        "code": p.code,
        "name": p.name,
        "field": {"code": p.field_code, "name": names.fields[p.field_code].name},
        "level": p.level,
        "processing_time": data["processing_time"],
        # No time by law: the reason, said where the time would be.
        "no_appointment": data.get("no_appointment"),
        "fees": data["fees"],
        "agency": names.agency(p.agency_role),
        "interconnected": p.interconnected,
    }


# The catalogue editors' own notes: the facts not found and those to check for the province.
# Citizens and officers see what is published and where it was read (`sources`), never these;
# the administrators read them on /admin/thu-tuc.
INTERNAL_NOTES = ("unknown", "to_confirm")


def procedure_detail(p: Procedure, names: Names) -> dict[str, Any]:
    """Every Art. 8 component, with the routing plan's agencies named; no internal note."""
    data = {k: v for k, v in p.data.items() if k not in INTERNAL_NOTES}
    routing = [
        step | {"agency": step["agency"], "agency_name": names.agency(step["agency"])["name"]}
        for step in data.pop("routing")
    ]
    return data | procedure_summary(p, names) | {"routing": routing}
