"""Positions between the checker (1-based character columns) and the editor (0-based UTF-16
columns), and the name under a position (compiler/lsp/analysis.py)."""

from __future__ import annotations

from pathlib import Path

from dsl.ast import Span
from compiler.lsp.analysis import analyse, char_col, from_lsp, name_at, to_lsp, utf16_col


def test_columns_count_utf16_units_after_an_astral_character():
    line = 'note en "😀 ž" x'
    # `x` is character 15 (1-based); before it: 14 characters, the emoji two UTF-16 units
    assert line.index("x") == 14
    assert utf16_col(line, 15) == 15
    assert char_col(line, 15) == 15
    assert utf16_col(line, 10) == 9  # the emoji itself starts at unit 9 (character 10)
    assert char_col(line, utf16_col(line, 11)) == 11  # the space after the emoji
    text = "zone \"Z\" {\n" + line + "\n}\n"
    assert to_lsp(Span("f", 2, 15, 2, 16), text) == ((1, 15), (1, 16))
    assert from_lsp(text, 1, 15) == (2, 15)


def test_name_at_prefers_the_longest_declared_name(tmp_path: Path):
    spec = tmp_path / "demo" / "zones.tariff"
    spec.parent.mkdir()
    text = ('zone "Zona" {\n  countries ME\n}\n\n'
            'zone "Zona 1" {\n  countries AT\n}\n')
    spec.write_text(text, encoding="utf-8")
    # the header in another file of the folder, open in the editor and not saved
    header = spec.parent / "operator.tariff"
    a = analyse(str(spec), {str(header): 'operator demo {\n  name "Demo"\n  country RS\n'
                                          '  currency RSD\n  timezone "Europe/Belgrade"\n'
                                          '  languages sr\n}\n'})
    assert sorted(a.files) == [str(header), str(spec)]
    assert [d.code for d in a.diagnostics] == ["T0404", "T0404"]  # two zones without prices
    # on `Zona` of `"Zona 1"` (line 5): the whole string names `Zona 1`, not `Zona`
    found = name_at(a, str(spec), 5, 8)
    assert (found.kind, found.name) == ("zone", "Zona 1")
    assert (found.declared.line, found.declared.col) == (5, 6)
    assert name_at(a, str(spec), 1, 8).name == "Zona"
    assert name_at(a, str(spec), 2, 4) is None  # the keyword `countries`
