"""The JSON API (docs/architecture.md#interfaces) (`/api/v1`, bearer tokens)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from flask import Blueprint, g, request, url_for

from onestop import db
from onestop.accounts import policy
from onestop.accounts.services import record_token_use, user_for_token
from onestop.calendar import as_vietnam
from onestop.catalogue import queries
from onestop.dossiers import actions, services
from onestop.dossiers import queries as dossier_queries
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action
from onestop.errors import Invalid, Unauthorized
from onestop.receipts import build
from onestop.routing import services as routing
from onestop.web.common import current_calendar, now, pdf_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 200


@bp.before_request
def _authenticate() -> Any:
    """The token's active user in `g.api_user`, or 401 with the WWW-Authenticate of RFC 6750:
    `error="invalid_token"` when a token was given but is unknown, expired or revoked, or
    its user is disabled."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    given = scheme.lower() == "bearer" and bool(token.strip())
    when = now()
    use = user_for_token(db.session(), token.strip(), now=when) if given else None
    if use is None:
        refused = Unauthorized(
            "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
            if given
            else "Thiếu mã truy cập (Authorization: Bearer TOKEN)."
        )
        challenge = 'Bearer realm="onestop"' + (', error="invalid_token"' if given else "")
        return refused.as_dict(), 401, {"WWW-Authenticate": challenge}
    if use.stale:  # at most once a day, after the response, outside this transaction
        db.later(partial(record_token_use, token_id=use.token_id, now=when))
    g.api_user = use.user
    return None


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


@bp.post("/dossiers")
def create_dossier() -> Any:
    """Receive a dossier (Mẫu 01); `Idempotency-Key` makes a retried POST harmless."""
    policy.check_open(g.api_user, "counter")
    body = _json_body()
    session = db.session()
    checked = services.check_intake(session, body, actor=g.api_user)
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
    summary = dossier_queries.dossier_summary(dossier, now=now())
    body = summary | {
        "lookup_url": build.lookup_url(dossier),
        "receipt_url": url_for(
            "api.dossier_form", code=dossier.code, form="receipt", _external=True
        ),
    }
    return body, 201, {"Location": url_for("api.dossier", code=dossier.code)}


@bp.post("/dossiers/<code>/actions")
def dossier_action(code: str) -> Any:
    """One action of the state machine on one dossier (docs/domain.md#actions)."""
    body = _json_body()
    action = actions.parse_action(body.get("action"))
    row = actions.perform(
        db.session(),
        code=code,
        action=action,
        actor=g.api_user,
        now=now(),
        calendar=current_calendar(),
        asked=_asked(body),
    )
    return _detail(row)


def _asked(body: dict[str, Any]) -> actions.Asked:
    documents = body.get("documents") or []
    if not isinstance(documents, list):
        raise Invalid("documents phải là một danh sách.", field="documents")
    texts = {n: body.get(n) for n in ("note", "to_agency", "returned_to", "method")}
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise Invalid(f"{name} phải là một chuỗi.", field=name)
    return actions.Asked(
        **texts,
        new_due_at=_instant("new_due_at", body.get("new_due_at")),
        documents=documents,
    )


def _instant(name: str, raw: Any) -> datetime | None:
    """An ISO 8601 instant; without an offset it is Vietnam time."""
    if raw in (None, ""):
        return None
    try:
        return as_vietnam(datetime.fromisoformat(str(raw)))
    except ValueError as exc:
        raise Invalid(f"{name}: thời điểm không hợp lệ.", code="invalid_date", field=name) from exc


def _parse_time(name: str) -> datetime | None:
    return _instant(name, request.args.get(name))


@bp.get("/dossiers")
def list_dossiers() -> Any:
    page, per_page = _page_args()
    agency = policy.list_scope(g.api_user, request.args.get("agency") or None)
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
    policy.check_see(g.api_user, routing.holding(db.session(), dossier))
    return dossier


def _detail(row: Dossier) -> dict[str, Any]:
    return dossier_queries.dossier_detail(db.session(), row, now=now()) | {
        "lookup_url": build.lookup_url(row)
    }


@bp.get("/dossiers/<code>")
def dossier(code: str) -> Any:
    return _detail(_visible(code))


@bp.get("/dossiers/<code>/<form>.pdf")
def dossier_form(code: str, form: str) -> Any:
    return pdf_response(db.session(), _visible(code), form)
