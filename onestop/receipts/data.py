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
