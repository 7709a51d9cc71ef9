"""Loading the catalogue: idempotent, all or nothing, withdrawn rather than deleted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from onestop import db, migrate
from onestop.catalogue.files import procedure_files
from onestop.catalogue.loading import CatalogueInvalid, load_catalogue
from onestop.catalogue.models import Agency, Procedure
from onestop.config import ROOT
from tests.conftest import NOW


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    root = tmp_path / "procedures"
    shutil.copytree(ROOT / "procedures", root)
    return root


@pytest.fixture
def database(empty_database_url: str) -> db.Database:
    migrate.upgrade(empty_database_url)
    database = db.Database(empty_database_url)
    yield database
    database.engine.dispose()


def load(database: db.Database, root: Path):
    with database.session_scope() as session:
        return load_catalogue(session, directory=root, now=NOW)


def test_loading_twice_changes_nothing(database, catalogue_dir):
    first = load(database, catalogue_dir)
    count = len(procedure_files(catalogue_dir))  # overlays and agencies.yaml aside
    assert (first.created, first.updated, first.withdrawn) == (count, 0, 0)
    second = load(database, catalogue_dir)
    assert (second.created, second.updated, second.unchanged) == (0, 0, count)
    with database.session_scope() as session:
        assert len(session.exec(select(Procedure)).all()) == count


def test_a_changed_file_updates_its_procedure(database, catalogue_dir):
    load(database, catalogue_dir)
    path = catalogue_dir / "ho_tich" / "1.001193.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "name: Thủ tục đăng ký khai sinh", "name: Đăng ký khai sinh (sửa)"
        ),
        encoding="utf-8",
    )
    report = load(database, catalogue_dir)
    assert report.updated == 1
    with database.session_scope() as session:
        row = session.get(Procedure, "1.001193")
        assert row.name == "Đăng ký khai sinh (sửa)"
        assert "dang ky khai sinh (sua)" in row.search_text


def test_a_removed_file_withdraws_its_procedure(database, catalogue_dir):
    load(database, catalogue_dir)
    (catalogue_dir / "ho_tich" / "1.001193.yaml").unlink()
    (catalogue_dir / "ho_tich" / "1.001193.local.yaml").unlink()  # the province's part goes too
    assert load(database, catalogue_dir).withdrawn == 1
    with database.session_scope() as session:
        assert session.get(Procedure, "1.001193").active is False


def test_a_broken_file_loads_nothing(database, catalogue_dir):
    (catalogue_dir / "ho_tich" / "zz.yaml").write_text("code: [\n", encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        load(database, catalogue_dir)
    assert caught.value.problems[0].file == "procedures/ho_tich/zz.yaml"
    with database.session_scope() as session:
        assert session.exec(select(Procedure)).all() == []
        assert session.exec(select(Agency)).all() == []
