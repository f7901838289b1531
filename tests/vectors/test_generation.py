"""Vector generation and adequacy (issue 4): deterministic, fresh, complete, and a sample of
mutants all killed. The full adequacy run is `tariffc adequacy` (about 20 s)."""

from __future__ import annotations

import json

import pytest

from compiler import adequacy, vectors
from runtime import scenario as sc
from tests.vectors.conftest import ROOT, check_vector


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell", "onepmobile"])
def test_vectors_are_deterministic_and_fresh(tariffs, operator):
    first = vectors.files(tariffs[operator])
    assert first == vectors.files(tariffs[operator])
    for rel, text in first.items():
        on_disk = (ROOT / "generated" / rel).read_text(encoding="utf-8")
        assert on_disk == text, f"generated/{rel} is stale: run `tariffc build`"
    assert sum(len(t.encode()) for t in first.values()) < 1_500_000


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell", "onepmobile"])
def test_every_vector_is_a_valid_scenario_with_expectations(tariffs, operator):
    for text in vectors.files(tariffs[operator]).values():
        doc = json.loads(text)
        for vec in doc["vectors"]:
            s = sc.load(vectors.scenario_of(vec))
            assert all(step.expect and "why" in step.expect for step in s.events), vec["name"]


def test_boundary_cases_are_there(tariffs):
    names = {json.loads(t)["kind"]: [v["name"] for v in json.loads(t)["vectors"]]
             for t in vectors.files(tariffs["telenor_rs"]).values()}
    assert {"rating_zones", "rating_network", "passes", "codes", "family", "bill",
            "random"} <= set(names)
    family = " ".join(names["family"])
    for size in range(2, 7):
        assert f"size {size}" in family
    for delta in ("-1 s", "+0 s", "+1 s"):
        assert f"invitation answer {delta}" in family


def test_a_changed_price_fails_a_vector_with_a_readable_diff(tariffs):
    """The plugin's diff names the event, the field, what was expected and what came."""
    from compiler.lower import lower
    from runtime.engine import Engine
    t = tariffs["telenor_rs"]
    m = next(m for m in adequacy.mutants(t) if m.what == "Price.amount 119.90 -> 120.90")
    engine = Engine(lower(adequacy.apply(t, m)))
    doc = json.loads((ROOT / "generated/telenor_rs/vectors/rating_zones.json").read_text())
    vec = next(v for v in doc["vectors"] if v["name"] == "Zona 1 outgoing call")
    problem = check_vector(vec, engine)
    assert problem is not None
    assert "charge" in problem
    assert 'expected "119.90"' in problem and 'got      "120.90"' in problem


def test_vectors_record_the_channel_of_each_reply():
    """Seed 000: *411# shows the tariff package (USSD reply), then the account details come by
    SMS; the vector of *411# records both replies with their channels, and the plugin's diff
    shows a reply that came on another channel."""
    import copy
    doc = json.loads((ROOT / "generated/telenor_rs/vectors/codes.json").read_text())
    vec = next(v for v in doc["vectors"] if v["name"] == "code *411#")
    ok = next(e for e in vec["events"] if e["dial"]["text"] == "*411#" and e["expect"]["ok"])
    replies = ok["expect"]["reply_contains"]
    assert [r["channel"] for r in replies] == ["ussd", "sms"]
    moved = copy.deepcopy(vec)
    moved["events"] = moved["events"][: vec["events"].index(ok) + 1]
    moved["events"][-1]["expect"]["reply_contains"] = [{**replies[1], "channel": "ussd"}]
    problem = check_vector(moved)
    assert problem is not None and "reply[0]" in problem and '"channel": "ussd"' in problem


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell", "onepmobile"])
def test_a_sample_of_mutants_is_killed(tariffs, operator):
    report = adequacy.run(tariffs[operator], sample=20, seed=4)
    assert report.total == 20
    assert not report.survivors, report.text()
    assert not report.invalid, report.text()


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell"])
def test_at_least_100_mutants(tariffs, operator):
    ms = adequacy.mutants(tariffs[operator])
    assert len(ms) >= 100
    kinds = {m.what.split(" ", 1)[0] for m in ms}
    assert "Price.amount" in kinds and "Eligibility.segments" in kinds


SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.json"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_hand_derived_scenarios_pass_through_the_evaluator(tariffs, path):
    """The seed scenarios of tests/scenarios/ (arithmetic derived by hand from the seeds)
    hold for the oracle the vectors are recorded from. Rendered bills are left out: rendering
    is the runtime's, the evaluator computes the bill's data."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["events"] = [e for e in doc["events"]
                     if e.get("bill", {}).get("format", "data") == "data"]
    scenario = sc.load(doc)
    results = sc.run(scenario, module=vectors.Oracle(tariffs[scenario.operator]), explain=True)
    assert not [r.expectations for r in results if r.failed]


def test_adequacy_command(capsys):
    from compiler.cli import main
    assert main(["adequacy", "azercell"]) == 0
    out = capsys.readouterr().out
    assert "azercell: killed" in out and "survived" not in out
    assert main(["adequacy", "telenor"]) == 2
    assert "unknown operator telenor" in capsys.readouterr().out


def test_every_mutant_of_the_third_operator_is_killed(tariffs):
    """Issue 10: 1pMobile's vectors kill K of K (the whole run takes about a second)."""
    report = adequacy.run(tariffs["onepmobile"])
    assert report.total >= 100 and not report.survivors and not report.invalid, report.text()
    kinds = {m.what.split(" ", 1)[0] for m, _ in report.killed}
    assert {"Price.amount", "Service.numbers", "Interval.first", "Rounding.mode"} <= kinds
    # its only language cannot be dropped (a spec declares one); its time zone changes nothing
    # it rates (no bill, family, pass, billing window or notification reads local time)
    assert [m.what.split(" ", 1)[0] for m, why in report.equivalent if "local time" in why] == \
        ["Operator.timezone"]
    assert not any(m.what.startswith("Operator.languages") for m in adequacy.mutants(tariffs["onepmobile"]))


def test_a_time_zone_mutant_is_equivalent_only_where_nothing_reads_local_time(tariffs):
    t = tariffs["azercell"]  # billing windows read local time
    m = next(m for m in adequacy.mutants(t) if m.what.startswith("Operator.timezone"))
    assert adequacy.equivalent(t, m, {}, {"changed": True}) is None
