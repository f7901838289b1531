"""`tariffc build` guarantees (issue 6), through the command line.

Determinism within one process and the fault-injected writer (a failed or interrupted build
leaves the previous output) are tested in tests/codegen/test_codegen.py; here: two builds by
the command into fresh folders under different hash seeds are byte-identical, and `--check`
writes nothing and lists exactly the stale files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from compiler.cli import main
from tests.cli.conftest import ROOT


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def build(out: Path, docs: Path, *extra: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run([sys.executable, "-m", "compiler.cli", "build", "--specs", "specs",
                           "--out", str(out), "--docs", str(docs), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_two_builds_into_fresh_folders_are_byte_identical(tmp_path):
    trees = []
    for seed in ("1", "31337"):
        out, docs = tmp_path / f"gen{seed}", tmp_path / f"docs{seed}"
        assert build(out, docs, seed=seed).returncode == 0
        trees.append((tree(out), tree(docs)))
    assert trees[0] == trees[1] and trees[0][0] and trees[0][1]


def test_check_lists_exactly_the_stale_files_and_writes_nothing(tmp_path, capsys):
    out, docs = tmp_path / "gen", tmp_path / "docs"
    args = ["build", "--specs", str(ROOT / "specs"), "--out", str(out), "--docs", str(docs)]
    assert main(args) == 0
    assert main(args + ["--check"]) == 0
    edited = out / "telenor_rs" / "__init__.py"
    edited.write_text(edited.read_text() + "# edited by hand\n")
    removed = sorted(p for p in out.rglob("*") if p.is_file() and p != edited)[-1]
    removed.unlink()
    (out / "extra.py").write_text("x = 1\n")
    before = tree(out)
    capsys.readouterr()
    assert main(args + ["--check"]) == 1
    listed = capsys.readouterr().out.splitlines()
    assert sorted(listed) == sorted(f"stale: {p}" for p in (edited, out / "extra.py", removed))
    assert tree(out) == before  # --check wrote nothing


def test_formats_json_and_github(tmp_path, specs_copy, capsys):
    import json

    out, docs = tmp_path / "gen", tmp_path / "docs"
    args = ["build", "--specs", str(specs_copy), "--out", str(out), "--docs", str(docs)]
    assert main(args) == 0
    edited = out / "azercell" / "__init__.py"
    edited.write_text(edited.read_text() + "# edited by hand\n")
    capsys.readouterr()
    assert main(args + ["--check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"diagnostics": [], "stale": [str(edited)]}
    assert main(args + ["--check", "--format", "github"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"::error file={edited}::out of date; run `tariffc build`"]

    # A spec mistake: 120 % is not a percentage (T0207), reported as
    # one JSON document with its code and position, and as a GitHub annotation.
    family = specs_copy / "telenor_rs" / "family.tariff"
    family.write_text(family.read_text(encoding="utf-8").replace("| 5       | 50 %  |",
                                                                 "| 5       | 120 % |"),
                      encoding="utf-8")
    assert main(args + ["--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stale"] == [] and len(report["diagnostics"]) == 1
    d = report["diagnostics"][0]
    assert d["file"].endswith("family.tariff") and d["severity"] == "error"
    assert (d["code"], d["line"]) == ("T0207", 25)
    assert main(args + ["--format", "github"]) == 1
    assert capsys.readouterr().out.startswith(f"::error file={d['file']},line={d['line']}")
