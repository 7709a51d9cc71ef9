"""`onestop catalogue import`: the national records in, the province's overlays kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from onestop.catalogue.files import read_catalogue
from onestop.catalogue.importing import ImportReport, import_records
from onestop.cli import main
from onestop.config import ROOT
from onestop.text import fold

RECORDS = ROOT / "tests" / "data" / "national"
SHIPPED = ROOT / "procedures"


def record(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDS / f"{code}.json").read_text(encoding="utf-8"))
    return data


def local_codes() -> list[str]:
    codes = []
    for path in sorted(RECORDS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        if data.get("isWard") or data.get("isProvince"):
            codes.append(data["code"])
    return codes


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty catalogue: the shipped agencies and fields, no procedure."""
    root = tmp_path / "procedures"
    root.mkdir()
    shutil.copy(SHIPPED / "agencies.yaml", root)
    return root


def write_record(tmp_path: Path, code: str, change: Any = None) -> Path:
    answer = record(code)
    if change is not None:
        change(answer["data"])
    path = tmp_path / "records" / f"{code}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportReport]:
    """Every record imported once into an empty catalogue, for the tests that only read it."""
    root = tmp_path_factory.mktemp("imported") / "procedures"
    root.mkdir()
    shutil.copy(SHIPPED / "agencies.yaml", root)
    return root, import_records([RECORDS], root=root)


def test_every_commune_and_province_record_is_imported_and_checks_clean(imported):
    root, report = imported
    assert report.unreadable == []
    assert sorted(report.created) == sorted(local_codes())
    assert len(report.skipped) == 502 - len(local_codes())
    catalogue = read_catalogue(root)
    assert [str(p) for p in catalogue.problems] == []
    assert len(catalogue.procedures) == len(local_codes())


def test_a_second_run_changes_nothing(imported):
    root, _ = imported
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    again = import_records([RECORDS], root=root)
    assert (again.created, again.updated) == ([], {})
    assert len(again.unchanged) == len(local_codes())
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def paper_rows(data: dict[str, Any]) -> list[tuple[str, int, int]]:
    """The record's papers to hand in: (folded wording, originals, copies)."""
    rows = []
    for group in data["executionCases"]:
        kind = fold(group["name"].strip(" *:"))
        if kind.startswith(("giay to phai xuat trinh", "luu y")):
            continue
        for c in group["profileComponents"]:
            if c["originalQty"] or c["copyQty"]:
                rows.append((fold(" ".join(c["name"].split())), c["originalQty"], c["copyQty"]))
    return rows


# Every 22nd commune or province record, those the province left as imported (no overlay
# changing their papers): their documents must read on the API as the record states them.
SAMPLE = [c for c in local_codes()[::22] if not list(SHIPPED.rglob(f"{c}.local.yaml"))][:20]


def test_the_sample_covers_twenty_procedures():
    assert len(SAMPLE) == 20


@pytest.mark.parametrize("code", SAMPLE)
def test_the_api_gives_the_records_papers_and_counts(client, token, code):
    answer = client.get(f"/api/v1/procedures/{code}", headers=bearer(token()))
    assert answer.status_code == 200
    p = answer.json
    data = record(code)["data"]
    assert p["name"] == " ".join(data["name"].split())
    got = [
        (fold(d.get("text") or d["name"]), d["originals"], d["certified_copies"] + d["photocopies"])
        for d in p["documents"]
    ]
    assert got == paper_rows(data)
    assert all(len(d["name"]) <= 300 for d in p["documents"])
    assert p["record"]["id"] == data["id"]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_an_overlay_survives_a_reimport_and_a_changed_record_changes_only_its_file(root, tmp_path):
    first = write_record(tmp_path, "1.001193")
    other = write_record(tmp_path, "1.000656")
    import_records([first, other], root=root)
    overlay = root / "ho_tich" / "1.001193.local.yaml"
    overlay.write_text(
        "processing_time: {value: 1, unit: working_days}\n"
        "sources: {processing_time: Quyết định công bố của tỉnh}\n",
        encoding="utf-8",
    )
    untouched = (root / "ho_tich" / "1.000656.yaml").read_bytes()

    def newer(data: dict[str, Any]) -> None:
        data["updatedAt"] += 86_400_000
        data["executionCases"][0]["profileComponents"][0]["originalQty"] = 2

    changed = write_record(tmp_path, "1.001193", newer)
    report = import_records([changed, other], root=root)
    assert report.updated == {"1.001193": ["documents", "record", "sources"]}
    assert overlay.read_text(encoding="utf-8").startswith("processing_time: {value: 1")
    assert (root / "ho_tich" / "1.000656.yaml").read_bytes() == untouched
    merged = read_catalogue(root).procedures["1.001193"]
    assert merged.processing_time is not None and merged.processing_time.value == 1
    assert merged.sources["processing_time"] == "Quyết định công bố của tỉnh"
    assert merged.sources["record"].startswith("Cổng Dịch vụ công quốc gia")
    assert 2 in [d.originals for d in merged.documents]


