"""`Engine.run`'s fast path (runtime.batch) against a fold of `Engine.apply`.

The fast path is only an optimisation: for any events, `run(world, events)` must give the
same outcomes (every field) and the same final world (balances, passes, ledgers, to the
exponent of every amount) as applying the events one by one. Checked on every golden vector
of both operators and on streams drawn by Hypothesis that mix what the fast path takes
(roaming usage by zone and on Telenor Crna Gora, with and without passes, balances running
out) with what it hands to `apply` (home usage, travel-package allowances, passes that end,
national or malformed numbers, unknown subscribers, ticks, naive times).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from compiler.vectors import scenario_of
from runtime import scenario as sc
from runtime.batch import Outcomes, kernel
from runtime.errors import TariffError
from runtime.events import Outcome, Tick, Usage, Where
from runtime.money import Money
from runtime.rating import Rate, amount_of
from runtime.state import Subscriber, world_of

START = datetime(2024, 7, 1, 8, tzinfo=timezone.utc)
PLACES = [Where("ME", "297 01"), Where(None, "Promonte"), Where("ME", None), Where("DE", None),
          Where("US", None), Where(None, "901 12"), Where("MK", None), Where(), Where("XX", None)]
SERVICES = ["outgoing call", "incoming call", "callback call", "video call", "sms", "mms", "data"]
PARTIES = [None, "+38263123456", "38269123456", "+38267123456", "+381631234567", "+4915123456",
           "0631234567", "+0123456789", "12", "+38263１２３４５６", 381631234567]


def fold(engine, world, events):
    """`apply` one by one: the final world, the outcomes, and the events that raised (left
    out, as `run` would raise on them)."""
    outcomes, kept = [], []
    for ev in events:
        try:
            world, outcome = engine.apply(world, ev)
        except (TariffError, TypeError):
            continue
        kept.append(ev)
        outcomes.append(outcome)
    return world, outcomes, kept


def assert_same(engine, world, events):
    expected_world, expected, kept = fold(engine, world, events)
    got_world, got = engine.run(world, kept)
    assert isinstance(got, Outcomes) and len(got) == len(expected)
    for i, (a, b) in enumerate(zip(got, expected)):
        assert a == b, f"event {i}: {kept[i]}"
    assert got_world.extra == expected_world.extra
    assert got_world.subscribers.keys() == expected_world.subscribers.keys()
    for msisdn, sub in expected_world.subscribers.items():
        mine = got_world.subscribers[msisdn]
        assert mine == sub, msisdn
        # Equal amounts are not enough: the JSON of a balance shows its exponent.
        assert repr(mine.balance) == repr(sub.balance)
        assert [repr(c) for c in mine.ledger] == [repr(c) for c in sub.ledger]


def test_kernel_rounds_like_decimal():
    # 1/1 s at 119.90 RSD/min: 7 s = 119.90 x 7 / 60 = 13.98833.. -> 13.99 (half-up)
    # and -> 13.99 (up); 1 s = 1.99833.. -> 2.00.
    r = Rate(1, 1, None, Decimal("119.90"), 60, "min", "s", None, Decimal(0), "1/1", "", "", "")
    for mode, expect in (("half-up", 1399), ("up", 1399)):
        first, nxt, sub, price, base, d = kernel(r, 2, mode)
        assert (price * (7 - sub) + base) // d == expect
    # 30+1 at 10.07/min with a 7.01 connection fee: 31 s = 10.07 x 31 / 60 + 7.01
    # = 5.20283.. + 7.01 = 12.21283.. -> 12.21 (half-up), 12.22 (up).
    r = Rate(30, 1, None, Decimal("10.07"), 60, "min", "s", None, Decimal("7.01"), "30+1",
             "", "", "")
    for mode, expect in (("half-up", 1221), ("up", 1222)):
        first, nxt, sub, price, base, d = kernel(r, 2, mode)
        assert (price * (31 - sub) + base) // d == expect
    # 5 KB + 100 KB: first 5 KB 6 RSD, then 99.90 per started 100 KB: 105 KB = 6 + 99.90
    # = 105.90; 106 KB = 5 + 101 KB -> 2 blocks = 6 + 2 x 99.90 = 205.80.
    r = Rate(5, 100, Decimal(6), Decimal("99.90"), 100, "100 KB", "KB", Decimal("99.90"),
             Decimal(0), "5 KB + 100 KB", "", "", "")
    first, nxt, sub, price, base, d = kernel(r, 2, "half-up")
    assert (price * (amount_of(r, 105)[0] - sub) + base) // d == 10590
    assert (price * (amount_of(r, 106)[0] - sub) + base) // d == 20580


@pytest.mark.parametrize("mode", ["half-up", "up"])
@pytest.mark.parametrize("spec", [("119.90", 60, 1, 1), ("0.029", 1, 1, 1), ("99.90", 100, 5, 100),
                                  ("7.39", 60, 1, 1), ("24.31", 60, 30, 1), ("3.97", 1, 1, 1),
                                  ("0.005", 1, 1, 1), ("0.015", 1, 1, 1)])
def test_kernel_agrees_with_amount_of(mode, spec):
    # Every quantity up to 3,000 units, against runtime.rating's Decimal arithmetic
    # (0.005 and 0.015 per unit put every other quantity exactly on a half cent).
    price, per, first, nxt = spec
    r = Rate(first, nxt, None, Decimal(price), per, "", "", None, Decimal(0), "", "", "", "")
    f, n, sub, p, base, d = kernel(r, 2, mode)
    rounding = "ROUND_HALF_UP" if mode == "half-up" else "ROUND_CEILING"
    for qty in range(1, 3001):
        billed, exact = amount_of(r, qty)
        assert (p * (billed - sub) + base) // d == \
            int(exact.quantize(Decimal("0.01"), rounding) * 100), qty


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell"])
def test_run_agrees_with_apply_on_every_vector(operator, request):
    engine = request.getfixturevalue(f"{operator.split('_')[0]}_engine")
    binder = sc._Binder(engine)
    folder = Path("generated") / operator / "vectors"
    vectors = [v for f in sorted(folder.glob("*.json"))
               for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]]
    assert vectors
    for v in vectors:
        scenario = sc.load(scenario_of(v))
        world = binder.world(scenario)
        events = []
        for step in scenario.events:
            if step.kind != "bill":
                try:
                    events.append(binder.event(step))
                except TariffError:
                    pass
        assert_same(engine, world, events)


def subscribers():
    """A prepaid line with little money, one with a day pass, one with a travel package
    (allowances), a postpaid line, and one whose day pass ends within the stream."""
    rsd = lambda a: Money(Decimal(a), "RSD")  # noqa: E731
    return [Subscriber("381631111111", "prepaid", balance=rsd("300")),
            Subscriber("381642222222", "prepaid", balance=rsd("100000")),
            Subscriber("381653333333", "prepaid", balance=rsd("8000.500")),
            Subscriber("381664444444", "postpaid", plan="Telenor Start"),
            Subscriber("381605555555", "prepaid", balance=rsd("5000"),
                       activated=START + timedelta(minutes=30))]


@st.composite
def streams(draw):
    n = draw(st.integers(1, 60))
    at = START
    events = []
    for _ in range(n):
        at += timedelta(minutes=draw(st.integers(0, 90)))
        kind = draw(st.integers(0, 20))
        msisdn = draw(st.sampled_from(["381631111111", "381642222222", "381653333333",
                                       "381664444444", "381605555555", "+381631111111",
                                       "381699999999"]))
        if kind == 0:
            events.append(Tick(at))
            continue
        when = at.replace(tzinfo=None) if kind == 1 else at
        amount = draw(st.one_of(st.integers(0, 4000), st.sampled_from([-1, 1.5, True])))
        events.append(Usage(msisdn, when, draw(st.sampled_from(SERVICES + ["fax"])), amount,
                            draw(st.sampled_from(PLACES)), draw(st.sampled_from(PARTIES))))
    return events


@given(streams())
def test_run_agrees_with_apply_on_drawn_streams(telenor_engine, events):
    engine = telenor_engine
    world = world_of(*subscribers())
    world, out = engine.passes.activate(world, "381642222222", "Dnevna karta",
                                        START + timedelta(minutes=5), "code")
    assert out.ok
    world, out = engine.passes.activate(world, "381653333333", "Putni paket 4", START, "code")
    assert out.ok
    assert_same(engine, world, events)


def test_roaming_usage_takes_the_fast_path(telenor_engine):
    # What the equality tests above compare must be the fast path's work, not apply's.
    world = world_of(*subscribers())
    events = [Usage("381631111111", START + timedelta(minutes=i), "outgoing call", 61,
                    Where("DE"), "+4915123456") for i in range(2)]
    world, out = telenor_engine.run(world, events)
    assert not any(type(x) is Outcome for x in out._items)  # records, not apply's outcomes
    # 61 s at 60/60 in Zona 1 = 2 x 119.90 = 239.80 RSD; 300 - 239.80 = 60.20 left, so the
    # second call (239.80 > 60.20) is refused.
    assert out[0].charge == Money(Decimal("239.80"), "RSD") and not out[1].ok
    assert out[1].reason == "insufficient balance"
    assert world.subscriber("381631111111").balance == Money(Decimal("60.20"), "RSD")
