"""How dates and times are written on the forms: Vietnam time, whatever the server's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime) -> datetime:
    """`moment` on the clocks of Vietnam; refuses naive datetimes, whose zone is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the forms need an aware one")
    return moment.astimezone(VN_TZ)


def vn_date(moment: datetime) -> str:
    """25/11/2026."""
    return local(moment).strftime("%d/%m/%Y")


def vn_time(moment: datetime) -> str:
    """09:05 25/11/2026: the short form, for the cells of a table."""
    return local(moment).strftime("%H:%M %d/%m/%Y")


def vn_clock(moment: datetime) -> str:
    """09 giờ 05 phút, ngày 25/11/2026."""
    at = local(moment)
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}"


def vn_date_line(place: str, moment: datetime) -> str:
    """Quy Nhơn, ngày 05 tháng 02 năm 2026: the place and date under the national motto.

    Decree 30/2020 writes a leading zero for days below 10 and for months 1 and 2 only.
    """
    at = local(moment)
    month = f"{at.month:02d}" if at.month < 3 else str(at.month)
    return f"{place}, ngày {at.day:02d} tháng {month} năm {at.year}"
