"""The banded test operator (tests/timebands/banded/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine

BANDED = Path(__file__).parent / "banded"


@pytest.fixture(scope="session")
def banded_tariff():
    result = check_paths([str(BANDED)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.tariffs[0]


@pytest.fixture(scope="session")
def banded_engine(banded_tariff):
    return Engine(lower(banded_tariff))


@pytest.fixture(scope="session")
def banded_evaluator(banded_tariff):
    return Evaluator(banded_tariff)
