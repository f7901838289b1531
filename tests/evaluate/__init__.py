"""Tests of the reference evaluator (compiler.evaluate): differential tests against the compiled
runtime (`runtime.engine.Engine` over `compiler.lower.lower(tariff)`), and the runtime's
hand-derived seed tests run through the evaluator.

Helpers shared by the `test_diff_<area>.py` modules:

- `same(evaluator, engine, world, steps)` runs the same steps through both and asserts that
  every outcome field but `arithmetic` (ok, charge, replies, rule, source, reason, data), every
  error (type and reason) and every resulting world agree;
- `seed_tests(namespace, module)` copies a runtime test module's tests that take the
  `telenor_engine` / `azercell_engine` fixture into a test module, where the module overrides
  those fixtures with the evaluators (`evaluator_fixtures()`), so the seed tests run unchanged
  against the evaluator.

A step is an event (`Usage`, `Dial`, `Tick`...), or a call of an area service, written as a
tuple: `("activate", msisdn, pass_name, at, channel)`, `("quota", msisdn, at)`.
"""

from __future__ import annotations

import inspect

import pytest

from runtime.errors import TariffError

COMPARED = ("msisdn", "ok", "charge", "replies", "rule", "source", "reason", "data")


def _step(side, world, step):
    """(world, outcome) of one step on one side (an Evaluator or an Engine)."""
    if isinstance(step, tuple):
        kind, *args = step
        if kind == "activate":
            return side.passes.activate(world, *args)
        if kind == "quota":
            return world, side.passes.quota(world, *args)
        raise ValueError(f"unknown step {kind}")
    return side.apply(world, step, explain=True)


def _run(side, world, step):
    try:
        world, outcome = _step(side, world, step)
        return world, outcome, None
    except TariffError as e:
        return world, None, e


def _plain(value):
    """Data values with mappings as dicts, for a readable comparison."""
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def same(evaluator, engine, world, steps) -> list:
    """Run `steps` through both from `world`; assert agreement at every step. Returns the
    evaluator's outcomes (None where both raised)."""
    w_eval = w_run = world
    outcomes = []
    for n, step in enumerate(steps):
        w_eval, o_eval, e_eval = _run(evaluator, w_eval, step)
        w_run, o_run, e_run = _run(engine, w_run, step)
        where = f"step {n}: {step!r}"
        if e_eval is not None or e_run is not None:
            assert (type(e_eval).__name__, e_eval and e_eval.reason) == \
                (type(e_run).__name__, e_run and e_run.reason), where
        else:
            for name in COMPARED:
                a, b = getattr(o_eval, name), getattr(o_run, name)
                if name == "data":
                    a, b = _plain(a), _plain(b)
                assert a == b, f"{where}: `{name}` differs\nevaluator: {a!r}\nruntime:   {b!r}"
        assert w_eval == w_run, f"{where}: the worlds differ"
        outcomes.append(o_eval)
    return outcomes


def seed_tests(namespace: dict, module) -> None:
    """Copy `module`'s tests that use the `telenor_engine` or `azercell_engine` fixture into
    `namespace` (a test module's globals), which must override those fixtures."""
    for name, f in vars(module).items():
        if name.startswith("test_") and callable(f):
            params = inspect.signature(f).parameters
            if "telenor_engine" in params or "azercell_engine" in params:
                namespace[name] = f


def evaluator_fixtures():
    """Fixtures `telenor_engine` and `azercell_engine` that are the evaluators, for a module
    running the runtime's seed tests: `telenor_engine, azercell_engine = evaluator_fixtures()`."""

    @pytest.fixture(name="telenor_engine")
    def telenor(telenor_evaluator):
        return telenor_evaluator

    @pytest.fixture(name="azercell_engine")
    def azercell(azercell_evaluator):
        return azercell_evaluator

    return telenor, azercell