def test_an_older_record_does_not_replace_a_newer_import(root, tmp_path):
    import_records([write_record(tmp_path, "1.001193")], root=root)
    before = (root / "ho_tich" / "1.001193.yaml").read_bytes()

    def older(data: dict[str, Any]) -> None:
        data["updatedAt"] -= 86_400_000
        data["name"] = "Tên cũ"

    path = write_record(tmp_path, "1.001193", older)
    report = import_records([path], root=root)
    assert f"{path}: 1.001193: the record is older than the one imported: kept" in report.problems
    assert (root / "ho_tich" / "1.001193.yaml").read_bytes() == before


def test_a_unit_it_does_not_know_is_reported_with_the_code_and_the_rest_imported(root, tmp_path):
    def weeks(data: dict[str, Any]) -> None:
        for method in data["executionMethods"]:
            method["processingTimeUnit"] = "WEEK"
            method["processingTime"] = 2

    path = write_record(tmp_path, "1.002755", weeks)
    report = import_records([path], root=root)
    assert f"{path}: 1.002755: in_person: unit 'WEEK' is not a unit of the working calendar" in (
        report.problems
    )
    p = read_catalogue(root).procedures["1.002755"]
    assert p.processing_time is None and "processing_time" in p.unknown
    assert p.documents  # what is certain is imported
    assert any("WEEK" in line for line in p.to_confirm)


def test_a_time_stated_only_in_words_is_read_when_unambiguous(root, tmp_path):
    def words(data: dict[str, Any], text: str) -> None:
        for method in data["executionMethods"]:
            method["processingTimeUnit"] = "OTHER"
            method["description"] = text

    same_day = write_record(tmp_path, "1.002755", lambda d: words(d, "Ngay trong ngày làm việc"))
    import_records([same_day], root=root)
    time = read_catalogue(root).procedures["1.002755"].processing_time
    assert time is not None and time.unit == "same_day"
    two = write_record(
        tmp_path, "1.003197", lambda d: words(d, "03 ngày làm việc; 05 ngày làm việc nếu xác minh")
    )
    report = import_records([two], root=root)
    assert any("1.003197: no processing time" in line for line in report.problems)
    assert read_catalogue(root).procedures["1.003197"].processing_time is None


def test_a_hand_written_file_is_never_overwritten(root, tmp_path):
    (root / "ho_tich").mkdir()
    hand = root / "ho_tich" / "1.001193.yaml"
    shutil.copy(ROOT / "tests" / "data" / "catalogue" / "1.001193.yaml", hand)
    before = hand.read_bytes()
    report = import_records([write_record(tmp_path, "1.001193")], root=root)
    assert report.created == []
    assert any("a hand-written file: not overwritten" in line for line in report.problems)
    assert hand.read_bytes() == before


