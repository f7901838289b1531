"""A tiny run of `python -m benchmarks cdr` (a smoke test: figures are printed, never
asserted; the real run is 10 M rows)."""

from __future__ import annotations

from benchmarks import cdr


def test_the_cdr_benchmark_runs_and_prints_its_figures(capsys, tmp_path):
    assert cdr.main(["--rows", "5000", "--fold-rows", "2000", "--run-events", "2000",
                     "--no-spark", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "stateless kernel, Parquet -> Parquet" in out and "rows in 5,000 = rated 5,000" in out
    assert "stateful fold" in out and "ratios to `run`" in out
