"""The counter's follow-up: finding the centre's dossiers, and the lists of those waiting for
the citizen and those ready to return."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from onestop.dossiers import actions
from onestop.dossiers.states import Action
from tests.conftest import NOW
from tests.factories import CALENDAR, OFFICE, make_dossier

OTHER_CENTRE = "000.01.32.H21"  # Trung tâm Phục vụ hành chính công phường Pleiku


def codes(html, section="found"):
    """The dossier codes listed in one section of the counter's page."""
    start = html.index(f'id="{section}"')
    end = html.index("</table>", start) if "</table>" in html[start:] else len(html)
    return re.findall(r'<tr data-code="([^"]+)"', html[start:end])


@pytest.fixture
def centre(session, make_user):
    """Dossiers of the officer's centre, and one of another centre with the same applicant."""
    officer, password = make_user("officer", agency_code=OFFICE)
    other, _ = make_user("officer", agency_code=OTHER_CENTRE)
    an = make_dossier(
        session, officer, full_name="Nguyễn Văn An", id_number="052090004321", phone="0905111222"
    )
    anh = make_dossier(
        session,
        officer,
        full_name="Nguyễn Văn Anh",
        id_number="052090009999",
        phone="0905333444",
        now=NOW - timedelta(days=2),
    )
    dung = make_dossier(
        session, officer, full_name="Đặng Thị Dung", submitter={"full_name": "Trần Văn Ba"}
    )
    elsewhere = make_dossier(
        session, other, full_name="Nguyễn Văn An", id_number="052090004321", phone="0905111222"
    )
    session.commit()
    return {
        "officer": officer,
        "password": password,
        "other": other,
        "an": an.code,
        "anh": anh.code,
        "dung": dung.code,
        "elsewhere": elsewhere.code,
    }


@pytest.fixture
def logged_in(client, auth, centre):
    auth.login(centre["officer"].username, centre["password"])
    return client


def found(client, **params):
    response = client.get("/counter/tim-kiem", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return codes(response.get_data(as_text=True))


def test_by_code_whole_or_its_beginning(logged_in, centre):
    assert found(logged_in, q=centre["an"]) == [centre["an"]]
    assert found(logged_in, q=f"  {centre['an'].lower()} ") == [centre["an"]]
    day = centre["an"].rsplit("-", 1)[0]  # the centre and the day: every dossier of that day
    assert found(logged_in, q=day) == [centre["dung"], centre["an"]]
    assert found(logged_in, q=centre["elsewhere"]) == []


def test_by_name_without_diacritics(logged_in, centre):
    assert found(logged_in, q="nguyen van an") == [centre["an"]]
    assert found(logged_in, q="NGUYEN  VĂN an") == [centre["an"]]
    assert found(logged_in, q="Nguyễn Văn") == [centre["an"], centre["anh"]]
    assert found(logged_in, q="dang thi dung") == [centre["dung"]]  # đ is d
    assert found(logged_in, q="tran van ba") == [centre["dung"]]  # the submitter's name


def test_by_id_number_and_by_phone(logged_in, centre):
    assert found(logged_in, q="052090004321") == [centre["an"]]
    assert found(logged_in, q="0520 9000 9999") == [centre["anh"]]
    assert found(logged_in, q="0905 111 222") == [centre["an"]]
    assert found(logged_in, q="+84 905.333.444") == [centre["anh"]]


def test_nothing_from_another_centre(client, auth, centre):
    auth.login(centre["other"].username, "mat-khau-dung-1")
    assert found(client, q="nguyen van an") == [centre["elsewhere"]]
    assert found(client, q=centre["an"]) == []
    assert found(client, q="052090004321") == [centre["elsewhere"]]


def test_filters_by_status_and_received_days(logged_in, session, centre):
    assert found(logged_in, q="nguyen van", to="23/11/2026") == [centre["anh"]]
    assert found(logged_in, **{"from": "25/11/2026", "to": "25/11/2026"}) == [
        centre["dung"],
        centre["an"],
    ]
    assert found(logged_in, **{"from": "2026-11-23"}) == [
        centre["dung"],
        centre["an"],
        centre["anh"],
    ]
    actions.perform(
        session,
        code=centre["an"],
        action=Action.WITHDRAW,
        actor=centre["officer"],
        now=NOW,
        calendar=CALENDAR,
    )
    session.commit()
    assert found(logged_in, status="7") == [centre["an"]]
    assert found(logged_in, q="nguyen van", status="2") == [centre["anh"]]


def test_an_empty_search_says_so(logged_in):
    response = logged_in.get("/counter/tim-kiem?q=khong+ai+ten+nay")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không tìm thấy hồ sơ nào khớp với điều kiện tìm kiếm." in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "31/02/2026"}, "from", "Ngày không hợp lệ"),
        ({"to": "hôm qua"}, "to", "Ngày không hợp lệ"),
        ({"from": "25/11/2026", "to": "24/11/2026"}, "to", "Ngày kết thúc phải"),
        ({"status": "11"}, "status", "Chọn một trạng thái"),
    ],
)
def test_bad_input_is_shown_beside_the_field(logged_in, params, field, message):
    response = logged_in.get("/counter/tim-kiem", query_string=params)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="find-{field}-error" role="alert">([^<]+)</p>', html)
    assert error and message in error.group(1)
    assert f'aria-describedby="find-{field}-error"' in html
    assert 'id="found"' not in html  # nothing searched


