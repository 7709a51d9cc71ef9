"""The handling desk (role handler): the open steps at the handler's agency, soonest due first.

Each row links to the dossier page, whose buttons do the actions (hand on, complete, ...)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from onestop import db
from onestop.accounts import policy
from onestop.catalogue import queries as cq
from onestop.dossiers import search
from onestop.dossiers.states import STATUS_NAMES, Status
from onestop.web.access import page
from onestop.web.common import current_calendar, now

bp = Blueprint("desk", __name__, url_prefix="/desk")
# The statuses a handler filters on: being handled, waiting for a supplement, for a payment.
STATUSES = (Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)


@bp.get("/")
@page("desk")
def index() -> Any:
    session = db.session()
    # Handlers see their own agency's steps; admins every agency's, or the one they pick.
    agency = policy.list_scope(current_user, request.args.get("agency") or None)
    errors: dict[str, str] = {}
    status = _status(request.args.get("status", ""), errors)
    board = search.desk(
        session,
        agency=agency,
        now=now(),
        calendar=current_calendar(),
        procedure=request.args.get("procedure") or None,
        status=status,
        task=request.args.get("task") or None,
    )
    agencies = cq.list_agencies(session)
    html = render_template(
        "desk/index.html",
        board=board,
        agency=agency,
        agencies=agencies,
        agency_names={a.code: a.name for a in agencies},
        statuses=STATUSES,
        status_names=STATUS_NAMES,
        form=request.args,
        errors=errors,
    )
    return html, 422 if errors else 200


def _status(raw: str, errors: dict[str, str]) -> int | None:
    if not raw:
        return None
    if raw.isdigit() and int(raw) in STATUSES:
        return int(raw)
    errors["status"] = _("Chọn một trạng thái trong danh sách.")
    return None
