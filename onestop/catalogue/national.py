"""Reading a record of the national database of procedures (CSDL quốc gia về TTHC) into the
facts of a catalogue file.

The portal's records are input to check, not the law: what a record states plainly is taken,
what it states only in prose is read when the wording is unambiguous, and everything else is
left empty and reported (docs/catalogue.md#importing). Nothing is guessed silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from onestop.calendar import VN_TZ
from onestop.catalogue.schema import DOCUMENT_NAME, Directory
from onestop.text import fold, money

PORTAL = "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)"
CHANNELS = {"DIRECT": "in_person", "ONLINE": "online", "POSTAL": "post"}
UNITS = {"WORKING_DAY": "working_days", "DAY": "days", "HOUR": "hours"}
FEE_KINDS = {"FEE": "Phí", "SERVICE_FEE": "Lệ phí", "PRICE_LEVEL": "Giá dịch vụ"}

# Which kind of agency a published handling agency is, by words of its folded name; the
# first rule that matches wins, so the specific ones come before "ủy ban nhân dân".
AGENCY_RULES: tuple[tuple[str, str], ...] = (
    ("van phong dang ky dat dai", "vpdk_dat_dai"),
    ("co quan quan ly co so du lieu ho tich", "so_tu_phap"),
    ("so tu phap", "so_tu_phap"),
    ("so nong nghiep", "so_nn_mt"),
    ("so xay dung", "so_xay_dung"),
    ("so tai chinh", "so_tai_chinh"),
    ("so cong thuong", "so_cong_thuong"),
    ("noi vu", "so_noi_vu"),
    ("thue", "thue"),
    ("cong an cap xa", "cong_an_xa"),
    ("cong an cap tinh", "cong_an_tinh"),
    ("cap xa", "ubnd_xa"),
    ("uy ban nhan dan xa", "ubnd_xa"),
    ("phong kinh te", "ubnd_xa"),
    ("cap tinh", "ubnd_tinh"),
)

# Wording that makes a paper conditional: it is brought only in the case it names.
_CONDITIONAL = ("trường hợp", "trong trường hợp", "nếu ", "đối với ")
_CONDITIONAL_WITHIN = ("nếu có", "trong trường hợp")
_BULLET = re.compile(r"^\s*(?:[-+•*–]+|\(?\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ][.)])\s*", re.I)
_WORKING_DAYS = re.compile(r"(\d+(?:[,.]\d+)?)\s*ngày làm việc", re.I)


@dataclass
class Read:
    """A record's facts as a catalogue file states them, and what could not be read."""

    code: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    to_confirm: list[str] = field(default_factory=list)  # written in the file, for the admins
    skipped: bool = False  # not a commune or province procedure: none of this catalogue's


def read_record(record: dict[str, Any], directory: Directory) -> Read:
    """The catalogue facts of one detail record (`data` of the portal's answer)."""
    code = str(record.get("code") or "").strip()
    out = Read(code=code)
    fields_by_name = {fold(f.name): f.code for f in directory.fields}
    category = _first_name(record.get("categoriesDetails")) or _name(record.get("category"))
    field_code = fields_by_name.get(fold(category))
    if field_code is None:
        out.problems.append(f"field '{category}' is not a field of agencies.yaml: not imported")
        return out
    level = _level(record)
    if level is None:
        out.skipped = True
        return out
    agency, agency_text = _agency(record, level, out)
    channels, general = _channels(record, out)
    documents, to_show, notes, forms = _documents(record.get("executionCases") or [])
    data: dict[str, Any] = {
        "code": code,
        "name": _clean(record.get("name")),
        "field": field_code,
        "level": level,
        "agency": agency,
        "agency_text": agency_text,
        "online_level": _online_level(record),
        "interconnected": False,
        "any_counter": bool(record.get("isNonTerritorial")),
        "processing_time": general,
        "channels": channels,
        "steps": _lines(s.get("description") for s in record.get("executionSteps") or []),
        "documents": documents,
        "to_show": to_show,
        "document_notes": notes,
        "sets": None,
        "applicants": _names(record.get("subjectTypesDetails")),
        "result": _names(record.get("resultsDetails")),
        "forms": forms,
        "conditions": _lines([record.get("requirementsAndConditions")]),
        "fees": _fees_summary(channels),
        "legal_basis": [_law(item) for item in record.get("legalBasisesDetails") or []],
        "publication": _clean(record.get("decisionNo")) or None,
        "publisher": _clean(record.get("departmentPromulgateName")) or None,
        "variants": _variants(record.get("cases") or [], out),
        "record": _record(record),
    }
    _lift_common(data)
    data["sources"] = {"record": citation(data["record"], code)}
    data["unknown"] = _unknown(data)
    if general is None:
        out.problems.append("no processing time the importer can read: left unknown")
        out.to_confirm.append("Thời hạn giải quyết chỉ ghi bằng lời hoặc không ghi: cần xác định.")
    data["to_confirm"] = out.to_confirm
    out.data = data
    return out


