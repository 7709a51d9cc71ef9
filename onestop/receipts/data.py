"""The plain data each printed form is rendered from (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DocumentLine:
    name: str
    originals: int = 0  # Bản chính
    certified_copies: int = 0  # Bản chứng thực
    photocopies: int = 0  # Bản photo


@dataclass(frozen=True)
class Header:
    parent_agency_name: str  # the superior body, printed top-left in capitals
    agency_name: str  # the receiving unit
    place: str  # for "Quy Nhơn, ngày 25 tháng 11 năm 2026"
    issued_at: datetime  # aware; printed in Asia/Ho_Chi_Minh


@dataclass(frozen=True)
class ReceiptData:
    """Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    header: Header
    code: str  # Mã hồ sơ, e.g. "000.01.31.H21-261125-0001"
    lookup_url: str  # what the QR code carries, also printed as a link
    submitter_name: str  # "Tiếp nhận hồ sơ của Ông (Bà)"
    owner_name: str  # Chủ hồ sơ; may equal the submitter
    address: str | None  # None leaves a dotted blank to fill by hand (phone, email, ID too)
    phone: str | None
    email: str | None
    id_number: str | None  # Số định danh cá nhân (12 digits)
    channel: str  # e.g. "Trực tiếp"
    request: str  # "1.001193 - Thủ tục đăng ký khai sinh"
    documents: list[DocumentLine]
    sets: int  # Số lượng hồ sơ (bộ)
    processing_time: str  # e.g. "03 ngày làm việc" or "Trong ngày"
    received_at: datetime  # aware
    due_at: datetime | None  # aware; None prints "Không hẹn ngày trả"
    result_place: str  # Nơi nhận kết quả
    officer_name: str  # Người tiếp nhận hồ sơ
    logbook: str | None = None  # "Quyển số 01, Số thứ tự 0125", after "Vào Sổ theo dõi hồ sơ, "


@dataclass(frozen=True)
class MissingDocument:
    name: str
    note: str | None = None  # what is wrong, or what to bring


@dataclass(frozen=True)
class SupplementData:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    header: Header
    number: str  # "12/HDHS", printed after "Số: "
    code: str
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    request: str
    missing: list[MissingDocument]
    reason: str  # Lý do
    officer_name: str  # Người hướng dẫn
    officer_phone: str | None
    lookup_url: str | None = None  # with it, the form carries the QR code and the link


@dataclass(frozen=True)
class RefusalData:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    header: Header
    code: str | None  # printed if given
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    request: str
    reason: str  # lý do từ chối
    officer_name: str  # Người từ chối


@dataclass(frozen=True)
class ApologyData:
    """Mẫu 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết."""

    header: Header  # the agency that apologises (its officer's), dated the day of the apology
    code: str
    owner_name: str  # Kính gửi: Ông (Bà) ...
    address: str | None
    phone: str | None
    email: str | None
    request: str
    receiving_agency_name: str  # who received the dossier and gave the first appointment
    received_at: datetime | None  # None: asked to complete at the counter, never received
    due_at: datetime | None  # the appointment on the receipt (Mẫu 01)
    reason: str  # why the result is late
    new_due_at: datetime  # the new appointment, set once only
    officer_name: str  # who wrote the apology (Người lập phiếu)
    lookup_url: str | None = None  # with it, the form carries the QR code and the link


@dataclass(frozen=True)
class StopNoticeData:
    """Mẫu 05 Thông báo dừng giải quyết hồ sơ."""

    header: Header  # the agency that stopped handling, dated the day it stopped
    code: str
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    request: str
    received_at: datetime | None
    due_at: datetime | None
    stopped_at: datetime
    reason: str
    officer_name: str  # who stopped it (Người lập phiếu)


@dataclass(frozen=True)
class ControlRow:
    """One row of Mẫu 06: the reception, one handling step, or the return of the result.

    A step is received (`started_at`, from `given_by`) and handed on (`ended_at`, by
    `closed_by`); the reception row has the submitter as `given_by` and the receiving officer
    as `received_by`; the return row has the time and officer of the return as `ended_at` and
    `closed_by`.
    """

    kind: str  # "reception", "step" or "return"
    agency_name: str
    task: str
    started_at: datetime | None = None
    given_by: str | None = None
    received_by: str | None = None
    allowance: str | None = None  # "02 ngày làm việc"; None for an untimed or unplanned step
    due_at: datetime | None = None
    ended_at: datetime | None = None
    closed_by: str | None = None
    result: str = ""  # Trước hạn / Đúng hạn / Quá hạn / Đang xử lý, or blank
    note: str | None = None  # how the step ended: "Chuyển xử lý", "Đã xử lý xong", ...


@dataclass(frozen=True)
class ControlSheetData:
    """Mẫu 06 Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    header: Header  # the receiving agency, dated the day of reception
    code: str
    owner_name: str
    address: str | None
    phone: str | None
    request: str
    received_at: datetime
    processing_time: str  # statutory: "07 ngày làm việc"
    due_at: datetime | None  # the appointment; None prints "Không hẹn ngày trả"
    extended_due_at: datetime | None  # the new appointment of an apology (Mẫu 04), if any
    documents: int  # kinds of papers received
    sets: int
    rows: list[ControlRow]
    printed_at: datetime  # the time open steps are judged against
