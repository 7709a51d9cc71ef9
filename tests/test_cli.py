"""The `onestop` command, run as a person runs it, against a real database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from onestop.cli import main


@pytest.fixture
def run(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("ONESTOP_SECRET_KEY", "test")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_init_demo_creates_accounts_once(run, tmp_path, monkeypatch, empty_database_url):
    from onestop import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    first = run("init", "--demo")
    assert first.exit_code == 0, first.output
    assert "thêm mới" in first.output
    assert "tiepnhan.quynhon" in first.output and "quantri" in first.output
    assert "xuly.bhxh" in first.output and "xuly.thue" in first.output
    assert "Hồ sơ mẫu: 000.01.31.H21-" in first.output  # one dossier of each outcome
    logins = tmp_path / "instance" / "demo-logins.txt"
    assert "tiepnhan.quynhon" in logins.read_text()
    check_demo_samples(empty_database_url)
    again = run("init", "--demo")
    assert again.exit_code == 0
    assert "0 thêm mới" in again.output and "tiepnhan.quynhon" not in again.output
    assert "Hồ sơ mẫu" not in again.output
    check_demo_samples(empty_database_url)  # once only: nothing added


WARD, POLICE, BHXH, TAX = "000.00.31.H21", "000.02.31.H21", "000.00.12.H21", "000.00.13.H21"
CENTRE = "000.01.31.H21"
# The demo's interconnected samples, by owner: procedure, status, steps (agency, still open).
DEMO_JOURNEYS = {
    "Nguyễn Văn Phúc": ("2.001023", 4, [(WARD, True)]),
    "Trương Thị Yến": ("2.000986", 4, [(WARD, False), (POLICE, True), (BHXH, True)]),
    "Lê Quang Vinh": ("1.013225", 5, [(CENTRE, False), (WARD, True)]),
    "Phan Thị Hạnh": ("1.001612", 6, [(WARD, False), (TAX, True)]),
    "Bùi Văn Tài": ("1.001266", 9, [(TAX, False), (WARD, False)]),
    "Hồ Thị Kim": ("2.000986", 10, [(WARD, False), (POLICE, False), (BHXH, False)]),
}


def check_demo_samples(url):
    """The samples of `init --demo`: one of each outcome at the counter, and interconnected
    dossiers at each stage, driven by the action service up to a moment before now."""
    from sqlmodel import Session, select

    from onestop import db
    from onestop.dossiers.models import Dossier, DossierEvent

    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            dossiers = {d.owner_name: d for d in session.exec(select(Dossier))}
            assert len(dossiers) == 4 + len(DEMO_JOURNEYS)
            now = db.utcnow()
            for owner, (procedure, status, expected) in DEMO_JOURNEYS.items():
                dossier = dossiers[owner]
                assert (dossier.procedure_code, dossier.status) == (procedure, status), owner
                assert dossier.receiving_agency_code == CENTRE
                steps = steps_of(session, dossier)
                assert [(s.agency_code, s.ended_at is None) for s in steps] == expected, owner
                assert [s.position for s in steps] == list(range(len(steps))), owner
                for s in steps:
                    assert s.started_at <= now and (
                        s.ended_at is None or s.started_at <= s.ended_at
                    )
                events = session.exec(
                    select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                ).all()
                assert all(e.at <= now for e in events), owner
            parallel = [s for s in steps_of(session, dossiers["Trương Thị Yến"]) if s.parallel]
            assert len(parallel) == 2 and len({s.started_at for s in parallel}) == 1
            at_tax = steps_of(session, dossiers["Phan Thị Hạnh"])[-1]
            assert at_tax.stops_clock and at_tax.due_at is None
            assert dossiers["Lê Quang Vinh"].missing_documents
    finally:
        engine.dispose()


def steps_of(session, dossier):
    from sqlmodel import col, select

    from onestop.routing.models import DossierStep

    query = select(DossierStep).where(DossierStep.dossier_id == dossier.id)
    return list(session.exec(query.order_by(col(DossierStep.position))))


def test_user_add_and_token(run):
    assert run("init").exit_code == 0
    added = run(
        "user",
        "add",
        "lan",
        "--role",
        "officer",
        "--agency",
        "000.01.31.H21",
        "--password",
        "mat-khau-dai-du",
    )
    assert added.exit_code == 0, added.output
    token = run("token", "lan")
    assert token.exit_code == 0
    assert token.output.startswith("os_") and len(token.output.strip().split()) == 1


def test_user_add_errors_exit_1(run):
    assert run("init").exit_code == 0
    missing = run("user", "add", "lan", "--role", "officer")
    assert missing.exit_code == 1
    assert "phải thuộc một cơ quan" in missing.output
    unknown = run("user", "add", "lan", "--role", "officer", "--agency", "000.99.99.H21")
    assert unknown.exit_code == 1 and "Không có cơ quan" in unknown.output
    assert run("token", "khong-co").exit_code == 1


def test_catalogue_check_good_and_broken(tmp_path):
    from onestop.config import ROOT

    runner = CliRunner()
    good = runner.invoke(main, ["catalogue", "check", str(ROOT / "procedures")])
    assert good.exit_code == 0, good.output
    broken = tmp_path / "procedures"
    broken.mkdir()
    (broken / "agencies.yaml").write_text(
        "province: Gia Lai\nfields: []\nroles: []\nagencies: []\n"
    )
    (broken / "x.yaml").write_text('code: "1.000001"\nname: X\nbogus: 1\n')
    result = runner.invoke(main, ["catalogue", "check", str(broken)])
    assert result.exit_code == 1
    assert "procedures/x.yaml:3: bogus: Extra inputs are not permitted" in result.output


def test_init_with_a_broken_catalogue_loads_nothing(run, tmp_path, monkeypatch):
    broken = tmp_path / "procedures"
    broken.mkdir()
    (broken / "agencies.yaml").write_text("province: [\n")
    monkeypatch.setenv("ONESTOP_CATALOGUE_DIR", str(broken))
    result = run("init")
    assert result.exit_code == 1
    assert "procedures/agencies.yaml:" in result.output
    assert "không nạp gì" in result.output


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "onestop", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    assert "catalogue" in done.stdout and "init" in done.stdout
