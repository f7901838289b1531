"""`tariffc impact OLD NEW CDRS`: what a price change does to real traffic.

OLD and NEW are two spec folders, or two git revisions of the specs folder (`--git`, as for
`tariffc diff`). Both are checked and compiled in memory (`compiler.lower` -> `Engine`, as
`compiler.adequacy` does), the same CDR file is rated under each, batch by batch, with
`runtime.cdr.Rater` (so the rows line up), and the report says, per zone, service and
segment: rows, rows whose charge changed, revenue before and after; then the subscribers
whose bill moves most. Markdown for people, JSON for programs.

Exit codes: 0 printed, 1 one side has spec errors, 2 usage error.
"""

from __future__ import annotations

import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> int:
    print(f"tariffc: error: {message}", file=sys.stderr)
    return EXIT_USAGE


class Impact:
    """Accumulates the comparison of two raters' outputs, row for row."""

    def __init__(self, world, default_segment: str, digits: tuple[int, int]) -> None:
        # each side's charges in quanta of its operator's decimals, compared in the finer
        self.world, self.segment, self.digits = world, default_segment, max(digits)
        self.scales = tuple(10 ** (self.digits - d) for d in digits)
        self.groups: dict[tuple, list] = {}  # (zone, service, segment) -> [rows, changed, old, new]
        self.subs: dict[str, list] = {}  # msisdn -> [old quanta, new quanta, rows changed]
        self.rejected = [0, 0]
        self.rows = 0

    def add(self, old, new) -> None:
        """Add one pair of output tables (the same rows, in the same order): grouped with
        Arrow, so a file of millions of rows costs a few passes over its columns."""
        if old is None:
            return
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        self.rows += old.num_rows
        q_old, q_new = _quanta(old) * self.scales[0], _quanta(new) * self.scales[1]
        s_old = pc.cast(old.column("status"), pa.string())
        s_new = pc.cast(new.column("status"), pa.string())
        for k, s in enumerate((s_old, s_new)):
            self.rejected[k] += pc.sum(pc.equal(s, "rejected")).as_py() or 0
        changed = (q_old != q_new) | np.asarray(pc.not_equal(s_old, s_new).to_numpy(
            zero_copy_only=False), dtype=bool)
        zone = pc.coalesce(pc.cast(new.column("zone"), pa.string()),
                           pc.cast(old.column("zone"), pa.string()), pa.scalar("-"))
        service = pc.fill_null(pc.cast(new.column("service"), pa.string()), "-") \
            if "service" in new.column_names else pa.nulls(new.num_rows, pa.string())
        msisdn = pc.cast(new.column("msisdn"), pa.string())
        numbers = msisdn.combine_chunks().dictionary_encode()
        subs = self.world.subscribers
        segs = pa.array([_segment(subs, m, self.segment) for m in numbers.dictionary.to_pylist()]
                        + [self.segment])
        segment = segs.take(pc.fill_null(numbers.indices, len(segs) - 1))
        t = pa.table({"zone": zone, "service": service, "segment": segment,
                      "old": q_old, "new": q_new, "changed": changed.astype(np.int64)})
        for r in t.group_by(["zone", "service", "segment"]).aggregate(
                [("old", "sum"), ("new", "sum"), ("changed", "sum"), ("old", "count")]).to_pylist():
            g = self.groups.setdefault((r["zone"], r["service"], r["segment"]), [0, 0, 0, 0])
            g[0] += r["old_count"]
            g[1] += r["changed_sum"]
            g[2] += r["old_sum"]
            g[3] += r["new_sum"]
        moved = pa.array(changed)
        if changed.any():
            m = pa.table({"msisdn": msisdn, "old": q_old, "new": q_new}).filter(moved)
            for r in m.group_by("msisdn").aggregate(
                    [("old", "sum"), ("new", "sum"), ("old", "count")]).to_pylist():
                s = self.subs.setdefault(r["msisdn"], [0, 0, 0])
                s[0] += r["old_sum"]
                s[1] += r["new_sum"]
                s[2] += r["old_count"]

    def report(self, top: int) -> dict:
        """The report as plain data (amounts as exact decimal strings)."""
        money = self._money
        groups = [{"zone": z, "service": s, "segment": seg, "rows": g[0], "changed": g[1],
                   "before": money(g[2]), "after": money(g[3]), "delta": money(g[3] - g[2])}
                  for (z, s, seg), g in sorted(self.groups.items())]
        movers = sorted(self.subs.items(), key=lambda kv: (-abs(kv[1][1] - kv[1][0]), kv[0]))
        subscribers = [{"msisdn": m, "rows_changed": s[2], "before": money(s[0]),
                        "after": money(s[1]), "delta": money(s[1] - s[0])}
                       for m, s in movers[:top]]
        before = sum(g[2] for g in self.groups.values())
        after = sum(g[3] for g in self.groups.values())
        return {"rows": self.rows, "changed": sum(g[1] for g in self.groups.values()),
                "before": money(before), "after": money(after), "delta": money(after - before),
                "rejected_before": self.rejected[0], "rejected_after": self.rejected[1],
                "groups": groups, "subscribers": subscribers}

    def _money(self, quanta: int) -> str:
        return str(Decimal(quanta).scaleb(-self.digits))


