"""Passes: the evaluator against the compiled runtime (activation, consumption while rating,
quota, expiry by Tick), every outcome field but the arithmetic wording and every world; and the
runtime's pass seed tests (tests/runtime/test_passes.py) run through the evaluator.

Hand-picked steps reach every rule of docs/runtime/passes.md: each pass bought by each segment
with and without the funds, exclusivity, validity end -1 s / 0 / +1 s, free rules by
destination (ported numbers), the full-speed quota edge, pass rates, allowances across passes
and partly covered events, where a pass applies; Hypothesis draws mixed streams.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.events import SERVICES, Tick, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, World, world_of
from tests.evaluate import evaluator_fixtures, same, seed_tests
from tests.runtime import test_passes as runtime_passes

seed_tests(globals(), runtime_passes)
telenor_engine, azercell_engine = evaluator_fixtures()

ME = "381631234567"
OTHER = "381691112233"
T0 = datetime(2024, 7, 1, 10, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
CG = Where(country="ME", network="297 01")
PLACES = (CG, Where(country="ME", network="Telenor"), Where(country="ME"), Where(country="DE"),
          Where(country="US"), Where(network="901 11"), Where())
PARTIES = (None, "+38163123456", "+38263123456", "+38269123456", "+38267123456",
           "+38268123456", "+38164123456", "+4930123456")
PASSES = ("Dnevna karta", "Nedeljna karta", *(f"Putni paket {i}" for i in range(1, 8)))
MB = 1024


def world(balance="100000", segment="prepaid", since=T0 - timedelta(days=1)) -> World:
    bal = None if balance is None else Money(balance, "RSD")
    return world_of(Subscriber(ME, segment, balance=bal, activated=since),
                    Subscriber(OTHER, "postpaid", activated=since))


def activate(name, at=T0, channel="sms", msisdn=ME):
    return ("activate", msisdn, name, at, channel)


@pytest.mark.parametrize("name", PASSES)
@pytest.mark.parametrize("segment, balance", [("prepaid", "100000"), ("prepaid", "199"),
                                              ("prepaid", "198.99"), ("prepaid", "0"),
                                              ("postpaid", None), ("business", None)])
def test_activation(telenor_evaluator, telenor_runtime, name, segment, balance):
    same(telenor_evaluator, telenor_runtime, world(balance, segment),
         [activate(name), ("quota", ME, T0), activate(name, T0 + SECOND, "code"),
          ("quota", ME, T0 + SECOND)])


def test_unknown_pass_and_out_of_order(telenor_evaluator, telenor_runtime):
    same(telenor_evaluator, telenor_runtime, world(),
         [activate("Mesečna karta"), activate("Dnevna karta", T0 - timedelta(days=2)),
          activate("Dnevna karta", msisdn="381699999999"), ("quota", "381699999999", T0)])


@pytest.mark.parametrize("first", PASSES)
@pytest.mark.parametrize("second", PASSES)
def test_exclusivity_and_order(telenor_evaluator, telenor_runtime, first, second):
    same(telenor_evaluator, telenor_runtime, world(),
         [activate(first), activate(second, T0 + timedelta(hours=1)),
          ("quota", ME, T0 + timedelta(hours=2)),
          Usage(ME, T0 + timedelta(hours=2), "sms", 1, CG),
          Usage(ME, T0 + timedelta(hours=2), "outgoing call", 61, CG, "+4930123456")])


@pytest.mark.parametrize("name, validity", [("Dnevna karta", timedelta(hours=24)),
                                            ("Nedeljna karta", timedelta(days=7)),
                                            ("Putni paket 1", timedelta(days=90)),
                                            ("Putni paket 7", timedelta(days=90))])
@pytest.mark.parametrize("offset", [-SECOND, timedelta(0), SECOND])
def test_validity_end(telenor_evaluator, telenor_runtime, name, validity, offset):
    end = T0 + validity + offset
    same(telenor_evaluator, telenor_runtime, world(),
         [activate(name), Usage(ME, end, "outgoing call", 60, CG, "+38263123456"),
          Usage(ME, end, "data", 10, CG), Usage(ME, end, "sms", 1, CG), ("quota", ME, end),
          Tick(end, ME), ("quota", ME, end), activate(name, end)])


@pytest.mark.parametrize("name", ["Dnevna karta", "Nedeljna karta"])
@pytest.mark.parametrize("where", PLACES, ids=repr)
def test_karta_free_rules_and_rates(telenor_evaluator, telenor_runtime, name, where):
    steps = [activate(name)]
    steps += [Usage(ME, T0, service, amount, where, party) for service in SERVICES
              for party in PARTIES for amount in (0, 1, 61)]
    same(telenor_evaluator, telenor_runtime, world(), steps)


@pytest.mark.parametrize("name, quota", [("Dnevna karta", 100 * MB), ("Nedeljna karta", 1024 * MB)])
@pytest.mark.parametrize("edge", [-1, 0, 1])
def test_full_speed_quota_edge(telenor_evaluator, telenor_runtime, name, quota, edge):
    same(telenor_evaluator, telenor_runtime, world(),
         [activate(name), Usage(ME, T0, "data", quota + edge, CG), ("quota", ME, T0),
          Usage(ME, T0, "data", 1, CG), Usage(ME, T0, "data", 0, CG), ("quota", ME, T0),
          activate(name, T0 + SECOND), ("quota", ME, T0 + SECOND)])


@pytest.mark.parametrize("packages", [("Putni paket 1",), ("Putni paket 4",),
                                      ("Putni paket 1", "Putni paket 3"),
                                      ("Putni paket 2", "Putni paket 1"),
                                      ("Putni paket 5", "Putni paket 6", "Putni paket 7"),
                                      ("Dnevna karta", "Putni paket 1")])
@pytest.mark.parametrize("where", [CG, Where(country="ME"), Where(country="DE"),
                                   Where(network="901 11")], ids=repr)
def test_allowances_across_passes(telenor_evaluator, telenor_runtime, packages, where):
    steps = [activate(p, T0 + i * SECOND) for i, p in enumerate(packages)]
    at = T0 + timedelta(minutes=1)
    # calls of 59/61 s at 60/60, incoming per second, SMS, data at 5+100 KB: partly covered
    for service, amount, party in [("outgoing call", 1190, "+4930123456"),
                                   ("outgoing call", 61, "+38164123456"),
                                   ("incoming call", 30, None), ("incoming call", 59, None),
                                   ("sms", 19, None), ("sms", 3, None), ("sms", 80, None),
                                   ("data", 6, None), ("data", 5000, None), ("data", 20000, None),
                                   ("outgoing call", 3000, "+4930123456"),
                                   ("mms", 10, None), ("video call", 61, "+4930123456")]:
        steps.append(Usage(ME, at, service, amount, where, party))
        steps.append(("quota", ME, at))
    same(telenor_evaluator, telenor_runtime, world(), steps)


def test_tick_expires_everybody(telenor_evaluator, telenor_runtime):
    same(telenor_evaluator, telenor_runtime, world(),
         [activate("Dnevna karta"), activate("Putni paket 1", msisdn=OTHER),
          activate("Putni paket 2", T0 + SECOND), Tick(T0 + timedelta(days=1)),
          Tick(T0 + timedelta(days=90)), Tick(T0 + timedelta(days=90, seconds=1)),
          Tick(T0 + timedelta(days=91), "381699999999")])


# --- drawn streams --------------------------------------------------------------------------

steps = st.one_of(
    st.tuples(st.just("usage"), st.sampled_from(SERVICES),
              st.one_of(st.sampled_from((0, 1, 30, 60, 61, 5, 6, 105, 106)), st.integers(0, 200000)),
              st.sampled_from((CG, CG, CG, *PLACES)), st.sampled_from(PARTIES)),
    st.tuples(st.just("activate"), st.sampled_from(PASSES), st.sampled_from(("code", "sms", "menu"))),
    st.tuples(st.just("quota")),
    st.tuples(st.just("tick")),
)


@given(st.sampled_from((None, "0", "500", "5000", "100000")),
       st.sampled_from(("prepaid", "postpaid")),
       st.lists(st.tuples(steps, st.sampled_from((0, 1, 3600, 86400, 7 * 86400))), max_size=25))
def test_drawn_pass_streams(telenor_evaluator, telenor_runtime, balance, segment, drawn):
    at, plan = T0, []
    for step, dt in drawn:
        at += timedelta(seconds=dt)
        if step[0] == "usage":
            plan.append(Usage(ME, at, *step[1:]))
        elif step[0] == "activate":
            plan.append(activate(step[1], at, step[2]))
        elif step[0] == "quota":
            plan.append(("quota", ME, at))
        else:
            plan.append(Tick(at, ME))
    same(telenor_evaluator, telenor_runtime, world(balance, segment), plan)


# --- validity is elapsed time, across a DST change ------------------------------------------

@pytest.mark.parametrize("name", ["Dnevna karta", "Nedeljna karta", "Putni paket 1"])
@pytest.mark.parametrize("bought", [datetime(2024, 3, 30, 10, 0), datetime(2024, 10, 26, 10, 0)],
                         ids=["spring", "autumn"])
def test_validity_across_dst(telenor_evaluator, telenor_runtime, name, bought):
    # Seed 004 "24 sata": a day pass bought the day before Belgrade's clocks change lasts 24
    # hours of elapsed time (spring: until 11:00 local the next day; autumn: until 09:00).
    zone = ZoneInfo("Europe/Belgrade")
    at = bought.replace(tzinfo=zone)
    validity = {"Dnevna karta": 1, "Nedeljna karta": 7, "Putni paket 1": 90}[name]
    end = (at.astimezone(timezone.utc) + timedelta(days=validity)).astimezone(zone)
    steps = [activate(name, at), ("quota", ME, end - SECOND)]
    for t in (end - timedelta(hours=1), end - SECOND, end, end + SECOND):
        steps += [Usage(ME, t, "outgoing call", 60, CG, "+38263123456"), ("quota", ME, t)]
    steps += [Tick(end - SECOND, ME), Tick(end, ME)]
    outcomes = same(telenor_evaluator, telenor_runtime, world(since=at - timedelta(days=1)), steps)
    assert outcomes[0].data["expires"] == end.isoformat()
    assert [len(o.data["passes"]) for o in outcomes[1::2][:5]] == [1, 1, 1, 0, 0]


def test_validity_ends_inside_the_repeated_hour(telenor_evaluator, telenor_runtime):
    zone = ZoneInfo("Europe/Belgrade")
    at = datetime(2024, 10, 26, 2, 30, tzinfo=zone)  # ends 2024-10-27 02:30 CEST (the first)
    later = datetime(2024, 10, 27, 2, 15, fold=1, tzinfo=zone)  # 02:15 CET: 45 min after the end
    same(telenor_evaluator, telenor_runtime, world(since=at - timedelta(days=1)),
         [activate("Dnevna karta", at), ("quota", ME, later),
          Usage(ME, later, "outgoing call", 60, CG, "+38263123456")])
