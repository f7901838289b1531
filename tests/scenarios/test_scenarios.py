"""Every scenario in tests/scenarios/ runs through its compiled operator (generated/) and the
engine built from specs/, and every expectation passes; every shipped scenario is valid
against docs/scenario.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import scenario

HERE = Path(__file__).parent
SCHEMA = HERE.parent.parent / "docs" / "scenario.schema.json"
FILES = sorted(HERE.glob("*.json"))


@pytest.fixture(scope="module")
def engines():
    """Each operator's engine built from specs/ in memory (not from generated/)."""
    from compiler.check import check_paths
    from compiler.lower import lower
    from runtime.engine import Engine

    result = check_paths(["specs"])
    assert not result.errors
    return {t.id: Engine(lower(t)) for t in result.tariffs}


def _load(path: Path) -> scenario.Scenario:
    return scenario.load(json.loads(path.read_text(encoding="utf-8")))


def test_there_are_scenarios_for_every_operator():
    operators = {json.loads(p.read_text(encoding="utf-8"))["operator"] for p in FILES}
    assert len(FILES) >= 14 and operators == {"telenor_rs", "azercell", "onepmobile"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_expectation_passes(path):
    s = _load(path)
    results = scenario.run(s, explain=True)
    failures = [f"events[{r.index}] {r.event}: {r.expectations or f'unexpected {r.error}: {r.reason}'}"
                for r in results if r.failed]
    assert not failures, "\n".join(failures)
    assert len(results) == len(s.events)
    # A golden vector checks something: every event of a shipped scenario has an expectation
    # with its arithmetic or reading in `why`.
    assert all(st.expect and st.expect.get("why") for st in s.events)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_engine_built_from_specs_gives_the_same_results(path, engines):
    s = _load(path)
    engine = engines[s.operator]
    generated = [r.to_dict() for r in scenario.run(s)]
    assert [r.to_dict() for r in scenario.run(s, module=engine)] == generated


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scenario_is_valid_against_the_schema(path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(path.read_text(encoding="utf-8")))


def test_results_are_deterministic_json():
    s = _load(HERE / "telenor_family.json")
    assert scenario.results_json(scenario.run(s)) == scenario.results_json(scenario.run(s))
    doc = json.loads(scenario.results_json(scenario.run(s, explain=True)))
    assert doc["summary"] == {"events": 17, "passed": 17, "failed": 0, "unexpected_errors": 0}
    assert all("arithmetic" in r for r in doc["results"])


def test_the_example_of_docs_scenario_md_runs_and_passes():
    import re
    text = (HERE.parent.parent / "docs" / "scenario.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{\n  \"operator\".*?)```", text, re.S).group(1))
    results = scenario.run(scenario.load(example))
    assert [r.expectations for r in results] == ["passed", "passed"]
