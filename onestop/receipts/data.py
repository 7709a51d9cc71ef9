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
    code: str
    lookup_url: str
    submitter_name: str
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    id_number: str | None
    channel: str
    request: str
    documents: list[DocumentLine]
    sets: int
    processing_time: str
    received_at: datetime
    due_at: datetime | None
    result_place: str
    officer_name: str
    logbook: str | None = None


@dataclass(frozen=True)
class MissingDocument:
    name: str
    note: str | None = None


@dataclass(frozen=True)
class SupplementData:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    header: Header
    number: str
    code: str
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    request: str
    missing: list[MissingDocument]
    reason: str
    officer_name: str
    officer_phone: str | None
    lookup_url: str | None = None


@dataclass(frozen=True)
class RefusalData:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    header: Header
    code: str | None
    owner_name: str
    address: str | None
    phone: str | None
    email: str | None
    request: str
    reason: str
    officer_name: str
