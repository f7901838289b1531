"""`tariffc rate OPERATOR CDRS --out RATED [--rejects FILE] [--world SCENARIO.json]`.

Rates a CDR file (CSV or Parquet, docs/cdr.md) with the compiled module of `OPERATOR`
(`generated/<operator>/`), streaming record batches through `runtime.cdr`. Prints, at the
end, `rows in = rated + rejected`; a progress bar on a terminal (stderr), nothing otherwise.

Exit codes: 0 every row rated, 1 some rows rejected (they are in the rejects file, each with
its row number and reason), 2 usage error (unknown operator, missing file or column, a
malformed world scenario, pyarrow not installed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> int:
    print(f"tariffc: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def load_world(engine, path: str | None):
    """The world of a scenario file (`runtime.cdr.rater.world_of_scenario`), or an empty
    world; raises `runtime.scenario.ScenarioError` or `ValueError` for a bad file."""
    from runtime.cdr.rater import world_of_scenario
    from runtime.state import World, frozen_map

    if path is None:
        return World(frozen_map({}))
    return world_of_scenario(engine, json.loads(Path(path).read_text(encoding="utf-8")))


def _progress(total: int | None):
    """A tqdm bar on a terminal; None (quiet) otherwise."""
    if not sys.stderr.isatty():
        return None, lambda: None
    try:
        from tqdm import tqdm
    except ImportError:
        return None, lambda: None
    bar = tqdm(total=total, unit=" rows", unit_scale=True, file=sys.stderr, leave=False)
    return bar.update, bar.close


def summary(name: str, counts: dict) -> str:
    """`cdrs.csv: 10 rows in = 9 rated (1 refused) + 1 rejected; 8 by the kernel`."""
    rated = counts["rated"] + counts["refused"]
    refused = f" ({counts['refused']} refused)" if counts["refused"] else ""
    kernel = "" if counts.get("kernel") is None else f"; {counts['kernel']} by the kernel"
    rows = "row" if counts["in"] == 1 else "rows"
    return f"{name}: {counts['in']} {rows} in = {rated} rated{refused} + {counts['rejected']} " \
        f"rejected{kernel}"


def run(args) -> int:
    """The `tariffc rate` command."""
    try:
        from runtime.cdr import files
        from runtime.cdr.columns import SchemaError
        from runtime.cdr.rater import Rater
    except ImportError as e:
        return _error(f"{e.name} is not installed: pip install 'tariffc[cdr]'")
    from runtime import scenario

    src = Path(args.cdrs)
    if not src.is_file():
        return _error(f"no such file: {args.cdrs}")
    if args.world is not None and not Path(args.world).is_file():
        return _error(f"no such file: {args.world}")
    try:
        engine = scenario.engine_of(args.operator)
    except scenario.ScenarioError as e:
        return _error(e.problems[0][1])
    try:
        world = load_world(engine, args.world)
    except (ValueError, scenario.ScenarioError) as e:
        return _error(f"{args.world}: {e}")
    if args.segment is not None and args.segment not in engine.tables["operator"]["segments"]:
        return _error(f"`{args.segment}` is not a segment of {engine.operator_id}")
    if args.spark:
        from runtime.cdr import spark
        try:
            counts = spark.rate_file(args.spark, engine.operator_id, str(src), args.out,
                                     args.rejects, args.world, args.segment)
        except SchemaError as e:
            return _error(f"{args.cdrs}: {e}")
    else:
        update, close = _progress(files.count_rows(src))
        try:
            counts = files.rate_file(Rater(engine, world, args.segment), src, args.out, args.rejects, args.batch_rows, update)
        except SchemaError as e:
            return _error(f"{args.cdrs}: {e}")
        finally:
            close()
    print(summary(args.cdrs, counts), file=sys.stderr)
    return EXIT_FAILED if counts["rejected"] else EXIT_OK


def _positive(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, not {text!r}")
    return int(text)


def add_parser(sub) -> None:
    """The `rate` subcommand's arguments."""
    p = sub.add_parser("rate", help="rate a CDR file (CSV or Parquet) in bulk",
                       description="Rate every row of a CDR file (CSV or Parquet; columns in "
                                   "docs/cdr.md) with generated/<operator>, writing each row "
                                   "with its charge, currency, rule, spec line and billed units. "
                                   "Exit codes: 0 every row rated, 1 some rows rejected, 2 "
                                   "usage error.")
    p.add_argument("operator", metavar="OPERATOR", help="an operator id, e.g. telenor_rs")
    p.add_argument("cdrs", metavar="CDRS", help="the CDR file (.csv or .parquet)")
    p.add_argument("--out", required=True, metavar="RATED",
                   help="the rated rows (.parquet or .csv, by the suffix)")
    p.add_argument("--rejects", metavar="FILE",
                   help="rejected rows with their row number and reason (default: kept in "
                        "RATED with status `rejected`)")
    p.add_argument("--world", metavar="SCENARIO.json",
                   help="subscribers with state (balances, passes, family groups), as a "
                        "scenario whose events are played first; their rows are folded "
                        "through the runtime in time order")
    p.add_argument("--segment", help="the segment of subscribers not in the world "
                                     "(default: the operator's first)")
    # (runtime.cdr.files.BATCH_ROWS, not imported here: it would load pyarrow at start-up)
    p.add_argument("--batch-rows", type=_positive, default=1 << 18, help="rows per record batch")
    p.add_argument("--spark", metavar="MASTER",
                   help="rate on Apache Spark (e.g. local[2], yarn); needs tariffc[spark]")
    p.set_defaults(func=run)
