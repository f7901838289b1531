"""`tariffc check` and `tariffc explain`: output and exit codes.

The checker is replaced by a stand-in module (`compiler.check` in `sys.modules`), so these
tests pin the CLI's contract with it: `check_paths(paths) -> result` with `.diagnostics`
(sorted), `.sources` and `.tariffs`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from compiler import cli
from dsl.ast import Span
from dsl.diagnostics import ERROR, WARNING, Diagnostic

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def specs(tmp_path, monkeypatch):
    """A spec tree with two operators, and a way to set what the stand-in checker reports."""
    for op in ("alpha", "beta"):
        (tmp_path / "specs" / op).mkdir(parents=True)
        (tmp_path / "specs" / op / "operator.tariff").write_text(f"operator {op} {{\n}}\n")
    monkeypatch.chdir(tmp_path)
    reported: list[Diagnostic] = []
    calls: list[list[str]] = []

    def check_paths(paths):
        calls.append(list(paths))
        files = sorted(str(p) for raw in paths for p in
                       ([Path(raw)] if Path(raw).is_file() else Path(raw).rglob("*.tariff")))
        sources = {f: Path(f).read_text() for f in files}
        return types.SimpleNamespace(diagnostics=sorted(reported, key=Diagnostic.sort_key),
                                     sources=sources, tariffs=[])

    standin = types.ModuleType("compiler.check")
    standin.check_paths = check_paths
    monkeypatch.setitem(sys.modules, "compiler.check", standin)
    monkeypatch.setenv("NO_COLOR", "1")
    return types.SimpleNamespace(reported=reported, calls=calls)


def diag(severity: str, code: str = "T0104", line: int = 1) -> Diagnostic:
    span = Span("specs/alpha/operator.tariff", line, 1, line, 9)
    return Diagnostic(code, "unknown zone `Zona 5`", span, severity, "not declared",
                      "did you mean `Zona 2`?")


def test_check_clean(specs, capsys):
    assert cli.main(["check", "specs/"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "specs/: 2 operators checked, 0 errors, 0 warnings"
    assert specs.calls == [["specs/"]]


def test_check_errors_exit_1_with_rendered_diagnostics(specs, capsys):
    specs.reported.append(diag(ERROR))
    assert cli.main(["check", "specs/"]) == 1
    _, err = capsys.readouterr()
    assert "error[T0104]: unknown zone `Zona 5`" in err
    assert "--> specs/alpha/operator.tariff:1:1" in err
    assert "1 | operator alpha {" in err
    assert "\x1b[" not in err  # no colour: not a terminal, and NO_COLOR is set
    assert err.rstrip().endswith("specs/: 2 operators checked, 1 error, 0 warnings")


def test_check_warnings_pass_unless_strict(specs, capsys):
    specs.reported.append(diag(WARNING))
    assert cli.main(["check", "specs/"]) == 0
    assert "0 errors, 1 warning" in capsys.readouterr().err
    assert cli.main(["check", "--strict", "specs/"]) == 1


def test_check_single_file_counts_one_operator(specs, capsys):
    assert cli.main(["check", "specs/alpha/operator.tariff"]) == 0
    assert "specs/alpha/operator.tariff: 1 operator checked" in capsys.readouterr().err


def test_check_json_goes_to_stdout(specs, capsys):
    specs.reported.extend([diag(ERROR, line=1), diag(WARNING, "T0201", line=2)])
    assert cli.main(["check", "--format", "json", "specs/"]) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [(d["code"], d["severity"], d["line"]) for d in data] == [
        ("T0104", "error", 1), ("T0201", "warning", 2)]
    assert "1 error, 1 warning" in err


def test_check_json_clean_prints_empty_list(specs, capsys):
    assert cli.main(["check", "--format", "json", "specs/"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_check_github_annotations(specs, capsys):
    specs.reported.append(diag(ERROR))
    assert cli.main(["check", "--format", "github", "specs/"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=specs/alpha/operator.tariff,line=1,col=1,")
    assert "title=T0104::unknown zone" in out


def test_check_missing_path_is_a_usage_error(specs, capsys):
    assert cli.main(["check", "specs/", "nowhere/"]) == 2
    assert "no such file or folder: nowhere/" in capsys.readouterr().err
    assert specs.calls == []  # nothing is checked when an argument is wrong


def test_check_folder_without_specs_is_a_usage_error(specs, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli.main(["check", "empty"]) == 2
    assert "no .tariff files in empty" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["check"], ["check", "--format", "xml", "specs/"],
                                  ["frobnicate"], ["explain"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2


def test_color_only_on_a_terminal_without_no_color(monkeypatch):
    tty = types.SimpleNamespace(isatty=lambda: True)
    pipe = types.SimpleNamespace(isatty=lambda: False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._use_color(tty) and not cli._use_color(pipe)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._use_color(tty)


# --- explain -----------------------------------------------------------------------------

@pytest.fixture
def pages(tmp_path, monkeypatch):
    d = tmp_path / "errors"
    d.mkdir()
    for code in ("T0001", "T0101", "T0102"):
        (d / f"{code}.md").write_text(f"# {code}: title\n\nExample.\n", encoding="utf-8")
    monkeypatch.setattr(cli, "ERROR_PAGES", d)
    return d


def test_explain_prints_the_page_case_insensitively(pages, capsys):
    assert cli.main(["explain", "t0101"]) == 0
    assert capsys.readouterr().out == "# T0101: title\n\nExample.\n"


def test_explain_unknown_code_suggests(pages, capsys):
    assert cli.main(["explain", "T0103"]) == 2
    err = capsys.readouterr().err
    assert "no explanation for `T0103`" in err and "did you mean `T0101` or `T0102`?" in err


def test_explain_rejects_paths(pages, capsys):
    assert cli.main(["explain", "../T0001"]) == 2


def test_explain_finds_the_shipped_pages():
    """The real location: docs/errors/ next to the compiler package."""
    assert cli.ERROR_PAGES == ROOT / "docs" / "errors"
    shipped = sorted(cli.ERROR_PAGES.glob("T*.md"))
    if not shipped:
        pytest.skip("no error pages yet")
    code = shipped[0].stem
    assert cli.main(["explain", code.lower()]) == 0


# --- start-up ----------------------------------------------------------------------------

def test_cli_import_is_light():
    """`import compiler.cli` loads neither jinja2 nor lark nor the checker."""
    code = ("import sys, compiler.cli; "
            "print(sorted(m for m in ('jinja2', 'lark', 'compiler.check') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def test_check_path_does_not_import_jinja2(tmp_path):
    """Running `check` with the stand-in checker never pulls in jinja2."""
    (tmp_path / "a.tariff").write_text("operator a {\n}\n")
    code = ("import sys, types\n"
            "m = types.ModuleType('compiler.check')\n"
            "m.check_paths = lambda p: types.SimpleNamespace(diagnostics=[], sources={}, tariffs=[])\n"
            "sys.modules['compiler.check'] = m\n"
            "from compiler import cli\n"
            f"rc = cli.main(['check', {str(tmp_path / 'a.tariff')!r}])\n"
            "print(rc, 'jinja2' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "0 False"
