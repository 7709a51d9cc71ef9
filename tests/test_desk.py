"""The handling desk at /desk/: the open steps at the handler's agency, with their marks, and
where each role lands after login."""

from __future__ import annotations

import re

import pytest

from tests.factories import OFFICE
from tests.test_routing import BHXH, POLICE, WARD, Desk, vn

OTHER_POLICE = "000.02.32.H21"  # Công an phường Pleiku


@pytest.fixture
def desk(client, token):
    return Desk(client, token)


def rows(html):
    """(code, marks) of each row of the desk, in order."""
    return [
        (code, marks.split())
        for code, marks in re.findall(r'data-code="([^"]+)" data-marks="([^"]*)"', html)
    ]


def count(html, mark):
    return int(re.search(rf'id="count-{mark}">(\d+)<', html).group(1))


@pytest.fixture
def handed_on(desk):
    """Dossiers handed on through the API at several instants; the clock then stands at
    09:00 on Wednesday 25/11/2026."""
    codes = {}
    # Tuesday 07:30: to the ward, which hands it on at 08:00 to the police and the insurance
    # (2 working days each: due Thursday 08:00, within one working day of Wednesday 09:00).
    desk.at(vn(2026, 11, 24, 7, 30))
    codes["soon"] = desk.receive("2.000986")
    desk.ok(codes["soon"], "transfer", "officer", OFFICE)
    desk.at(vn(2026, 11, 24, 8))
    desk.ok(codes["soon"], "transfer", "handler", WARD)
    # Tuesday 10:00: at the ward, due Tuesday 17:00: overdue on Wednesday.
    desk.at(vn(2026, 11, 24, 10))
    codes["overdue"] = desk.receive("2.000986", full_name="Trần Văn Bình")
    desk.ok(codes["overdue"], "transfer", "officer", OFFICE)
    # Wednesday 08:00: at the ward, due today at 17:00.
    desk.at(vn(2026, 11, 25, 8))
    codes["today"] = desk.receive("2.000986", full_name="Lê Thị Cúc")
    desk.ok(codes["today"], "transfer", "officer", OFFICE)
    # Wednesday 08:30: handed on at once to the police and the insurance, due Friday 08:30.
    desk.at(vn(2026, 11, 25, 8, 30))
    codes["later"] = desk.receive("2.000986", full_name="Phạm Văn Dũng")
    desk.ok(codes["later"], "transfer", "officer", OFFICE)
    desk.ok(codes["later"], "transfer", "handler", WARD)
    # Wednesday 08:45: at the ward, which asks the citizen for a paper (status 5).
    desk.at(vn(2026, 11, 25, 8, 45))
    codes["paused"] = desk.receive("2.000986", full_name="Võ Thị Em")
    desk.ok(codes["paused"], "transfer", "officer", OFFICE)
    desk.ok(
        codes["paused"],
        "request_supplement",
        "handler",
        WARD,
        note="Thiếu giấy chứng sinh",
        documents=[{"name": "Giấy chứng sinh"}],
    )
    # A procedure with no plan, handed to the ward out of plan: no due time.
    codes["untimed"] = desk.receive("1.004222", full_name="Hồ Văn Giang")
    desk.ok(codes["untimed"], "transfer", "officer", OFFICE, to_agency=WARD, note="Xác minh nơi ở")
    # Finished: the police and the insurance complete it; no step of it is open any more.
    codes["done"] = desk.receive("2.000986", full_name="Đỗ Văn Hải")
    desk.ok(codes["done"], "transfer", "officer", OFFICE)
    desk.ok(codes["done"], "transfer", "handler", WARD)
    desk.ok(codes["done"], "complete", "handler", POLICE)
    desk.ok(codes["done"], "complete", "handler", BHXH)
    # Withdrawn by the citizen while at the ward: its step stays open, but it is over.
    codes["withdrawn"] = desk.receive("2.000986", full_name="Ngô Thị Hoa")
    desk.ok(codes["withdrawn"], "transfer", "officer", OFFICE)
    desk.ok(codes["withdrawn"], "withdraw", "officer", OFFICE)
    desk.at(vn(2026, 11, 25, 9))
    return codes


def as_handler(auth, make_user, agency):
    handler, password = make_user("handler", agency_code=agency)
    response = auth.login(handler.username, password)
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"
    return handler


def test_the_ward_sees_its_open_steps_soonest_first_with_their_marks(
    client, auth, make_user, handed_on
):
    as_handler(auth, make_user, WARD)
    response = client.get("/desk/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert rows(html) == [
        (handed_on["overdue"], ["overdue"]),
        (handed_on["today"], ["today", "soon"]),
        (handed_on["paused"], []),  # waiting for the citizen: its clock stands still
        (handed_on["untimed"], []),  # no due time: last
    ]
    assert (count(html, "overdue"), count(html, "today"), count(html, "soon")) == (1, 1, 1)
    assert count(html, "all") == 4
    assert "Không tính thời gian" in html and "Chờ công dân, tạm dừng tính thời gian" in html
    assert "17:00 24/11/2026" in html and "17:00 25/11/2026" in html  # dd/mm/yyyy, Vietnam
    assert f'href="/counter/ho-so/{handed_on["today"]}"' in html


