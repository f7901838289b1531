"""`tariffc fmt` (issue 6): the canonical layout, idempotent, model-preserving, every
comment kept; `--check`; files with syntax errors refused; atomic writes."""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from compiler import fmt
from compiler.check import check_paths, check_text
from compiler.cli import main
from compiler.diff import same_model
from compiler.fmt import format_text, shape
from dsl.parser import GRAMMAR_PATH, parse
from tests.cli.conftest import ROOT, SPECS

SHIPPED = sorted(SPECS.rglob("*.tariff"))
FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                   HealthCheck.filter_too_much])


def examples(quick: int) -> int:
    """`quick` under the default `ci` profile; the profile's own count under `long`."""
    return max(quick, settings.default.max_examples) if settings.default.max_examples > 50 else quick


def formatted(text: str, path: str = "t.tariff") -> str:
    result = format_text(text, path)
    assert result.text is not None, result.diagnostics
    return result.text


def models(folder: Path) -> dict:
    result = check_paths([str(folder)])
    assert not result.errors, result.errors
    return {t.id: t for t in result.tariffs}


# --- the shipped specs ---------------------------------------------------------------------

def test_fmt_check_passes_on_the_shipped_specs(capsys):
    assert main(["fmt", "--check", str(SPECS)]) == 0
    assert "would reformat" not in capsys.readouterr().out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fmt_is_idempotent_on_every_shipped_spec(path):
    text = path.read_text(encoding="utf-8")
    once = formatted(text, str(path))
    assert formatted(once, str(path)) == once


def test_fmt_preserves_the_model_of_the_shipped_specs(tmp_path):
    """Every file of a copy is rewritten in a scrambled layout, then formatted back: the
    models of the three versions are the same, apart from positions."""
    scrambled = tmp_path / "scrambled"
    shutil.copytree(SPECS, scrambled)
    rng = random.Random(6)
    for f in scrambled.rglob("*.tariff"):
        f.write_text(respace(f.read_text(encoding="utf-8"), rng), encoding="utf-8")
    before = models(scrambled)
    assert main(["fmt", str(scrambled)]) == 0
    after, shipped = models(scrambled), models(SPECS)
    assert before.keys() == after.keys() == shipped.keys()
    for op in shipped:
        assert same_model(before[op], after[op]) and same_model(after[op], shipped[op])
    for f in scrambled.rglob("*.tariff"):  # and the layout is the shipped one again
        assert f.read_text(encoding="utf-8") == (SPECS / f.relative_to(scrambled)).read_text(encoding="utf-8")


# --- drawn specs ---------------------------------------------------------------------------

_TOKENISH = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|//[^\n]*|[ \t]+|\n|[^\s"]+|"')


def long_string_lines(text: str) -> set[int]:
    """Lines (1-based) that a long string covers, or that follow one on its last line."""
    lines: set[int] = set()
    for m in re.finditer(r'"""(?:[^"\\]|\\.|"(?!""))*"""', text):
        first = text.count("\n", 0, m.start()) + 1
        lines.update(range(first + 1, first + m.group().count("\n") + 1))
    return lines


def respace(text: str, rng: random.Random, blank_lines: bool = False) -> str:
    """The same spec with other whitespace: random indents, runs of spaces between atoms,
    no space before commas or around pipes, (optionally) extra blank lines. Lines inside
    long strings are left alone, as the value of a long string depends on its indents."""
    keep = long_string_lines(text)
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if n in keep:
            out.append(line)
            continue
        pieces = _TOKENISH.findall(line.strip())
        new = []
        for i, piece in enumerate(pieces):
            if piece.isspace():
                prev, nxt = pieces[i - 1], pieces[i + 1] if i + 1 < len(pieces) else ""
                options = [" ", "  ", "    "]
                if nxt.startswith(",") or prev.endswith("|") or nxt.startswith("|"):
                    options.append("")
                if prev.startswith("|-") or nxt.startswith("|-") or re.search(r"/\d+$", prev):
                    options = [" "]  # a separator row; the space inside `RSD/5 KB`
                new.append(rng.choice(options))
            else:
                new.append(piece)
        body = "".join(new)
        out.append(" " * rng.choice([0, 1, 3, 4, 8]) + body if body else "")
        if blank_lines and rng.random() < 0.1:
            out.extend([""] * rng.randint(1, 3))
    return "\n".join(out)


@settings(max_examples=examples(15), **FUZZ)
@given(st.sampled_from(SHIPPED), st.randoms(use_true_random=False), st.booleans())
def test_fmt_of_a_respaced_shipped_spec(path, rng, blank_lines):
    text = path.read_text(encoding="utf-8")
    messy = respace(text, rng, blank_lines)
    assert not parse(messy, "m.tariff")[1], messy
    out = formatted(messy)
    assert formatted(out) == out
    if not blank_lines:  # whitespace alone never changes the canonical layout
        assert out == formatted(text)
    if path.name == "operator.tariff":  # a whole operator: its model is unchanged
        a, da = check_text(messy, "x.tariff")
        b, db = check_text(out, "x.tariff")
        assert [d.code for d in da] == [d.code for d in db]
        if a is not None:
            assert same_model(a, b)