def citation(record: dict[str, Any], code: str) -> str:
    # The day as the portal shows it: in Vietnam.
    day = datetime.fromisoformat(record["updated_at"]).astimezone(VN_TZ).strftime("%d/%m/%Y")
    return (
        f"{PORTAL}, Cơ sở dữ liệu quốc gia về thủ tục hành chính: thủ tục {code}, "
        f"bản ghi {record['id']}, cập nhật ngày {day}"
    )


def _record(record: dict[str, Any]) -> dict[str, Any]:
    updated = datetime.fromtimestamp(int(record.get("updatedAt") or 0) / 1000, tz=UTC)
    return {
        "id": str(record.get("id") or ""),
        "updated_at": updated.isoformat(),
        "state": record.get("state") or None,
    }


def _clean(text: Any) -> str:
    """One line of published text: the portal's non-breaking and doubled spaces collapsed."""
    return " ".join(str(text or "").replace("\xa0", " ").split())


def _lines(texts: Iterable[Any]) -> list[str]:
    return [line for text in texts for raw in str(text or "").splitlines() if (line := _clean(raw))]


def _name(item: Any) -> str:
    return _clean(item.get("name")) if isinstance(item, dict) else ""


def _first_name(items: Any) -> str:
    return next((_name(i) for i in items or [] if _name(i)), "")


def _names(items: Any) -> str | None:
    names = list(dict.fromkeys(_name(i) for i in items or [] if _name(i)))
    return "; ".join(names) or None


def _law(item: dict[str, Any]) -> str:
    name, code = _name(item), _clean(item.get("code"))
    return f"{name} ({code})" if code and fold(code) not in fold(name) else name


def _level(record: dict[str, Any]) -> str | None:
    ward, province = bool(record.get("isWard")), bool(record.get("isProvince"))
    if ward and province:
        return "province_and_commune"
    return "commune" if ward else "province" if province else None


def _online_level(record: dict[str, Any]) -> str:
    if record.get("isFullProcess"):
        return "full"
    methods = {m.get("submissionMethod") for m in record.get("executionMethods") or []}
    if record.get("isOfflineOnly") or "ONLINE" not in methods:
        return "none"
    return "partial"


def _agency(record: dict[str, Any], level: str, out: Read) -> tuple[str, str | None]:
    """The kind of the handling agency: the unit groups the record names, else its agencies."""
    names = [_name(g) for g in record.get("unitGroupsExecuting") or []]
    names = [n for n in names if n] or [
        _name(d) for d in record.get("departmentsExecuting") or [] if _name(d)
    ]
    roles = [role for n in names if (role := _role(n)) is not None]
    text = "; ".join(dict.fromkeys(names)) or None
    commune = [r for r in roles if r in ("ubnd_xa", "cong_an_xa")]
    provincial = [r for r in roles if r not in commune and r != "ubnd_tinh"]
    if level == "commune" and commune:
        return commune[0], text
    if provincial:
        return provincial[0], text
    if roles:
        return roles[0], text
    fallback = "ubnd_xa" if level == "commune" else "ubnd_tinh"
    out.problems.append(
        f"handling agency '{text or ''}' is no kind of agency of agencies.yaml: "
        f"'{fallback}' taken from the level, to confirm"
    )
    out.to_confirm.append(f"Cơ quan giải quyết '{text or ''}': tạm ghi theo cấp thực hiện.")
    return fallback, text


def _role(name: str) -> str | None:
    folded = fold(name)
    return next((role for words, role in AGENCY_RULES if words in folded), None)