def _quanta(table):
    """The `charge` column in integer quanta as int64 numpy (0 where none: refused or
    rejected): a decimal128 with at most 18 digits is its low 64-bit word."""
    import numpy as np
    import pyarrow.compute as pc

    col = table.column("charge").combine_chunks()
    words = np.frombuffer(col.buffers()[1], dtype=np.int64)[2 * col.offset: 2 * (col.offset
                                                                              + len(col))]
    q = words[0::2].copy()
    if col.null_count:
        q[np.asarray(pc.is_null(col).to_numpy(zero_copy_only=False), dtype=bool)] = 0
    return q


def _segment(subs, msisdn, default: str) -> str:
    sub = subs.get(msisdn.lstrip("+")) if isinstance(msisdn, str) else None
    return sub.segment if sub is not None else default


def to_markdown(r: dict, old: str, new: str, operator: str, currency: str) -> str:
    """The report for people: totals, one row per zone/service/segment, the top movers."""
    lines = [f"# Impact of {old} -> {new} on {operator}", "",
             f"{r['rows']} rows; {r['changed']} change their charge. Revenue {r['before']} -> "
             f"{r['after']} {currency} ({_signed(r['delta'])} {currency}). Rejected rows: "
             f"{r['rejected_before']} before, {r['rejected_after']} after.", "",
             "| zone | service | segment | rows | changed | before | after | delta |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for g in r["groups"]:
        lines.append(f"| {_cell(g['zone'])} | {_cell(g['service'])} | {_cell(g['segment'])} | "
                     f"{g['rows']} | {g['changed']} | {g['before']} | {g['after']} | "
                     f"{_signed(g['delta'])} |")
    lines += ["", "## Subscribers most affected", ""]
    if r["subscribers"]:
        lines += ["| msisdn | rows changed | before | after | delta |", "|---|---:|---:|---:|---:|"]
        for s in r["subscribers"]:
            lines.append(f"| {_cell(s['msisdn'])} | {s['rows_changed']} | {s['before']} | "
                         f"{s['after']} | {_signed(s['delta'])} |")
    else:
        lines.append("No subscriber's charges change.")
    return "\n".join(lines) + "\n"


def _signed(text: str) -> str:
    return text if text.startswith("-") or Decimal(text) == 0 else "+" + text


def _cell(text) -> str:
    """A table cell: pipes and markup escaped (CDR text is input, not markup)."""
    from compiler.gen_docs import md
    return md(str(text)).replace("|", "\\|")


def engine_of(folder: Path, operator: str | None):
    """(engine, operator id) of a spec folder, compiled in memory; raises `ValueError` with
    the diagnostics when it has errors or does not name one operator."""
    from compiler.check import check_paths
    from compiler.lower import lower
    from dsl.diagnostics import render_all
    from runtime.engine import Engine

    r = check_paths([str(folder)])
    if r.errors:
        raise ValueError(render_all(r.errors, r.sources, "text"))
    ids = sorted(t.id for t in r.tariffs)
    if operator is None and len(ids) != 1:
        raise LookupError(f"{folder} has operators {', '.join(ids)}; choose one with --operator")
    tariff = next((t for t in r.tariffs if t.id == (operator or ids[0])), None)
    if tariff is None:
        raise LookupError(f"no operator `{operator}` in {folder} ({', '.join(ids)})")
    return Engine(lower(tariff)), tariff.id


def compare(old_engine, new_engine, cdrs: str, world_path: str | None, top: int = 10) -> dict:
    """Rate `cdrs` under both engines; the report (see `Impact.report`)."""
    from compiler.rate import load_world
    from runtime.cdr import files
    from runtime.cdr.rater import Rater

    worlds = [load_world(e, world_path) for e in (old_engine, new_engine)]
    raters = [Rater(e, w) for e, w in zip((old_engine, new_engine), worlds)]
    impact = Impact(worlds[1], raters[1].segment, (raters[0].digits, raters[1].digits))
    for batch in files.read_batches(cdrs):
        impact.add(*(r.feed(batch) for r in raters))
    impact.add(*(r.finish() for r in raters))
    return impact.report(top)


def run(args) -> int:
    """The `tariffc impact` command."""
    from compiler.diff import UsageError, _git_specs

    if not Path(args.cdrs).is_file():
        return _error(f"no such file: {args.cdrs}")
    with tempfile.TemporaryDirectory(prefix="tariffc-impact-") as tmp:
        engines = []
        for i, side in enumerate((args.old, args.new)):
            try:
                folder = _git_specs(side, args.specs, Path(tmp) / str(i)) if args.git \
                    else Path(side)
            except UsageError as e:
                return _error(str(e))
            if not folder.exists():
                return _error(f"no such folder: {side}")
            try:
                engines.append(engine_of(folder, args.operator))
            except LookupError as e:
                return _error(str(e))
            except ValueError as e:
                print(f"{e}\ntariffc impact: {side} has errors", file=sys.stderr)
                return EXIT_FAILED
        if engines[0][1] != engines[1][1]:
            return _error(f"{args.old} is {engines[0][1]}, {args.new} is {engines[1][1]}")
        report = compare(engines[0][0], engines[1][0], args.cdrs, args.world, args.top)
    if args.format == "json":
        print(json.dumps({"old": args.old, "new": args.new, "operator": engines[1][1],
                          **report}, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(to_markdown(report, args.old, args.new, engines[1][1],
                                     engines[1][0].currency))
    print(f"tariffc impact: {report['changed']} of {report['rows']} rows change", file=sys.stderr)
    return EXIT_OK


def add_parser(sub) -> None:
    """The `impact` subcommand's arguments."""
    p = sub.add_parser("impact", help="rate CDRs under two versions of the specs; compare",
                       description="Rate the same CDR file under two spec folders (or two git "
                                   "revisions with --git) and report, per zone, service and "
                                   "segment, the rows whose charge changes and the revenue "
                                   "before and after, then the subscribers most affected. "
                                   "Exit codes: 0 printed, 1 a side has spec errors, 2 usage "
                                   "error.")
    p.add_argument("old", metavar="OLD", help="the spec folder (or, with --git, revision) before")
    p.add_argument("new", metavar="NEW", help="the spec folder (or revision) after")
    p.add_argument("cdrs", metavar="CDRS", help="the CDR file (.csv or .parquet)")
    p.add_argument("--git", action="store_true", help="OLD and NEW are git revisions of --specs")
    p.add_argument("--specs", default="specs", help="with --git: the specs folder (default: specs)")
    p.add_argument("--operator", help="the operator, when the folders hold several")
    p.add_argument("--world", metavar="SCENARIO.json", help="subscribers with state (as for rate)")
    p.add_argument("--top", type=int, default=10, help="subscribers to list (default 10)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.set_defaults(func=run)
