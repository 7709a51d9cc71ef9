"""The JSON API of DESIGN section 4 (`/api/v1`, bearer tokens)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, g, request, url_for

from onestop import db
from onestop.accounts.services import user_for_token
from onestop.calendar import as_vietnam
from onestop.catalogue import queries
from onestop.dossiers import queries as dossier_queries
from onestop.dossiers import services
from onestop.dossiers.states import Action
from onestop.errors import Forbidden, Invalid, Unauthorized
from onestop.receipts import build
from onestop.web.common import current_calendar, now, pdf_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 200


@bp.before_request
def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Thiếu mã truy cập (Authorization: Bearer TOKEN).")
    session = db.session()
    user = user_for_token(session, token.strip(), now=db.utcnow())
    if user is None:
        raise Unauthorized("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    session.commit()  # keeps last_used_at
    g.api_user = user


def _page_args() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError as exc:
        raise Invalid("page và per_page phải là số nguyên.", code="invalid_page") from exc
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(f"page ≥ 1, 1 ≤ per_page ≤ {MAX_PER_PAGE}.", code="invalid_page")
    return page, per_page


@bp.get("/agencies")
def agencies() -> Any:
    session = db.session()
    names = queries.Names(session)
    items = [queries.agency_dict(a, names) for a in queries.list_agencies(session)]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.get("/procedures")
def procedures() -> Any:
    session = db.session()
    page, per_page = _page_args()
    rows, total = queries.search_procedures(
        session,
        q=request.args.get("q", ""),
        field=request.args.get("field"),
        page=page,
        per_page=per_page,
    )
    names = queries.Names(session)
    items = [queries.procedure_summary(p, names) for p in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@bp.get("/procedures/<code>")
def procedure(code: str) -> Any:
    session = db.session()
    return queries.procedure_detail(queries.get_procedure(session, code), queries.Names(session))


# Dossiers


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Nội dung phải là một đối tượng JSON.", code="malformed_json")
    return body


def _receiving_agency(body: dict[str, Any], procedure_code: Any) -> str:
    """The caller's own agency; an admin may name one, else the procedure's (provincial) one."""
    user = g.api_user
    if user.role != "admin":
        if body.get("agency") and body["agency"] != user.agency_code:
            raise Forbidden("Chỉ tiếp nhận được tại cơ quan của mình.", code="forbidden")
        return user.agency_code
    if body.get("agency"):
        return str(body["agency"])
    session = db.session()
    procedure = queries.get_procedure(session, str(procedure_code or ""))
    agency = queries.Names(session).provincial.get(procedure.agency_role)
    if agency is None:
        raise Invalid("Thủ tục cấp xã: cần nêu cơ quan tiếp nhận (agency).", field="agency")
    return agency.code


@bp.post("/dossiers")
def create_dossier() -> Any:
    """Receive a dossier (Mẫu 01); `Idempotency-Key` makes a retried POST harmless."""
    if g.api_user.role not in ("officer", "admin"):
        raise Forbidden("Chỉ cán bộ tiếp nhận được nhận hồ sơ.", code="forbidden")
    body = _json_body()
    session = db.session()
    checked = services.check_intake(
        session, body, agency_code=_receiving_agency(body, body.get("procedure_code"))
    )
    key = request.headers.get("Idempotency-Key", "").strip()[:100] or None
    dossier = services.intake(
        session,
        request=checked,
        outcome=Action.RECEIVE,
        actor=g.api_user,
        calendar=current_calendar(),
        now=now(),
        idempotency_key=key,
    )
    session.commit()
    summary = dossier_queries.dossier_summary(dossier, now=now())
    body = summary | {
        "lookup_url": build.lookup_url(dossier),
        "receipt_url": url_for(
            "api.dossier_form", code=dossier.code, form="receipt", _external=True
        ),
    }
    return body, 201, {"Location": url_for("api.dossier", code=dossier.code)}


def _parse_time(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return as_vietnam(datetime.fromisoformat(raw))
    except ValueError as exc:
        raise Invalid(f"{name}: thời điểm không hợp lệ.", code="invalid_date") from exc


@bp.get("/dossiers")
def list_dossiers() -> Any:
    page, per_page = _page_args()
    user = g.api_user
    agency = request.args.get("agency") or None
    if user.role not in ("supervisor", "admin"):
        if agency and agency != user.agency_code:
            raise Forbidden("Chỉ xem được hồ sơ của cơ quan mình.", code="forbidden")
        agency = user.agency_code
    status = request.args.get("status", type=int)
    rows, total = dossier_queries.list_dossiers(
        db.session(),
        agency=agency,
        status=status,
        received_from=_parse_time("from"),
        received_to=_parse_time("to"),
        page=page,
        per_page=per_page,
    )
    items = [dossier_queries.dossier_summary(d, now=now()) for d in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def _visible(code: str) -> Any:
    dossier = dossier_queries.get_dossier(db.session(), code)
    dossier_queries.check_access(g.api_user, dossier)
    return dossier


@bp.get("/dossiers/<code>")
def dossier(code: str) -> Any:
    row = _visible(code)
    return dossier_queries.dossier_detail(db.session(), row, now=now()) | {
        "lookup_url": build.lookup_url(row)
    }


@bp.get("/dossiers/<code>/<form>.pdf")
def dossier_form(code: str, form: str) -> Any:
    return pdf_response(db.session(), _visible(code), form)
