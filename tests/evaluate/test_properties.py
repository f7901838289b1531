"""Domain properties (issue 4), each held by the compiled runtime AND the reference evaluator:

- a charge never decreases when a call's duration or a session's volume grows;
- a billed call is never shorter than one charging interval unless it is free;
- no prepaid balance goes negative, whatever the stream of events;
- the lines of a bill sum exactly to its totals, and its formulas hold;
- each family member's bonus is the tier's percentage of its package.

Examples are bounded by the Hypothesis profile of tests/conftest.py (`ci`; `long` with
TARIFFC_HYPOTHESIS_PROFILE=long).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runtime.errors import TariffError
from runtime.events import Dial, Sms, Tick, Usage, Where
from runtime.money import Money
from runtime.state import Allowance, Charge, Subscriber, World, frozen_map, world_of

ME = "381631234567"
T0 = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
PLACES = (Where(), Where(country="ME"), Where(country="ME", network="297 01"),
          Where(country="DE"), Where(country="CH"), Where(country="US"), Where(country="JP"),
          Where(network="901 11"))
PARTIES = (None, "+38163123456", "+38269123456", "+38267123456", "+38220123456",
           "+4930123456", "+12025550123")
CALLS = ("outgoing call", "incoming call", "callback call", "video call")
METERED = CALLS + ("data", "mms")
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@pytest.fixture(params=["evaluator", "runtime"])
def telenor(request, pairs):
    evaluator, engine = pairs["telenor_rs"]
    return evaluator if request.param == "evaluator" else engine


def charge_of(impl, world, event):
    """(charge or None when refused/raised, data)."""
    try:
        _, out = impl.apply(world, event)
    except TariffError:
        return None, {}
    if not out.ok:
        return None, dict(out.data)
    return (out.charge.amount if out.charge is not None else Decimal(0)), dict(out.data)


def postpaid():
    return world_of(Subscriber(ME, "postpaid", plan="Prenesi M", activated=T0 - timedelta(days=40)))


@SETTINGS
@given(where=st.sampled_from(PLACES), service=st.sampled_from(METERED),
       party=st.sampled_from(PARTIES), a=st.integers(0, 4000), extra=st.integers(0, 4000))
def test_a_charge_never_decreases_when_usage_grows(telenor, where, service, party, a, extra):
    world = postpaid()
    small, _ = charge_of(telenor, world, Usage(ME, T0, service, a, where, party))
    large, _ = charge_of(telenor, world, Usage(ME, T0, service, a + extra, where, party))
    assume(small is not None and large is not None)
    assert small <= large


@SETTINGS
@given(where=st.sampled_from(PLACES), service=st.sampled_from(CALLS),
       party=st.sampled_from(PARTIES), seconds=st.integers(1, 4000))
def test_a_billed_call_is_never_shorter_than_one_interval_unless_free(telenor, where, service,
                                                                      party, seconds):
    world = postpaid()
    charge, data = charge_of(telenor, world, Usage(ME, T0, service, seconds, where, party))
    assume(charge is not None and charge > 0 and "billed" in data)
    _, first = charge_of(telenor, world, Usage(ME, T0, service, 1, where, party))
    one_interval = first.get("billed", 1)
    assert one_interval >= 1
    assert data["billed"] >= max(seconds, one_interval) or data.get("unit") != "s"


EVENTS = st.one_of(
    st.builds(lambda s, a, w, p: ("usage", s, a, w, p), st.sampled_from(METERED + ("sms",)),
              st.integers(0, 3000), st.sampled_from(PLACES), st.sampled_from(PARTIES)),
    st.builds(lambda t, w: ("dial", t, w), st.sampled_from(
        ("*125*1#", "*125*7#", "*121#", "*124#", "*321*0631234568#", "*912*1234567890#")),
        st.sampled_from(PLACES)),
    st.builds(lambda t, w: ("sms", t, w), st.sampled_from(("TCG1", "TCG7", "TPP1", "TPP5", "TPP7")),
              st.sampled_from(PLACES)),
    st.just(("tick",)),
)


@SETTINGS
@given(balance=st.decimals(0, 300, places=2), events=st.lists(EVENTS, min_size=1, max_size=25),
       gaps=st.lists(st.integers(1, 40000), min_size=25, max_size=25))
def test_no_prepaid_balance_goes_negative(telenor, balance, events, gaps):
    world = world_of(Subscriber(ME, "prepaid", balance=Money(balance, "RSD"),
                                activated=T0 - timedelta(days=1)))
    vouchers = frozen_map({"1234567890": Decimal("500")})
    world = World(world.subscribers, frozen_map({"vouchers": vouchers}))
    at = T0
    for ev, gap in zip(events, gaps):
        at += timedelta(seconds=gap)
        if ev[0] == "usage":
            event = Usage(ME, at, ev[1], ev[2], ev[3], ev[4])
        elif ev[0] == "dial":
            event = Dial(ME, at, ev[1], ev[2])
        elif ev[0] == "sms":
            event = Sms(ME, at, "9000", ev[1], ev[2])
        else:
            event = Tick(at)
        try:
            world, _ = telenor.apply(world, event)
        except TariffError:
            continue
        assert world.subscriber(ME).balance.amount >= 0


LEDGER = st.lists(st.tuples(
    st.sampled_from(("traffic", "discount", "one_time", "fee")),
    st.sampled_from(("outgoing call", "sms", "Zamena SIM kartice", "Penali", "Popust",
                     "Telenor Porodica")),
    st.decimals(0, 5000, places=2), st.integers(0, 40), st.integers(0, 600)), max_size=30)


@SETTINGS
@given(ledger=LEDGER, previous=st.decimals(-500, 500, places=2),
       activated=st.integers(-60, 20))
def test_bill_lines_sum_exactly_to_the_totals(telenor, ledger, previous, activated):
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    charges = tuple(Charge(start + timedelta(days=d, minutes=m), kind, cat, Money(amount, "RSD"),
                           1 if kind == "traffic" else 0, "s" if kind == "traffic" else "")
                    for kind, cat, amount, d, m in ledger)
    sub = Subscriber(ME, "postpaid", plan="Prenesi M", activated=start + timedelta(days=activated),
                     ledger=charges)
    try:
        bill = telenor.bill.make(world_of(sub), ME, 2026, 3, None, previous).to_dict()
    except TariffError:
        return
    amounts = {k: Decimal(v) for k, v in bill["amounts"].items()}

    def total(*sections):
        return sum((Decimal(line["amount"]) for s in sections for line in bill[s]), Decimal(0))

    assert total("traffic") == amounts["traffic"]
    assert total("discounts") == amounts["discounts"]
    assert total("one_time", "fees") == amounts["one_time"]
    assert amounts["usage"] == amounts["traffic"] - amounts["discounts"]
    assert amounts["amount"] == amounts["usage"] + amounts["one_time"]
    assert amounts["total_due"] == amounts["amount"] + amounts["previous_balance"]


@SETTINGS
@given(packages=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 500),
                                   st.integers(0, 50000)), min_size=3, max_size=5))
def test_each_members_bonus_is_the_tiers_percentage_of_its_package(telenor, telenor_tariff,
                                                                   packages):
    fam = telenor_tariff.families[0]
    numbers = [f"3816410000{i:02d}" for i in range(len(packages))]
    subs = [Subscriber(n, "postpaid", plan=fam.plans[0], activated=T0 - timedelta(days=40),
                       package=Allowance(seconds=m * 60, sms=s, kb=mb * 1024))
            for n, (m, s, mb) in zip(numbers, packages)]
    world = world_of(*subs)
    at = T0
    invite = "TELENOR PORODICA: " + ", ".join("+" + n for n in numbers[1:])
    world, _ = telenor.apply(world, Sms(numbers[0], at, "9001", invite))
    out = None
    for n in numbers[1:]:
        at += timedelta(minutes=1)
        world, out = telenor.apply(world, Sms(n, at, "9001", "DA"))
    bonuses = {e["msisdn"]: e["bonus"] for e in out.data["events"] if e.get("event") == "bonus"}
    percent = fam.percent_for(len(numbers))
    assert set(bonuses) == set(numbers)
    for n, (m, s, mb) in zip(numbers, packages):
        b = dict(bonuses[n])
        assert b["seconds"] // 60 == int(m * percent / 100)
        assert b["sms"] == int(s * percent / 100)
        assert b["kb"] // 1024 == int(mb * percent / 100)


@pytest.fixture(params=["evaluator", "runtime"])
def azercell(request, pairs):
    evaluator, engine = pairs["azercell"]
    return evaluator if request.param == "evaluator" else engine


AZ = "994501234567"
AZ_EVENTS = st.one_of(
    st.builds(lambda to, text: Sms(AZ, T0, to, text), st.sampled_from(("2112", "1005", "1003")),
              st.sampled_from(("", "1234567890", "X"))),
    st.builds(lambda text: Dial(AZ, T0, text), st.sampled_from(("*111*1*7#YES", "*650#YES"))),
)


@SETTINGS
@given(balance=st.decimals(0, 1, places=2), events=st.lists(AZ_EVENTS, min_size=1, max_size=20))
def test_no_azercell_prepaid_balance_goes_negative(azercell, balance, events):
    from dataclasses import replace
    world = world_of(Subscriber(AZ, "prepaid", balance=Money(balance, "AZN"),
                                activated=T0 - timedelta(days=1)))
    for i, event in enumerate(events):
        event = replace(event, at=T0 + timedelta(minutes=i))
        try:
            world, _ = azercell.apply(world, event)
        except TariffError:
            continue
        assert world.subscriber(AZ).balance.amount >= 0
