"""The dated test operator's golden vectors (kind `versions`) hold on the compiled module,
pin the dates down (adequacy kills every date mutant), and say what was derived by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compiler import adequacy
from compiler.vectors import vectors
from tests.versions.conftest import assert_module_meets_vectors, loaded_vectors


@pytest.fixture(scope="module")
def recorded(dated_tariff):
    return vectors(dated_tariff)


def test_the_dated_module_meets_every_vector(dated_tariff, recorded):
    assert "versions" in recorded
    assert_module_meets_vectors(dated_tariff, recorded)


def charges(vector) -> list[Decimal]:
    return [Decimal(e["expect"]["charge"]) for e in vector["events"]]


def test_the_price_change_vector_is_what_the_spec_says(recorded):
    v = next(v for v in recorded["versions"] if v["name"] == "prices around 2027-01-01")
    assert [e["at"] for e in v["events"]][1:3] == ["2026-12-31T23:59:59+01:00",
                                                   "2027-01-01T00:00:00+01:00"]
    # 61 s at 60/60 = 2 min: 2 x 119,90 the second before, 2 x 129,90 at midnight; SMS 29,90
    assert charges(v) == [Decimal("239.80"), Decimal("29.90"), Decimal("259.80"), Decimal("29.90")]


def test_the_grandfathered_pass_vector_is_what_the_spec_says(recorded):
    v = next(v for v in recorded["versions"] if v["name"] == "Roaming minutes around 2027-01-01")
    # bought at 500 (2026 version, 10 min) and at 600 (2027 version, 5 min); 661 s = 12 min:
    # 12 - 10 = 2 min and 12 - 5 = 7 min at the 2027 price 129,90
    assert charges(v)[:3] == [Decimal(500), Decimal(600), 2 * Decimal("129.90")]
    assert charges(v)[4] == 7 * Decimal("129.90")


def test_adequacy_kills_every_date_mutant(dated_tariff, recorded):
    loaded = loaded_vectors(recorded)
    dated = [m for m in adequacy.mutants(dated_tariff) if type(m.old).__name__ == "Validity"]
    # 6 dated days (Standard: an end and a start; Roaming minutes: the same; Zimska karta: a
    # start and an end), one day later and one day earlier each
    assert len(dated) == 12
    report = adequacy.run(dated_tariff, loaded)
    keys = {(m.what, m.where) for m in dated}
    assert not [m for m in report.survivors if (m.what, m.where) in keys], report.text()
    killed = {(m.what, m.where) for m, _ in report.killed}
    # a day earlier for a newer version (or later for an older one) overlaps the other
    # version: the engine refuses such tables (what the checker reports as T0903)
    refused = {(m.what, m.where) for m, why in report.invalid if "OverlappingVersions" in why}
    assert (killed | refused) & keys == keys and len(refused & keys) == 4, report.text()
