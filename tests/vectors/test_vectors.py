"""Every golden vector against the compiled module (collected by tests/vectors/conftest.py)."""

import pytest

from tests.vectors.conftest import FILES, check_vector


def test_vector(vector):
    problem = check_vector(vector)
    if problem:
        pytest.fail(problem, pytrace=False)


def test_every_operator_has_vectors():
    operators = {p.parts[-3] for p in FILES}
    assert {"telenor_rs", "azercell"} <= operators