def test_fifty_a_page(logged_in, session, centre):
    for i in range(51):
        make_dossier(session, centre["officer"], full_name="Lý Thị Mai", phone=f"09061{i:05d}")
    session.commit()
    first = logged_in.get("/counter/tim-kiem?q=ly+thi+mai").get_data(as_text=True)
    assert len(codes(first)) == 50 and "Tìm thấy 51 hồ sơ." in first
    assert "Trang 1/2." in first and 'id="page-next"' in first and 'id="page-prev"' not in first
    second = logged_in.get("/counter/tim-kiem?q=ly+thi+mai&page=2").get_data(as_text=True)
    assert len(codes(second)) == 1 and 'id="page-prev"' in second
    assert set(codes(first)).isdisjoint(codes(second))
    by_day = logged_in.get("/counter/tim-kiem?from=25/11/2026&page=2").get_data(as_text=True)
    assert len(codes(by_day)) == 3  # 53 that day: the second page keeps the filter


def test_the_lists_of_dossiers_waiting_for_the_citizen_and_ready_to_return(
    logged_in, session, centre
):
    officer, other = centre["officer"], centre["other"]
    supplement = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    payment = make_dossier(session, officer)
    ready = make_dossier(session, officer)
    ready_elsewhere = make_dossier(session, other)
    session.commit()

    def act(code, action, actor, **asked):
        actions.perform(
            session,
            code=code,
            action=action,
            actor=actor,
            now=NOW,
            calendar=CALENDAR,
            asked=actions.Asked(**asked),
        )

    act(payment.code, Action.REQUEST_PAYMENT, officer, note="Lệ phí 10.000 đồng")
    act(ready.code, Action.COMPLETE, officer)
    act(ready_elsewhere.code, Action.COMPLETE, other)
    session.commit()
    html = logged_in.get("/counter/").get_data(as_text=True)
    assert codes(html, "waiting") == [supplement.code, payment.code]
    assert "Lệ phí 10.000 đồng" in html and "Thiếu giấy tờ" in html
    assert codes(html, "ready") == [ready.code]
    assert f'href="/counter/ho-so/{ready.code}"' in html
    # The dossier page has the button that returns it.
    page = logged_in.get(f"/counter/ho-so/{ready.code}").get_data(as_text=True)
    assert 'id="action-return_result"' in page
    act(ready.code, Action.RETURN_RESULT, officer)
    session.commit()
    html = logged_in.get("/counter/").get_data(as_text=True)
    assert codes(html, "ready") == [] and "Không có kết quả nào chờ trả." in html


def test_the_counter_home_without_a_search_lists_no_results(logged_in):
    html = logged_in.get("/counter/").get_data(as_text=True)
    assert 'id="found"' not in html and 'id="find-q"' in html
