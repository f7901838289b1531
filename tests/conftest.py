"""Test-wide settings: Hypothesis profiles.

`ci` (the default) keeps the suite quick; `long` digs deeper:

    TARIFFC_HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz_grammar.py
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=50)
settings.register_profile("long", max_examples=2000)
settings.load_profile(os.environ.get("TARIFFC_HYPOTHESIS_PROFILE", "ci"))


def checked(path) -> dict:
    """The operators under `path` (a spec folder or `specs/`), checked without an error:
    id -> Tariff. Test operators (tests/versions/dated/, tests/taxes/taxed/...) use it too."""
    from compiler.check import check_paths

    result = check_paths([str(path)])
    assert not result.errors, [str(d) for d in result.errors]
    return {t.id: t for t in result.tariffs}


def checked_one(path):
    """The one operator of the spec folder `path`, checked without an error."""
    (tariff,) = checked(path).values()
    return tariff


@pytest.fixture(scope="session")
def tariffs():
    """Every operator in specs/, checked: id -> Tariff."""
    return checked("specs")


@pytest.fixture(scope="session")
def telenor_tariff(tariffs):
    return tariffs["telenor_rs"]


@pytest.fixture(scope="session")
def azercell_tariff(tariffs):
    return tariffs["azercell"]
