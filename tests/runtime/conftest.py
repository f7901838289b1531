"""Shared fixtures of the runtime tests: each operator's tariff and engine, built once per
session from specs/ (checked, lowered in memory; no generated files needed).

    def test_something(telenor_engine):
        world, outcome = telenor_engine.apply(world, event)
"""

from __future__ import annotations

import pytest

from compiler.lower import lower
from runtime.engine import Engine


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
