"""The administrators' calendar page: adding a day with the form, the year's days from every
layer, deleting after a confirmation, the year's import, and who may open it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from onestop.calendar import OverridesFileError, parse_overrides_text
from onestop.deadlines import entries
from onestop.deadlines.models import CalendarOverride
from tests.factories import OFFICE, make_dossier

PAGE = "/admin/lich"


@pytest.fixture
def admin(auth, make_user):
    user, password = make_user("admin", full_name="Trần Quản Trị")
    auth.login(user.username, password)
    return user


def post(client, auth, path: str, **data: str):
    return client.post(path, data={"csrf_token": auth.csrf(PAGE), **data})


def add(client, auth, **fields: str):
    values = {"day": "", "kind": "", "reason": "", "decision": ""} | fields
    return post(client, auth, PAGE, **values)


def row(html: str, day: str) -> str:
    """The year table's row of `day` (YYYY-MM-DD); '' when the day is not listed."""
    found = re.search(rf'<tr data-day="{day}">(.*?)</tr>', html, re.S)
    return found.group(1) if found else ""


def layers(html: str, day: str) -> list[tuple[str, str]]:
    """(layer, class) of each source listed for `day`, lowest first."""
    found = re.findall(r'<li class="(\w+)" data-layer="(\w+)">', row(html, day))
    return [(layer, css) for css, layer in found]


def saved(session) -> list[CalendarOverride]:
    session.expire_all()
    return list(session.exec(select(CalendarOverride)).all())


def due_text(client, received: str) -> str:
    """The staff calculator's due time for one working day from `received`."""
    html = client.get(f"/cong-cu/ngay-hen?value=1&unit=working_days&received={received}")
    found = re.search(r'<strong id="due">([^<]+)</strong>', html.get_data(as_text=True))
    assert found, "the calculator shows no due time"
    return found.group(1)


# Adding a day with the form