def test_the_police_see_their_parallel_steps_and_nothing_of_the_ward(
    client, auth, make_user, handed_on
):
    as_handler(auth, make_user, POLICE)
    html = client.get("/desk/").get_data(as_text=True)
    assert rows(html) == [(handed_on["soon"], ["soon"]), (handed_on["later"], [])]
    assert "Đăng ký thường trú cho trẻ em." in html
    assert (count(html, "overdue"), count(html, "today"), count(html, "soon")) == (0, 0, 1)


def test_filters_by_procedure_status_and_task(client, auth, make_user, handed_on):
    as_handler(auth, make_user, WARD)

    def codes(query):
        return [code for code, _ in rows(client.get(f"/desk/?{query}").get_data(as_text=True))]

    assert codes("procedure=1.004222") == [handed_on["untimed"]]
    assert codes("status=5") == [handed_on["paused"]]
    assert codes("status=4&procedure=2.000986") == [handed_on["overdue"], handed_on["today"]]
    assert codes("task=xac+minh") == [handed_on["untimed"]]  # without diacritics
    assert codes("task=HỘ+TỊCH") == [handed_on["overdue"], handed_on["today"], handed_on["paused"]]
    html = client.get("/desk/?task=khong+co+viec+nay").get_data(as_text=True)
    assert "Không có hồ sơ nào khớp với bộ lọc." in html
    # The select offers the procedures that have an open step here.
    assert 'value="1.004222"' in html and 'value="2.000986"' in html


def test_a_wrong_status_is_shown_beside_the_field(client, auth, make_user, handed_on):
    as_handler(auth, make_user, WARD)
    response = client.get("/desk/?status=9")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="status-error"' in html and "Chọn một trạng thái trong danh sách." in html
    assert client.get("/desk/?status=abc").status_code == 422


def test_the_dossier_page_reached_from_the_desk_lets_the_handler_act(
    client, auth, make_user, handed_on
):
    as_handler(auth, make_user, WARD)
    page = client.get(f"/counter/ho-so/{handed_on['today']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="action-transfer"' in html and 'id="action-return_result"' not in html


def test_a_handler_of_another_agency_sees_none_of_them(client, auth, make_user, handed_on):
    as_handler(auth, make_user, OTHER_POLICE)
    html = client.get("/desk/").get_data(as_text=True)
    assert rows(html) == []
    assert "Không có hồ sơ nào đang chờ xử lý." in html
    for code in handed_on.values():
        assert client.get(f"/counter/ho-so/{code}").status_code == 403
    # Nor may they ask for another agency's desk.
    assert client.get(f"/desk/?agency={WARD}").status_code == 403


def test_admins_see_every_agency_or_the_one_they_pick(client, auth, make_user, handed_on):
    admin, password = make_user("admin")
    assert auth.login(admin.username, password).headers["Location"] == "/admin/"
    every = rows(client.get("/desk/").get_data(as_text=True))
    assert {code for code, _ in every} == {
        handed_on[k] for k in ("soon", "overdue", "today", "later", "paused", "untimed")
    }
    assert len(every) == 8  # two steps each for the two dossiers at the police and insurance
    ward = rows(client.get(f"/desk/?agency={WARD}").get_data(as_text=True))
    assert len(ward) == 4 and ward[0] == (handed_on["overdue"], ["overdue"])


def test_only_handlers_and_admins_open_the_desk(client, auth, make_user):
    for role in ("officer", "supervisor"):
        user, password = make_user(role, agency_code=OFFICE)
        auth.login(user.username, password)
        assert client.get("/desk/").status_code == 403
        html = client.get("/counter/procedures").get_data(as_text=True)
        assert 'href="/desk/"' not in html
        client.post("/dang-xuat", data={"csrf_token": auth.csrf("/counter/procedures")})


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("officer", "/counter/"),
        ("handler", "/desk/"),
        ("supervisor", "/counter/so-theo-doi"),
        ("admin", "/admin/"),
    ],
)
def test_each_role_lands_on_its_home(client, auth, make_user, role, home):
    user, password = make_user(role, agency_code=WARD if role == "handler" else OFFICE)
    response = auth.login(user.username, password)
    assert response.status_code == 302 and response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_a_next_address_still_wins(client, auth, make_user):
    handler, password = make_user("handler", agency_code=WARD)
    data = {"username": handler.username, "password": password, "csrf_token": auth.csrf()}
    response = client.post("/dang-nhap?next=/cong-cu/ngay-hen", data=data)
    assert response.headers["Location"] == "/cong-cu/ngay-hen"
