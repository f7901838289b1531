"""The dated test operator (tests/versions/dated/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine

DATED = Path(__file__).parent / "dated"


@pytest.fixture(scope="session")
def dated_tariff():
    result = check_paths([str(DATED)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.tariffs[0]


@pytest.fixture(scope="session")
def dated_engine(dated_tariff):
    return Engine(lower(dated_tariff))


@pytest.fixture(scope="session")
def dated_evaluator(dated_tariff):
    return Evaluator(dated_tariff)
