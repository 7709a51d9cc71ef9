"""The JSON API (docs/architecture.md#interfaces) (`/api/v1`, bearer tokens)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from onestop import db
from onestop.accounts import policy
from onestop.accounts.services import record_token_use, user_for_token
from onestop.catalogue import queries
from onestop.dossiers import actions, services
from onestop.dossiers import queries as dossier_queries
from onestop.dossiers.models import Dossier
from onestop.dossiers.requests import (
    ActionRequest,
    DossierListQuery,
    IntakeRequest,
    ProcedureListQuery,
)
from onestop.dossiers.states import Action
from onestop.errors import Invalid, Unauthorized
from onestop.i18n import N_
from onestop.receipts import build
from onestop.routing import services as routing
from onestop.web import openapi
from onestop.web.common import current_calendar, external_url, now, pdf_response
from onestop.web.openapi import Error, answers, spec

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API's description holds no data: tools and people read it without a token.
OPEN_ENDPOINTS = frozenset({"api.openapi_document", "api.openapi_page"})


@bp.before_request
def _authenticate() -> Any:
    """The token's active user in `g.api_user`, or 401 with the WWW-Authenticate of RFC 6750:
    `error="invalid_token"` when a token was given but is unknown, expired or revoked, or
    its user is disabled."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    given = scheme.lower() == "bearer" and bool(token.strip())
    when = now()
    use = user_for_token(db.session(), token.strip(), now=when) if given else None
    if use is None:
        refused = Unauthorized(
            N_("Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
            if given
            else N_("Thiếu mã truy cập (Authorization: Bearer TOKEN).")
        )
        challenge = 'Bearer realm="onestop"' + (', error="invalid_token"' if given else "")
        return refused.as_dict(), 401, {"WWW-Authenticate": challenge}
    if use.stale:  # at most once a day, after the response, outside this transaction
        db.later(partial(record_token_use, token_id=use.token_id, now=when))
    g.api_user = use.user
    return None


@bp.before_request
def _json_only() -> None:
    """A body the API can read, or one clear refusal before anything else looks at it."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if not request.is_json:
        raise Invalid(
            N_("Nội dung phải là JSON (Content-Type: application/json)."), code="malformed_json"
        )
    try:
        body = request.get_json()
    except BadRequest:
        body = None
    if not isinstance(body, dict):
        raise Invalid(N_("Nội dung phải là một đối tượng JSON."), code="malformed_json")


@bp.get("/agencies")
@spec.validate(resp=answers(HTTP_200=openapi.AgencyList), tags=["catalogue"])
def agencies() -> Any:
    """The agencies: the province's centre, departments, communes' committees."""
    session = db.session()
    names = queries.Names(session)
    items = [queries.agency_dict(a, names) for a in queries.list_agencies(session)]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.get("/procedures")
@spec.validate(resp=answers(HTTP_200=openapi.ProcedureList), tags=["catalogue"])
def procedures(query: ProcedureListQuery) -> Any:
    """Search the catalogue by code or name, without regard to diacritics."""
    session = db.session()
    rows, total = queries.search_procedures(
        session, q=query.q, field=query.field, page=query.page, per_page=query.per_page
    )
    names = queries.Names(session)
    items = [queries.procedure_summary(p, names) for p in rows]
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page}


@bp.get("/procedures/<code>")
@spec.validate(resp=answers(HTTP_200=openapi.Procedure, HTTP_404=Error), tags=["catalogue"])
def procedure(code: str) -> Any:
    """One procedure with its documents, times, fees and routing plan."""
    session = db.session()
    return queries.procedure_detail(queries.get_procedure(session, code), queries.Names(session))


# Dossiers


@bp.post("/dossiers")
@spec.validate(
    resp=answers(
        HTTP_201=openapi.DossierCreated,
        HTTP_200=openapi.DossierCreated,
        HTTP_422=openapi.IntakeError,
    ),
    tags=["dossiers"],
)
def create_dossier(json: IntakeRequest) -> Any:
    """Receive a dossier (Mẫu 01); `Idempotency-Key` makes a retried POST harmless. A
    `documents` list that lacks a required paper of the procedure is 422 `missing_documents`
    naming them; without a list, the required papers are taken as received."""
    policy.check_open(g.api_user, "counter")
    session = db.session()
    checked = services.check_intake(session, json, actor=g.api_user, outcome=Action.RECEIVE)
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
        "receipt_url": external_url("api.dossier_form", code=dossier.code, kind="receipt"),
    }
    return body, 201, {"Location": url_for("api.dossier", code=dossier.code)}


@bp.post("/dossiers/<code>/actions")
@spec.validate(
    resp=answers(HTTP_200=openapi.Dossier, HTTP_404=Error, HTTP_409=Error), tags=["dossiers"]
)
def dossier_action(code: str, json: ActionRequest) -> Any:
    """One action of the state machine on one dossier (docs/domain.md#actions)."""
    action = actions.parse_action(json.action)
    row = actions.perform(
        db.session(),
        code=code,
        action=action,
        actor=g.api_user,
        now=now(),
        calendar=current_calendar(),
        asked=actions.asked_from(json),
    )
    return _detail(row)


@bp.get("/dossiers")
@spec.validate(resp=answers(HTTP_200=openapi.DossierList), tags=["dossiers"])
def list_dossiers(query: DossierListQuery) -> Any:
    """The dossiers this token may see, newest first; `from`/`to` bound the submission time."""
    agency = policy.list_scope(g.api_user, query.agency or None)
    rows, total = dossier_queries.list_dossiers(
        db.session(),
        agency=agency,
        status=query.status,
        received_from=query.from_,
        received_to=query.to,
        page=query.page,
        per_page=query.per_page,
    )
    items = [dossier_queries.dossier_summary(d, now=now()) for d in rows]
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page}


def _visible(code: str) -> Any:
    dossier = dossier_queries.get_dossier(db.session(), code)
    policy.check_see(g.api_user, routing.holding(db.session(), dossier))
    return dossier


def _detail(row: Dossier) -> dict[str, Any]:
    return dossier_queries.dossier_detail(db.session(), row, now=now()) | {
        "lookup_url": build.lookup_url(row)
    }


@bp.get("/dossiers/<code>")
@spec.validate(resp=answers(HTTP_200=openapi.Dossier, HTTP_404=Error), tags=["dossiers"])
def dossier(code: str) -> Any:
    """One dossier with its history and its steps between agencies."""
    return _detail(_visible(code))


@bp.get("/dossiers/<code>/<kind>.pdf")
@spec.validate(resp=answers(HTTP_200=None, HTTP_404=Error), tags=["forms"])
def dossier_form(code: str, kind: str) -> Any:
    """A printed form as PDF: receipt, supplement, refusal, apology, stop-notice,
    control-sheet."""
    return pdf_response(db.session(), _visible(code), kind)


@bp.get("/openapi.json")
def openapi_document() -> Any:
    """The OpenAPI 3.1 document of this API (no token needed: it holds no data)."""
    return openapi.document()


@bp.get("/docs")
def openapi_page() -> Any:
    """The same document for people to read: each operation, its fields and its answers."""
    return render_template("api/docs.html", api=openapi.readable(openapi.document()))
