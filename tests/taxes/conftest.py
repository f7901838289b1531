"""The VAT-excluded test operator (tests/taxes/taxed/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine

TAXED = Path(__file__).parent / "taxed"


@pytest.fixture(scope="session")
def taxed_tariff():
    result = check_paths([str(TAXED)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.tariffs[0]


@pytest.fixture(scope="session")
def taxed_engine(taxed_tariff):
    return Engine(lower(taxed_tariff))


@pytest.fixture(scope="session")
def taxed_evaluator(taxed_tariff):
    return Evaluator(taxed_tariff)
