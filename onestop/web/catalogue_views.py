"""What the public and the staff catalogue pages share: reading the search arguments."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import ValidationError

from onestop import db
from onestop.catalogue import queries
from onestop.dossiers.requests import ProcedureListQuery
from onestop.dossiers.validation import pydantic_errors

PER_PAGE = 50


def search_context() -> dict[str, Any]:
    """Run the search the query string asks for; the page renders the result. Arguments the
    API would refuse (a NUL, a page past any end) are shown beside the search box instead."""
    session = db.session()
    errors: dict[str, str] = {}
    try:
        asked = ProcedureListQuery.model_validate(request.args.to_dict() | {"per_page": PER_PAGE})
    except ValidationError as exc:
        errors, asked = pydantic_errors(exc), ProcedureListQuery(per_page=PER_PAGE)
    rows: list[Any] = []
    total = 0
    if not errors:
        rows, total = queries.search_procedures(
            session, q=asked.q, field=asked.field or None, page=asked.page, per_page=PER_PAGE
        )
    names = queries.Names(session)
    return {
        "search_errors": errors,
        "q": asked.q,
        "field": asked.field or None,
        "page": asked.page,
        "pages": max((total + PER_PAGE - 1) // PER_PAGE, 1),
        "total": total,
        "procedures": [queries.procedure_summary(p, names) for p in rows],
        "fields": queries.fields(session),
    }


def status(context: dict[str, Any]) -> int:
    return 422 if context.get("search_errors") else 200


def detail_context(code: str) -> dict[str, Any]:
    session = db.session()
    procedure = queries.get_procedure(session, code)
    return {"p": queries.procedure_detail(procedure, queries.Names(session))}
