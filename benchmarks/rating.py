"""Rating speed: the compiled Telenor Srbija module against a hand-written rater.

    python -m benchmarks rating [--events 1000000] [--explain-events 100000] [--runs 3] [--seed 4]

The events are drawn deterministically (`random.Random(seed)`): outgoing, callback, video and
incoming calls of various durations, SMS and data of various sizes, roaming in every zone of
seed 004 (by country; the satellite networks by MCC 901) and on Telenor Crna Gora (by MCC-MNC
or shown name), to and from Telenor Srbija, Telenor Crna Gora, ported, domestic and foreign
numbers; half of them by a prepaid subscriber with an active day pass (Dnevna karta), half by
one without. Figures (best of N runs, each from a fresh world):

- the compiled module: `generated.telenor_rs.run(world, events)`, explanations off: the
  bulk path (runtime.batch: mutable accounts inside the run, integer kernels, outcomes built
  when read; `run` and a fold of `apply` agree on everything, tests/runtime/test_batch.py);
- the baseline: `benchmarks.baseline_rater` (plain Python, mutable balances), the same events;
- the ratio compiled / baseline in events/s (target >= 1.0), and the compiled events/s
  (target >= 300,000 on one core);
- for comparison, on the first `--explain-events` events: one `apply(world, event)` per
  event, threading the immutable world, with explanations off and on (`run(..., explain=True)`
  takes that path).

Both raters are checked to agree on every charge before anything is timed.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from benchmarks.baseline_rater import BaselineRater
from benchmarks.parse import machine

PLAIN = "381631111111"  # prepaid, no pass
DAY_PASS = "381642222222"  # prepaid, Dnevna karta active throughout
BALANCE = Decimal(10) ** 12  # never runs out: every event is charged
START = datetime(2024, 7, 1, 8, tzinfo=timezone.utc)
STEP = timedelta(milliseconds=60)  # 1M events span 16.7 hours, inside the day pass's 24

# (country, network) of the phone; the weights make Telenor Crna Gora about a third.
PLACES = (
    [(("ME", "297 01"), 6), ((None, "Promonte"), 2), (("ME", "Telenor"), 2), ((None, "ME 01"), 1),
     (("ME", None), 2), (("MK", None), 1), (("BA", None), 1), ((None, "901 12"), 1)]
    + [((c, None), 1) for c in ("AT", "DE", "IT", "GR", "HR", "SI", "CH", "TR", "RU",
                                "US", "CA", "AU", "JP", "CN")])
SERVICES = (("outgoing call", 30), ("incoming call", 20), ("callback call", 4),
            ("video call", 3), ("sms", 18), ("data", 25))
# Other parties: Telenor Crna Gora, ported into it, Telenor Srbija, other Serbian and
# Montenegrin networks, the region, and further away.
PARTY_PREFIXES = ("+38263", "+38269", "+38267", "+38268", "+38162", "+38163", "+38169",
                  "+38160", "+38164", "+38965", "+38761", "+4915", "+1212", "+4420")


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return lambda k: rng.choices(values, weights, k=k)


def events(n: int, seed: int = 4) -> list:
    """`n` usage events, the same for the same seed."""
    from runtime.events import Usage, Where

    rng = random.Random(seed)
    wheres = {p: Where(*p) for p, _ in PLACES}
    places = _weighted(rng, PLACES)(n)
    services = _weighted(rng, SERVICES)(n)
    out = []
    for i in range(n):
        service = services[i]
        r = rng.random()
        if service == "data":
            amount = 0 if r < 0.02 else rng.randint(1, 5) if r < 0.15 else \
                rng.randint(6, 2000) if r < 0.85 else rng.randint(2001, 50_000)
            party = None
        else:
            if service == "sms":
                amount = 1 if r < 0.9 else rng.randint(2, 3)
            else:
                amount = 0 if r < 0.03 else rng.randint(1, 30) if r < 0.2 else \
                    rng.randint(31, 300) if r < 0.8 else rng.randint(301, 3600)
            party = rng.choice(PARTY_PREFIXES) + str(rng.randint(1_000_000, 9_999_999))
        msisdn = DAY_PASS if i & 1 else PLAIN
        out.append(Usage(msisdn, START + i * STEP, service, amount, wheres[places[i]], party))
    return out


def compiled_world():
    """The compiled module and a fresh world: both subscribers, the day pass bought."""
    from generated import telenor_rs
    from runtime.money import Money
    from runtime.state import Subscriber, world_of

    world = world_of(Subscriber(PLAIN, "prepaid", balance=Money(BALANCE, "RSD")),
                     Subscriber(DAY_PASS, "prepaid", balance=Money(BALANCE + 199, "RSD")))
    world, out = telenor_rs.ENGINE.passes.activate(world, DAY_PASS, "Dnevna karta",
                                                   START - timedelta(hours=1), "code")
    assert out.ok, out.reason
    return telenor_rs, world


def baseline() -> BaselineRater:
    """A fresh baseline with the same subscribers and day pass."""
    rater = BaselineRater()
    rater.add(PLAIN, BALANCE)
    rater.add(DAY_PASS, BALANCE, day_pass_until=START + timedelta(hours=23))
    return rater


def run_compiled(evs):
    module, world = compiled_world()
    world, _ = module.run(world, evs)
    return world


def apply_each(evs, explain: bool = False):
    module, world = compiled_world()
    apply = module.apply
    for ev in evs:
        world, _ = apply(world, ev, explain)
    return world


def run_baseline(evs):
    rate = baseline().rate
    for ev in evs:
        rate(ev)


def disagreements(evs) -> list[str]:
    """Events on which the two raters charge differently (empty: they agree)."""
    module, world = compiled_world()
    world, outcomes = module.run(world, evs)
    rater = baseline()
    bad = []
    for ev, out in zip(evs, outcomes):
        mine = rater.rate(ev)
        if not out.ok or out.charge.amount != mine:
            bad.append(f"{ev}: compiled {out.charge if out.ok else out.reason}, baseline {mine}")
    return bad


def best_of(runs: int, fn) -> float:
    """The fastest of `runs` calls, in seconds (the cyclic GC collected before each)."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks rating", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="events per timed run")
    ap.add_argument("--explain-events", type=int, default=100_000,
                    help="events for the explain=True figures")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure; the best counts")
    ap.add_argument("--seed", type=int, default=4, help="seed of the event generator")
    args = ap.parse_args(argv)

    print(machine())
    t0 = time.perf_counter()
    evs = events(args.events, args.seed)
    mix: dict[str, int] = {}
    for ev in evs:
        mix[ev.service] = mix.get(ev.service, 0) + 1
    cg = sum(1 for ev in evs if ev.where.network not in (None, "901 12"))
    print(f"events: {len(evs):,} (seed {args.seed}, generated in {time.perf_counter() - t0:.1f} s)"
          f"; {', '.join(f'{s} {k:,}' for s, k in mix.items())}; {cg:,} on Telenor Crna Gora;"
          f" half with an active day pass")
    check = evs[:20_000]
    bad = disagreements(check)
    if bad:
        print(f"the raters disagree on {len(bad)} of {len(check):,} events, e.g.\n  "
              + "\n  ".join(bad[:5]))
        return 1
    print(f"the raters agree on all charges of the first {len(check):,} events")

    n = len(evs)
    base = best_of(args.runs, lambda: run_baseline(evs))
    comp = best_of(args.runs, lambda: run_compiled(evs))
    print(f"\nbest of {args.runs}, {n:,} events:")
    print(f"  baseline (hand-written)   {base:7.3f} s  {n / base:10,.0f} events/s")
    print(f"  compiled run, explain off {comp:7.3f} s  {n / comp:10,.0f} events/s"
          f"   (target >= 300,000)")
    print(f"  ratio compiled / baseline {base / comp:7.2f}   (target >= 1.0)")

    sub = evs[:args.explain_events]
    m = len(sub)
    off = best_of(args.runs, lambda: apply_each(sub))
    on = best_of(args.runs, lambda: apply_each(sub, explain=True))
    print(f"\nbest of {args.runs}, first {m:,} events, one apply() per event (immutable world):")
    print(f"  apply, explain off        {off:7.3f} s  {m / off:10,.0f} events/s")
    print(f"  apply, explain on         {on:7.3f} s  {m / on:10,.0f} events/s"
          f"   (explanations cost {on / off - 1:+.0%} when asked for)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