GRAMMAR = Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")
COMMENTS = st.sampled_from(["// note", "//x", "// a | b {", '// "quoted"', "//"])


@st.composite
def commented_sentences(draw):
    """A sentence of the grammar, with numbered comments added at line ends and on lines of
    their own."""
    text = draw(from_lark(GRAMMAR))
    lines = text.split("\n")
    for k in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        c = f"{draw(COMMENTS)} #{k}"
        if draw(st.booleans()):
            lines[i] = lines[i] + "   " + c
        else:
            lines.insert(i, "    " + c)
    return "\n".join(lines)


@settings(max_examples=examples(60), **FUZZ)
@given(commented_sentences())
def test_fmt_of_grammar_sentences(text):
    tree, diags = parse(text, "g.tariff")
    assume(not diags)
    out = formatted(text, "g.tariff")
    assert shape(parse(out, "g.tariff")[0]) == shape(tree)  # the same syntax tree
    assert formatted(out, "g.tariff") == out  # idempotent
    for marker in re.findall(r" #\d+", text):  # every comment kept (and not doubled)
        assert out.count(marker) == text.count(marker)


# --- the layout ----------------------------------------------------------------------------

def test_layout_rules():
    messy = (
        "\n\n// header comment\n"
        "zone   \"Zona 1\"{   // the zone\n"
        "      countries AT ,DE,IT\n"
        "\n\n\n"
        "   // a full-line comment\n"
        "  illustrative mcc 901      // one\n"
        "  name en \"Zone\"    // two, aligned with one\n"
        "\n"
        "}\n\n\n"
        "roaming prices \"P\" {\n"
        "|zone|sms|\n"
        "|:---|---:|\n"
        "| unit | RSD/sms |\n"
        "  // inside the table\n"
        "|Zona 1|29,90|   // trailing\n"
        "}\n"
    )
    assert formatted(messy) == (
        "// header comment\n"
        "zone \"Zona 1\" {  // the zone\n"
        "  countries AT, DE, IT\n"
        "\n"
        "  // a full-line comment\n"
        "  illustrative mcc 901  // one\n"
        "  name en \"Zone\"        // two, aligned with one\n"
        "}\n"
        "\n"
        "roaming prices \"P\" {\n"
        "  | zone   | sms     |\n"
        "  |:-------|--------:|\n"
        "  | unit   | RSD/sms |\n"
        "  // inside the table\n"
        "  | Zona 1 | 29,90   |  // trailing\n"
        "}\n"
    )


def test_long_strings_are_kept_verbatim():
    text = 'operator x {\n    about en """\n      First line,\n        indented more.\n      """\n}\n'
    out = formatted(text)
    assert out == 'operator x {\n  about en """\n      First line,\n        indented more.\n      """\n}\n'


def test_units_get_one_space():
    assert formatted("a {\n  price 100MB 1+1kB 6 RSD/5KB\n}\n") == "a {\n  price 100 MB 1+1 kB 6 RSD/5KB\n}\n"


# --- the command ---------------------------------------------------------------------------

def test_fmt_check_lists_files_and_writes_nothing(specs_copy, capsys):
    target = specs_copy / "telenor_rs" / "passes.tariff"
    messy = target.read_text(encoding="utf-8").replace("  price 199 RSD", "      price   199 RSD")
    target.write_text(messy, encoding="utf-8")
    assert main(["fmt", "--check", str(specs_copy)]) == 1
    out = capsys.readouterr()
    assert out.out == f"would reformat: {target}\n"
    assert "1 would be reformatted" in out.err
    assert target.read_text(encoding="utf-8") == messy
    assert main(["fmt", str(specs_copy)]) == 0
    assert main(["fmt", "--check", str(specs_copy)]) == 0


def test_fmt_diff_prints_a_unified_diff(specs_copy, capsys):
    target = specs_copy / "azercell" / "operator.tariff"
    target.write_text(target.read_text(encoding="utf-8").replace("  country AZ", "country AZ"))
    assert main(["fmt", "--check", "--diff", str(target)]) == 1
    out = capsys.readouterr().out
    assert "-country AZ\n+  country AZ\n" in out


def test_fmt_refuses_a_file_with_syntax_errors(tmp_path, capsys):
    bad = tmp_path / "bad.tariff"
    text = 'zone "Zona 1" {\n   countries AT\n'  # never closed
    bad.write_text(text)
    assert main(["fmt", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "error[T0003]" in err and "left as it was" in err
    assert bad.read_text() == text


def test_fmt_usage_errors(tmp_path, capsys):
    assert main(["fmt", str(tmp_path / "missing")]) == 2
    assert main(["fmt", str(tmp_path)]) == 2  # no .tariff files


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    f = tmp_path / "a.tariff"
    f.write_text("old\n")

    def boom(src, dst):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        fmt.write_atomic(f, "new\n")
    assert f.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.tariff"]
