"""The VAT-excluded test operator (tests/taxes/taxed/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from tests.conftest import checked_one

TAXED = Path(__file__).parent / "taxed"


@pytest.fixture(scope="session")
def taxed_tariff():
    return checked_one(TAXED)


@pytest.fixture(scope="session")
def taxed_engine(taxed_tariff):
    return Engine(lower(taxed_tariff))


@pytest.fixture(scope="session")
def taxed_evaluator(taxed_tariff):
    return Evaluator(taxed_tariff)
