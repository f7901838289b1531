"""CDR files: the Parquet writer's row groups keep every value (issue 11)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from runtime.cdr.files import Writer, _one_dictionary


def _dict(indices, values):
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values))


def test_grown_dictionaries_become_one_and_other_ones_stay():
    grown = pa.chunked_array([_dict([0, 1], ["a", "b"]), _dict([2, 0], ["a", "b", "c"])])
    one = _one_dictionary(grown)
    assert all(c.dictionary.to_pylist() == ["a", "b", "c"] for c in one.chunks)
    assert one.to_pylist() == ["a", "b", "c", "a"]
    other = pa.chunked_array([_dict([0, 1], ["a", "b"]), _dict([0, 1], ["z", "a"])])
    assert _one_dictionary(other) is other  # "z" is not "a": indices would change meaning


def test_writer_keeps_every_value_of_pending_tables(tmp_path):
    # three tables buffered into one row group: a grown dictionary, then an unrelated one
    tables = [pa.table({"t": _dict([0, 1], ["a", "b"]), "n": [1, 2]}),
              pa.table({"t": _dict([2, None], ["a", "b", "c"]), "n": [3, 4]}),
              pa.table({"t": _dict([0, 1], ["z", "a"]), "n": [5, 6]})]
    w = Writer(tmp_path / "out.parquet")
    for t in tables:
        w.write(t)
    w.close()
    back = pq.read_table(tmp_path / "out.parquet")
    assert back.column("t").to_pylist() == ["a", "b", "c", None, "z", "a"]
    assert back.column("n").to_pylist() == [1, 2, 3, 4, 5, 6]
    assert w.rows == 6
