"""What the public and the staff catalogue pages share: reading the search arguments."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import ValidationError
from sqlmodel import Session

from onestop import db
from onestop.catalogue import queries
from onestop.dossiers.requests import ProcedureListQuery
from onestop.dossiers.validation import pydantic_errors

PER_PAGE = 50


def search_context() -> dict[str, Any]:
    """Run the search the query string asks for; the page renders the result. Arguments the
    API would refuse (a NUL, a page past any end) are shown beside the search box instead."""
    session = db.session()
    try:
        asked = ProcedureListQuery.model_validate(request.args.to_dict() | {"per_page": PER_PAGE})
    except ValidationError as exc:
        return _refused(session, pydantic_errors(exc))
    q, field, page = asked.q, asked.field or None, asked.page
    rows, total = queries.search_procedures(session, q=q, field=field, page=page, per_page=PER_PAGE)
    names = queries.Names(session)
    return {
        "search_errors": {},
        "q": q,
        "field": field,
        "page": page,
        "pages": max((total + PER_PAGE - 1) // PER_PAGE, 1),
        "total": total,
        "procedures": [queries.procedure_summary(p, names) for p in rows],
        "fields": queries.fields(session),
    }


def _refused(session: Session, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "search_errors": errors,
        "q": "",
        "field": None,
        "page": 1,
        "pages": 1,
        "total": 0,
        "procedures": [],
        "fields": queries.fields(session),
    }


def status(context: dict[str, Any]) -> int:
    return 422 if context.get("search_errors") else 200


def detail_context(code: str) -> dict[str, Any]:
    session = db.session()
    procedure = queries.get_procedure(session, code)
    return {"p": queries.procedure_detail(procedure, queries.Names(session))}
