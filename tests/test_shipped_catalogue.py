"""The catalogue that ships in procedures/: what the foundation issue promises."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from onestop.calendar import VN_TZ
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


# The procedures the catalogue was first typed with; the national records came after.
_FIRST_CODES = """
1.000593 1.000603.H21 1.000656 1.000689 1.000894 1.001123 1.001193 1.001266 1.001440
1.001570 1.001612 1.001731 1.001776 1.001978 1.002755 1.003197 1.003583 1.003622
1.004194 1.004222 1.004746 1.004772 1.004837 1.004859 1.004873 1.009645 1.009664
1.010038 1.010803 1.010824 1.012768 1.012796 1.012888 1.012961 1.012994 1.013225
1.013226 1.013227 1.013228 1.013229 1.013236 1.013274 1.013703 1.014027 1.014028
1.014464 2.000286 2.000635 2.000720 2.000806 2.000815 2.000884 2.000908 2.000913
2.000927 2.000942 2.000986 2.000992 2.001016 2.001019 2.001023 2.001035 2.001283
2.001406 2.001583 2.001641 2.001955 2.002189 2.002481 2.002516 2.002755 3.000182
"""
FIRST_72 = set(_FIRST_CODES.split())
# Words that would give away a working note instead of a published source.
NOT_A_SOURCE = re.compile(r"\.md\b|CATALOGUE|FACTS|github|crawl|\bP[12]\b|nguồn [A-Z]\b", re.I)


def test_it_is_province_sized_and_keeps_the_first_procedures(catalogue):
    assert len(catalogue.procedures) >= 520  # 482 records and the 72, 29 of them in both
    assert FIRST_72 <= set(catalogue.procedures)
    imported = [p for p in catalogue.procedures.values() if p.record is not None]
    assert len(imported) >= 480


def test_every_source_is_a_published_one(catalogue):
    for p in catalogue.procedures.values():
        for fact, source in p.sources.items():
            assert not NOT_A_SOURCE.search(source), (p.code, fact, source)


def test_an_imported_procedure_cites_its_record_with_its_date(catalogue):
    for p in catalogue.procedures.values():
        if p.record is not None:
            day = p.record.updated_at.astimezone(VN_TZ).strftime("%d/%m/%Y")
            assert f"bản ghi {p.record.id}, cập nhật ngày {day}" in p.sources["record"], p.code
