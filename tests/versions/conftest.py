"""The dated test operator (tests/versions/dated/), checked, lowered and evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from tests.conftest import checked_one

DATED = Path(__file__).parent / "dated"
ROWS = Path(__file__).parent / "rows"


@pytest.fixture(scope="session")
def dated_tariff():
    return checked_one(DATED)


@pytest.fixture(scope="session")
def rows_tariff():
    return checked_one(ROWS)


@pytest.fixture(scope="session")
def dated_engine(dated_tariff):
    return Engine(lower(dated_tariff))


@pytest.fixture(scope="session")
def dated_evaluator(dated_tariff):
    return Evaluator(dated_tariff)


def assert_module_meets_vectors(tariff, recorded: dict) -> None:
    """The module compiled from `tariff` (not written anywhere) meets every recorded vector."""
    import types
    from compiler.gen_python import module_source
    from tests.vectors.conftest import check_vector
    module = types.ModuleType(f"generated_{tariff.id}")
    exec(compile(module_source(tariff), f"{tariff.id}.py", "exec"), module.__dict__)
    for kind, vs in recorded.items():
        for v in vs:
            problem = check_vector(v, module)
            assert problem is None, f"{kind}/{v['name']}: {problem}"


def loaded_vectors(recorded: dict) -> list:
    """(name, loaded scenario) of recorded vectors, as `compiler.adequacy.run` takes them."""
    from compiler.vectors import scenario_of
    from runtime import scenario as sc
    return [(f"{k}/{v['name']}", sc.load(scenario_of(v))) for k, vs in recorded.items() for v in vs]


def date_mutants_survivors(tariff, recorded: dict) -> tuple[int, list]:
    """(how many date mutants `tariff` has, those the vectors let survive); a mutant the
    engine refuses (two versions in force together) is not a survivor."""
    from compiler import adequacy
    dated = [m for m in adequacy.mutants(tariff) if type(m.old).__name__ == "Validity"]
    report = adequacy.run(tariff, loaded_vectors(recorded))
    keys = {(m.what, m.where) for m in dated}
    return len(dated), [m.what for m in report.survivors if (m.what, m.where) in keys]
