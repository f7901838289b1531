"""The banded test operator (tests/timebands/banded/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from tests.conftest import checked_one

BANDED = Path(__file__).parent / "banded"


@pytest.fixture(scope="session")
def banded_tariff():
    return checked_one(BANDED)


@pytest.fixture(scope="session")
def banded_engine(banded_tariff):
    return Engine(lower(banded_tariff))


@pytest.fixture(scope="session")
def banded_evaluator(banded_tariff):
    return Evaluator(banded_tariff)
