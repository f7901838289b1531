"""The same rating on Apache Spark (local mode): every row equals the local rating (issue 11).
One session for the whole test run; skipped, saying why, only where Java is absent."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.cdr.conftest import actual, engine, rate_rows, table_of, vector_rows
from tests.cdr.test_fold import ROWS, WORLD

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[spark]'")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs Java 17: apt-get install "
                "openjdk-17-jre-headless)", allow_module_level=True)

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    from runtime.cdr.spark import session
    s = session("local[2]", "tariffc tests")
    yield s
    s.stop()


def test_spark_rates_every_row_as_locally(spark, tmp_path):
    from runtime.cdr.spark import rate_dataframe

    eng = engine("telenor_rs")
    rows = vector_rows("telenor_rs") + ROWS  # stateless rows, and the stateful ones of WORLD
    world_json = json.dumps(WORLD)
    from runtime.cdr.rater import world_of_scenario
    local, counts = rate_rows(eng, rows, world_of_scenario(eng, WORLD))
    table = table_of(rows)
    table = table.append_column("row", pa.array(range(1, len(rows) + 1), pa.int64()))
    path = tmp_path / "cdrs.parquet"
    pq.write_table(table, path)
    df = spark.read.parquet(str(path))
    rated = rate_dataframe(df, "telenor_rs", world_json, partitions=2)
    remote = {r["row"]: r.asDict() for r in rated.collect()}
    assert sorted(remote) == sorted(local) == list(range(1, len(rows) + 1))
    for i in local:
        assert actual(remote[i]) == actual(local[i]), i
        assert remote[i]["reason"] == local[i]["reason"]
    statuses = [r["status"] for r in remote.values()]
    assert statuses.count("refused") == counts["refused"] > 0  # the fold ran on Spark too
