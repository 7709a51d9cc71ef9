"""Mẫu 04 (apology and new appointment), Mẫu 05 (notice of stopping) and Mẫu 06 (control sheet),
built from dossiers in the database and read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, delete

from onestop.dossiers import actions
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action, Status
from onestop.receipts import build
from onestop.routing.models import DossierStep
from tests.conftest import NOW
from tests.factories import CALENDAR, OFFICE, make_dossier

POLICE = "000.02.31.H21"  # Công an phường Quy Nhơn
COMMUNE = "000.00.31.H21"  # Ủy ban nhân dân phường Quy Nhơn
OFFICER = "Trần Thị Bích Ngọc"
REASON = "Cần xác minh chỗ ở hợp pháp với Công an phường Quy Nhơn"


def vn(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A time of 2026 on the clocks of Vietnam (UTC+7), as the aware UTC instant."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user("officer", agency_code=OFFICE, full_name=OFFICER)[0]


@pytest.fixture
def dossier(app: Flask, session: Session, officer: Any) -> Dossier:
    """Received at 09:00 on 25/11/2026; 07 working days: due at 09:00 on 04/12/2026."""
    with app.app_context():
        row: Dossier = make_dossier(session, officer)
    session.commit()
    return row


def act(
    session: Session, dossier: Dossier, action: Action, actor: Any, now: datetime, **asked: Any
) -> None:
    actions.record(
        session,
        dossier=dossier,
        action=action,
        actor=actor,
        now=now,
        calendar=CALENDAR,
        asked=actions.Asked(**asked),
    )
    session.commit()


def render(app: Flask, session: Session, dossier: Dossier, form: str, **kw: Any) -> bytes:
    with app.app_context():
        assert form in build.available_forms(dossier)
        return build.render(session, dossier, form, **kw)


def raw_text(pdf: bytes, tmp_path: Path) -> str:
    """The text in the order it is drawn (`pdftotext -raw`): a table cell by cell, so a value
    that wraps inside its cell stays whole, spaces collapsed."""
    path = tmp_path / "raw.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-raw", path, "-"], check=True, capture_output=True, text=True
    )
    return re.sub(r"\s+", " ", done.stdout).strip()


def missing(page: str, expected: list[str]) -> list[str]:
    return [text for text in expected if text not in page]


def out_of_order(text: str, expected: list[str]) -> list[str]:
    """The strings of `expected` not found in `text` after the one before them."""
    lost, at = [], 0
    for wanted in expected:
        found = text.find(wanted, at)
        if found < 0:
            lost.append(wanted)
        else:
            at = found + len(wanted)
    return lost


# Mẫu 04


def test_apology_carries_the_reason_and_the_new_appointment(
    app: Flask,
    session: Session,
    dossier: Dossier,
    make_user: Callable[..., Any],
    pdf_text: Callable[[bytes], list[str]],
    qr_codes: Callable[[bytes], list[str]],
) -> None:
    handler, _ = make_user("handler", agency_code=POLICE, full_name="Nguyễn Văn Bình")
    # 09:30 on 02/12/2026; the new appointment 17:00 on 10/12/2026, Vietnam time.
    act(
        session,
        dossier,
        Action.APOLOGIZE,
        handler,
        vn(2, 9, 30, month=12),
        note=REASON,
        new_due_at=vn(10, 17, month=12),
    )
    pdf = render(app, session, dossier, "apology")
    pages = pdf_text(pdf)
    assert len(pages) == 1
    assert (
        missing(
            pages[0],
            [
                "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
                "CÔNG AN PHƯỜNG QUY NHƠN",  # the agency of the officer who apologised
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Quy Nhơn, ngày 02 tháng 12 năm 2026",
                "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                f"Mã hồ sơ: {dossier.code}",
                "Kính gửi: Ông (Bà) Đặng Thị Hường",
                "Ngày 25/11/2026, Trung tâm Phục vụ hành chính công phường Quy Nhơn tiếp nhận",
                "Địa chỉ: 12 Trần Hưng Đạo, phường Quy Nhơn",
                f"Nội dung yêu cầu giải quyết: 1.004222 - {dossier.procedure_name}",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 25/11/2026",
                "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 04/12/2026",
                f"Lý do: {REASON}",
                "Công an phường Quy Nhơn xin lỗi Ông (Bà)",
                "hẹn trả kết quả giải quyết hồ sơ vào: 17 giờ 00 phút, ngày 10/12/2026",
                "Xin trân trọng cảm ơn sự hợp tác của Ông (Bà)",
                "NGƯỜI LẬP PHIẾU",
                "THỦ TRƯỞNG CƠ QUAN",
                "Nguyễn Văn Bình",
            ],
        )
        == []
    )
    with app.app_context():
        assert qr_codes(pdf) == [build.lookup_url(dossier)]


def test_apology_without_agency_is_issued_by_the_one_holding_the_dossier(
    app: Flask,
    session: Session,
    dossier: Dossier,
    make_user: Callable[..., Any],
    pdf_text: Callable[[bytes], list[str]],
) -> None:
    admin, _ = make_user("admin", full_name="Quản trị viên")
    act(
        session,
        dossier,
        Action.APOLOGIZE,
        admin,
        NOW,
        note="Mất điện",
        new_due_at=vn(8, 9, month=12),
    )
    page = pdf_text(render(app, session, dossier, "apology"))[0]
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH" in page and "CÔNG AN PHƯỜNG" not in page
    assert "Lý do: Mất điện" in page and "09 giờ 00 phút, ngày 08/12/2026" in page


def test_apology_for_a_dossier_never_received(
    app: Flask,
    session: Session,
    officer: Any,
    pdf_text: Callable[[bytes], list[str]],
) -> None:
    # Asked at the counter to bring a missing paper: the clock has not started.
    with app.app_context():
        waiting = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    act(
        session, waiting, Action.APOLOGIZE, officer, NOW, note=REASON, new_due_at=vn(3, 9, month=12)
    )
    with app.app_context():
        assert build.available_forms(waiting) == ["supplement", "apology"]
    page = pdf_text(render(app, session, waiting, "apology"))[0]
    assert "đã nhận hồ sơ của Ông (Bà) Đặng Thị Hường" in page
    assert "Thời gian nhận hồ sơ" not in page and "Không hẹn ngày trả" in page
    assert "09 giờ 00 phút, ngày 03/12/2026" in page


# Mẫu 05


def test_stop_notice_says_why_and_since_when_in_vietnam_time(
    app: Flask,
    session: Session,
    dossier: Dossier,
    make_user: Callable[..., Any],
    pdf_text: Callable[[bytes], list[str]],
) -> None:
    handler, _ = make_user("handler", agency_code=POLICE, full_name="Lê Văn Hùng")
    # 23:40 UTC on 30/11 is already 06:40 on 01/12 in Vietnam.
    act(
        session,
        dossier,
        Action.STOP,
        handler,
        datetime(2026, 11, 30, 23, 40, tzinfo=UTC),
        note="Giấy tờ chứng minh chỗ ở là giả mạo",
    )
    with app.app_context():
        forms = build.available_forms(dossier)
    assert "stop-notice" in forms and "apology" not in forms
    pages = pdf_text(render(app, session, dossier, "stop-notice"))
    assert len(pages) == 1
    assert (
        missing(
            pages[0],
            [
                "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
                "CÔNG AN PHƯỜNG QUY NHƠN",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Quy Nhơn, ngày 01 tháng 12 năm 2026",
                "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                f"Mã hồ sơ: {dossier.code}",
                "Kính gửi: Ông (Bà) Đặng Thị Hường",
                "Hồ sơ của Ông (Bà): Đặng Thị Hường",
                "Email: huong@example.vn",
                f"Nội dung yêu cầu giải quyết: 1.004222 - {dossier.procedure_name}",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 25/11/2026",
                "Công an phường Quy Nhơn thông báo dừng giải quyết hồ sơ nêu trên kể từ "
                "06 giờ 40 phút, ngày 01/12/2026, với lý do cụ thể như sau: "
                "Giấy tờ chứng minh chỗ ở là giả mạo",
                "NGƯỜI LẬP PHIẾU",
                "Lê Văn Hùng",
            ],
        )
        == []
    )


# Mẫu 06


def only_steps(session: Session, dossier: Dossier, *steps: DossierStep) -> None:
    """The dossier's steps are these: whatever the routing service opened is dropped."""
    session.exec(delete(DossierStep).where(col(DossierStep.dossier_id) == dossier.id))
    for step in steps:
        session.add(step)
    session.commit()


