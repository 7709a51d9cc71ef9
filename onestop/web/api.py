"""The JSON API of DESIGN section 4 (`/api/v1`, bearer tokens)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from onestop import db
from onestop.accounts.services import user_for_token
from onestop.catalogue import queries
from onestop.errors import Invalid, Unauthorized

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
