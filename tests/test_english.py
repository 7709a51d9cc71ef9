"""English is complete: every message a person may see has its translation, and pages in
English show no Vietnamese status, action, channel or unit, nor an untranslated message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from onestop.config import ROOT
from onestop.dossiers.services import CHANNELS, UNIT_TEXT
from onestop.dossiers.states import ACTION_NAMES, STATUS_NAMES
from tests.factories import OFFICE, make_dossier

PO = ROOT / "onestop" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_message_of_the_code_has_an_english_translation(tmp_path):
    """What `make translations` would extract is all in the English catalog, translated."""
    pot = tmp_path / "messages.pot"
    keywords = ["-k", "_l", "-k", "N_"]  # as the Makefile's `translations` extracts
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F"]
    subprocess.run([*command, "babel.cfg", *keywords, "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    english = {m.id: m for m in catalog() if m.id}
    missing = sorted(str(i) for i in wanted if i not in english)
    assert not missing, f"not in messages.po (run make translations): {missing[:10]}"
    untranslated = sorted(str(i) for i in wanted if english[i].fuzzy or not all_said(english[i]))
    assert not untranslated, f"no English yet: {untranslated[:10]}"


def all_said(message) -> bool:
    """A translation, and for a plural every form of it."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


VIETNAMESE_NAMES = sorted(
    {*STATUS_NAMES.values(), *ACTION_NAMES.values(), *CHANNELS.values(), *UNIT_TEXT.values()},
    key=len,
    reverse=True,
)


def vietnamese_names_in(page: str) -> list[str]:
    return [name for name in VIETNAMESE_NAMES if name in page]


@pytest.fixture
def english_officer(client, auth, make_user, session):
    officer, password = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    auth.login(officer.username, password)
    client.get("/?lang=en")
    return dossier


def test_staff_pages_in_english_name_statuses_and_actions_in_english(client, english_officer):
    dossier = english_officer
    for path in (
        "/counter/",
        f"/counter/ho-so/{dossier.code}",
        "/counter/tim-kiem?q=",
        "/counter/so-theo-doi",
        "/cong-cu/ngay-hen?procedure=1.004222",
    ):
        page = client.get(path).get_data(as_text=True)
        assert not vietnamese_names_in(page), (path, vietnamese_names_in(page))
    page = client.get(f"/counter/ho-so/{dossier.code}").get_data(as_text=True)
    assert "Received" in page or "received" in page


def test_a_refused_form_speaks_english(client, english_officer):
    from tests.test_counter_web import form_for

    data = form_for(client) | {"applicant.address": "x" * 301, "applicant.id_number": "12"}
    page = client.post("/counter/tiep-nhan/1.001193", data=data).get_data(as_text=True)
    assert "At most 300 characters." in page
    assert "Tối đa" not in page and "Số định danh cá nhân gồm" not in page


def test_the_public_page_in_english(client, session, make_user):
    officer, _ = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    page = client.get(f"/tra-cuu/{dossier.public_token}?lang=en").get_data(as_text=True)
    assert not vietnamese_names_in(page), vietnamese_names_in(page)


def test_the_vietnamese_pages_are_untouched(client, english_officer):
    page = client.get(f"/counter/ho-so/{english_officer.code}?lang=vi").get_data(as_text=True)
    assert "Được tiếp nhận" in page