def _time(value: Any, unit: Any, text: str, out: Read, where: str) -> dict[str, Any] | None:
    """A processing time as the record states it; OTHER means the time is only in the text."""
    if unit in UNITS and value not in (None, ""):
        amount = Decimal(str(value))
        shown = int(amount) if amount == amount.to_integral_value() else float(amount)
        said = re.compile(rf"(?<![\d,.])0*{shown}\s*ngày làm việc", re.I)
        if unit == "DAY" and said.search(text):
            # The unit field says days where the wording says working days: the wording is
            # the published one.
            out.problems.append(f"{where}: {shown} DAY read as working days, as its text says")
            return {"value": shown, "unit": "working_days"}
        return {"value": shown, "unit": UNITS[unit]}
    if unit == "OTHER" or unit is None:
        return _time_from_text(text)
    out.problems.append(f"{where}: unit '{unit}' is not a unit of the working calendar")
    out.to_confirm.append(f"Thời hạn ({where}) ghi bằng đơn vị '{unit}': cần quy đổi.")
    return None


def _time_from_text(text: str) -> dict[str, Any] | None:
    """Only two wordings are unambiguous: the same day, and one number of working days."""
    folded = fold(text)
    if folded.startswith(("ngay trong ngay", "trong ngay")):
        return {"value": 0, "unit": "same_day", "text": text[:200]}
    found = {m.replace(",", ".") for m in _WORKING_DAYS.findall(text)}
    if len(found) == 1:
        amount = Decimal(found.pop())
        shown = int(amount) if amount == amount.to_integral_value() else float(amount)
        return {"value": shown, "unit": "working_days", "text": _clean(text)[:200]}
    return None


def _channels(record: dict[str, Any], out: Read) -> tuple[list[dict[str, Any]], Any]:
    channels: list[dict[str, Any]] = []
    for method in record.get("executionMethods") or []:
        channel = CHANNELS.get(method.get("submissionMethod"))
        if channel is None or any(c["channel"] == channel for c in channels):
            continue
        text = _clean(method.get("description"))
        time = _time(
            method.get("processingTime"), method.get("processingTimeUnit"), text, out, channel
        )
        offer: dict[str, Any] = {"channel": channel, "processing_time": time}
        fees = [_fee(f) for f in method.get("fees") or []]
        offer["fees"] = [f for i, f in enumerate(fees) if f not in fees[:i]]
        offer["description"] = text or None
        channels.append(offer)
    times = [c["processing_time"] for c in channels]
    direct = next((c["processing_time"] for c in channels if c["channel"] == "in_person"), None)
    general = direct or next((t for t in times if t), None)
    if general is not None:
        # A channel that takes the general time says nothing of its own.
        for offer in channels:
            if offer["processing_time"] == general:
                offer["processing_time"] = None
    return channels, general


def _lift_common(data: dict[str, Any]) -> None:
    """What every channel says alike is said once: the fees in the procedure's summary, the
    description as the channels' note. A file then reads as the portal's page does."""
    channels = data["channels"]
    if len(channels) < 2:
        return
    if all(c["fees"] == channels[0]["fees"] for c in channels):
        for offer in channels:
            offer["fees"] = []
    notes = {c["description"] for c in channels}
    if len(notes) == 1:
        data["channel_note"] = notes.pop()
        for offer in channels:
            offer["description"] = None


def _fee(fee: dict[str, Any]) -> dict[str, Any]:
    """A fee row: the amount when the record gives one above zero (the portal writes 0 where
    the amount is in the text), and the published wording."""
    kind = FEE_KINDS.get(fee.get("type") or "", "Phí")
    value = fee.get("value")
    text = _clean(fee.get("description"))
    if value:
        return {"amount": value, "text": text or f"{kind}: {money(value)} đồng"}
    if text:
        return {"amount": None, "text": text}
    return {"amount": 0, "text": f"{kind}: không thu"}


def _fees_summary(channels: list[dict[str, Any]]) -> str | None:
    texts = list(dict.fromkeys(f["text"] for c in channels for f in c["fees"]))
    return "; ".join(texts) or None


