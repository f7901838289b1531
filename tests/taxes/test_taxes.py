"""Taxes (issue 10): `vat 20 % excluded` on the taxed test operator (0.25 GBP/min 60/60,
0.10 GBP/sms, prices net), and `vat 20 % included` on the same spec with the header changed.
Every expected value is derived by hand below."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.batch import Batch
from runtime.engine import Engine
from runtime.events import Dial, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from runtime.taxes import split
from tests.taxes.conftest import TAXED

ME = "447700900123"
PARTY = "+447700900456"
AT = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc)
RATE = {"rate": Decimal(20), "quantum": Decimal("0.01")}


@pytest.fixture(params=["runtime", "evaluator"])
def side(request, taxed_engine, taxed_evaluator):
    return taxed_engine if request.param == "runtime" else taxed_evaluator


def call(seconds, at=AT):
    return Usage(ME, at, "outgoing call", seconds, Where(), party=PARTY)


def sms(at=AT):
    return Usage(ME, at, "sms", 1, Where(), party=PARTY)


def test_split_by_hand():
    # 10,00 net at 20 %: VAT 2,00, gross 12,00
    assert split(Decimal("10.00"), {**RATE, "included": False}) == (
        Decimal("10.00"), Decimal("2.00"), Decimal("12.00"))
    # 119,90 gross at 20 % included: net 119,90 x 100 / 120 = 99,9166.. -> 99,92; VAT 19,98
    assert split(Decimal("119.90"), {**RATE, "included": True}) == (
        Decimal("99.92"), Decimal("19.98"), Decimal("119.90"))
    # a half: 0,05 net at 10 % is 0,005 VAT -> 0,01 half-up
    assert split(Decimal("0.05"), {"rate": Decimal(10), "quantum": Decimal("0.01"),
                                   "included": False})[1] == Decimal("0.01")


def test_postpaid_bill_adds_vat_on_the_total(side):
    # three calls of 61 s (2 min each at 0,25 = 0,50) and one SMS (0,07): net 1,57;
    # VAT 1,57 x 20 / 100 = 0,314 -> 0,31; gross 1,88
    world = world_of(Subscriber(ME, "postpaid"))
    for ev in (call(61), call(61), call(61), sms()):
        world, out = side.apply(world, ev)
        assert out.ok, out.reason
    bill = side.bill.make(world, ME, 2027, 1)
    net = 3 * Decimal("0.50") + Decimal("0.07")
    assert bill.amount_of("net") == Money(net, "GBP") == Money("1.57", "GBP")
    assert bill.amount_of("vat") == Money("0.31", "GBP")
    assert bill.amount_of("gross") == Money("1.88", "GBP")
    assert bill.amount == Money("1.88", "GBP")  # amount = usage + one_time + vat
    assert bill.to_dict()["vat"] == {"rate": "20", "included": False}


def test_vat_is_rounded_once_on_the_bill(side):
    # three SMS of 0,07: per event the VAT would be 3 x (0,014 -> 0,01) = 0,03; on the bill's
    # total it is 0,21 x 20 / 100 = 0,042 -> 0,04, and that is the rule
    world = world_of(Subscriber(ME, "postpaid"))
    for _ in range(3):
        world, _out = side.apply(world, sms())
    bill = side.bill.make(world, ME, 2027, 1)
    assert bill.amount_of("vat") == Money("0.04", "GBP")
    assert bill.amount_of("net") + bill.amount_of("vat") == bill.amount_of("gross") == Money("0.25", "GBP")


def test_prepaid_balance_pays_gross(side):
    # a 61 s call is 0,50 net; the balance pays 0,50 + 0,10 VAT = 0,60: 5,00 - 0,60 = 4,40
    world = world_of(Subscriber(ME, "prepaid", balance=Money("5.00", "GBP")))
    world, out = side.apply(world, call(61))
    assert out.ok and out.charge == Money("0.50", "GBP")
    assert out.data["gross"] == "0.60"
    assert world.subscriber(ME).balance == Money("4.40", "GBP")
    # an SMS of 0,07 pays 0,07 + (0,014 -> 0,01) = 0,08: 4,40 - 0,08 = 4,32
    world, out = side.apply(world, sms())
    assert world.subscriber(ME).balance == Money("4.32", "GBP")
    # 0,55 left can buy no 0,50 + 0,10 call
    world = world_of(Subscriber(ME, "prepaid", balance=Money("0.55", "GBP")))
    world, out = side.apply(world, call(61))
    assert not out.ok and out.reason == "insufficient balance"


def test_prepaid_code_pays_gross(side):
    # *111# costs 0,10 net: the balance pays 0,10 + 0,02 VAT = 0,12; 1,00 - 0,12 = 0,88
    world = world_of(Subscriber(ME, "prepaid", balance=Money("1.00", "GBP")))
    world, out = side.apply(world, Dial(ME, AT, "*111#"))
    assert out.ok, out.reason
    assert world.subscriber(ME).balance == Money("0.88", "GBP")
    assert world.subscriber(ME).ledger[-1].amount == Money("0.10", "GBP")  # the ledger: net
    # 0,11 cannot pay 0,12
    world = world_of(Subscriber(ME, "prepaid", balance=Money("0.11", "GBP")))
    world, out = side.apply(world, Dial(ME, AT, "*111#"))
    assert not out.ok and world.subscriber(ME).balance == Money("0.11", "GBP")


def test_prepaid_pass_pays_gross(side):
    # "Day bundle" costs 1,05 net: the balance pays 1,05 + 0,21 VAT = 1,26; 2,00 - 1,26 = 0,74;
    # the one-time charge on the ledger is the net 1,05
    world = world_of(Subscriber(ME, "prepaid", balance=Money("2.00", "GBP")))
    world, out = side.apply(world, Dial(ME, AT, "*125#"))
    assert out.ok, out.reason
    assert world.subscriber(ME).balance == Money("0.74", "GBP")
    assert world.subscriber(ME).ledger[-1].amount == Money("1.05", "GBP")
    world = world_of(Subscriber(ME, "prepaid", balance=Money("1.25", "GBP")))
    world, out = side.apply(world, Dial(ME, AT, "*125#"))
    assert not out.ok and world.subscriber(ME).balance == Money("1.25", "GBP")


def test_fast_path_is_off_for_excluded(taxed_engine):
    assert Batch.of(taxed_engine) is None


def test_rendered_tax_lines(taxed_engine):
    world = world_of(Subscriber(ME, "postpaid"))
    world, _ = taxed_engine.apply(world, call(61 * 20))  # 21 min x 0,25 = 5,25 net
    bill = taxed_engine.bill.make(world, ME, 2027, 1)
    text = taxed_engine.bill.render(bill, "text", "en")
    # VAT 5,25 x 0,2 = 1,05; gross 6,30
    for line in ("Net (excl. VAT): 5.25 GBP", "VAT 20 %: 1.05 GBP", "Total incl. VAT: 6.30 GBP",
                 "Amount of the monthly bill: 6.30 GBP"):
        assert line in text, text
    md = taxed_engine.bill.render(bill, "markdown", "en")
    assert "- VAT 20 %: 1.05 GBP" in md
    html = taxed_engine.bill.render(bill, "html", "en")
    assert "<b>VAT 20 %:</b> 1.05 GBP" in html


@pytest.fixture(scope="module")
def included(tmp_path_factory):
    """The taxed spec with `vat 20 % included` and the plain formula `amount = usage + one_time`."""
    d = tmp_path_factory.mktemp("included")
    text = (TAXED / "operator.tariff").read_text(encoding="utf-8")
    text = text.replace("vat 20 % excluded", "vat 20 % included").replace(
        "formula amount = usage + one_time + vat", "formula amount = usage + one_time")
    text = text.replace("0.25 GBP/min", "59.95 GBP/min")
    (d / "operator.tariff").write_text(text, encoding="utf-8")
    result = check_paths([str(d)])
    assert not result.errors, [str(x) for x in result.errors]
    return result.tariffs[0]


@pytest.mark.parametrize("which", ["runtime", "evaluator"])
def test_included_splits_gross(included, which):
    side = Engine(lower(included)) if which == "runtime" else Evaluator(included)
    world = world_of(Subscriber(ME, "prepaid", balance=Money("500.00", "GBP")))
    world, out = side.apply(world, call(61))  # 2 min x 59,95 = 119,90 gross
    assert out.charge == Money("119.90", "GBP") and "gross" not in out.data
    assert world.subscriber(ME).balance == Money("380.10", "GBP")  # prepaid pays the gross as written
    bill = side.bill.make(world, ME, 2027, 1)
    # 119,90 x 100 / 120 = 99,9166.. -> 99,92 net; VAT 119,90 - 99,92 = 19,98
    assert bill.amount_of("net") == Money("99.92", "GBP")
    assert bill.amount_of("vat") == Money("19.98", "GBP")
    assert bill.amount_of("gross") == bill.amount == Money("119.90", "GBP")


def test_runtime_and_evaluator_split_alike(taxed_evaluator):
    """runtime.taxes.split (Decimal quantize) and the evaluator's Fraction arithmetic agree on
    2,000 drawn totals and rates, and the lines always sum exactly."""
    import random
    rng = random.Random(10)
    area = taxed_evaluator.bill
    for _ in range(2000):
        total = Decimal(rng.randint(-5000, 200000)).scaleb(-2)
        rate = Decimal(rng.randint(1, 9999)).scaleb(-2)
        for included in (True, False):
            net, vat, gross = split(total, {"rate": rate, "included": included,
                                            "quantum": Decimal("0.01")})
            assert net + vat == gross and (gross if included else net) == total
            ev = area._taxes(total, rate, included)
            assert (ev["net"].amount, ev["vat"].amount, ev["gross"].amount) == (net, vat, gross)
