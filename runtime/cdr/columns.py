"""The CDR column schema: what a record batch must hold, read into typed Arrow columns.

| column     | type                               | meaning                                        |
|------------|------------------------------------|------------------------------------------------|
| `time`     | ISO 8601 text with an offset, or a timestamp with a time zone | when it happened |
| `msisdn`   | text                               | the subscriber (`+381...`, `381...`, `063...`) |
| `service`  | text                               | one of `runtime.events.SERVICES`               |
| `quantity` | whole number                       | seconds (calls), KB (data, MMS), count (SMS)   |
| `country`  | ISO 3166 alpha-2 (optional)        | roaming country; empty at home                 |
| `network`  | MCC-MNC or shown name (optional)   | the network registered on, e.g. `297 01`       |
| `party`    | text (optional)                    | the other party's number                       |
| `row`      | whole number (optional)            | the record's number; default its position (1-based) |

Optional columns may be absent; an empty CSV cell is a missing value. Column names are
matched case-insensitively. `prepare` returns the columns typed (time as UTC microseconds)
and, per row, why it cannot be read at all (an unparsable time or quantity): such a row is
rejected before rating.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

REQUIRED = ("time", "msisdn", "service", "quantity")
OPTIONAL = ("country", "network", "party", "row")
TEXT = ("msisdn", "service", "country", "network", "party")
TIME = pa.timestamp("us", "UTC")


class SchemaError(ValueError):
    """A file that lacks a required column (a usage error, not a bad row)."""


def columns_of(schema: pa.Schema) -> dict[str, str]:
    """Our column name -> the file's, case-insensitively; `SchemaError` if one is missing."""
    names = {n.strip().lower(): n for n in schema.names}
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SchemaError(f"missing column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)} (the file has: {', '.join(schema.names)}; "
                          "see docs/cdr.md)")
    return {c: names[c] for c in REQUIRED + OPTIONAL if c in names}


def prepare(batch: pa.RecordBatch, first_row: int) -> tuple[dict[str, pa.Array], dict[int, str]]:
    """The typed columns of a batch (`row`, `time`, `quantity` int64, the text columns, null
    where absent) and {index in batch: why the row cannot be read}."""
    names = columns_of(batch.schema)
    n = batch.num_rows
    bad: dict[int, str] = {}
    cols: dict[str, pa.Array] = {}
    if "row" in names:
        cols["row"] = pc.cast(batch.column(names["row"]), pa.int64())
    else:
        cols["row"] = pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    cols["time"] = _times(batch.column(names["time"]), bad)
    cols["quantity"] = _quantities(batch.column(names["quantity"]), bad)
    for c in TEXT:
        if c in names:
            col = batch.column(names[c])
            if pa.types.is_dictionary(col.type):  # kept encoded: the kernel reads the values
                cols[c] = pa.DictionaryArray.from_arrays(col.indices, _text(col.dictionary, c))
            else:
                cols[c] = _text(col, c)
        else:
            cols[c] = pa.nulls(n, pa.string())
    return cols, bad


def _text(col: pa.Array, name: str) -> pa.Array:
    col = pc.cast(col, pa.string())
    if name != "msisdn":  # an empty cell is a missing value
        col = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    return col


def _times(col: pa.Array, bad: dict) -> pa.Array:
    if pa.types.is_timestamp(col.type):
        if col.type.tz is None:
            for i in range(len(col)):
                bad.setdefault(i, "time: a timestamp without a time zone; give its UTC offset")
            return pa.nulls(len(col), TIME)
        out = pc.cast(col, TIME)
    else:
        text = pc.cast(col, pa.string())
        try:
            out = pc.cast(text, TIME)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            out = pa.array([_time(s) for s in text.to_pylist()], TIME)
    nulls = np.asarray(out.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if nulls.any():
        raw = col.to_pylist()
        for i in np.flatnonzero(nulls).tolist():
            bad.setdefault(i, _time_problem(raw[i]))
    return out


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _time_problem(raw) -> str:
    if raw is None or raw == "":
        return "time: missing"
    try:
        at = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        return f"time: `{raw}` is not an ISO 8601 time such as 2026-07-01T10:00:00+02:00"
    if at.tzinfo is None:
        return (f"time: `{raw}` has no UTC offset; give it one, e.g. "
                f"{at.isoformat()}+02:00")
    return f"time: `{raw}` cannot be read"


def _quantities(col: pa.Array, bad: dict) -> pa.Array:
    if pa.types.is_integer(col.type):
        out = pc.cast(col, pa.int64())
    else:
        try:
            out = pc.cast(pc.cast(col, pa.string()) if not pa.types.is_floating(col.type)
                          else col, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            out = pa.array([_whole(v) for v in col.to_pylist()], pa.int64())
    nulls = np.asarray(out.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if nulls.any():
        raw = col.to_pylist()
        for i in np.flatnonzero(nulls).tolist():
            v = raw[i]
            bad.setdefault(i, "quantity: missing" if v is None or v == "" else
                           f"quantity: `{v}` is not a whole number")
    return out


def _whole(v) -> int | None:
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    try:
        return int(str(v).strip())
    except ValueError:
        return None
