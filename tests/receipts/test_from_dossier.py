"""From a dossier in the database to a PDF: `build` fills the data, the renderers print it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from onestop.dossiers.states import Action
from onestop.receipts import build
from tests.factories import make_dossier

OUTCOMES = [
    (Action.RECEIVE, "receipt", "GIẤY TIẾP NHẬN HỒ SƠ"),
    (Action.REQUEST_SUPPLEMENT, "supplement", "PHIẾU YÊU CẦU BỔ SUNG"),
    (Action.REFUSE, "refusal", "PHIẾU TỪ CHỐI TIẾP NHẬN"),
]


@pytest.mark.parametrize(("outcome", "form", "title"), OUTCOMES)
def test_each_outcome_prints_its_form(
    app: Flask,
    session: Session,
    make_user: Callable[..., Any],
    pdf_text: Callable[[bytes], list[str]],
    outcome: Action,
    form: str,
    title: str,
) -> None:
    officer, _ = make_user("officer")
    with app.app_context():
        dossier = make_dossier(session, officer, outcome=outcome)
        assert form in build.available_forms(dossier)
        pages = pdf_text(build.render(session, dossier, form))
    assert len(pages) == (2 if form == "receipt" else 1)
    for page in pages:
        assert title in page and "Đặng Thị Hường" in page
        assert dossier.procedure_name in page
