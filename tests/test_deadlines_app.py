"""Deadlines in the app: `onestop due`, the staff calculator, the admins' overrides."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlmodel import select

from onestop.cli import main
from onestop.deadlines.models import CalendarOverride
from onestop.dossiers.models import DossierEvent
from tests.factories import OFFICE, make_dossier


@pytest.fixture
def due(empty_database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("ONESTOP_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("ONESTOP_SECRET_KEY", "test")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["due", *args], catch_exceptions=False)

    run.init = lambda: runner.invoke(main, ["init"], catch_exceptions=False)  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # The worked examples of docs/domain.md#units.
        (["--received", "2026-11-23T09:00", "--working-days", "3"], "2026-11-26T09:00:00+07:00"),
        (["--received", "2026-11-24T18:00", "--working-days", "1"], "2026-11-25T17:00:00+07:00"),
        # An offset is honoured: 02:00 UTC is 09:00 in Vietnam.
        (["--received", "2026-11-23T02:00:00+00:00", "--hours", "4"], "2026-11-23T15:00:00+07:00"),
        # Tết 2026: Friday 13/02 + 1 working day skips 14-22/02.
        (["--received", "2026-02-13T10:00", "--working-days", "1"], "2026-02-23T10:00:00+07:00"),
        (["--received", "2026-11-25T15:30", "--same-day"], "2026-11-26T17:00:00+07:00"),
        # Calendar days ending on a Saturday move to Monday; the make-up Saturday 22/08 is worked.
        (["--received", "2026-11-26T10:00", "--days", "2"], "2026-11-30T17:00:00+07:00"),
        (["--received", "2026-08-20T10:00", "--days", "2"], "2026-08-22T17:00:00+07:00"),
        (["--received", "2026-11-25T10:00", "--working-days", "0,5"], "2026-11-25T16:00:00+07:00"),
    ],
)
def test_due_answers_as_the_contract_says(due, args, expected):
    result = due(*args)
    assert result.exit_code == 0, result.output
    assert result.output == expected + "\n"


def test_due_for_a_procedure_uses_its_time(due):
    assert due.init().exit_code == 0
    result = due("--received", "2026-11-25T09:00", "--procedure", "1.004222")
    assert result.output == "2026-12-04T09:00:00+07:00\n"
    post = due("--received", "2026-11-25T09:00", "--procedure", "1.000603.H21", "--channel", "post")
    assert post.output == "2026-11-30T09:00:00+07:00\n"  # 24 working hours by post


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "hôm qua", "--days", "1"], "Thời điểm không đọc được"),
        (["--received", "2026-11-25", "--days", "-2"], "không được âm"),
        (["--received", "2026-11-25", "--hours", "abc"], "không phải là số"),
        (["--received", "2026-11-25"], "Chọn đúng một"),
    ],
)
def test_due_bad_input_exits_1(due, args, message):
    result = due(*args)
    assert result.exit_code == 1
    assert message in result.output


def test_due_with_a_broken_calendar_file(due, tmp_path):
    bad = tmp_path / "lich.yaml"
    bad.write_text("days_off:\n  - {date: 2026-13-01, reason: x}\nextra: 1\n", encoding="utf-8")
    result = due("--received", "2026-11-25", "--days", "1", "--calendar", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2: " in result.output and f"{bad}:3: " in result.output


def test_due_with_an_extra_day_off(due, tmp_path):
    extra = tmp_path / "lich.yaml"
    extra.write_text("days_off:\n  - {date: 2026-11-26, reason: Bão}\n", encoding="utf-8")
    result = due("--received", "2026-11-25T09:00", "--working-days", "1", "--calendar", str(extra))
    assert result.output == "2026-11-27T09:00:00+07:00\n"


# The staff calculator


@pytest.fixture
def staff(auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE)
    auth.login(user.username, password)
    return user


def test_calculator_explains_the_days_skipped(client, staff):
    page = client.get(
        "/cong-cu/ngay-hen?value=1&unit=working_days&received=2026-02-13T10:00"
    ).get_data(as_text=True)
    assert "10:00 23/02/2026" in page
    assert "Chủ Nhật 15/02/2026" in page
    assert "Tết" in page


def test_calculator_with_a_procedure(client, staff):
    page = client.get("/cong-cu/ngay-hen?procedure=1.004222&received=2026-11-25T09:00")
    assert "09:00 04/12/2026" in page.get_data(as_text=True)


def test_calculator_errors_beside_the_field(client, staff):
    page = client.get("/cong-cu/ngay-hen?value=-1&unit=hours").get_data(as_text=True)
    assert "không được âm" in page
    page = client.get("/cong-cu/ngay-hen?procedure=9.999999").get_data(as_text=True)
    assert "Không có thủ tục mã 9.999999." in page


# Admins' overrides


@pytest.fixture
def admin(auth, make_user):
    user, password = make_user("admin")
    auth.login(user.username, password)
    return user


def post_overrides(client, auth, text: str):
    token = auth.csrf("/admin/lich")
    return client.post("/admin/lich/nhap", data={"overrides": text, "csrf_token": token})


def test_admin_enters_a_schedule_and_applies_it_explicitly(client, auth, admin, session, make_user):
    officer, _ = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)  # due Friday 04/12/2026 09:00
    session.commit()
    before = dossier.due_at
    response = post_overrides(
        client,
        auth,
        "days_off:\n  - {date: 2026-12-01, reason: Nghỉ bão, decision: QĐ 1/QĐ-UBND}\n",
    )
    assert response.status_code == 302
    row = session.get(CalendarOverride, date(2026, 12, 1))
    assert (row.kind, row.decision) == ("day_off", "QĐ 1/QĐ-UBND")
    session.refresh(dossier)
    assert dossier.due_at == before  # not silently rewritten
    page = client.get("/admin/lich").get_data(as_text=True)
    assert dossier.code in page and "07/12/2026" in page
    token = auth.csrf("/admin/lich")
    client.post("/admin/lich/ap-dung", data={"csrf_token": token})
    session.refresh(dossier)
    assert dossier.due_at > before
    event = session.exec(select(DossierEvent).where(DossierEvent.action == "reschedule")).one()
    assert "04/12/2026" in event.note and "07/12/2026" in event.note


def test_admin_schedule_errors_name_the_line(client, auth, admin, session):
    response = post_overrides(client, auth, "days_off:\n  - {date: 2026-02-30, reason: x}\n")
    assert response.status_code == 422
    assert "Dòng 2: Ngày &#39;2026-02-30&#39; không hợp lệ" in response.get_data(as_text=True)
    assert session.exec(select(CalendarOverride)).all() == []


def test_only_admins_edit_the_calendar(client, staff):
    assert client.get("/admin/lich").status_code == 403
