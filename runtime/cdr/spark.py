"""The same rating on Apache Spark: `DataFrame.mapInArrow`, partitioned by account.

`rate_dataframe(df, operator)` returns a DataFrame with the input's columns and
`runtime.cdr.rater.result_schema`'s. With subscribers in the world, rows are repartitioned
by account (the subscriber's E.164 digits, or `family` for every member of a family group
of the world), so each partition holds all the rows of its accounts (without, every row is
stateless and the input's partitions are kept: no shuffle); each partition runs one `Rater` over its
Arrow batches (the kernel for stateless rows as they stream, then the time-ordered fold of
the stateful ones), exactly as `tariffc rate` does on one machine. Executors need the
`tariffc` package (runtime + generated modules) importable: `pip install tariffc[spark]`
on them, or ship a wheel with `--py-files` (docs/cdr.md).

Row numbers: the input's `row` column when it has one, else Spark's
`monotonically_increasing_id() + 1` (positions in a file read as one partition).
"""

from __future__ import annotations

import importlib
import json

import pyarrow as pa

from runtime.cdr.columns import columns_of
from runtime.cdr.rater import STATUS, Rater, result_schema, world_of_scenario
from runtime.state import World, frozen_map


def _engine(operator: str):
    return importlib.import_module(f"generated.{operator}").ENGINE


def _world(engine, world_json: str | None) -> World:
    return World(frozen_map({})) if world_json is None else \
        world_of_scenario(engine, json.loads(world_json))


def rate_dataframe(df, operator: str, world_json: str | None = None,
                   segment: str | None = None, partitions: int | None = None):
    """`df` (the CDR columns, docs/cdr.md) rated on the cluster: a DataFrame of every row
    with its result columns (rejected rows have status `rejected`)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    engine = _engine(operator)
    world = _world(engine, world_json)
    names = columns_of(pa.schema([(n, pa.string()) for n in df.columns]))
    if "row" not in names:
        df = df.withColumn("row", F.monotonically_increasing_id() + 1)
        names["row"] = "row"
    probe = Rater(engine, world, segment)
    if world.subscribers:  # rows with state: all of an account's rows in one partition
        digits = F.regexp_replace(F.col(names["msisdn"]).cast("string"), r"^\+", "")
        family = sorted({m for m in world.subscribers if probe.account(m) == "family"})
        key = F.when(digits.isin(family), F.lit("family")).otherwise(digits) if family \
            else digits
        df = df.repartition(partitions or df.rdd.getNumPartitions(), key)
    elif partitions:  # every row is stateless: any partitioning rates it the same
        df = df.repartition(partitions)
    res = result_schema(probe.digits)
    text = T.StringType()
    out_fields = [f for f in df.schema.fields if f.name != names["row"]
                  and f.name.strip().lower() not in res.names]
    spark_types = {"row": T.LongType(), "billed": T.LongType(), "charge":
                   T.DecimalType(18, probe.digits)}
    out = T.StructType(out_fields + [T.StructField(f.name, spark_types.get(f.name, text))
                                     for f in res])

    def rate_partition(batches):
        eng = _engine(operator)
        rater = Rater(eng, _world(eng, world_json), segment)
        target = None
        for batch in batches:
            table = rater.feed(batch)
            if target is None:
                target = _target(batch.schema, res)
            if table is not None:
                yield from _plain(table, target).to_batches()
        table = rater.finish()
        if table is not None:
            yield from _plain(table, target or _target(table.schema, res)).to_batches()

    return df.mapInArrow(rate_partition, out)


def _target(schema: pa.Schema, res: pa.Schema) -> pa.Schema:
    """The output schema: the input's columns (but `row`), then the results, plain text."""
    fields = [f for f in schema if f.name.strip().lower() not in res.names]
    return pa.schema(fields + [pa.field(f.name, f.type.value_type if pa.types.is_dictionary(
        f.type) else f.type) for f in res])


def _plain(table: pa.Table, target: pa.Schema) -> pa.Table:
    return table.select(target.names).cast(target)


def session(master: str = "local[2]", name: str = "tariffc rate"):
    """A Spark session with small defaults (no UI; shuffle partitions = cores); in local
    mode the Python workers are this interpreter (its venv has pyarrow and tariffc)."""
    import os
    import sys

    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    cores = master[6:-1] if master.startswith("local[") else "2"
    return (SparkSession.builder.master(master).appName(name)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", cores if cores.isdigit() else "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(1 << 18))
            .getOrCreate())


def rate_file(master: str, operator: str, src: str, out: str, rejects: str | None = None,
              world_path: str | None = None, segment: str | None = None) -> dict:
    """`tariffc rate --spark MASTER`: read `src` (CSV with a header, all text, or Parquet),
    rate it on Spark and write `out` (and `rejects`) as Spark writes files: folders of
    parts. Returns the counts."""
    spark = session(master)
    reader = spark.read
    df = reader.parquet(src) if src.endswith((".parquet", ".pq")) else \
        reader.option("header", True).option("inferSchema", False).csv(src)
    world_json = None
    if world_path is not None:
        with open(world_path, encoding="utf-8") as f:
            world_json = f.read()
    rated = rate_dataframe(df, operator, world_json, segment).cache()
    status = dict(rated.groupBy("status").count().collect())
    bad = rated.status == STATUS[2]
    write = (lambda d, p: d.write.mode("overwrite").parquet(p)) if out.endswith(
        (".parquet", ".pq")) else (lambda d, p: d.write.mode("overwrite").option("header", True)
                                   .csv(p))
    if rejects is not None:
        write(rated.filter(~bad), out)
        write(rated.filter(bad), rejects)
    else:
        write(rated, out)
    rated.unpersist()
    counts = {"in": sum(status.values()), "rated": status.get("ok", 0),
              "refused": status.get("refused", 0), "rejected": status.get("rejected", 0),
              "kernel": None}  # (counted on the executors)
    return counts
