"""Time bands (issue 10) on the banded test operator: peak 12,00, off-peak 6,00 and night
1,00 RSD/min at home (60/60), `crossing split`; Europe/Belgrade is CET (UTC+1) in winter and
CEST (UTC+2) from 2026-03-29 02:00 to 2026-10-25 03:00."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from runtime.events import Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.evaluate import same

ME = "381631234567"
PARTY = "+381641234567"
PEAK, OFF, NIGHT = Decimal(12), Decimal(6), Decimal(1)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def world():
    return world_of(Subscriber(ME, "prepaid", balance=Money("5000", "RSD")))


def call(at, seconds):
    return Usage(ME, at, "outgoing call", seconds, Where(), party=PARTY)


@pytest.fixture(params=["runtime", "evaluator"])
def side(request, banded_engine, banded_evaluator):
    return banded_engine if request.param == "runtime" else banded_evaluator


CASES = [
    # Monday 2027-01-04 10:00 CET: peak; 61 s is 2 min
    (utc(2027, 1, 4, 9, 0), 61, 2 * PEAK, None),
    # the same time on a holiday the spec lists (2027-01-07, a Thursday): off-peak
    (utc(2027, 1, 7, 9, 0), 61, 2 * OFF, None),
    # Saturday: no rule, `otherwise off-peak`
    (utc(2027, 1, 9, 9, 0), 61, 2 * OFF, None),
    # a second before the 19:00 edge: 1 s peak, then 60 s off-peak + 59 s of rounding
    (utc(2027, 1, 4, 17, 59, 59), 61, PEAK / 60 + OFF * 119 / 60, "1 s peak + 119 s off-peak"),
    # starting at the edge: all off-peak
    (utc(2027, 1, 4, 18, 0), 61, 2 * OFF, None),
    # 18:59:30 for 90 s: 30 s peak, 60 s + 30 s of rounding off-peak
    (utc(2027, 1, 4, 17, 59, 30), 90, PEAK / 2 + OFF * 90 / 60, "30 s peak + 90 s off-peak"),
    # DST forward, Sunday 2026-03-29: 01:59 CET, the clock jumps to 03:00 CEST (01:00 UTC),
    # inside 02:30-03:30: 60 s off-peak, then 60 s night
    (utc(2026, 3, 29, 0, 59), 120, OFF + NIGHT, "60 s off-peak + 60 s night"),
    # DST back, Sunday 2026-10-25: 02:59 CEST is night; at 01:00 UTC the clock goes back to
    # 02:00 CET, off-peak until 02:30 CET (01:30 UTC), then night again
    (utc(2026, 10, 25, 0, 59), 120, NIGHT + OFF, "60 s night + 60 s off-peak"),
    (utc(2026, 10, 25, 1, 29), 120, OFF + NIGHT, "60 s off-peak + 60 s night"),
]


@pytest.mark.parametrize("at, seconds, expected, cut", CASES)
def test_band_prices_and_splits(side, at, seconds, expected, cut):
    _, out = side.apply(world(), call(at, seconds), explain=True)
    assert out.charge == Money(expected.quantize(Decimal("0.01")), "RSD")
    assert out.data.get("bands") == cut


def test_sms_is_priced_by_its_band_and_never_split(side):
    _, out = side.apply(world(), Usage(ME, utc(2027, 1, 4, 9), "sms", 1, Where(), party=PARTY))
    assert out.charge == Money(3, "RSD")


def test_the_batch_path_gives_what_apply_gives(banded_engine):
    events = [call(at, s) for at, s, _, _ in CASES]
    w1, outs = banded_engine.run(world(), events)
    w2 = world()
    for ev, o in zip(events, outs):
        w2, mine = banded_engine.apply(w2, ev)
        assert mine.charge == o.charge
    assert w1 == w2


def test_runtime_and_evaluator_agree(banded_evaluator, banded_engine):
    steps = [call(at, s) for at, s, _, _ in CASES]
    # a long call across two edges: Monday 06:58 CET for 1 h 3 min (off-peak, peak)
    steps.append(call(utc(2027, 1, 4, 5, 58), 3780))
    # a call through the whole night band and the DST hour, 4 hours from 00:00 UTC on 25 Oct
    steps.append(call(utc(2026, 10, 25, 0, 0), 4 * 3600 + 7))
    same(banded_evaluator, banded_engine, world(), steps)


def test_bands_and_dates_together(tmp_path):
    """A banded price list that also changes on 2027-01-01: peak 12,00 -> 13,00 RSD/min."""
    import shutil
    from compiler.check import check_paths
    from compiler.evaluate import Evaluator
    from compiler.lower import lower
    from runtime.engine import Engine
    from tests.timebands.conftest import BANDED
    dst = tmp_path / "banded"
    shutil.copytree(BANDED, dst)
    path = dst / "operator.tariff"
    text = path.read_text(encoding="utf-8")
    head = 'home prices "Domaći saobraćaj" {\n  band peak\n'
    start = text.index(head)
    block = text[start:text.index("\n}\n", start) + 3]
    old = block.replace(head, head + "  until 2026-12-31\n")
    new = block.replace(head, head + "  valid from 2027-01-01\n").replace("12,00", "13,00")
    path.write_text(text.replace(block, old + "\n" + new), encoding="utf-8")
    result = check_paths([str(dst)])
    assert not result.errors, [str(d) for d in result.errors]
    t = result.tariffs[0]
    evaluator, engine = Evaluator(t), Engine(lower(t))
    # Thursday 2026-12-31 10:00 CET peak 2 min x 12,00; Monday 2027-01-04 2 min x 13,00;
    # Monday 18:59:59 for 61 s: 1 s x 13,00/60 + 119 s x 6,00/60 = 0,2166.. + 11,90
    cases = [(utc(2026, 12, 31, 9), 61, Decimal(24)), (utc(2027, 1, 4, 9), 61, Decimal(26)),
             (utc(2027, 1, 4, 17, 59, 59), 61, Decimal("12.12"))]
    for side in (evaluator, engine):
        for at, s, expected in cases:
            assert side.apply(world(), call(at, s))[1].charge == Money(expected, "RSD")
    same(evaluator, engine, world(), [call(at, s) for at, s, _ in cases])


def test_home_hooks_reach_every_band(banded_engine):
    """runtime.family registers its home hook on `engine.rating`; each band's rating sees it."""
    rating = banded_engine.rating
    assert all(r.home_hooks is rating.home_hooks for r in rating.by_band.values())
    old, fresh = rating.home_hooks, []
    rating.home_hooks = fresh  # as runtime.versions does when it holds one per period
    assert all(r.home_hooks is fresh for r in rating.by_band.values())
    rating.home_hooks = old
