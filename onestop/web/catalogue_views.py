"""What the public and the staff catalogue pages share: reading the search arguments."""

from __future__ import annotations

from typing import Any

from flask import request

from onestop import db
from onestop.catalogue import queries

PER_PAGE = 50


def search_context() -> dict[str, Any]:
    """Run the search the query string asks for; the page renders the result."""
    session = db.session()
    q = request.args.get("q", "").strip()[:200]
    field = request.args.get("field") or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = queries.search_procedures(session, q=q, field=field, page=page, per_page=PER_PAGE)
    names = queries.Names(session)
    return {
        "q": q,
        "field": field,
        "page": page,
        "pages": max((total + PER_PAGE - 1) // PER_PAGE, 1),
        "total": total,
        "procedures": [queries.procedure_summary(p, names) for p in rows],
        "fields": queries.fields(session),
    }


def detail_context(code: str) -> dict[str, Any]:
    session = db.session()
    procedure = queries.get_procedure(session, code)
    return {"p": queries.procedure_detail(procedure, queries.Names(session))}
