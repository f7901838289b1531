"""Golden vectors: how long they take to generate, to judge, and to run.

    python -m benchmarks vectors [--runs 3] [--adequacy-sample N]

Figures, per operator and in total (best of N runs for the timings below a second's scale):

- generation: `compiler.vectors.files(tariff)` (cases from the model, expectations recorded by
  the reference evaluator, JSON), vectors, events and bytes;
- adequacy: a full `compiler.adequacy.run` (every mutant lowered, built as an Engine and run
  against the vectors until one fails), mutants killed of N and the time per mutant;
- the speed ratio on the vector set: every vector's events through the compiled module
  (`generated.<operator>`) and through the evaluator, explanations on as the vectors are
  checked, in events/s, and compiled / evaluator.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from benchmarks.parse import machine


def _best(fn, runs: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best, value


def _timelines(loaded, engine):
    """(start world, runtime events) of every vector; `bill` steps (not engine events) left out."""
    from runtime import errors
    from runtime import scenario as sc
    out = []
    for s in loaded:
        binder = sc._Binder(engine)
        evs = []
        for step in s.events:
            if step.kind == "bill":
                continue
            try:
                evs.append(binder.event(step))
            except errors.TariffError:
                continue
        out.append((binder.world(s), evs))
    return out


def _replay(impl, timelines, explain: bool) -> None:
    from runtime.errors import TariffError
    for world, evs in timelines:
        for ev in evs:
            try:
                world, _ = impl.apply(world, ev, explain)
            except TariffError:
                pass


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks vectors")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--adequacy-sample", type=int, default=None,
                    help="run adequacy on a sample of mutants (default: all)")
    args = ap.parse_args(argv)

    from compiler import adequacy, vectors
    from compiler.check import check_paths
    from runtime import scenario as sc

    print(machine())
    result = check_paths(["specs"])
    if result.errors:
        print("specs have errors; run `tariffc check`", file=sys.stderr)
        return 2
    totals = {"gen": 0.0, "adequacy": 0.0, "compiled": 0.0, "evaluator": 0.0, "events": 0}
    for tariff in sorted(result.tariffs, key=lambda t: t.id):
        op = tariff.id
        seconds, files = _best(lambda: vectors.files(tariff), args.runs)
        docs = [json.loads(text) for text in files.values()]
        loaded = [sc.load(vectors.scenario_of(v)) for d in docs for v in d["vectors"]]
        events = sum(len(s.events) for s in loaded)
        size = sum(len(text.encode()) for text in files.values())
        totals["gen"] += seconds
        totals["events"] += events
        print(f"{op}: generate {len(loaded)} vectors, {events} events, {size / 1e6:.2f} MB "
              f"in {seconds:.2f} s")

        report = adequacy.run(tariff, sample=args.adequacy_sample)
        totals["adequacy"] += report.seconds
        n = len(report.killed) + len(report.survivors)
        print(f"{op}: adequacy killed {len(report.killed)} of {n} mutants "
              f"({len(report.equivalent)} equivalent) in {report.seconds:.1f} s "
              f"({1000 * report.seconds / max(report.total, 1):.0f} ms per mutant)")

        engine = importlib.import_module(f"generated.{op}").ENGINE
        oracle = vectors.Oracle(tariff)
        timelines = _timelines(loaded, engine)
        n_events = sum(len(evs) for _, evs in timelines)
        for explain in (False, True):
            compiled, _ = _best(lambda: _replay(engine, timelines, explain), args.runs)
            evaluated, _ = _best(lambda: _replay(oracle, timelines, explain), args.runs)
            if explain:
                totals["compiled"] += compiled
                totals["evaluator"] += evaluated
            print(f"{op}: vector set, explain={explain}: compiled {n_events / compiled:,.0f} "
                  f"events/s, evaluator {n_events / evaluated:,.0f} events/s, ratio "
                  f"compiled/evaluator {evaluated / compiled:.2f}")
    print(f"total: generation {totals['gen']:.2f} s, adequacy {totals['adequacy']:.1f} s, "
          f"ratio compiled/evaluator {totals['evaluator'] / totals['compiled']:.2f} "
          f"on {totals['events']} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