def step(dossier: Dossier, agency: str, task: str, **fields: Any) -> DossierStep:
    assert dossier.id is not None
    return DossierStep(dossier_id=dossier.id, agency_code=agency, task=task, **fields)


def test_control_sheet_lists_every_handover_early_on_time_late_or_open(
    app: Flask,
    session: Session,
    dossier: Dossier,
    pdf_text: Callable[[bytes], list[str]],
    tmp_path: Path,
) -> None:
    days = {"allowance_unit": "working_days"}
    only_steps(
        session,
        dossier,
        # Added out of order: the sheet orders them by the time they were opened.
        step(
            dossier,
            POLICE,
            "Xác minh nơi cư trú",
            allowance_value=2.0,
            started_at=vn(26, 14),
            due_at=vn(30, 14),
            ended_at=vn(30, 16, 45),
            given_by="Phạm Quốc Việt",
            closed_by="Nguyễn Văn Bình",
            outcome="transfer",
            **days,
        ),
        step(
            dossier,
            COMMUNE,
            "Thẩm định hồ sơ",
            allowance_value=1.0,
            started_at=vn(25, 9, 30),
            due_at=vn(26, 9, 30),
            ended_at=vn(25, 16),
            given_by=OFFICER,
            closed_by="Phạm Quốc Việt",
            outcome="transfer",
            position=0,
            **days,
        ),
        step(
            dossier,
            COMMUNE,
            "Trình ký kết quả",
            allowance_value=1.0,
            started_at=vn(30, 16, 45),
            due_at=vn(1, 16, 45, month=12),
            ended_at=vn(1, 10, month=12),
            given_by="Nguyễn Văn Bình",
            closed_by="Phạm Quốc Việt",
            outcome="transfer",
            **days,
        ),
        step(
            dossier,
            COMMUNE,
            "Cập nhật kết quả",
            allowance_value=0.5,
            started_at=vn(1, 10, month=12),
            due_at=vn(1, 14, month=12),
            given_by="Phạm Quốc Việt",
            **days,
        ),
    )
    # At 11:00 on 01/12 the last step is open, not yet late.
    pdf = render(app, session, dossier, "control-sheet", now=vn(1, 11, month=12))
    pages = pdf_text(pdf)
    assert len(pages) == 1
    assert (
        missing(
            pages[0],
            [
                "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
                "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Quy Nhơn, ngày 25 tháng 11 năm 2026",
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                f"Mã hồ sơ: {dossier.code}",
                "Chủ hồ sơ: Đặng Thị Hường",
                f"Nội dung yêu cầu giải quyết: 1.004222 - {dossier.procedure_name}",
                "Số lượng hồ sơ: 01 bộ",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 25/11/2026",
                "Thời gian giải quyết hồ sơ theo quy định: 07 ngày làm việc",
                "Thời gian hẹn trả kết quả: 09 giờ 00 phút, ngày 04/12/2026",
                "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                "Phiếu in lúc 11 giờ 00 phút, ngày 01/12/2026",
            ],
        )
        == []
    )
    # Cell by cell, in the order of the rows: the reception, then the steps as opened.
    rows = raw_text(pdf, tmp_path)
    expected = [
        "Trung tâm Phục vụ hành chính công phường Quy Nhơn",
        "Tiếp nhận hồ sơ",
        "09:00 25/11/2026",
        "Người nộp: Đặng Thị Hường",
        f"Người tiếp nhận: {OFFICER}",
        "Ủy ban nhân dân phường Quy Nhơn",
        "Thẩm định hồ sơ",
        "01 ngày làm việc",
        "Hạn: 09:30 26/11/2026",
        "09:30 25/11/2026",
        f"Người giao: {OFFICER}",
        "16:00 25/11/2026",
        "Người chuyển: Phạm Quốc Việt",
        "Trước hạn",
        "Chuyển xử lý",
        "Công an phường Quy Nhơn",
        "Xác minh nơi cư trú",
        "02 ngày làm việc",
        "Hạn: 14:00 30/11/2026",
        "14:00 26/11/2026",
        "Người giao: Phạm Quốc Việt",
        "16:45 30/11/2026",
        "Người chuyển: Nguyễn Văn Bình",
        "Quá hạn",
        "Trình ký kết quả",
        "Đúng hạn",
        "Cập nhật kết quả",
        "0,5 ngày làm việc",
        "Hạn: 14:00 01/12/2026",
        "10:00 01/12/2026",
        "Đang xử lý",
    ]
    assert out_of_order(rows, expected) == []
    assert "Trả kết quả" not in rows

    # At 15:00 the open step is past its due time.
    late = raw_text(
        render(app, session, dossier, "control-sheet", now=vn(1, 15, month=12)), tmp_path
    )
    assert late.count("Quá hạn") == 2 and "Đang xử lý" not in late


