"""The catalogue that ships in procedures/: what the foundation issue promises."""

from __future__ import annotations

from collections import Counter

import pytest

from onestop.catalogue.files import read_catalogue
from onestop.catalogue.schema import Level, plan_hours
from onestop.config import ROOT

REQUIRED = {"1.001193", "2.000986", "1.000894", "1.000656", "2.000635", "1.004222", "1.013225"}
FIELDS_OF_THE_PLAN = {
    "ho_tich",
    "chung_thuc",
    "cu_tru",
    "dat_dai",
    "xay_dung",
    "giao_duc",
}


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(ROOT / "procedures")


def test_it_checks_clean(catalogue):
    assert [str(p) for p in catalogue.problems] == []


def test_it_has_the_required_procedures(catalogue):
    assert len(catalogue.procedures) >= 40
    assert REQUIRED <= set(catalogue.procedures)


def test_it_spreads_over_the_fields_of_the_plan(catalogue):
    fields = Counter(p.field for p in catalogue.procedures.values())
    assert FIELDS_OF_THE_PLAN <= set(fields)
    assert fields.keys() & {"ho_kinh_doanh", "dau_tu"}
    assert fields.keys() & {"bao_tro_xa_hoi", "nguoi_co_cong", "lao_dong", "viec_lam"}
    assert fields.keys() & {"van_hoa", "di_san_van_hoa", "du_lich", "bao_chi"}


def test_interconnected_plans_fit_their_time(catalogue):
    plans = [p for p in catalogue.procedures.values() if p.interconnected]
    assert len(plans) >= 6
    for p in plans:
        assert len({s.agency for s in p.routing}) >= 2, p.code
        if p.processing_time is not None:
            assert plan_hours(p.routing) <= p.processing_time.working_hours(), p.code


def test_every_procedure_keeps_its_sources(catalogue):
    for p in catalogue.procedures.values():
        assert p.sources, p.code


def test_agencies_are_a_two_tier_province(catalogue):
    d = catalogue.directory
    assert d.province == "Gia Lai"
    communes = [a for a in d.agencies if a.role == "ubnd_xa"]
    assert len(communes) >= 3
    commune_roles = {r.key for r in d.roles if r.level is Level.COMMUNE}
    for commune in communes:
        children = {a.role for a in d.agencies if a.parent == commune.code}
        assert commune_roles - {"ubnd_xa"} <= children, commune.code
