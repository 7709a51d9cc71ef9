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


def test_init_demo_creates_accounts_once(run, tmp_path, monkeypatch):
    from onestop import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    first = run("init", "--demo")
    assert first.exit_code == 0, first.output
    assert "thêm mới" in first.output
    assert "tiepnhan.quynhon" in first.output and "quantri" in first.output
    assert "Hồ sơ mẫu: 000.01.31.H21-" in first.output  # one dossier of each outcome
    logins = tmp_path / "instance" / "demo-logins.txt"
    assert "tiepnhan.quynhon" in logins.read_text()
    again = run("init", "--demo")
    assert again.exit_code == 0
    assert "0 thêm mới" in again.output and "tiepnhan.quynhon" not in again.output
    assert "Hồ sơ mẫu" not in again.output


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
