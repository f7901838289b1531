"""Bulk CDR rating speed: the columnar kernel, the stateful fold, Spark, against `run`.

    python -m benchmarks cdr [--rows 10000000] [--fold-rows 1000000] [--spark-rows 2000000]
                             [--no-spark] [--seed 4] [--dir DIR]

Generates (numpy, deterministic) a Parquet file of `--rows` mixed Telenor Srbija roaming
rows in the mix of `benchmarks.rating` (every zone, Telenor Crna Gora by MCC-MNC and shown
name, calls, SMS and data, parties on every network), 100,000 subscribers, then prints:

- **stateless kernel**, end to end Parquet -> Parquet (`runtime.cdr.files.rate_file`, an
  empty world: every row stateless), in a child process so that its peak RSS is its own;
  one process = one core (target >= 10 M rows/s per core; peak RSS < 1 GB);
- **stateful fold**: `--fold-rows` rows of 1,000 prepaid subscribers who are all in the
  world (balances), grouped, sorted and folded through `Engine.run` (target >= 1 M rows/s);
- **Spark local[2]**: `runtime.cdr.spark.rate_dataframe` on `--spark-rows` rows, written to
  Parquet, next to Spark copying the same file (read and write, no rating: Spark's own cost
  here); skipped without pyspark or Java, or with `--no-spark`;
- **`run`**: `generated.telenor_rs.run` on 1 M `Usage` events of the same mix
  (`benchmarks.rating`), and the ratios of the above to it.

Figures are one run each (the files are large), per core = rows / CPU seconds of the
process (the machine is shared: wall time is printed too); the machine is printed first.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.parse import machine
from benchmarks.rating import PARTY_PREFIXES, PLACES, SERVICES

CHUNK = 1 << 20


def generate(path: Path, rows: int, seed: int, subscribers: int = 100_000,
             prepaid: bool = False) -> None:
    """Write `rows` CDR rows to a Parquet file, a row group per million, never holding more."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    msisdns = pa.array([f"+3816{n:08d}" for n in rng.choice(10 ** 8, subscribers, replace=False)])
    if prepaid:
        msisdns = pa.array([f"+38163{n:07d}" for n in range(subscribers)])
    places = [p for p, _ in PLACES]
    pw = np.array([w for _, w in PLACES], dtype=float)
    countries = pa.array(sorted({c for c, _ in places if c}))
    networks = pa.array(sorted({n for _, n in places if n}))
    c_ix = [None if c is None else countries.to_pylist().index(c) for c, _ in places]
    n_ix = [None if n is None else networks.to_pylist().index(n) for _, n in places]
    services = pa.array([s for s, _ in SERVICES])
    sw = np.array([w for _, w in SERVICES], dtype=float)
    parties = pa.array([p + str(d) for p, d in zip(
        rng.choice(PARTY_PREFIXES, 50_000), rng.integers(1_000_000, 9_999_999, 50_000))])
    start = np.datetime64("2026-07-01T08:00:00", "us").astype(np.int64)
    writer = None
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        place = rng.choice(len(places), n, p=pw / pw.sum())
        service = rng.choice(len(services), n, p=sw / sw.sum())
        is_data = service == 5
        r = rng.random(n)
        calls = np.where(r < 0.03, 0, np.where(r < 0.2, rng.integers(1, 31, n), np.where(
            r < 0.8, rng.integers(31, 301, n), rng.integers(301, 3601, n))))
        data = np.where(r < 0.02, 0, np.where(r < 0.15, rng.integers(1, 6, n), np.where(
            r < 0.85, rng.integers(6, 2001, n), rng.integers(2001, 50_001, n))))
        sms = np.where(r < 0.9, 1, rng.integers(2, 4, n))
        qty = np.where(is_data, data, np.where(service == 4, sms, calls))
        cidx = np.array([-1 if c is None else c for c in c_ix])[place]
        nidx = np.array([-1 if x is None else x for x in n_ix])[place]
        pidx = rng.integers(0, len(parties), n)

        def dict_col(idx, values, null=None):
            return pa.DictionaryArray.from_arrays(
                pa.array(idx.astype(np.int32), mask=null), values)

        t = start + (done + np.arange(n, dtype=np.int64)) * 60_000  # 60 ms apart
        table = pa.table({
            "time": pa.array(t, pa.timestamp("us", "UTC")),
            "msisdn": dict_col(rng.integers(0, len(msisdns), n), msisdns),
            "service": dict_col(service, services),
            "quantity": pa.array(qty.astype(np.int64)),
            "country": dict_col(np.maximum(cidx, 0), countries, cidx < 0),
            "network": dict_col(np.maximum(nidx, 0), networks, nidx < 0),
            "party": dict_col(pidx, parties, is_data),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        done += n
    writer.close()


def kernel_child(src: str, out: str) -> None:
    """Rate `src` into `out` statelessly; print seconds, counts and peak RSS as JSON."""
    import resource

    from generated import telenor_rs
    from runtime.cdr.files import rate_file
    from runtime.cdr.rater import Rater

    rater = Rater(telenor_rs.ENGINE)
    feed, rating = rater.feed, [0.0]

    def timed(batch):  # the CPU time of rating alone, without reading and writing
        c = time.process_time()
        out = feed(batch)
        rating[0] += time.process_time() - c
        return out

    rater.feed = timed
    t0, c0 = time.perf_counter(), time.process_time()
    counts = rate_file(rater, src, out)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rating": rating[0], "counts": counts,
                      "rss": rss}))


