"""Effective dates on a copy of the shipped Telenor specs: the Telenor Crna Gora network
prices change on 2027-01-01 (10,07 -> 11,07 RSD/min to Telenor numbers) and the day pass
gets a new version (199 -> 249 RSD); runtime and evaluator agree around the change."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from runtime.events import Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.cli.conftest import SPECS
from tests.evaluate import same

CHANGE = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)  # 2027-01-01 00:00 in Belgrade
ME = "381631234567"
TCG = Where("ME", "297 01")
HOME_PARTY = "+381631111111"  # +38163: Telenor Srbija (illustrative prefix)


def versioned(text: str, head: str, edit) -> str:
    """`text` with the block starting `head` ending 2026-12-31 and an edited copy from 2027-01-01."""
    start = text.index(head)
    block = text[start:text.index("\n}\n", start) + 3]
    old = block.replace(head, head + "  until 2026-12-31\n", 1)
    new = edit(block.replace(head, head + "  valid from 2027-01-01\n", 1))
    return text.replace(block, old + "\n" + new)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    dst = tmp_path_factory.mktemp("dated") / "specs"
    shutil.copytree(SPECS, dst)
    roaming = dst / "telenor_rs/roaming.tariff"
    roaming.write_text(versioned(roaming.read_text(encoding="utf-8"),
                                 'network prices "Telenor Crna Gora" {\n',
                                 lambda b: b.replace("10,07 RSD/min", "11,07 RSD/min")),
                       encoding="utf-8")
    passes = dst / "telenor_rs/passes.tariff"
    passes.write_text(versioned(passes.read_text(encoding="utf-8"), 'pass "Dnevna karta" {\n',
                                lambda b: b.replace("price 199 RSD", "price 249 RSD")),
                      encoding="utf-8")
    result = check_paths([str(dst / "telenor_rs")])
    assert not result.errors, [str(d) for d in result.errors]
    t = result.tariffs[0]
    return Evaluator(t), Engine(lower(t))


def world():
    return world_of(Subscriber(ME, "prepaid", balance=Money("5000", "RSD")))


def call(at, seconds=60):
    return Usage(ME, at, "outgoing call", seconds, TCG, party=HOME_PARTY)


def test_network_prices_change_at_local_midnight(pair):
    for side in pair:
        # 30+1: 60 s is 60 s; 1 min x 10,07 before, x 11,07 after
        assert side.apply(world(), call(CHANGE - timedelta(seconds=1)))[1].charge == Money("10.07", "RSD")
        assert side.apply(world(), call(CHANGE))[1].charge == Money("11.07", "RSD")


def test_the_day_pass_bought_before_is_the_old_one(pair):
    for side in pair:
        w, old = side.passes.activate(world(), ME, "Dnevna karta", CHANGE - timedelta(seconds=1))
        _, new = side.passes.activate(world(), ME, "Dnevna karta", CHANGE)
        assert (old.charge, new.charge) == (Money(199, "RSD"), Money(249, "RSD"))
        # bought under the old version, still free calls to Telenor numbers after the change
        assert side.apply(w, call(CHANGE + timedelta(hours=1)))[1].charge == Money(0, "RSD")


def test_runtime_and_evaluator_agree(pair):
    evaluator, engine = pair
    steps = [call(CHANGE - timedelta(seconds=1), 95), ("activate", ME, "Dnevna karta", CHANGE - timedelta(hours=1), "code"),
             call(CHANGE, 61), Usage(ME, CHANGE + timedelta(minutes=5), "sms", 1, TCG, party=HOME_PARTY),
             Usage(ME, CHANGE + timedelta(minutes=6), "data", 2048, TCG),
             call(CHANGE + timedelta(days=1), 61),
             ("activate", ME, "Dnevna karta", CHANGE + timedelta(days=1, minutes=1), "code"),
             Usage(ME, CHANGE + timedelta(days=1, minutes=2), "outgoing call", 61, TCG, party="+4930123456")]
    same(evaluator, engine, world(), steps)