def test_a_day_off_added_with_the_form_is_listed_and_counted(client, auth, admin, session):
    assert due_text(client, "2026-11-30T09:00") == "09:00 01/12/2026"
    response = add(
        client, auth, day="2026-12-01", kind="day_off", reason="Nghỉ bão", decision="QĐ 12/QĐ-UBND"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/lich?nam=2026"
    [entry] = saved(session)
    assert (entry.day, entry.kind, entry.reason, entry.decision, entry.created_by_id) == (
        date(2026, 12, 1),
        "day_off",
        "Nghỉ bão",
        "QĐ 12/QĐ-UBND",
        admin.id,
    )
    html = client.get("/admin/lich?nam=2026").get_data(as_text=True)
    listed = row(html, "2026-12-01")
    assert "Quản trị viên nhập" in listed and "Nghỉ bão" in listed and "QĐ 12/QĐ-UBND" in listed
    assert "Trần Quản Trị" in listed
    assert '<span class="mark mark-off">Nghỉ</span> Nghỉ bão' in listed
    assert 'href="/admin/lich/2026-12-01/xoa"' in listed
    assert "Đã thêm ngày nghỉ 01/12/2026" in html
    # The due dates count it at once: Tuesday 01/12 is skipped.
    assert due_text(client, "2026-11-30T09:00") == "09:00 02/12/2026"


def test_a_make_up_working_day_on_a_saturday_is_worked(client, auth, admin, session):
    assert due_text(client, "2026-12-04T09:00") == "09:00 07/12/2026"  # Fri + 1: Monday
    response = add(client, auth, day="05/12/2026", kind="working_day", reason="Làm bù")
    assert response.status_code == 302
    html = client.get("/admin/lich?nam=2026").get_data(as_text=True)
    assert '<span class="mark mark-work">Làm việc</span> Làm bù' in row(html, "2026-12-05")
    assert due_text(client, "2026-12-04T09:00") == "09:00 05/12/2026"


# The year, from every layer


@pytest.fixture
def local_file(app, tmp_path):
    """An ONESTOP_CALENDAR file that makes 24/11/2026 a day off after all."""
    path = tmp_path / "lich-tinh.yaml"
    path.write_text(
        "days_off:\n  - {date: 2026-11-24, reason: Tỉnh cho nghỉ, decision: QĐ 9/QĐ-UBND}\n",
        encoding="utf-8",
    )
    app.config["CALENDAR"] = str(path)
    return path


def test_the_year_shows_each_layer_and_the_one_in_force(client, auth, admin):
    html = client.get("/admin/lich").get_data(as_text=True)  # the current year: 2026
    assert "năm 2026" in html
    # The package's holidays, its make-up Saturday, and the shipped file's correction.
    assert layers(html, "2026-09-02") == [("package", "winner")]
    assert "Quốc khánh" in row(html, "2026-09-02") and "mark-off" in row(html, "2026-09-02")
    assert layers(html, "2026-08-22") == [("package", "winner")]
    assert "mark-work" in row(html, "2026-08-22")
    assert layers(html, "2026-11-24") == [("package", "overridden"), ("shipped", "winner")]
    listed = row(html, "2026-11-24")
    assert "Ngày Văn hóa Việt Nam" in listed and "procedures/calendar.yaml" in listed
    assert "mark-work" in listed and "được áp dụng" in listed
    assert 'href="/admin/lich/2026-11-24/xoa"' not in listed  # only admins' entries are deleted
    # An ordinary weekend is not listed; a day of another year is not either.
    assert row(html, "2026-11-28") == "" and row(html, "2027-02-10") == ""


def test_the_local_file_and_the_admins_win_in_that_order(client, auth, admin, local_file):
    html = client.get("/admin/lich?nam=2026").get_data(as_text=True)
    assert layers(html, "2026-11-24") == [
        ("package", "overridden"),
        ("shipped", "overridden"),
        ("local", "winner"),
    ]
    assert "mark-off" in row(html, "2026-11-24") and "QĐ 9/QĐ-UBND" in row(html, "2026-11-24")
    # The local file made the day off, so a make-up working day is no longer redundant.
    response = add(client, auth, day="2026-11-24", kind="working_day", reason="Vẫn làm việc")
    assert response.status_code == 302
    html = client.get("/admin/lich?nam=2026").get_data(as_text=True)
    assert [layer for layer, _ in layers(html, "2026-11-24")] == [
        "package",
        "shipped",
        "local",
        "admin",
    ]
    assert layers(html, "2026-11-24")[-1] == ("admin", "winner")
    assert "mark-work" in row(html, "2026-11-24")


def test_another_year(client, auth, admin):
    html = client.get("/admin/lich?nam=2027").get_data(as_text=True)
    assert "năm 2027" in html
    assert "Tết" in row(html, "2027-02-10") and row(html, "2026-09-02") == ""
    assert 'href="/admin/lich?nam=2026"' in html and 'href="/admin/lich?nam=2028"' in html


@pytest.mark.config(NOW=datetime(2026, 12, 31, 18, 0, tzinfo=UTC))  # 01:00 on 01/01/2027 in Vietnam
def test_the_default_year_is_the_year_in_vietnam(client, auth, admin):
    html = client.get(PAGE).get_data(as_text=True)
    assert "năm 2027" in html and row(html, "2027-02-10")


@pytest.mark.parametrize("year", ["1899", "2101", "abc", "-1", "²", "2026.5"])
def test_a_bad_year_says_so_and_shows_the_current_one(client, auth, admin, year):
    response = client.get(f"/admin/lich?nam={year}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Năm phải là một số từ 1900 đến 2100." in html
    assert "năm 2026" in html


# Bad input: a Vietnamese message beside the field, what was typed kept, nothing saved


def field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="{name}-error" role="alert">([^<]*)</p>', html)
    return found.group(1) if found else ""


GOOD = {"day": "2026-12-01", "kind": "day_off", "reason": "Nghỉ bão", "decision": "QĐ 1"}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"day": ""}, "day", "Chọn ngày."),
        ({"day": "2026-02-30"}, "day", "Ngày không hợp lệ: chọn trên lịch"),
        ({"day": "31/04/2026"}, "day", "Ngày không hợp lệ"),
        ({"day": "mai"}, "day", "Ngày không hợp lệ"),
        ({"day": "1899-12-31"}, "day", "Chỉ nhập được ngày từ năm 1900 đến năm 2100."),
        ({"day": "2101-01-01"}, "day", "Chỉ nhập được ngày từ năm 1900 đến năm 2100."),
        ({"kind": ""}, "kind", "Chọn loại ngày: ngày nghỉ hoặc ngày làm việc bù."),
        ({"kind": "holiday"}, "kind", "Chọn loại ngày"),
        ({"reason": ""}, "reason", "Nhập lý do"),
        ({"reason": "   "}, "reason", "Nhập lý do"),
        ({"reason": "x" * 301}, "reason", "Lý do dài quá 300 ký tự."),
        ({"decision": "x" * 201}, "decision", "dài quá 200 ký tự."),
        ({"reason": "Nghỉ\x00bão"}, "reason", "Có ký tự không được phép (U+0000)."),
        ({"decision": "QĐ\u202e1"}, "decision", "Có ký tự không được phép (U+202E)."),
        # A day that already is what the entry would make it.
        (
            {"day": "2026-11-25", "kind": "working_day"},
            "day",
            "Ngày 25/11/2026 đã là ngày làm việc: không cần ngày làm việc bù.",
        ),
        (
            {"day": "2026-11-24", "kind": "working_day"},
            "day",
            "Ngày 24/11/2026 đã là ngày làm việc (Ngày Văn hóa Việt Nam chưa là ngày nghỉ lễ",
        ),
        ({"day": "2026-11-29"}, "day", "Ngày 29/11/2026 đã là ngày nghỉ (Chủ Nhật): không cần"),
        ({"day": "2026-09-02"}, "day", "Ngày 02/09/2026 đã là ngày nghỉ (Quốc khánh)"),
    ],
)
def test_bad_input_is_refused_beside_its_field(client, auth, admin, session, typed, field, message):
    form = GOOD | typed
    response = add(client, auth, **form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    opening = (
        r'<fieldset class="field kind has-error"'
        if field == "kind"
        else (rf'<div class="field has-error">\s*<label for="{field}">')
    )
    assert re.search(opening, html)
    # What was typed is kept.
    for name in ("day", "reason", "decision"):
        if form[name].strip():
            assert f'name="{name}"' in html and f'value="{form[name]}"' in html
    if form["kind"] in ("day_off", "working_day"):
        assert f'value="{form["kind"]}" checked' in html
    assert saved(session) == []


def test_every_field_at_fault_is_named_at_once(client, auth, admin, session):
    html = add(client, auth, day="", kind="", reason="").get_data(as_text=True)
    assert field_error(html, "day") and field_error(html, "kind") and field_error(html, "reason")
    assert saved(session) == []


def test_a_day_entered_already_is_not_replaced(client, auth, admin, session):
    assert add(client, auth, **GOOD).status_code == 302
    response = add(client, auth, **GOOD | {"kind": "working_day", "reason": "Làm bù"})
    assert response.status_code == 409
    message = field_error(response.get_data(as_text=True), "day")
    assert "Ngày 01/12/2026 đã có điều chỉnh của quản trị viên (ngày nghỉ: Nghỉ bão)" in message
    [entry] = saved(session)
    assert (entry.kind, entry.reason) == ("day_off", "Nghỉ bão")


# Deleting needs the confirmation


def test_deleting_asks_first_then_deletes(client, auth, admin, session):
    add(client, auth, **GOOD)
    # The list links to the confirmation page; a POST without its confirmation deletes nothing.
    response = post(client, auth, "/admin/lich/2026-12-01/xoa")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/lich/2026-12-01/xoa"
    assert len(saved(session)) == 1
    html = client.get("/admin/lich/2026-12-01/xoa").get_data(as_text=True)
    assert "Xóa điều chỉnh ngày 01/12/2026?" in html and "Nghỉ bão" in html
    assert "Sau khi xóa, ngày này là ngày làm việc" in html
    assert '<input name="confirm" type="hidden" value="yes">' in html
    assert len(saved(session)) == 1  # opening the confirmation changes nothing
    response = post(client, auth, "/admin/lich/2026-12-01/xoa", confirm="yes")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/lich?nam=2026"
    assert saved(session) == []
    html = client.get("/admin/lich?nam=2026").get_data(as_text=True)
    assert row(html, "2026-12-01") == "" and "Đã xóa điều chỉnh ngày 01/12/2026" in html
    assert due_text(client, "2026-11-30T09:00") == "09:00 01/12/2026"


def test_the_confirmation_says_what_the_day_becomes(client, auth, admin):
    add(client, auth, day="2026-11-24", kind="day_off", reason="Nghỉ")
    html = client.get("/admin/lich/2026-11-24/xoa").get_data(as_text=True)
    assert "Sau khi xóa, ngày này là ngày làm việc" in html
    add(client, auth, day="2026-11-28", kind="working_day", reason="Làm bù")
    html = client.get("/admin/lich/2026-11-28/xoa").get_data(as_text=True)
    assert "Sau khi xóa, ngày này là ngày nghỉ theo các lớp còn lại (Thứ Bảy)." in html


@pytest.mark.parametrize("day", ["2026-12-02", "2026-13-01", "hom-nay"])
def test_no_entry_to_delete_is_404(client, auth, admin, day):
    assert client.get(f"/admin/lich/{day}/xoa").status_code == 404
    assert post(client, auth, f"/admin/lich/{day}/xoa", confirm="yes").status_code == 404


# Due times never move by themselves


def test_the_dossiers_whose_due_time_moves_are_listed_then_moved(
    client, auth, admin, session, make_user
):
    officer, _ = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)  # received 25/11, due Friday 04/12/2026 09:00
    session.commit()
    before = dossier.due_at
    add(client, auth, day="2026-12-01", kind="day_off", reason="Nghỉ bão")
    session.refresh(dossier)
    assert dossier.due_at == before
    html = client.get(PAGE).get_data(as_text=True)
    assert dossier.code in html and "09:00 07/12/2026" in html
    assert "Áp dụng lịch mới cho 1 hồ sơ" in html
    assert post(client, auth, "/admin/lich/ap-dung").status_code == 302
    session.refresh(dossier)
    assert dossier.due_at > before
    assert 'id="no-moves"' in client.get(PAGE).get_data(as_text=True)


