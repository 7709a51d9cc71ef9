"""Intake checks the papers: the rule (onestop.dossiers.checklist) on real shipped procedures,
the counter's form and the API. The tests read the procedures' lists from the loaded
catalogue, so that they follow its data rather than copy it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import func, select

from onestop.catalogue.models import Procedure
from onestop.catalogue.queries import get_procedure
from onestop.dossiers import checklist
from onestop.dossiers.models import Dossier, DossierCounter, DossierDocument
from onestop.text import fold
from tests.factories import OFFICE, intake_data

BIRTH = "1.001193"  # đăng ký khai sinh: one list, papers to show, notes
# Điều chỉnh quyết định giao đất: a land procedure whose list has two cases, 2 and 3 papers.
LAND = "1.115765"


@dataclass(frozen=True)
class Paper:
    name: str
    originals: int = 1
    certified_copies: int = 0
    photocopies: int = 0
    code: str | None = None


def data_of(session, code: str) -> dict[str, Any]:
    return get_procedure(session, code).data


def required(data: dict[str, Any], case: str | None = None) -> list[dict[str, Any]]:
    """The required papers of the common list, and of `case` when named."""
    return [
        d
        for d in data["documents"]
        if d["required"] and (d.get("case") is None or d.get("case") == case)
    ]


def cases(data: dict[str, Any]) -> list[str]:
    return [g.case for g in checklist.groups(data) if g.case is not None]


def count(session, model=Dossier) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def set_channels(session, code: str, channels: list[str]) -> None:
    """The procedure as if its published list named these channels (rolled back after)."""
    row = session.get(Procedure, code)
    offers = [{"channel": c, "processing_time": None, "fees": []} for c in channels]
    row.data = row.data | {"channels": offers}
    session.add(row)
    session.commit()


def unlisted_procedure(session) -> Procedure:
    """A procedure whose list of papers is not published, received at the counter."""
    for row in session.exec(select(Procedure).order_by(Procedure.code)):
        offered = {c["channel"] for c in row.data.get("channels", [])}
        counter = not offered or offered & {"in_person", "post"}
        if "documents" in row.data.get("unknown", []) and counter and row.level == "commune":
            return row
    raise AssertionError("the catalogue has no procedure without a document list")


# The rule


def test_a_list_without_cases_needs_each_of_its_required_papers(session):
    data = data_of(session, BIRTH)
    needed = required(data)
    assert needed and not checklist.has_cases(data)
    assert any(not d["required"] for d in data["documents"]), "1.001193 has optional papers"
    everything = [Paper(d["name"]) for d in needed]
    assert checklist.check(data, everything).complete
    for left_out in needed:
        found = checklist.check(data, [p for p in everything if p.name != left_out["name"]])
        assert found.missing == (left_out["name"],) and found.case is None
    assert checklist.check(data, []).missing == tuple(d["name"] for d in needed)


def test_papers_to_show_are_no_part_of_the_check(session):
    data = data_of(session, BIRTH)
    assert data["to_show"], "1.001193 lists papers to show"
    found = checklist.check(data, [Paper(d["name"]) for d in required(data)])
    assert found.complete
    shown = {fold(d["name"]) for d in data["to_show"]}
    assert not shown & {fold(n) for n in checklist.check(data, []).missing}


def test_a_paper_counts_with_one_copy_at_least(session):
    data = data_of(session, BIRTH)
    first, *rest = required(data)
    others = [Paper(d["name"]) for d in rest]
    for counts in ({"originals": 0}, {"originals": 0, "certified_copies": 0, "photocopies": 0}):
        found = checklist.check(data, [Paper(first["name"], **counts), *others])
        assert found.missing == (first["name"],)
    for counts in ({"originals": 0, "photocopies": 1}, {"originals": 0, "certified_copies": 2}):
        assert checklist.check(data, [Paper(first["name"], **counts), *others]).complete


def test_names_match_without_case_diacritics_or_extra_spaces(session):
    data = data_of(session, BIRTH)
    typed = [Paper("  " + "  ".join(fold(d["name"]).upper().split()) + " ") for d in required(data)]
    assert checklist.check(data, typed).complete
    assert not checklist.check(data, [Paper(d["name"] + " x") for d in required(data)]).complete


def test_a_national_code_matches_whatever_the_paper_is_called(session):
    data = data_of(session, BIRTH)
    by_code = [Paper(f"Giấy tờ số {i}", code=d["code"]) for i, d in enumerate(required(data))]
    assert all(p.code for p in by_code)
    assert checklist.check(data, by_code).complete
    lower = [Paper(p.name, code=f" {p.code.lower()} ") for p in by_code]
    assert checklist.check(data, lower).complete
    assert not checklist.check(data, [Paper(p.name, code="000.00.00.X") for p in by_code]).complete


def test_a_land_procedure_is_complete_with_every_required_paper_of_one_case(session):
    data = data_of(session, LAND)
    found_cases = cases(data)
    assert len(found_cases) >= 2, "1.115765's list has cases"
    for case in found_cases:
        papers = [Paper(d["name"], code=None) for d in required(data, case)]
        assert checklist.check(data, papers).complete, case
        for left_out in required(data, case):
            others = [p for p in papers if p.name != left_out["name"]]
            found = checklist.check(data, others)
            assert left_out["name"] in found.missing and found.case == case


def test_with_no_case_complete_the_closest_case_is_named(session):
    data = data_of(session, LAND)
    by_size = sorted(cases(data), key=lambda c: len(required(data, c)))
    small, large = by_size[0], by_size[-1]
    assert len(required(data, large)) > len(required(data, small)), "cases of two sizes"
    elsewhere = {fold(d["name"]) for c in cases(data) if c != large for d in required(data, c)}
    only = [d for d in required(data, large) if fold(d["name"]) not in elsewhere]
    # Everything of the larger case but a paper of its own: that case is named.
    papers = [Paper(d["name"]) for d in required(data, large) if d is not only[0]]
    found = checklist.check(data, papers)
    assert found.case == large and found.missing == (only[0]["name"],)
    assert checklist.message(found) == (
        f"Thiếu giấy tờ bắt buộc (trường hợp: {large}): {only[0]['name']}."
    )
    # Nothing received: the case with fewest required papers, the first of a tie.
    found = checklist.check(data, [])
    assert found.case == small
    assert found.missing == tuple(d["name"] for d in required(data, small))


def test_a_case_without_a_required_paper_adds_to_a_dossier_and_is_not_one():
    data = {
        "documents": [
            {"name": "Đơn", "required": True, "case": None},
            {"name": "Hợp đồng thuê", "required": True, "case": "Nhà thuê"},
            {"name": "Sổ đỏ", "required": True, "case": "Nhà của mình"},
            {"name": "Văn bản đồng ý", "required": False, "case": "Có nhiều chủ sở hữu"},
        ],
        "unknown": [],
    }
    found = checklist.check(data, [Paper("Đơn")])
    assert not found.complete and found.case == "Nhà thuê"
    assert checklist.check(data, [Paper("Đơn"), Paper("Sổ đỏ")]).complete
    # A tie of cases goes to the one whose papers were brought in part.
    data["documents"].append({"name": "Giấy phép", "required": True, "case": "Nhà của mình"})
    found = checklist.check(data, [Paper("Đơn"), Paper("Sổ đỏ")])
    assert found.missing == ("Giấy phép",) and found.case == "Nhà của mình"


def test_no_published_list_means_nothing_to_check(session):
    row = unlisted_procedure(session)
    found = checklist.check(row.data, [])
    assert not found.known and found.complete


# The counter's form


@pytest.fixture
def officer(auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE, full_name="Nguyễn Thị Lan")
    auth.login(user.username, password)
    return user


def page_of(client, code: str) -> str:
    return client.get(f"/counter/tiep-nhan/{code}").get_data(as_text=True)


def form_for(client, code: str, **ticks: Any) -> dict[str, str]:
    """The form as typed, with no paper ticked; `ticks` adds fields (doc-N-received...)."""
    page = page_of(client, code)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page)
    return {
        "csrf_token": csrf,  # the log-out form's, where the page offers no intake form
        "form_key": key.group(1) if key else "",
        "applicant.full_name": "Nguyễn Văn Ánh",
        "applicant.id_number": "052090001234",
        "applicant.phone": "0905123456",
        "submitter_is_owner": "1",
        "sets": "1",
        "channel": "in_person",
        "outcome": "receive",
    } | ticks


def tick(data: dict[str, Any], papers: list[dict[str, Any]]) -> dict[str, str]:
    """The fields of these papers ticked with the counts the catalogue states."""
    fields = {}
    for i, d in enumerate(data["documents"]):
        if any(d is p for p in papers):
            fields[f"doc-{i}-received"] = "1"
            for k in ("originals", "certified_copies", "photocopies"):
                fields[f"doc-{i}-{k}"] = str(d[k])
    return fields


def post(client, code: str, form: dict[str, str]):
    return client.post(f"/counter/tiep-nhan/{code}", data=form)


def test_the_checklist_shows_each_case_as_its_own_group(client, officer, session):
    data = data_of(session, LAND)
    page = page_of(client, LAND)
    headings = re.findall(r'<th colspan="5" scope="rowgroup">(.*?)</th>', page)
    expected = [f"Trường hợp: {c}" for c in cases(data)]
    if any(d.get("case") is None for d in data["documents"]):
        expected.insert(0, "Giấy tờ mọi hồ sơ phải có")
    assert [html.unescape(h) for h in headings] == expected
    for i in range(len(data["documents"])):
        assert f'id="doc-{i}-received"' in page
    with_text = [d for d in data["documents"] if d.get("text") and d["text"] != d["name"]]
    assert page.count('<details class="paper-text">') >= len(with_text)


def test_papers_to_show_and_the_lists_notes_follow_the_papers(client, officer, session):
    data = data_of(session, BIRTH)
    page = page_of(client, BIRTH)
    assert 'scope="rowgroup"' not in page  # one list, no case headings
    shown = page.index("Giấy tờ phải xuất trình")
    assert page.index('id="doc-0-received"') < shown
    for d in data["to_show"]:
        assert d["name"] in page[shown:]
    if data["document_notes"]:
        notes = page.index("Ghi chú của danh mục")
        assert shown < notes and f"({len(data['document_notes'])})" in page[notes:]


def test_a_procedure_without_a_list_says_to_check_the_publication(client, officer, session):
    row = unlisted_procedure(session)
    page = page_of(client, row.code)
    assert "Danh mục chưa công bố thành phần hồ sơ của thủ tục này" in page
    assert "quyết định công bố thủ tục hành chính của tỉnh" in page
    assert 'id="doc-0-received"' not in page
    assert post(client, row.code, form_for(client, row.code)).status_code == 302


def test_receive_without_the_required_papers_is_refused_beside_the_checklist(
    client, officer, session
):
    data = data_of(session, BIRTH)
    response = post(client, BIRTH, form_for(client, BIRTH))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="error" role="alert" id="documents-error">(.*?)</p>', page)
    assert error, "the message sits beside the checklist"
    for d in required(data):
        assert d["name"] in error.group(1)
    assert 'value="Nguyễn Văn Ánh"' in page  # what was typed is kept
    assert count(session) == 0 and count(session, DossierCounter) == 0


def test_receive_with_the_required_papers_ticked(client, officer, session):
    data = data_of(session, BIRTH)
    response = post(client, BIRTH, form_for(client, BIRTH, **tick(data, required(data))))
    assert response.status_code == 302
    dossier = session.exec(select(Dossier)).one()
    assert dossier.status == 2
    kept = session.exec(select(DossierDocument.name).order_by(DossierDocument.position)).all()
    assert kept == [d["name"] for d in required(data)]


def test_a_paper_ticked_with_no_copy_is_not_received(client, officer, session):
    data = data_of(session, BIRTH)
    fields = tick(data, required(data))
    first = next(k for k in fields if k.endswith("-received")).removesuffix("-received")
    fields |= {f"{first}-originals": "0", f"{first}-certified_copies": "0"}
    fields |= {f"{first}-photocopies": "0"}
    response = post(client, BIRTH, form_for(client, BIRTH, **fields))
    assert response.status_code == 422
    assert count(session) == 0


def test_a_land_dossier_is_received_with_the_papers_of_one_case(client, officer, session):
    data = data_of(session, LAND)
    case = cases(data)[-1]
    incomplete = tick(data, required(data, case)[1:])
    response = post(client, LAND, form_for(client, LAND, **incomplete))
    assert response.status_code == 422
    assert f"trường hợp: {case}" in html.unescape(response.get_data(as_text=True))
    response = post(client, LAND, form_for(client, LAND, **tick(data, required(data, case))))
    assert response.status_code == 302 and count(session) == 1


def test_the_supplement_request_lists_what_the_rule_finds_missing(client, officer, session):
    data = data_of(session, BIRTH)
    needed = required(data)
    fields = tick(data, needed[1:]) | {
        "outcome": "request_supplement",
        "reason": "Thiếu giấy tờ",
        "missing_other": "Bản sao sổ hộ khẩu",
    }
    assert post(client, BIRTH, form_for(client, BIRTH, **fields)).status_code == 302
    dossier = session.exec(select(Dossier)).one()
    assert dossier.status == 5
    names = [m["name"] for m in dossier.missing_documents]
    assert names == [needed[0]["name"], "Bản sao sổ hộ khẩu"]


def test_refusing_needs_no_papers(client, officer, session):
    fields = {"outcome": "refuse", "reason": "Không thuộc thẩm quyền"}
    assert post(client, BIRTH, form_for(client, BIRTH, **fields)).status_code == 302
    assert session.exec(select(Dossier)).one().status == 3


def test_enter_in_a_field_never_receives(client, officer, session):
    """Enter submits the form with its default button, the first one: disabled, it does
    nothing; a form sent without a button pressed names no outcome and is refused."""
    page = page_of(client, BIRTH)
    form = page[page.index('<form method="post" id="intake"') :]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert "disabled" in first and "name=" not in first and 'type="submit"' in first
    data = data_of(session, BIRTH)
    fields = form_for(client, BIRTH, **tick(data, required(data)))
    for outcome in (None, ""):  # no button, or the guard that names none
        if outcome is None:
            del fields["outcome"]
        else:
            fields["outcome"] = outcome
        response = post(client, BIRTH, fields)
        assert response.status_code == 422
        assert "Chọn tiếp nhận, yêu cầu bổ sung hoặc từ chối." in response.get_data(as_text=True)
    assert count(session) == 0


def options(page: str) -> list[str]:
    select_ = re.search(r'<select id="channel" name="channel">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]+)"', select_.group(1))


def test_the_channels_offered_are_the_procedures_own(client, officer, session):
    set_channels(session, BIRTH, ["online", "in_person"])
    assert options(page_of(client, BIRTH)) == ["in_person"]
    data = data_of(session, BIRTH)
    fields = tick(data, required(data)) | {"channel": "post"}
    response = post(client, BIRTH, form_for(client, BIRTH, **fields))
    assert response.status_code == 422
    assert "Thủ tục này không nhận hồ sơ theo hình thức nộp đã chọn." in response.get_data(
        as_text=True
    )
    fields["channel"] = "online"  # online dossiers come from the public side
    assert post(client, BIRTH, form_for(client, BIRTH, **fields)).status_code == 422
    assert count(session) == 0
    set_channels(session, BIRTH, ["post"])
    assert options(page_of(client, BIRTH)) == ["post"]
    set_channels(session, BIRTH, [])
    assert options(page_of(client, BIRTH)) == ["in_person", "post"]


def test_a_procedure_listed_online_only_is_not_received_at_the_counter(client, officer, session):
    set_channels(session, BIRTH, ["online"])
    page = page_of(client, BIRTH)
    assert 'id="intake"' not in page
    assert "Thủ tục này không tiếp nhận hồ sơ tại quầy." in page
    assert "Trực tuyến" in page[page.index('id="not-at-counter"') :]
    data = data_of(session, BIRTH)
    fields = tick(data, required(data))
    response = post(client, BIRTH, form_for(client, BIRTH, **fields))  # an old tab, a script
    assert response.status_code == 422 and count(session) == 0


# The API


@pytest.fixture
def headers(token):
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def papers(data: dict[str, Any], chosen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": d["name"],
            "originals": d["originals"],
            "certified_copies": d["certified_copies"],
            "photocopies": d["photocopies"],
        }
        for d in chosen
    ]


def test_api_a_list_lacking_a_required_paper_is_422_missing_documents(client, headers, session):
    data = data_of(session, BIRTH)
    needed = required(data)
    body = intake_data(procedure_code=BIRTH, documents=papers(data, needed[1:]))
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "missing_documents"
    assert error["missing"] == [needed[0]["name"]] and needed[0]["name"] in error["message"]
    assert error["field"] == "documents" and error["case"] is None
    assert count(session) == 0 and count(session, DossierCounter) == 0
    empty = client.post("/api/v1/dossiers", json=body | {"documents": []}, headers=headers)
    assert empty.status_code == 422
    assert empty.json["error"]["missing"] == [d["name"] for d in needed]


def test_api_with_the_required_papers_or_without_a_list_receives(client, headers, session):
    data = data_of(session, BIRTH)
    body = intake_data(procedure_code=BIRTH, documents=papers(data, required(data)))
    assert client.post("/api/v1/dossiers", json=body, headers=headers).status_code == 201
    del body["documents"]  # no list: the required papers are taken as received
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 201
    assert (
        client.get(f"/api/v1/dossiers/{response.json['code']}", headers=headers).json["documents"]
        == []
    )


def test_api_a_case_of_a_land_procedure(client, headers, session):
    data = data_of(session, LAND)
    case = cases(data)[0]
    needed = required(data, case)
    body = intake_data(procedure_code=LAND, documents=papers(data, needed[:-1]))
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["case"] == case and error["missing"] == [needed[-1]["name"]]
    body["documents"] = papers(data, needed)
    assert client.post("/api/v1/dossiers", json=body, headers=headers).status_code == 201


def test_api_a_channel_the_procedure_does_not_list_is_422(client, headers, session):
    set_channels(session, BIRTH, ["in_person", "online"])
    data = data_of(session, BIRTH)
    body = intake_data(procedure_code=BIRTH, documents=papers(data, required(data)))
    response = client.post("/api/v1/dossiers", json=body | {"channel": "post"}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "channel": "Thủ tục này không nhận hồ sơ theo hình thức nộp đã chọn."
    }
    assert count(session) == 0
    online = client.post("/api/v1/dossiers", json=body | {"channel": "online"}, headers=headers)
    assert online.status_code == 201


def test_api_missing_papers_are_named_beside_the_other_wrong_fields(client, headers, session):
    set_channels(session, BIRTH, ["in_person"])
    body = intake_data(procedure_code=BIRTH, documents=[], channel="post")
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"channel", "documents"}
    assert error["fields"]["documents"].startswith("Thiếu giấy tờ bắt buộc: ")
    assert count(session) == 0


def test_the_openapi_document_declares_the_missing_documents_answer(client):
    document = client.get("/api/v1/openapi.json").json
    answer = document["paths"]["/api/v1/dossiers"]["post"]["responses"]["422"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
    schemas = document["components"]["schemas"]
    body = schemas[schemas[ref]["properties"]["error"]["$ref"].rpartition("/")[2]]
    assert {"code", "message", "missing", "case", "fields"} <= set(body["properties"])