def test_control_sheet_without_steps_has_the_reception_row_only(
    app: Flask, session: Session, dossier: Dossier, pdf_text: Callable[[bytes], list[str]]
) -> None:
    only_steps(session, dossier)
    page = pdf_text(render(app, session, dossier, "control-sheet", now=NOW))[0]
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page
    assert "Tiếp nhận hồ sơ" in page and "09:00 25/11/2026" in page
    assert f"Người tiếp nhận: {OFFICER}" in page
    for absent in ("Người giao", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang xử lý", "None"):
        assert absent not in page


def test_control_sheet_ends_with_the_return_once_returned(
    app: Flask,
    session: Session,
    dossier: Dossier,
    make_user: Callable[..., Any],
    pdf_text: Callable[[bytes], list[str]],
    tmp_path: Path,
) -> None:
    only_steps(
        session,
        dossier,
        step(
            dossier,
            POLICE,
            "Xác minh nơi cư trú",
            started_at=vn(25, 10),
            ended_at=vn(27, 15),
            given_by=OFFICER,
            closed_by="Nguyễn Văn Bình",
            outcome="complete",
        ),
    )
    # `complete` goes through the routing service, being written now: the result is made
    # ready at the counter by hand, as `complete` leaves it.
    dossier.status = Status.DONE.value
    dossier.ended_at = vn(27, 15)
    dossier.current_agency_code = OFFICE
    session.add(dossier)
    session.commit()
    returning, _ = make_user("officer", agency_code=OFFICE, full_name="Huỳnh Đức Thắng")
    act(session, dossier, Action.RETURN_RESULT, returning, vn(30, 8, 15))
    pdf = render(app, session, dossier, "control-sheet", now=vn(30, 9))
    page = pdf_text(pdf)[0]
    assert "Trả kết quả cho tổ chức, cá nhân" in page
    rows = raw_text(pdf, tmp_path)
    expected = [
        "Xác minh nơi cư trú",
        "Người chuyển: Nguyễn Văn Bình",
        "Đã xử lý xong",  # how the step ended
        "Trung tâm Phục vụ hành chính công phường Quy Nhơn",
        "Trả kết quả cho tổ chức, cá nhân",
        "Hạn: 09:00 04/12/2026",
        "08:15 30/11/2026",
        "Người trả: Huỳnh Đức Thắng",
        "Trước hạn",  # done on 27/11, before the appointment of 04/12
        "So với ngày hẹn trả",
    ]
    assert out_of_order(rows, expected) == []


# Which forms a dossier has, through HTTP


@pytest.fixture
def headers(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def test_forms_over_http_only_when_available(
    client: FlaskClient,
    session: Session,
    dossier: Dossier,
    headers: dict[str, str],
    pdf_text: Callable[[bytes], list[str]],
    officer: Any,
) -> None:
    base = f"/api/v1/dossiers/{dossier.code}"
    sheet = client.get(f"{base}/control-sheet.pdf", headers=headers)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    assert f'filename="{dossier.code}-control-sheet.pdf"' in sheet.headers["Content-Disposition"]
    page = pdf_text(sheet.data)[0]
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page and dossier.code in page
    # Not apologised for, not stopped.
    for form in ("apology", "stop-notice"):
        assert client.get(f"{base}/{form}.pdf", headers=headers).status_code == 404
    assert client.get(f"/counter/ho-so/{dossier.code}/apology.pdf").status_code in (302, 401)

    act(
        session, dossier, Action.APOLOGIZE, officer, NOW, note=REASON, new_due_at=vn(9, 9, month=12)
    )
    apology = client.get(f"{base}/apology.pdf", headers=headers)
    assert apology.status_code == 200 and apology.mimetype == "application/pdf"
    assert f"Lý do: {REASON}" in pdf_text(apology.data)[0]
    assert client.get(f"{base}/stop-notice.pdf", headers=headers).status_code == 404

    act(session, dossier, Action.STOP, officer, vn(2, 10, month=12), note="Công dân đã qua đời")
    stop = client.get(f"{base}/stop-notice.pdf", headers=headers)
    assert stop.status_code == 200
    assert "Công dân đã qua đời" in pdf_text(stop.data)[0]


def test_counter_page_offers_the_print_buttons(
    client: FlaskClient, session: Session, dossier: Dossier, officer: Any, auth: Any
) -> None:
    act(
        session, dossier, Action.APOLOGIZE, officer, NOW, note=REASON, new_due_at=vn(9, 9, month=12)
    )
    assert auth.login(officer.username, "mat-khau-dung-1").status_code == 302
    html = client.get(f"/counter/ho-so/{dossier.code}").get_data(as_text=True)
    assert 'id="print-apology"' in html and 'id="print-control-sheet"' in html
    assert "In thư xin lỗi và hẹn lại (Mẫu 04)" in html
    assert "In phiếu kiểm soát (Mẫu 06)" in html
    assert 'id="print-stop-notice"' not in html
    assert client.get(f"/counter/ho-so/{dossier.code}/apology.pdf").mimetype == "application/pdf"


def test_the_new_forms_embed_only_the_bundled_font(
    app: Flask, session: Session, dossier: Dossier, officer: Any, tmp_path: Path
) -> None:
    act(
        session, dossier, Action.APOLOGIZE, officer, NOW, note=REASON, new_due_at=vn(9, 9, month=12)
    )
    act(session, dossier, Action.STOP, officer, vn(2, 10, month=12), note="Công dân đã qua đời")
    for form in ("apology", "stop-notice", "control-sheet"):
        path = tmp_path / f"{form}.pdf"
        path.write_bytes(render(app, session, dossier, form, now=NOW))
        listing = subprocess.run(
            ["pdffonts", path], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        # Subset names look like CESMDO+Be-Vietnam-Pro-Bold.
        fonts = {line.split()[0].split("+")[-1] for line in listing}
        assert fonts and all(font.startswith("Be-Vietnam-Pro") for font in fonts), form
