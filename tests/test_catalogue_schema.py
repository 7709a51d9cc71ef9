"""The catalogue schema: good and broken files, each error at its file and line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from onestop.catalogue.files import read_catalogue
from onestop.catalogue.schema import Duration, Unit, plan_hours
from onestop.config import ROOT

# A hand-written procedure file (the shipped 1.001193 is imported now, with an overlay).
EXAMPLE = ROOT / "tests" / "data" / "catalogue" / "1.001193.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small catalogue: the real agencies and one real procedure."""
    root = tmp_path / "procedures"
    (root / "ho_tich").mkdir(parents=True)
    shutil.copy(ROOT / "procedures" / "agencies.yaml", root)
    shutil.copy(EXAMPLE, root / "ho_tich")
    return root


def write(root: Path, name: str, body: str) -> Path:
    path = root / "ho_tich" / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def edit(root: Path, old: str, new: str) -> None:
    path = root / "ho_tich" / EXAMPLE.name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(root: Path) -> list[str]:
    return [str(p) for p in read_catalogue(root).problems]


def line_of(root: Path, needle: str) -> int:
    lines = (root / "ho_tich" / EXAMPLE.name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_good_catalogue_has_no_problem(tree):
    catalogue = read_catalogue(tree)
    assert catalogue.ok
    assert list(catalogue.procedures) == ["1.001193"]
    assert catalogue.procedures["1.001193"].processing_time.unit is Unit.SAME_DAY


def test_yaml_syntax_error_names_its_line(tree):
    write(tree, "broken.yaml", 'code: "1.000001"\nname: [unclosed\nfield: ho_tich\n')
    (problem,) = messages(tree)
    assert problem.startswith("procedures/ho_tich/broken.yaml:")
    assert "invalid YAML" in problem


def test_unknown_key_names_its_line(tree):
    edit(tree, "sets: 1\n", "sets: 1\ncolour: red\n")
    (problem,) = messages(tree)
    assert problem == (
        f"procedures/ho_tich/1.001193.yaml:{line_of(tree, 'colour')}: "
        "colour: Extra inputs are not permitted"
    )


def test_bad_unit_names_the_line_of_the_value(tree):
    edit(tree, "unit: same_day", "unit: weeks")
    (problem,) = messages(tree)
    assert problem.startswith(f"procedures/ho_tich/1.001193.yaml:{line_of(tree, 'weeks')}: ")
    assert "processing_time.unit" in problem


def test_a_paper_named_past_what_the_counter_ticks_is_refused(tree):
    name = "Tờ khai đăng ký khai sinh (hoặc biểu mẫu điện tử tương tác)"
    edit(tree, f"  - name: {name}\n", f"  - name: {name} {'x' * 300}\n")
    (problem,) = messages(tree)
    assert problem.startswith(f"procedures/ho_tich/1.001193.yaml:{line_of(tree, 'xxx')}: ")
    assert "documents.0.name: String should have at most 300 characters" in problem


def test_unknown_role_is_reported(tree):
    edit(tree, "agency: ubnd_xa", "agency: so_vu_tru")
    (problem,) = messages(tree)
    assert f":{line_of(tree, 'so_vu_tru')}: agency: 'so_vu_tru' is not a role" in problem


def test_empty_fact_must_be_declared_unknown(tree):
    edit(tree, "unknown: [any_counter, publication]", "unknown: [any_counter]")
    (problem,) = messages(tree)
    assert "'publication' is empty: state it, or list it under unknown:" in problem


def test_declared_unknown_fact_may_not_have_a_value(tree):
    edit(tree, "unknown: [any_counter, publication]", "unknown: [any_counter, publication, sets]")
    assert any("'sets' is declared unknown but has a value" in m for m in messages(tree))


def test_duplicate_code_is_reported(tree):
    shutil.copy(tree / "ho_tich" / EXAMPLE.name, tree / "ho_tich" / "copy.yaml")
    assert any(
        "code 1.001193 is also in procedures/ho_tich/1.001193.yaml" in m for m in messages(tree)
    )


def test_routing_longer_than_the_procedure_is_refused(tree):
    edit(tree, "interconnected: false", "interconnected: true")
    edit(tree, "unit: same_day", "unit: working_days")
    edit(tree, "  value: 0\n", "  value: 1\n")
    edit(
        tree,
        "sources:",
        textwrap.dedent("""\
        routing:
          - {agency: ubnd_xa, task: Đăng ký, allowance: {value: "0,5", unit: working_days}}
          - {agency: cong_an_xa, task: Thường trú, allowance: {value: 6, unit: hours}}
        sources:"""),
    )
    (problem,) = messages(tree)
    assert "the allowances take 10.0 working hours, more than the procedure's 8" in problem


def test_interconnected_needs_two_agencies(tree):
    edit(tree, "interconnected: false", "interconnected: true")
    edit(tree, "sources:", "routing:\n  - {agency: ubnd_xa, task: Đăng ký}\nsources:")
    assert any("needs steps at two agencies or more" in m for m in messages(tree))


def test_agency_file_problems_name_their_line(tree):
    path = tree / "agencies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("role: so_tu_phap,", "role: so_khong_co,", 1), encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "role: so_tu_phap," in s)
    assert f"procedures/agencies.yaml:{line}: unknown role 'so_khong_co'" in messages(tree)


def test_parallel_steps_count_their_longest():
    from onestop.catalogue.schema import Step

    def step(agency: str, hours: str, parallel: str | None = None) -> Step:
        return Step(
            agency=agency,
            task="x",
            parallel=parallel,
            allowance=Duration(value=hours, unit=Unit.HOURS),
        )

    plan = [step("ubnd_xa", "8"), step("cong_an_xa", "16", "p"), step("bhxh", "12", "p")]
    assert plan_hours(plan) == 24


def test_decimal_comma_is_accepted():
    assert Duration(value="4,5", unit="working_days").working_hours() == 36
