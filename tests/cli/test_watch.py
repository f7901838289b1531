"""`tariffc watch` (issue 6): re-check and rebuild on save; `--once` for scripts."""

from __future__ import annotations

import io
from pathlib import Path

from compiler import watch
from compiler.cli import main


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_once_checks_and_builds(specs_copy, tmp_path, capsys):
    out, docs = tmp_path / "out", tmp_path / "docs"
    assert main(["watch", str(specs_copy), "--out", str(out), "--docs", str(docs), "--once"]) == 0
    err = capsys.readouterr().err
    assert "0 errors" in err and "rebuilt" in err
    assert (out / "telenor_rs").is_dir()
    assert main(["watch", str(specs_copy), "--out", str(out), "--docs", str(docs), "--once"]) == 0
    assert "up to date" in capsys.readouterr().err


def test_once_with_errors_prints_them_and_leaves_the_output(specs_copy, tmp_path, capsys):
    out, docs = tmp_path / "out", tmp_path / "docs"
    assert main(["watch", str(specs_copy), "--out", str(out), "--docs", str(docs), "--once"]) == 0
    before = tree(out)
    f = specs_copy / "telenor_rs/passes.tariff"
    f.write_text(f.read_text(encoding="utf-8").replace("valid 7 days", "valid 7 dayz"), encoding="utf-8")
    capsys.readouterr()
    assert main(["watch", str(specs_copy), "--out", str(out), "--docs", str(docs), "--once"]) == 1
    err = capsys.readouterr().err
    assert "passes.tariff" in err and "1 error" in err and "left as it was" in err
    assert tree(out) == before


def test_an_operator_folder_is_only_checked(specs_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["watch", str(specs_copy / "azercell"), "--out", str(out), "--once"]) == 0
    assert not out.exists()


def test_a_save_triggers_a_new_cycle(specs_copy):
    """The loop polls; a save between two polls runs one more check, which sees the error."""
    target = specs_copy / "azercell/operator.tariff"
    polls = []

    def stop() -> bool:
        polls.append(1)
        if len(polls) == 2:
            target.write_text(target.read_text(encoding="utf-8").replace("country AZ", "country"),
                              encoding="utf-8")
        return len(polls) > 4

    stream = io.StringIO()
    assert watch.watch(specs_copy / "azercell", None, interval=0.01, stream=stream, stop=stop) == 0
    text = stream.getvalue()
    summaries = [ln for ln in text.splitlines() if ln.startswith("[")]
    assert len(summaries) == 2, text
    assert "0 errors" in summaries[0] and "0 errors" not in summaries[1]


def test_usage_errors(tmp_path):
    assert main(["watch", str(tmp_path / "missing"), "--once"]) == 2
    assert main(["watch", str(tmp_path), "--once"]) == 2
