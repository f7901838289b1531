"""Rating: the evaluator against the compiled runtime, event by event (every outcome field but
the arithmetic wording, every error, every world), on the shipped specs; and the runtime's
rating seed tests (tests/runtime/test_rating.py) run through the evaluator.

Hand-picked events reach every rule of docs/runtime/rating.md: each zone and service on both
sides of each interval edge, each destination of the Telenor Crna Gora list, the shown names of
a network, home usage, prepaid refusals, bad input; Hypothesis draws event streams.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.check import check_text
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from runtime.events import SERVICES, Tick, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.evaluate import evaluator_fixtures, same, seed_tests
from tests.runtime import test_rating as runtime_rating

seed_tests(globals(), runtime_rating)
telenor_engine, azercell_engine = evaluator_fixtures()

ME = "381631234567"
AZ = "994501234567"
T0 = datetime(2024, 7, 1, 10, 0, tzinfo=timezone.utc)

PLACES = (
    Where(),                                    # home
    Where(country="ME"),                        # Zona Region, on no known network
    Where(country="ME", network="297 01"),      # Telenor Crna Gora by MCC-MNC
    Where(country="ME", network="Promonte"),    # ... by a shown name
    Where(network="ye02"),                      # ... shown name, spaces and case, no country
    Where(country="ME", network="297 02"),      # another Montenegrin network
    Where(country="DE"), Where(country="DE", network="Telenor"),  # "Telenor" in Germany
    Where(country="CH"), Where(country="US"), Where(country="JP"), Where(country="MK"),
    Where(network="901 11"),                    # satellite, by MCC
    Where(country="ZZ"), Where(network="999 99"),  # no zone
)
PARTIES = (None, "+38163123456", "+38162123456", "+38263123456", "+38269123456",
           "+38267123456", "+38268123456", "+38164123456", "+38970123456", "+38761123456",
           "+4930123456", "+12025550123", "0631234567", "06x")
# Both sides of every interval edge: 60/60, 1/1, 30+1, 5 KB + 100 KB, 100 KB + 100 KB, 1+1 kB.
AMOUNTS = (0, 1, 2, 4, 5, 6, 29, 30, 31, 59, 60, 61, 99, 100, 101, 104, 105, 106, 119, 120, 121,
           200, 201, 205, 206, 3600)


def prepaid(balance="100000", segment="prepaid", msisdn=ME):
    bal = None if balance is None else Money(balance, "RSD" if msisdn == ME else "AZN")
    return world_of(Subscriber(msisdn, segment, balance=bal, activated=T0 - timedelta(days=1)))


@pytest.mark.parametrize("where", PLACES, ids=repr)
@pytest.mark.parametrize("service", SERVICES)
def test_every_place_service_and_interval_edge(telenor_evaluator, telenor_runtime, where, service):
    steps = [Usage(ME, T0, service, amount, where, party)
             for amount in AMOUNTS for party in (None, "+38263123456")]
    same(telenor_evaluator, telenor_runtime, prepaid(), steps)


@pytest.mark.parametrize("where", [Where(country="ME", network="297 01"), Where(country="ME")],
                         ids=repr)
@pytest.mark.parametrize("service", ["outgoing call", "callback call", "video call",
                                     "incoming call", "sms", "mms", "data"])
def test_every_destination(telenor_evaluator, telenor_runtime, where, service):
    steps = [Usage(ME, T0, service, amount, where, party)
             for party in PARTIES for amount in (0, 1, 30, 31, 61)]
    same(telenor_evaluator, telenor_runtime, prepaid(), steps)


@pytest.mark.parametrize("balance", [None, "0", "0.01", "27.98", "27.99", "239.80", "1000"])
def test_prepaid_balance_and_ledger(telenor_evaluator, telenor_runtime, balance):
    steps = [Usage(ME, T0 + timedelta(minutes=i), "outgoing call", 61, Where(country=c))
             for i, c in enumerate(("ME", "DE", "ME", "US", "ME"))]
    same(telenor_evaluator, telenor_runtime, prepaid(balance), steps)


def test_home_usage(telenor_evaluator, telenor_runtime, azercell_evaluator, azercell_runtime):
    for service in SERVICES:
        same(telenor_evaluator, telenor_runtime, prepaid(),
             [Usage(ME, T0, service, a, party=p) for a in (0, 1, 61) for p in (None, "+38163123456")])
        same(azercell_evaluator, azercell_runtime, prepaid("10", msisdn=AZ),
             [Usage(AZ, T0, service, a, where, "+994501234568")
              for a in (0, 1, 60, 61) for where in (Where(), Where(country="TR"))])


@pytest.mark.parametrize("event", [
    Usage(ME, T0, "fax", 1, Where(country="DE")),
    Usage(ME, T0, "outgoing call", -1, Where(country="DE")),
    Usage(ME, T0, "outgoing call", True, Where(country="DE")),
    Usage("381699999999", T0, "sms", 1, Where(country="DE")),
    Usage("06x", T0, "sms", 1, Where(country="DE")),
    Usage("0631234567", T0, "sms", 1, Where(country="DE")),   # national spelling of ME
    Usage(ME, T0 - timedelta(days=2), "sms", 1, Where(country="DE")),
    Usage(ME, T0.replace(tzinfo=None), "sms", 1, Where(country="DE")),
], ids=repr)
def test_bad_input(telenor_evaluator, telenor_runtime, event):
    same(telenor_evaluator, telenor_runtime, prepaid(), [event])


# Inline specs of the runtime's rating tests (Azercell-like rounding; a `-` cell).
INLINE = {
    "rounding": runtime_rating.AZ,
    "dash": '''operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr
  numbers decimal comma
}
zone "Zona 2" {
  countries CH
}
roaming prices "Standard" {
  interval outgoing call 60/60
  | zone   | outgoing call | sms     |
  |--------|---------------|---------|
  | unit   | RSD/min       | RSD/sms |
  | Zona 2 | -             | 34,90   |
}
'''}


@pytest.mark.parametrize("name", INLINE)
def test_inline_specs(name):
    tariff, diags = check_text(INLINE[name], "inline.tariff")
    assert diags == []
    msisdn = AZ if name == "rounding" else ME
    currency = tariff.operator.currency
    world = world_of(Subscriber(msisdn, "prepaid", balance=Money("1.00", currency)))
    steps = [Usage(msisdn, T0, s, a, w) for s in SERVICES for a in (0, 1, 59, 60, 61, 119)
             for w in (Where(), Where(country="CH"))]
    same(Evaluator(tariff), Engine(lower(tariff)), world, steps)


# --- drawn streams --------------------------------------------------------------------------

usages = st.builds(
    lambda service, amount, where, party, dt: (service, amount, where, party, dt),
    st.sampled_from(SERVICES), st.one_of(st.sampled_from(AMOUNTS), st.integers(0, 20000)),
    st.sampled_from(PLACES), st.sampled_from(PARTIES), st.integers(0, 3600))


@given(st.sampled_from((None, "0", "50", "500", "5000")), st.lists(usages, max_size=25))
def test_drawn_usage_streams(telenor_evaluator, telenor_runtime, balance, drawn):
    at, steps = T0, []
    for service, amount, where, party, dt in drawn:
        at += timedelta(seconds=dt)
        steps.append(Usage(ME, at, service, amount, where, party))
    same(telenor_evaluator, telenor_runtime, prepaid(balance), steps)