def _fold(src: Path, out: Path, subscribers: int, passes: bool = False):
    """(wall s, CPU s, counts) of rating `src`, every subscriber in the world with a
    balance; with `passes`, every other one also holds a day pass (Dnevna karta) throughout,
    so that its rows go through `Engine.run`."""
    from datetime import datetime, timedelta, timezone

    from generated import telenor_rs
    from runtime.cdr.files import rate_file
    from runtime.cdr.rater import Rater, world_of_scenario

    engine = telenor_rs.ENGINE
    world = world_of_scenario(engine, {"subscribers": [
        {"msisdn": f"+38163{n:07d}", "segment": "prepaid", "balance": "1000000000.00"}
        for n in range(subscribers)]})
    if passes:
        start = datetime(2026, 7, 1, 7, tzinfo=timezone.utc)
        for n in range(0, subscribers, 2):
            world, o = engine.passes.activate(world, f"38163{n:07d}", "Dnevna karta", start,
                                              "code")
            assert o.ok, o.reason
        assert start + timedelta(hours=24) > datetime(2026, 7, 1, 8, tzinfo=timezone.utc) \
            + timedelta(milliseconds=60 * 1_000_000)  # the pass lasts the whole file
    rater = Rater(engine, world)
    t0, c0 = time.perf_counter(), time.process_time()
    counts = rate_file(rater, src, out)
    return time.perf_counter() - t0, time.process_time() - c0, counts


