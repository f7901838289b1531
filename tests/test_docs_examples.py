"""The docs' examples are real: fences parse, and each error page's example fails as it says.

- every ```tariff fence in docs/ parses without syntax errors (except the failing examples
  of docs/errors pages, which are checked below);
- each docs/errors/TXXXX.md "Example" produces TXXXX, and its "Fix" checks with no error;
- every diagnostic code the code base can emit has a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.check import check_text
from dsl.parser import parse

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
FENCE = re.compile(r"```tariff\n(.*?)```", re.S)
PAGES = sorted((DOCS / "errors").glob("T*.md"))


def fences(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def section(text: str, title: str) -> str | None:
    m = re.search(rf"## {title}\n(.*?)(?=\n## |\Z)", text, re.S)
    if not m:
        return None
    f = FENCE.search(m.group(1))
    return f.group(1) if f else None


DOC_FILES = [p for p in sorted(DOCS.rglob("*.md")) if p.parent.name != "errors"]


@pytest.mark.parametrize("path", DOC_FILES, ids=[str(p.relative_to(DOCS)) for p in DOC_FILES])
def test_every_fence_parses(path: Path) -> None:
    for i, text in enumerate(fences(path)):
        _, errors = parse(text, f"{path.name}#{i}")
        assert not errors, f"fence {i} of {path}: {errors}"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_error_page_example_fails_and_fix_passes(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    code = page.stem
    assert text.startswith(f"# {code}: "), "a page starts with `# CODE: title`"
    example, fix = section(text, "Example"), section(text, "Fix")
    if example is None:
        pytest.skip(f"{code} has no spec example (it is not about a spec's text)") if code in {"T0009", "T0123"} else None
        assert example is not None, f"{code}.md needs an `## Example` with a ```tariff fence"
    _, diags = check_text(example, "example.tariff")
    assert code in {d.code for d in diags}, f"{code} example gives {[d.code for d in diags]}"
    assert fix is not None, f"{code}.md needs a `## Fix`"
    _, diags = check_text(fix, "fix.tariff")
    assert not [d for d in diags if d.is_error or d.code == code], [str(d) for d in diags]


def emitted_codes() -> set[str]:
    codes = set()
    for p in list((ROOT / "dsl").rglob("*.py")) + list((ROOT / "compiler").rglob("*.py")):
        codes |= set(re.findall(r'"(T\d{4})"', p.read_text(encoding="utf-8")))
    return codes


def test_every_code_has_a_page() -> None:
    missing = sorted(emitted_codes() - {p.stem for p in PAGES})
    assert not missing, f"codes without a docs/errors page: {missing}"