def _variants(cases: list[dict[str, Any]], out: Read) -> list[dict[str, Any]]:
    variants = []
    for case in cases:
        name = _clean(case.get("name"))
        if not name:
            continue
        day = case.get("processingDay") or {}
        time = _time(day.get("qty"), day.get("type"), "", out, f"case {case.get('code')}")
        variant = {"name": name, "processing_time": time}
        if variant not in variants:  # the portal repeats a case once per channel
            variants.append(variant)
    return variants


def _group_kind(name: str) -> str:
    folded = fold(name.strip(" *:"))
    if not folded or folded.startswith(("giay to phai nop", "thanh phan ho so")):
        return "submit"
    if folded.startswith("giay to phai xuat trinh"):
        return "show"
    if folded.startswith("luu y"):
        return "notes"
    return "case"


def _documents(
    groups: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[str]]:
    """The papers to hand in (by case when the list has cases), those to show, the notes and
    the forms, from the record's groups of components."""
    documents: list[dict[str, Any]] = []
    to_show: list[dict[str, Any]] = []
    notes: list[str] = []
    forms: list[str] = []
    kinds = [_group_kind(g.get("name") or "") for g in groups]
    # A list of one case is just the list.
    single_case = kinds.count("case") == 1 and "submit" not in kinds
    for group, kind in zip(groups, kinds, strict=True):
        case = None
        if kind == "case" and not single_case:
            case = _case_name(group.get("name"))
        for component in group.get("profileComponents") or []:
            text = _clean(component.get("name"))
            if not text:
                continue
            if kind == "notes" or not (component.get("originalQty") or component.get("copyQty")):
                notes.append(text)  # a row with no paper explains the list
                continue
            paper = _paper(component, text, case)
            if paper.get("form") and paper["form"] not in forms:
                forms.append(paper["form"])
            (to_show if kind == "show" else documents).append(paper)
    return documents, to_show, list(dict.fromkeys(notes)), forms


def _case_name(name: Any) -> str:
    """A group's name as a case: without the list's bullets and its closing "gồm:"."""
    text = _clean(name).strip(" *:-")
    text = re.sub(r"\s*(,\s*)?(hồ sơ\s+)?(bao\s+)?gồm(\s+có)?$", "", text, flags=re.I).strip(" :")
    return _short(text)[0]


def _paper(component: dict[str, Any], text: str, case: str | None) -> dict[str, Any]:
    name, shortened = _short(_BULLET.sub("", text).rstrip(" ;,."))
    copies = int(component.get("copyQty") or 0)
    certified = any(w in fold(text) for w in ("chung thuc", "cong chung"))
    paper: dict[str, Any] = {"name": name}
    if shortened or name != text:
        paper["text"] = text
    if component.get("code"):
        paper["code"] = str(component["code"])
    paper["originals"] = int(component.get("originalQty") or 0)
    paper["certified_copies"] = copies if certified else 0
    paper["photocopies"] = 0 if certified else copies
    # With its diacritics: "nêu cơ sở" folds like "nếu có".
    lower = unicodedata.normalize("NFC", name.lower())
    paper["required"] = not lower.startswith(_CONDITIONAL) and not any(
        words in lower for words in _CONDITIONAL_WITHIN
    )
    if case:
        paper["case"] = case
    attachments = [a.get("fileName") for a in component.get("attachments") or []]
    form = next((_form_name(a) for a in attachments if a), None)
    if form:
        paper["form"] = form
    return paper


def _form_name(file_name: str) -> str:
    return _clean(re.sub(r"\.(docx?|pdf|xlsx?|odt)$", "", file_name, flags=re.I).replace("_", " "))


def _short(text: str) -> tuple[str, bool]:
    """A name the counter can tick: the wording up to its first clause, or cut at a word."""
    if len(text) <= DOCUMENT_NAME:
        return text, False
    for mark in ("; ", ". ", ": ", ", "):
        end = text.find(mark, 20)
        if 0 < end <= DOCUMENT_NAME:
            return text[:end], True
    cut = text.rfind(" ", 0, DOCUMENT_NAME - 1)
    return text[: cut if cut > 0 else DOCUMENT_NAME - 1] + "…", True


# Facts a catalogue file must state or declare unknown (schema.DECLARABLE).
def _unknown(data: dict[str, Any]) -> list[str]:
    from onestop.catalogue.schema import DECLARABLE

    return [name for name in DECLARABLE if data.get(name) in (None, [], "")]
