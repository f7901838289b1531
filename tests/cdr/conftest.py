"""Shared helpers of the CDR tests: the rows of the golden vectors' usage, and the expected
result of a row computed by the compiled runtime itself (`Engine.apply`), row by row."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from datetime import datetime
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")

from runtime.errors import TariffError  # noqa: E402
from runtime.events import Usage, Where  # noqa: E402
from runtime.numbers import COUNTRY_CODES, normalise  # noqa: E402
from runtime.scenario import UNIT_OF  # noqa: E402
from runtime.state import Subscriber, world_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ("time", "msisdn", "service", "quantity", "country", "network", "party")


def engine(operator: str):
    return importlib.import_module(f"generated.{operator}").ENGINE


def _amount(usage: dict) -> int:
    """A usage event's amount: under its built-in service's key, or (a declared service)
    under the one of `seconds`, `kb`, `count` it has, as `runtime.scenario` reads it."""
    key = UNIT_OF.get(usage["service"])
    return usage[key] if key else next(usage[k] for k in ("seconds", "kb", "count") if k in usage)


def vector_rows(operator: str) -> list[dict]:
    """Every usage event of the operator's golden vectors, as a CDR row."""
    rows = []
    for path in sorted((ROOT / "generated" / operator / "vectors").glob("*.json")):
        for vec in json.loads(path.read_text(encoding="utf-8"))["vectors"]:
            for ev in vec["events"]:
                u = ev.get("usage")
                if u is None:
                    continue
                rows.append({"time": ev["at"], "msisdn": u["msisdn"], "service": u["service"],
                             "quantity": _amount(u), "country": u.get("country"),
                             "network": u.get("network"), "party": u.get("party")})
    return rows


def table_of(rows: list[dict]) -> pa.Table:
    """A CDR table of rows, every column as text (as a CSV file reads)."""
    return pa.table({c: pa.array([None if r[c] is None else str(r[c]) for r in rows], pa.string())
                     for c in COLUMNS})


def expected(eng, row: dict, segment: str | None = None) -> tuple:
    """What the compiled runtime says of one stateless row: (status, charge, rule, source,
    billed, error code), the subscriber alone in its world."""
    seg = segment or next(iter(eng.tables["operator"]["segments"]))
    cc = COUNTRY_CODES.get(eng.tables["operator"]["country"], "")
    try:
        at = datetime.fromisoformat(row["time"])
        qty = int(row["quantity"])
    except (TypeError, ValueError):
        return ("rejected", None, None, None, None, "invalid_row")
    if at.tzinfo is None:
        return ("rejected", None, None, None, None, "invalid_row")
    try:
        msisdn = normalise(row["msisdn"], cc)
        ev = Usage(msisdn, at, row["service"], qty, Where(row["country"], row["network"]),
                   row["party"])
        _, out = eng.apply(world_of(Subscriber(msisdn, seg)), ev)
    except TariffError as e:
        return ("rejected", None, None, None, None, e.code)
    return ("ok" if out.ok else "refused", None if out.charge is None else out.charge.amount,
            out.rule, out.source, out.data.get("billed"), None)


def actual(row: dict) -> tuple:
    """The same tuple from a rated output row (charges compare as decimals: 0 == 0.00)."""
    reason = row["reason"]
    code = reason.split(":", 1)[0] if row["status"] == "rejected" else None
    return (row["status"], None if row["charge"] is None else Decimal(row["charge"]),
            row["rule"], row["source"], row["billed"], code)


def rate_rows(eng, rows: list[dict], world=None, batch_rows: int = 1 << 20,
              dictionary: bool = False):
    """Rate rows through `Rater` in batches; (output rows by row number, counts). With
    `dictionary`, the text columns come dictionary-encoded, as Parquet files are read."""
    from runtime.cdr.rater import Rater

    rater = Rater(eng, world)
    table = table_of(rows)
    if dictionary:
        table = pa.table({n: c.combine_chunks().dictionary_encode() if n != "quantity" else c
                          for n, c in zip(table.column_names, table.columns)})
    out = []
    for batch in table.to_batches(max_chunksize=batch_rows):
        t = rater.feed(batch)
        if t is not None:
            out += t.to_pylist()
    t = rater.finish()
    if t is not None:
        out += t.to_pylist()
    return {r["row"]: r for r in out}, rater.counts