def test_an_overlay_error_points_at_the_overlay(root, tmp_path):
    import_records([write_record(tmp_path, "1.001193")], root=root)
    overlay = root / "ho_tich" / "1.001193.local.yaml"
    overlay.write_text(
        "sources: {fees: Nghị quyết của HĐND tỉnh}\n"
        "documents_by_code:\n"
        "  NO-SUCH-CODE: {name: Tờ khai}\n"
        "processing_time: {value: -1, unit: working_days}\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in read_catalogue(root).problems]
    assert problems[0].startswith("procedures/ho_tich/1.001193.local.yaml:3: documents_by_code")
    overlay.write_text("processing_time: {value: -1, unit: working_days}\n", encoding="utf-8")
    problems = [str(p) for p in read_catalogue(root).problems]
    assert problems == [
        "procedures/ho_tich/1.001193.local.yaml:1: processing_time.value: "
        "Input should be greater than or equal to 0"
    ]


def test_documents_by_code_renames_an_imported_paper(root, tmp_path):
    import_records([write_record(tmp_path, "1.001193")], root=root)
    code = record("1.001193")["data"]["executionCases"][0]["profileComponents"][4]["code"]
    (root / "ho_tich" / "1.001193.local.yaml").write_text(
        f"documents_by_code:\n  {code}: {{name: Giấy chứng sinh, required: true}}\n",
        encoding="utf-8",
    )
    p = read_catalogue(root).procedures["1.001193"]
    paper = next(d for d in p.documents if d.code == code)
    assert (paper.name, paper.required) == ("Giấy chứng sinh", True)
    assert paper.text is not None and paper.text.startswith("- Giấy chứng sinh;")


def test_the_command_reports_problems_as_file_code_message_and_fails_on_no_record(root, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["catalogue", "import", str(bad), "--directory", str(root)])
    assert result.exit_code == 1
    assert str(bad) in result.output
    good = write_record(tmp_path, "1.004194")
    result = runner.invoke(main, ["catalogue", "import", str(good), "--directory", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "1 thêm mới, 0 cập nhật, 0 không đổi, 0 bỏ qua (không thuộc cấp tỉnh, cấp xã), 0 cảnh báo"
    )


def test_papers_are_short_enough_for_the_counter_and_keep_their_wording(imported):
    root, _ = imported
    catalogue = read_catalogue(root)
    papers = [d for p in catalogue.procedures.values() for d in p.documents]
    assert papers and all(len(d.name) <= 300 for d in papers)
    long = [d for d in papers if d.text is not None and len(d.text) > 300]
    assert long and all(fold(d.name.rstrip("…"))[:50] in fold(d.text) for d in long)


def test_an_overlay_without_its_procedure_is_a_problem(root):
    (root / "ho_tich").mkdir()
    (root / "ho_tich" / "1.001193.local.yaml").write_text("fees: Miễn\n", encoding="utf-8")
    problems = [str(p) for p in read_catalogue(root).problems]
    assert problems == [
        "procedures/ho_tich/1.001193.local.yaml:1: no 1.001193.yaml beside this overlay"
    ]


def test_days_the_wording_calls_working_days_are_working_days(root, tmp_path):
    path = write_record(tmp_path, "1.013226")
    report = import_records([path], root=root)
    assert f"{path}: 1.013226: in_person: 9 DAY read as working days, as its text says" in (
        report.problems
    )
    time = read_catalogue(root).procedures["1.013226"].processing_time
    assert time is not None and (time.value, time.unit) == (9, "working_days")


def test_a_case_repeated_per_channel_is_one_variant(root, tmp_path):
    import_records([write_record(tmp_path, "2.002189")], root=root)
    variants = read_catalogue(root).procedures["2.002189"].variants
    assert len(variants) == len({(v.name, v.processing_time) for v in variants}) < 27


def test_a_field_the_province_does_not_have_is_reported_and_not_imported(root, tmp_path):
    def other_field(data: dict[str, Any]) -> None:
        data["categoriesDetails"] = [{"name": "Lĩnh vực chưa có", "code": "X"}]

    path = write_record(tmp_path, "1.002755", other_field)
    report = import_records([path], root=root)
    assert report.created == []
    assert report.problems == [
        f"{path}: 1.002755: field 'Lĩnh vực chưa có' is not a field of agencies.yaml: not imported"
    ]
