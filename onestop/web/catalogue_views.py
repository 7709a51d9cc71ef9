"""What the public and the staff catalogue pages share: reading the search arguments, and one
procedure shaped for reading on any screen."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import count
from typing import Any

from flask import request
from pydantic import ValidationError

from onestop import db
from onestop.catalogue import queries
from onestop.dossiers import checklist
from onestop.dossiers.requests import ProcedureListQuery
from onestop.dossiers.services import time_text
from onestop.dossiers.validation import pydantic_errors
from onestop.text import money
from onestop.web import vn_datetime

PER_PAGE = 50
# The national portal's page of the record a procedure was imported from.
RECORD_URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}"


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
        "time_text": time_text,
    }


def status(context: dict[str, Any]) -> int:
    return 422 if context.get("search_errors") else 200


def detail_context(code: str) -> dict[str, Any]:
    session = db.session()
    procedure = queries.get_procedure(session, code)
    p = queries.procedure_detail(procedure, queries.Names(session))
    return {
        "p": p,
        "time_text": time_text,
        "groups": document_groups(p["documents"]),
        "channels": [channel_row(offer) for offer in p["channels"]],
        "record": record_link(p.get("record")),
        "sources": source_lines(p.get("sources", {}), cited_record=bool(p.get("record"))),
    }


def document_groups(documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The papers as the counter's checklist groups them (checklist.groups): those of every
    dossier first, then each case (trường hợp), numbered, in the order the list names them."""
    numbers = count(1)
    return [
        {
            "case": group.case,
            "number": None if group.case is None else next(numbers),
            "documents": [paper for _, paper in group.papers],
        }
        for group in checklist.groups({"documents": documents})
    ]


def channel_row(offer: Mapping[str, Any]) -> dict[str, Any]:
    return {**offer, "fees": [fee_line(fee) for fee in offer.get("fees", [])]}


def fee_line(fee: Mapping[str, Any]) -> dict[str, Any]:
    """A fee's published text, and its amount written out ("20.000") unless the text already
    says it."""
    amount = fee.get("amount")
    shown = None if amount is None else money(amount)
    if shown is not None and re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d.,])", fee["text"]):
        shown = None
    return {"amount": shown, "text": fee["text"]}


def record_link(record: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The national record a procedure was imported from: its page on the portal and the day
    it last changed, in Vietnam."""
    if not record:
        return None
    changed = datetime.fromisoformat(str(record["updated_at"]))
    return {"url": RECORD_URL.format(id=record["id"]), "day": vn_datetime(changed, "%d/%m/%Y")}


def source_lines(sources: Mapping[str, str], *, cited_record: bool) -> list[dict[str, Any]]:
    """Each place a fact was read, cited once with every fact read there. The record an
    imported procedure came from is cited by its link (record_link), not again here."""
    facts_by_text: dict[str, list[str]] = {}
    for fact, text in sources.items():
        if not (cited_record and fact == "record"):
            facts_by_text.setdefault(text, []).append(fact)
    return [{"facts": facts, "text": text} for text, facts in facts_by_text.items()]
