"""Effective dates (issue 10): the dated test operator rated at the instants around its
change on 2027-01-01 (Europe/Belgrade, CET = UTC+1: the day starts 2026-12-31 23:00 UTC),
grandfathered passes, refusals, and the compiled runtime against the evaluator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from runtime.events import Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.evaluate import same
from tests.versions.conftest import DATED

MSISDN = "381631234567"
CHANGE = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)  # 2027-01-01 00:00 CET
BEFORE = CHANGE - timedelta(seconds=1)
BG = ZoneInfo("Europe/Belgrade")


def world(balance="5000"):
    return world_of(Subscriber(MSISDN, "prepaid", balance=Money(balance, "RSD")))


def call(at, seconds=61):
    return Usage(MSISDN, at, "outgoing call", seconds, Where("AT"))


@pytest.fixture(params=["runtime", "evaluator"])
def side(request, dated_engine, dated_evaluator):
    return dated_engine if request.param == "runtime" else dated_evaluator


def test_the_second_before_the_change_is_the_old_price(side):
    _, out = side.apply(world(), call(BEFORE))
    assert out.charge == Money(Decimal("119.90") * 2, "RSD")  # 61 s at 60/60 = 2 min


def test_the_change_is_local_midnight(side):
    _, out = side.apply(world(), call(CHANGE))
    assert out.charge == Money(Decimal("129.90") * 2, "RSD")
    # the same instant written in Belgrade time
    _, local = side.apply(world(), call(datetime(2027, 1, 1, 0, 0, tzinfo=BG)))
    assert local.charge == out.charge
    lines = (DATED / "operator.tariff").read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines, 1) if "| 129,90" in line)
    assert out.source.endswith(f"operator.tariff:{row}")  # the row of the 2027 table


def test_a_pass_bought_before_the_change_keeps_its_terms(side):
    w, bought = side.passes.activate(world(), MSISDN, "Roaming minutes", BEFORE)
    assert bought.charge == Money(500, "RSD")  # the 2026 price
    # 11 minutes after the change: the old version's 10 minutes, 1 minute at the new price
    w, out = side.apply(w, call(CHANGE + timedelta(days=3), 660))
    assert out.charge == Money("129.90", "RSD")
    assert w.subscriber(MSISDN).passes[0].left.seconds == 0


def test_a_pass_bought_after_the_change_has_the_new_terms(side):
    w, bought = side.passes.activate(world(), MSISDN, "Roaming minutes", CHANGE)
    assert bought.charge == Money(600, "RSD")
    w, out = side.apply(w, call(CHANGE + timedelta(days=3), 660))
    assert out.charge == Money(Decimal("129.90") * 6, "RSD")  # 11 min - 5 included


def test_the_batch_path_gives_what_apply_gives(dated_engine):
    events = [call(BEFORE), call(CHANGE), call(CHANGE + timedelta(hours=5), 5)]
    w1, outs = dated_engine.run(world(), events)
    w2 = world()
    for ev in events:
        w2, o = dated_engine.apply(w2, ev)
        assert o.charge == outs[events.index(ev)].charge
    assert w1 == w2


def test_runtime_and_evaluator_agree_around_the_change(dated_evaluator, dated_engine):
    steps = [call(CHANGE - timedelta(days=1)), ("activate", MSISDN, "Roaming minutes", BEFORE, "code"),
             call(BEFORE, 301), call(CHANGE, 301), call(CHANGE + timedelta(days=29), 120),
             ("activate", MSISDN, "Roaming minutes", CHANGE + timedelta(days=31), "code"),
             call(CHANGE + timedelta(days=32), 400), ("quota", MSISDN, CHANGE + timedelta(days=32))]
    same(dated_evaluator, dated_engine, world(), steps)


@pytest.mark.parametrize("at, ok", [
    (BEFORE, False), (CHANGE, True),
    # `until 2027-01-31`: the last second of 31 January in Belgrade, then 1 February
    (datetime(2027, 1, 31, 22, 59, 59, tzinfo=timezone.utc), True),
    (datetime(2027, 1, 31, 23, 0, tzinfo=timezone.utc), False)])
def test_a_pass_is_sold_only_in_its_days(side, at, ok):
    _, out = side.passes.activate(world(), MSISDN, "Zimska karta", at)
    assert out.ok is ok
    if not ok:
        day = at.astimezone(BG).date().isoformat()
        assert out.reason == f"Zimska karta is not on sale on {day}"
        assert out.data["on sale"] == ("from 2027-01-01 until 2027-01-31",)


def test_a_dated_pass_of_one_version_prices_its_sms(side):
    w, _ = side.passes.activate(world(), MSISDN, "Zimska karta", CHANGE)
    _, out = side.apply(w, Usage(MSISDN, CHANGE + timedelta(hours=1), "sms", 1, Where("AT")))
    assert out.charge == Money(1, "RSD")
