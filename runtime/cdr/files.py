"""CDR files in and out, streamed by record batches: CSV and Parquet (by the file's suffix).

Reading never holds the whole file: Parquet by `ParquetFile.iter_batches`, CSV by Arrow's
streaming reader with every column read as text (so one odd cell in the millionth row cannot
change a column's type; `runtime.cdr.columns` types them). Writing appends each table as
it comes (`ParquetWriter`, `CSVWriter`); text columns are dictionary-encoded in Parquet and
plain in CSV, where `charge` is its exact decimal string.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

GROUP_ROWS = 1 << 20  # rows of a Parquet row group written
BATCH_ROWS = 1 << 18  # big enough for numpy to pay off, small enough to stay in cache


def kind_of(path: str | Path) -> str:
    """`parquet` or `csv`, by the suffix (`.parquet`/`.pq`; anything else is CSV)."""
    return "parquet" if Path(path).suffix.lower() in (".parquet", ".pq") else "csv"


def count_rows(path: str | Path) -> int | None:
    """The number of rows of a Parquet file (from its footer); None for CSV."""
    return pq.ParquetFile(path).metadata.num_rows if kind_of(path) == "parquet" else None


def read_batches(path: str | Path, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The record batches of a CDR file, in order."""
    if kind_of(path) == "parquet":
        # Text columns come dictionary-encoded (as Parquet stores them): the kernel works on
        # their few distinct values, and the writer writes them back without re-encoding.
        schema = pq.read_schema(path)
        text = [f.name for f in schema if pa.types.is_string(f.type)
                or pa.types.is_large_string(f.type)]
        # One thread: on a shared machine Arrow's thread pool costs more CPU (waits, system
        # time) than it saves; a process is one core (run one per core).
        yield from pq.ParquetFile(path, read_dictionary=text, pre_buffer=True).iter_batches(
            batch_size=batch_rows, use_threads=False)
        return
    with open(path, newline="", encoding="utf-8-sig") as f:  # (Arrow skips a BOM too)
        header = next(csv.reader(f), None)
    if not header:
        return
    types = {name: pa.string() for name in header}
    block = max(1 << 16, min(batch_rows * 64, 64 << 20))
    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=block),
                           convert_options=pcsv.ConvertOptions(column_types=types,
                                                               strings_can_be_null=True))
    for batch in reader:
        if batch.num_rows:
            yield batch


class Writer:
    """Appends tables to a CSV or Parquet file; the schema is the first table's."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.kind = kind_of(path)
        self._w = None
        self._schema = None
        self._pending: list[pa.Table] = []  # Parquet: tables not yet written (a row group)
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self.kind == "csv":
            table = pa.table({n: _plain(c) for n, c in zip(table.column_names, table.columns)})
        if self._w is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._schema = table.schema
            # No column statistics (on dictionary text they cost more than the rating) and
            # the charge as Parquet's INT64 decimal (exact, as the decimal128 column).
            # Dictionary pages for the text columns only (numbers and times are mostly
            # distinct: trying a dictionary on them is wasted work).
            # No compression: the whole numbers (times, rows, quantities, charges) are
            # delta-encoded instead, which packs them as small as Snappy did for less CPU.
            text = [f.name for f in table.schema if pa.types.is_dictionary(f.type)
                    or pa.types.is_string(f.type)]
            delta = {f.name: "DELTA_BINARY_PACKED" for f in table.schema
                     if pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type)
                     or pa.types.is_decimal(f.type) and f.type.precision <= 18}
            self._w = pq.ParquetWriter(self.path, table.schema, write_statistics=False,
                                       store_decimal_as_integer=True, use_dictionary=text,
                                       column_encoding=delta, compression="none") \
                if self.kind == "parquet" else pcsv.CSVWriter(self.path, table.schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self.rows += table.num_rows
        if self.kind == "csv":
            self._w.write_table(table)
            return
        self._pending.append(table)
        if sum(t.num_rows for t in self._pending) >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        """Write the pending tables as one row group, each dictionary column over one
        dictionary when the batches' dictionaries are prefixes of the last one (as Parquet's
        reader grows them): so the group's dictionary page is written once, not re-encoded."""
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        self._pending = []
        cols = [_one_dictionary(c) if pa.types.is_dictionary(c.type) else c
                for c in table.columns]
        table = pa.Table.from_arrays(cols, schema=table.schema)
        self._w.write_table(table, row_group_size=max(table.num_rows, 1))

    def close(self, schema: pa.Schema | None = None) -> None:
        """Close the file; with nothing written, write `schema`'s header (an empty table)."""
        if self._w is None and schema is not None:
            self.write(schema.empty_table())
        if self._w is not None:
            if self.kind == "parquet":
                self._flush()
            self._w.close()


def _one_dictionary(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column's chunks over the largest chunk's dictionary, when every other
    chunk's dictionary is a prefix of it (their indices then mean the same values); else
    the column as it is."""
    if col.num_chunks < 2:
        return col
    chunks = col.chunks
    big = max((c.dictionary for c in chunks), key=len)
    for c in chunks:
        d = c.dictionary
        if d is not big and not big.slice(0, len(d)).equals(d):
            return col
    return pa.chunked_array([pa.DictionaryArray.from_arrays(c.indices, big) for c in chunks],
                            col.type)


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column as plain values (the CSV writer wants them so)."""
    if pa.types.is_dictionary(col.type):
        return pc.cast(col, col.type.value_type)
    return col


def rate_file(rater, src: str | Path, out: str | Path, rejects: str | Path | None = None,
              batch_rows: int = BATCH_ROWS, progress=None) -> dict:
    """Rate every row of `src` into `out` (rejected rows into `rejects`, or kept in `out`
    with status `rejected` when None), streaming; `progress(n)` is called per batch read.
    Returns the rater's counts (`in` = `rated` + `refused` + `rejected`)."""
    from runtime.cdr.rater import STATUS

    rated, bad = Writer(out), Writer(rejects) if rejects is not None else None
    rejected = STATUS.index("rejected")

    def put(table):
        if table is None or not table.num_rows:
            return
        if bad is None:
            rated.write(table)
            return
        is_bad = pc.equal(pc.cast(table.column("status"), pa.string()), STATUS[rejected])
        bad_rows = table.filter(is_bad)
        if bad_rows.num_rows:
            bad.write(bad_rows)
        rated.write(table.filter(pc.invert(is_bad)))

    try:
        for batch in read_batches(src, batch_rows):
            put(rater.feed(batch))
            if progress is not None:
                progress(batch.num_rows)
        put(rater.finish())
    finally:
        empty = _empty(src, rater.schema)  # nothing to write still leaves a file with a header
        rated.close(empty)
        if bad is not None:
            bad.close(empty)
    return dict(rater.counts)


def _empty(src: str | Path, results: pa.Schema) -> pa.Schema:
    """The schema of an output with no rows: the input's columns, then the results."""
    if kind_of(src) == "parquet":
        inputs = list(pq.read_schema(src))
    else:
        with open(src, newline="", encoding="utf-8-sig") as f:
            inputs = [pa.field(n, pa.string()) for n in next(csv.reader(f), [])]
    return pa.schema([f for f in inputs if f.name.strip().lower() not in results.names]
                     + list(results))
