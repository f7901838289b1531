"""Fixtures of the evaluator tests, built once per session from specs/ (checked in memory):
for each shipped operator its tariff, its reference evaluator (`telenor_evaluator`,
`azercell_evaluator`) and its compiled engine (`telenor_runtime`, `azercell_runtime`: a
`runtime.engine.Engine` over the lowered tables); `pairs` maps an operator id to
(evaluator, engine).

`telenor_engine` / `azercell_engine` are the compiled engines too, as in tests/runtime; a module
that runs the runtime's seed tests through the evaluator overrides them
(`tests.evaluate.evaluator_fixtures`).
"""

from __future__ import annotations

import pytest

from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine


@pytest.fixture(scope="session")
def pairs(tariffs):
    """Operator id -> (Evaluator, Engine)."""
    return {id: (Evaluator(t), Engine(lower(t))) for id, t in tariffs.items()}


@pytest.fixture(scope="session")
def telenor_evaluator(pairs):
    return pairs["telenor_rs"][0]


@pytest.fixture(scope="session")
def azercell_evaluator(pairs):
    return pairs["azercell"][0]


@pytest.fixture(scope="session")
def telenor_runtime(pairs):
    return pairs["telenor_rs"][1]


@pytest.fixture(scope="session")
def azercell_runtime(pairs):
    return pairs["azercell"][1]


@pytest.fixture(scope="session")
def telenor_engine(telenor_runtime):
    return telenor_runtime


@pytest.fixture(scope="session")
def azercell_engine(azercell_runtime):
    return azercell_runtime
