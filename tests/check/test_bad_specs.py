"""Every bad spec in tests/check/bad/ yields its expected diagnostic, and nothing crashes.

Each file starts with two comment lines:

    // expect: T0104 12:9
    // help: did you mean `Zona 2`?

(`// help: -` when the diagnostic has no help). The expected diagnostic must be among the
file's errors/warnings with exactly that code, line and column, and its help must contain the
given text. The file may have other diagnostics only if it says `// also: T0101, ...`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.check import check_paths
from dsl.diagnostics import render_all

BAD = Path(__file__).parent / "bad"
FILES = sorted(BAD.glob("*.tariff"))
HEADER = re.compile(r"//\s*expect:\s*(T\d{4})\s+(\d+):(\d+)\s*\n//\s*help:\s*(.*)\n(?://\s*also:\s*(.*)\n)?")


def expectation(path: Path):
    m = HEADER.match(path.read_text(encoding="utf-8"))
    assert m, f"{path.name} must start with `// expect: TXXXX line:col` and `// help: ...`"
    code, line, col, help_text, also = m.groups()
    allowed = {c.strip() for c in (also or "").split(",") if c.strip()}
    return code, int(line), int(col), help_text.strip(), allowed


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bad_spec(path: Path) -> None:
    code, line, col, help_text, allowed = expectation(path)
    result = check_paths([str(path)])
    shown = render_all(result.diagnostics, result.sources)
    hits = [d for d in result.diagnostics
            if d.code == code and d.span and (d.span.line, d.span.col) == (line, col)]
    assert hits, f"expected {code} at {line}:{col}, got:\n{shown}"
    d = hits[0]
    if help_text == "-":
        assert d.help is None, shown
    else:
        assert d.help and help_text in d.help, f"help should contain {help_text!r}:\n{shown}"
    others = {x.code for x in result.diagnostics if x is not d} - allowed - {code}
    assert not others, f"unexpected extra diagnostics {sorted(others)}:\n{shown}"
    # the rendered form shows the position and a caret line
    assert f":{line}:{col}" in shown and "^" in shown


def test_there_are_many_distinct_bad_specs() -> None:
    codes = {expectation(p)[0] for p in FILES}
    assert len(FILES) >= 30 and len(codes) >= 25, (len(FILES), sorted(codes))


def test_every_code_used_by_a_bad_spec_has_a_page() -> None:
    docs = Path(__file__).parents[2] / "docs" / "errors"
    missing = sorted({expectation(p)[0] for p in FILES} - {p.stem for p in docs.glob("T*.md")})
    assert not missing, f"codes without docs/errors page: {missing}"