def _spark(src: Path, out: Path) -> tuple[float, float, int] | str:
    """(seconds to copy `src` with Spark, seconds to rate it, rows) or why not: the copy
    (read and write the same Parquet, no rating) is Spark's own cost on this machine."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "skipped: pyspark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "skipped: Java is not installed"
    from runtime.cdr.spark import rate_dataframe, session

    spark = session("local[2]", "tariffc benchmark")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        t0 = time.perf_counter()
        spark.read.parquet(str(src)).write.mode("overwrite").parquet(str(out) + ".copy")
        copy = time.perf_counter() - t0
        t0 = time.perf_counter()
        df = spark.read.parquet(str(src))
        rate_dataframe(df, "telenor_rs").write.mode("overwrite").parquet(str(out))
        seconds = time.perf_counter() - t0
        n = spark.read.parquet(str(out)).count()
    finally:
        spark.stop()
    return copy, seconds, n


def _run_figure(n: int, seed: int) -> float:
    from benchmarks.rating import events, run_compiled

    evs = events(n, seed)
    c0 = time.process_time()
    run_compiled(evs)
    return n / (time.process_time() - c0)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks cdr", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows of the stateless file")
    ap.add_argument("--fold-rows", type=int, default=1_000_000, help="rows of the stateful file")
    ap.add_argument("--spark-rows", type=int, default=2_000_000, help="rows rated on Spark")
    ap.add_argument("--run-events", type=int, default=1_000_000, help="events for `run`")
    ap.add_argument("--no-spark", action="store_true", help="skip the Spark figure")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--dir", help="where to write the files (default: a temporary folder)")
    args = ap.parse_args(argv)

    print(machine())
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="tariffc-bench-cdr-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        src = tmp / "cdrs.parquet"
        t0 = time.perf_counter()
        generate(src, args.rows, args.seed)
        print(f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:,.0f} MB Parquet) in "
              f"{time.perf_counter() - t0:.1f} s")

        child = subprocess.run([sys.executable, "-c", "import sys; from benchmarks.cdr import "
                                "kernel_child; kernel_child(sys.argv[1], sys.argv[2])",
                                str(src), str(tmp / "rated.parquet")],
                               capture_output=True, text=True, check=True)
        k = json.loads(child.stdout.strip().splitlines()[-1])
        c = k["counts"]
        kernel_rate = c["in"] / k["cpu"]
        print(f"\nstateless kernel, Parquet -> Parquet, 1 process: {k['seconds']:.2f} s wall "
              f"({c['in'] / k['seconds']:,.0f} rows/s), {k['cpu']:.2f} s CPU: {kernel_rate:,.0f} "
              f"rows/s per core (target >= 10,000,000); peak RSS {k['rss'] / 2 ** 20:,.0f} MiB "
              f"(target < 1024)")
        print(f"  of which rating (Rater.feed, in memory) {k['rating']:.2f} s CPU: "
              f"{c['in'] / k['rating']:,.0f} rows/s; reading and writing Parquet the rest")
        print(f"  rows in {c['in']:,} = rated {c['rated'] + c['refused']:,} + rejected "
              f"{c['rejected']:,}; by the kernel {c['kernel']:,}")

        fold_src = tmp / "prepaid.parquet"
        generate(fold_src, args.fold_rows, args.seed + 1, subscribers=1000, prepaid=True)
        seconds, cpu, counts = _fold(fold_src, tmp / "prepaid-rated.parquet", 1000)
        fold_rate = counts["in"] / cpu
        print(f"stateful fold, {counts['in']:,} rows of 1,000 prepaid subscribers (balances): "
              f"{seconds:.2f} s wall, {cpu:.2f} s CPU: {fold_rate:,.0f} rows/s per core "
              f"(target >= 1,000,000)")
        seconds, cpu, counts = _fold(fold_src, tmp / "prepaid-rated.parquet", 1000, True)
        pass_rate = counts["in"] / cpu
        print(f"stateful fold, the same, half of them with a day pass (Engine.run): "
              f"{seconds:.2f} s wall, {cpu:.2f} s CPU: {pass_rate:,.0f} rows/s per core")

        spark_rate = None
        if not args.no_spark:
            spark_src = tmp / "spark.parquet"
            generate(spark_src, args.spark_rows, args.seed + 2)
            figure = _spark(spark_src, tmp / "spark-rated.parquet")
            if isinstance(figure, str):
                print(f"Spark local[2]: {figure}")
            else:
                copy, seconds, n = figure
                spark_rate = n / seconds
                print(f"Spark local[2], {n:,} rows Parquet -> Parquet: {seconds:.2f} s wall, "
                      f"{spark_rate:,.0f} rows/s; Spark copying the same file without rating: "
                      f"{copy:.2f} s ({n / copy:,.0f} rows/s; rating on Spark / copy "
                      f"{copy / seconds:.2f}x)")

        run_rate = _run_figure(args.run_events, args.seed)
        print(f"`run` ({args.run_events:,} Usage events, benchmarks.rating's mix): "
              f"{run_rate:,.0f} events/s per core (CPU time)")
        print(f"\nratios to `run`: kernel {kernel_rate / run_rate:.1f}x, fold "
              f"{fold_rate / run_rate:.2f}x (with passes {pass_rate / run_rate:.2f}x)"
              + ("" if spark_rate is None else f", Spark local[2] {spark_rate / run_rate:.2f}x"))
    finally:
        if args.dir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
