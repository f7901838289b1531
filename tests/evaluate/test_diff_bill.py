"""The monthly bill (seed 001): the evaluator's bills against the compiled runtime's, at
`MonthEnd` after real traffic (rating, passes, commands, family fees) and by `make` over drawn
ledgers, periods and previous balances (every line, amount and formula compared, and every
error); and the runtime's bill seed tests (tests/runtime/test_bill.py) through the evaluator.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.lower import lower
from runtime.errors import TariffError
from runtime.events import Dial, MonthEnd, Sms, Tick, Usage, Where
from runtime.money import Money
from runtime.state import Allowance, Charge, Subscriber, world_of
from tests.evaluate import evaluator_fixtures, same
from tests.runtime import test_bill as runtime_bill
from tests.runtime.test_bill import BG, FULL, MSISDN, jan, rsd, subscriber

# The seed tests that take the bill area (`bills`); those that render (the runtime's job, not
# the evaluator's) or build runtime engines from tables stay with the runtime.
for _name, _test in vars(runtime_bill).items():
    if _name.startswith("test_") and callable(_test):
        _params = inspect.signature(_test).parameters
        _text = inspect.getsource(_test)
        if "bills" in _params and not any(x in _text
                                          for x in ("render(", "isinstance(", "Engine(")):
            globals()[_name] = _test
telenor_engine, azercell_engine = evaluator_fixtures()


@pytest.fixture(scope="module")
def bills(telenor_evaluator):
    """The evaluator's bill area, in place of the runtime's BillEngine."""
    return telenor_evaluator.bill


@pytest.fixture(scope="module")
def telenor_tables(telenor_tariff):
    return lower(telenor_tariff)


def cut(side, *args, **kw):
    try:
        return side.bill.make(*args, **kw).to_dict(), None
    except TariffError as e:
        return None, (type(e).__name__, e.reason, e.source)


def same_bill(evaluator, runtime, *args, **kw):
    a, b = cut(evaluator, *args, **kw), cut(runtime, *args, **kw)
    assert a == b


def test_spec_examples_through_both(telenor_evaluator, telenor_runtime, telenor_tariff):
    for ex in telenor_tariff.bills[0].examples:
        activated = datetime(ex.activation.year, ex.activation.month, ex.activation.day, tzinfo=BG)
        if ex.before:
            activated -= timedelta(days=20)
        world = world_of(subscriber(activated=activated))
        bill = telenor_evaluator.bill.make(world, MSISDN, ex.activation.year, ex.activation.month)
        assert bill.period == ex.period
        same_bill(telenor_evaluator, telenor_runtime, world, MSISDN, ex.activation.year,
                  ex.activation.month)


ME, POST = "381631234567", "381641000001"
T0 = datetime(2025, 3, 10, 12, tzinfo=BG)
PACKAGE = Allowance(seconds=6000, sms=50, kb=2000 * 1024)


def test_month_end_after_a_month_of_traffic(telenor_evaluator, telenor_runtime):
    people = [Subscriber(f"38164100000{i}", "postpaid", plan="Prenesi M", package=PACKAGE,
                         activated=datetime(2025, 3, 5, tzinfo=BG)) for i in range(1, 4)]
    world = world_of(Subscriber(ME, "prepaid", balance=rsd("20000"),
                                activated=datetime(2024, 1, 1, tzinfo=BG)), *people,
                     Subscriber("381641111111", "prepaid",
                                activated=datetime(2025, 5, 1, tzinfo=BG)))
    me, cg = Where("ME", "297 01"), Where("DE")
    steps = [Sms(ME, T0, "9000", "TPP1", cg), Dial(ME, T0, "*125*1#", me),
             Usage(ME, T0, "outgoing call", 61, cg, "+4930123456"),
             Usage(ME, T0, "data", 2000, me), Usage(ME, T0, "sms", 1, me, "+38263123456"),
             Usage(ME, T0, "incoming call", 30, me), Dial(ME, T0, "*111#", cg, "6 7"),
             Sms(POST, T0, "9001", "TELENOR PORODICA: 064 100 0002, 064 100 0003"),
             Sms("381641000002", T0, "9001", "DA"), Sms("381641000003", T0, "9001", "DA"),
             Tick(T0 + timedelta(days=2)),
             MonthEnd(datetime(2025, 3, 31, 23, 59, 59, tzinfo=BG)),
             MonthEnd(datetime(2025, 3, 31, 23, 59, 59, tzinfo=BG)),
             Usage(ME, datetime(2025, 4, 2, tzinfo=BG), "outgoing call", 600, cg),
             MonthEnd(datetime(2025, 4, 30, 22, tzinfo=BG)),
             MonthEnd(datetime(2025, 5, 31, 22, tzinfo=BG), "063 123 4567")]
    same(telenor_evaluator, telenor_runtime, world, steps)


CATEGORIES = ("outgoing call / Zona 1", "sms / Zona 2", "Putne pakete", "Roming 5MB",
              "Roming 20MB", "Dnevna karta", "Penali", "Telenor Porodica", "Besplatni minuti",
              "Ostala zaduženja - odobrenja", "USSD *100#")
charge = st.builds(
    lambda kind, cat, cents, day, unit, qty: Charge(jan(day), kind, cat, rsd(Decimal(cents) / 100),
                                                    qty, unit),
    st.sampled_from(("traffic", "discount", "one_time", "fee")), st.sampled_from(CATEGORIES),
    st.integers(-500, 200000), st.integers(1, 31), st.sampled_from(("s", "KB", "sms", "use", "")),
    st.integers(-1, 3600))


@given(st.lists(charge, max_size=12),
       st.sampled_from([None, Decimal("0"), Decimal("200"), Decimal("-35.50"), "12.5", 1.5]),
       st.sampled_from([None, datetime(2012, 6, 1, tzinfo=BG), datetime(2013, 1, 17, tzinfo=BG),
                        datetime(2013, 1, 16, 23, 30, tzinfo=BG), datetime(2013, 2, 1, tzinfo=BG)]),
       st.sampled_from([(2013, 1), (2012, 12), (2013, 2), (2013, 13)]),
       st.sampled_from([None, date(2013, 2, 20), date(2013, 1, 15)]))
def test_drawn_ledgers(telenor_evaluator, telenor_runtime, ledger, previous, activated, month,
                       due):
    world = world_of(subscriber(*ledger, activated=activated))
    same_bill(telenor_evaluator, telenor_runtime, world, "063 123 4567", *month, due_date=due,
              previous_balance=previous)


def test_bad_input_agrees(telenor_evaluator, telenor_runtime):
    world = world_of(subscriber(*FULL))
    for args, kw in [((world, "381600000000", 2013, 1), {}), ((world, "06x", 2013, 1), {}),
                     ((world, MSISDN, 2013, 0), {}), ((world, MSISDN, 2013, 1),
                                                      {"previous_balance": Money("1", "EUR")}),
                     ((world, MSISDN, 2013, 1), {"previous_balance": "abc"}),
                     ((world, MSISDN, 2013, 1), {"due_date": "2013-02-20"}),
                     ((world_of(subscriber(Charge(jan(3), "rebate", "x", rsd("1")))), MSISDN, 2013,
                       1), {}),
                     ((world_of(subscriber(Charge(jan(3), "fee", "x", Money("1", "EUR")))), MSISDN,
                       2013, 1), {})]:
        same_bill(telenor_evaluator, telenor_runtime, *args, **kw)