# The year's import (the overrides file's format)


def schedule(client, auth, text: str):
    return post(client, auth, "/admin/lich/nhap", overrides=text)


def test_a_schedule_is_imported(client, auth, admin, session):
    text = (
        "days_off:\n  - {date: 2027-02-11, reason: Nghỉ Tết, decision: TB 1/TB-BNV}\n"
        "working_days:\n  - {date: 2027-02-20, reason: Làm bù cho 11/02}\n"
    )
    response = schedule(client, auth, text)
    assert response.status_code == 302
    assert sorted((e.day, e.kind) for e in saved(session)) == [
        (date(2027, 2, 11), "day_off"),
        (date(2027, 2, 20), "working_day"),
    ]
    html = client.get("/admin/lich?nam=2027").get_data(as_text=True)
    assert layers(html, "2027-02-20") == [("admin", "winner")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Dòng 1: Chưa nhập ngày nào."),
        ("days_off: []\n", "Dòng 1: Chưa nhập ngày nào."),
        ("days_off:\n  - {date: 2026-02-30, reason: x}\n", "Dòng 2: Ngày &#39;2026-02-30&#39;"),
        ("holidays:\n  - {date: 2026-12-01, reason: x}\n", "Dòng 1: Mục &#39;holidays&#39;"),
        ("days_off:\n  - {date: 2026-12-01}\n", "Dòng 2: Thiếu lý do (reason)."),
        (
            "days_off:\n  - {date: 2026-12-01, reason: a}\n  - {date: 2026-12-01, reason: b}\n",
            "Dòng 3: Ngày 01/12/2026 được nhập hai lần (cả ở dòng 2).",
        ),
        (
            "days_off:\n  - {date: 2026-12-01, reason: a}\n\n\n"
            "working_days:\n  - {date: 2026-12-05, reason: b}\n  - {date: 1899-12-30, reason: c}\n",
            "Dòng 7: Chỉ nhập được ngày từ năm 1900 đến năm 2100.",
        ),
        (
            "days_off:\n  - {date: 2026-12-01, reason: a}\n  - {date: 2026-11-29, reason: b}\n",
            "Dòng 3: Ngày 29/11/2026 đã là ngày nghỉ (Chủ Nhật)",
        ),
        ("days_off: [\n", "Dòng 2: Sai cú pháp"),
        (
            "days_off:\n  - {date: 2026-12-01,\n     reason: a\x00}\n",
            "Dòng 3: Có ký tự không được phép",
        ),
        (
            'days_off:\n  - {date: 2026-12-01, reason: "a\\0b"}\n',
            "Dòng 2: Có ký tự không được phép",
        ),
        (
            "days_off:\n  - {date: 2026-12-01, reason: a\ufffe}\n",
            "Dòng 1: Có ký tự không đọc được.",
        ),
    ],
)
def test_a_bad_schedule_names_its_lines_in_vietnamese(client, auth, admin, session, text, expected):
    response = schedule(client, auth, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in html
    assert '<details class="card bulk" open>' in html
    assert saved(session) == []


# Every message of the overrides file's parser reads in Vietnamese on this page.
PARSER_CASES = [
    "[1, 2]\n",
    "holidays: []\n",
    "days_off: 3\n",
    "days_off:\n  - 3\n",
    "days_off:\n  - {date: 2026-12-01, reason: x, when: y}\n",
    "days_off:\n  - {reason: x}\n",
    "days_off:\n  - {date: 2026-12-01}\n",
    "days_off:\n  - {date: 2026-13-01, reason: x}\n",
    "days_off:\n  - {date: 2026-12-01, reason: ''}\n",
    "days_off:\n  - {date: 2026-12-01, reason: x, decision: [a]}\n",
    "days_off:\n  - {date: 2026-12-01, reason: x}\n  - {date: 2026-12-01, reason: y}\n",
    "days_off:\n  - {date: 2026-12-01, reason: x}\n"
    "working_days:\n  - {date: 2026-12-01, reason: y}\n",
    "? [a]\n: 1\n",
    "days_off: []\ndays_off: []\n",
    "days_off: [\n",
]


@pytest.mark.parametrize("text", PARSER_CASES)
def test_every_parser_message_has_its_vietnamese(text):
    with pytest.raises(OverridesFileError) as raised:
        parse_overrides_text(text)
    for _file, _line, message in raised.value.errors:
        assert entries.vietnamese(message) != "Không đọc được nội dung dòng này.", message


# Who may open it


def test_officers_are_refused_and_strangers_sent_to_log_in(client, auth, make_user, session):
    for path in ("/admin/", PAGE, "/admin/thu-tuc", "/admin/lich/2026-12-01/xoa"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")
    token = auth.csrf("/dang-nhap")
    response = client.post(PAGE, data={"csrf_token": token, **GOOD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")
    officer, password = make_user("officer", agency_code=OFFICE)
    auth.login(officer.username, password)
    for path in ("/admin/", PAGE, "/admin/thu-tuc", "/admin/lich?nam=2027"):
        assert client.get(path).status_code == 403
    assert add(client, auth, **GOOD).status_code == 403
    assert (
        schedule(client, auth, "days_off:\n  - {date: 2026-12-01, reason: x}\n").status_code == 403
    )
    assert saved(session) == []


# The admin's home


def test_the_home_links_the_admin_pages_that_exist(app, client, auth, admin):
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/lich"' in html and 'href="/admin/thu-tuc"' in html
    if "admin_users.index" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            assert f'href="{url_for("admin_users.index")}"' in html
    app.view_functions.pop("admin_users.index", None)
    html = client.get("/admin/").get_data(as_text=True)
    assert "Tài khoản cán bộ" not in html and 'href="/admin/lich"' in html
