"""Shared fixtures of the runtime tests: each operator's tariff and engine, built once per
session from specs/ (checked, lowered in memory; no generated files needed).

    def test_something(telenor_engine):
        world, outcome = telenor_engine.apply(world, event)
"""

from __future__ import annotations

import pytest

from compiler.check import check_paths
from compiler.lower import lower
from runtime.engine import Engine


@pytest.fixture(scope="session")
def tariffs():
    """Every operator in specs/, checked: id -> Tariff."""
    result = check_paths(["specs"])
    assert not result.errors, [str(d) for d in result.errors]
    return {t.id: t for t in result.tariffs}


@pytest.fixture(scope="session")
def telenor_tariff(tariffs):
    return tariffs["telenor_rs"]


@pytest.fixture(scope="session")
def azercell_tariff(tariffs):
    return tariffs["azercell"]


@pytest.fixture(scope="session")
def telenor_tables(telenor_tariff):
    return lower(telenor_tariff)


@pytest.fixture(scope="session")
def azercell_tables(azercell_tariff):
    return lower(azercell_tariff)


@pytest.fixture(scope="session")
def telenor_engine(telenor_tables):
    return Engine(telenor_tables)


@pytest.fixture(scope="session")
def azercell_engine(azercell_tables):
    return Engine(azercell_tables)
