"""Stateful rows (balances, passes) are grouped by subscriber, sorted by time and folded
through `Engine.run`: the results equal a fold of `Engine.apply` (issue 11)."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cdr.conftest import ROOT, actual, engine, expected, rate_rows

from compiler.rate import load_world
from runtime.errors import TariffError
from runtime.events import Usage, Where

A, B, C = "+381631000001", "+381631000002", "+381631000003"
WORLD = {"subscribers": [
    {"msisdn": A, "segment": "prepaid", "balance": "500.00"},
    {"msisdn": B, "segment": "prepaid", "balance": "100000.00"}],
    "events": [{"at": "2026-06-01T09:00:00+02:00",
                "dial": {"msisdn": B, "text": "*111#", "answer": "6 1", "country": "AT"}}]}


def _row(t: str, who: str, service: str, qty, country="DE", party="+4930123456"):
    return {"time": f"2026-06-0{t}+02:00", "msisdn": who, "service": service, "quantity": qty,
            "country": country, "network": None, "party": party}


ROWS = [  # not in time order: the fold sorts each subscriber's rows by time
    _row("1T12:00:00", A, "outgoing call", 61),
    _row("1T10:00:00", A, "outgoing call", 61),
    _row("1T11:00:00", B, "outgoing call", 61),
    _row("1T11:30:00", A, "outgoing call", 61),
    _row("1T13:00:00", A, "sms", 1, party=None),
    _row("1T13:30:00", A, "outgoing call", 5, country="XX"),
    _row("1T10:30:00", C, "outgoing call", 61),
    _row("2T10:00:00", B, "data", 2048, party=None),
    _row("1T08:00:00", B, "outgoing call", 61),
]


def _world(eng, tmp_path):
    path = tmp_path / "world.json"
    path.write_text(json.dumps(WORLD), encoding="utf-8")
    return load_world(eng, str(path))


def test_fold_equals_apply_fold(tmp_path):
    eng = engine("telenor_rs")
    world = _world(eng, tmp_path)
    out, counts = rate_rows(eng, ROWS, world, batch_rows=4)
    assert counts["in"] == len(ROWS) == counts["rated"] + counts["refused"] + counts["rejected"]
    # the fold of apply, by hand: stateful rows in time order, on one world
    order = sorted((i for i, r in enumerate(ROWS, 1) if r["msisdn"] != C),
                   key=lambda i: (datetime.fromisoformat(ROWS[i - 1]["time"]), i))
    w = world
    for i in order:
        r = ROWS[i - 1]
        ev = Usage(r["msisdn"].lstrip("+"), datetime.fromisoformat(r["time"]), r["service"],
                   r["quantity"], Where(r["country"], r["network"]), r["party"])
        try:
            w, o = eng.apply(w, ev)
            want = ("ok" if o.ok else "refused", None if o.charge is None else o.charge.amount,
                    o.rule, o.source, o.data.get("billed"), None)
        except TariffError as e:
            want = ("rejected", None, None, None, None, e.code)
        assert actual(out[i]) == want, (i, r)
    assert actual(out[7]) == expected(eng, ROWS[6])  # C has no state: stateless


def test_balance_runs_out_in_time_order(tmp_path):
    """A has 500.00 RSD; a Zona 1 call of 61 s costs 2 x 119.90 = 239.80: the calls at 10:00
    and 11:30 are taken (500.00 - 479.60 = 20.40 left), the one at 12:00 is refused, and so
    is the SMS at 13:00 (29.90 > 20.40); the unknown zone is rejected."""
    eng = engine("telenor_rs")
    out, _ = rate_rows(eng, ROWS, _world(eng, tmp_path))
    assert [out[i]["status"] for i in (2, 4, 1, 5, 6)] == \
        ["ok", "ok", "refused", "refused", "rejected"]
    assert str(out[2]["charge"]) == str(2 * __import__("decimal").Decimal("119.90"))


def test_pass_rows_use_the_pass(tmp_path):
    """B bought Putni paket 1 at 09:00: the call at 11:00 is covered by it (0.00), the call
    at 08:00, before the purchase, is charged at the Zona 1 price (239.80)."""
    eng = engine("telenor_rs")
    out, _ = rate_rows(eng, ROWS, _world(eng, tmp_path))
    assert str(out[3]["charge"]) == "0.00" and "passes.tariff" in out[3]["source"]
    assert str(out[9]["charge"]) == "239.80"


def _apply_fold(eng, world, rows):
    """The expected result of every stateful row: a fold of apply in (time, row) order."""
    order = sorted(range(1, len(rows) + 1),
                   key=lambda i: (datetime.fromisoformat(rows[i - 1]["time"]), i))
    want, w = {}, world
    for i in order:
        r = rows[i - 1]
        ev = Usage(r["msisdn"].lstrip("+"), datetime.fromisoformat(r["time"]), r["service"],
                   r["quantity"], Where(r["country"], r["network"]), r["party"])
        try:
            w, o = eng.apply(w, ev)
            want[i] = ("ok" if o.ok else "refused",
                       None if o.charge is None else o.charge.amount, o.rule, o.source,
                       o.data.get("billed"), None)
        except TariffError as e:
            want[i] = ("rejected", None, None, None, None, e.code)
    return want


_PLACES = [("DE", None), ("ME", "297 01"), ("MK", None), ("XX", None), ("US", None)]
_WHO = [A, B, "+381631000004"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.builds(
    lambda day, minute, who, service, qty, place, party: {
        "time": f"2026-06-0{day}T{minute // 60:02d}:{minute % 60:02d}:00+02:00", "msisdn": who,
        "service": service, "quantity": qty, "country": place[0], "network": place[1],
        "party": party},
    st.integers(1, 2), st.integers(0, 24 * 60 - 1), st.sampled_from(_WHO),
    st.sampled_from(["outgoing call", "sms", "data", "incoming call"]),
    st.integers(-1, 400), st.sampled_from(_PLACES),
    st.sampled_from([None, "+38269123456", "+4930123456"])), min_size=1, max_size=40),
    balance=st.sampled_from(["0.00", "30.00", "500.00", "100000.00"]))
def test_drawn_stateful_files_equal_a_fold_of_apply(rows, balance):
    """Balances that run out, a pass bought mid-file (B at 09:00 on June 1st), rows in any
    order, rejects among them: the rater equals a fold of apply, row for row."""
    eng = engine("telenor_rs")
    doc = json.loads(json.dumps(WORLD))
    doc["subscribers"][0]["balance"] = balance
    doc["subscribers"].append({"msisdn": _WHO[2], "segment": "prepaid", "balance": balance,
                               "activated": "2026-06-01T12:00:00+02:00"})
    from runtime.cdr.rater import world_of_scenario
    world = world_of_scenario(eng, doc)
    out, counts = rate_rows(eng, rows, world, batch_rows=7)
    assert counts["in"] == len(rows) == counts["rated"] + counts["refused"] + counts["rejected"]
    want = _apply_fold(eng, world, rows)
    for i in want:
        assert actual(out[i]) == want[i], (i, rows[i - 1])


def test_family_group_rows_are_folded_together():
    """A Telenor Porodica group formed in the world (the golden vector `size 3`'s SMS): its
    members' calls and SMS to each other at home are free by the family rule, in any order
    of the file; the rows of all members fold as one account."""
    eng = engine("telenor_rs")
    doc = json.loads((ROOT / "generated/telenor_rs/vectors/family.json").read_text("utf-8"))
    vec = next(v for v in doc["vectors"] if v["name"] == "Telenor Porodica size 3")
    setup = [e for e in vec["events"] if "sms" in e][:3]  # the invitation and two answers
    from runtime.cdr.rater import Rater, world_of_scenario
    world = world_of_scenario(eng, {"subscribers": vec["subscribers"], "events": setup})
    a, b, c = "+381640000199", "+381640000200", "+381640000201"

    def call(t, who, party, service="outgoing call", qty=300):
        return {"time": f"2026-03-1{t}+01:00", "msisdn": who, "service": service,
                "quantity": qty, "country": None, "network": None, "party": party}

    rows = [call("1T10:00:00", b, a), call("0T12:40:00", a, b), call("0T13:00:00", c, a, "sms", 1),
            call("0T13:05:00", a, "+381631234999", qty=61), call("1T09:00:00", "+381631000009", a)]
    assert Rater(eng, world).account(a.lstrip("+")) == "family"
    out, counts = rate_rows(eng, rows, world, batch_rows=2)
    assert counts["in"] == len(rows) == counts["rated"] + counts["refused"] + counts["rejected"]
    want = _apply_fold(eng, world, rows[:4])
    for i in want:
        assert actual(out[i]) == want[i], (i, rows[i - 1])
    free = [i for i in (1, 2, 3) if out[i]["status"] == "ok"]
    assert free == [1, 2, 3] and all(str(out[i]["charge"]) == "0.00" for i in free)
    assert "family.tariff" in out[2]["source"]
    assert actual(out[5]) == expected(eng, rows[4])  # not in the world: stateless
