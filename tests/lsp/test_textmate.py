"""The TextMate grammar (issue 12): committed up to date with the Pygments lexer, and giving
the same tokens as the lexer on every shipped spec.

The grammar is run here by a small TextMate engine over Python's `re`: line by line, the
leftmost match of all patterns (the first pattern on a tie), `captures` per group, and a
`begin`/`end` region that may span lines, as vscode-textmate runs it with Oniguruma.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from compiler import lexer, textmate

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "specs").rglob("*.tariff"))
SAMPLE = '''operator demo {  // a comment
  about en """
    Two "quoted" lines
    of prose.
    """
  price 119,90 RSD/min
  interval data 5 KB + 100 KB
  code *321*<number:msisdn>#YES
  numbers +38263
  countries ME, BA
  | zone   | sms |
  |--------|-----|
  | Zona 1 | 30 % |
  when balance < 15 RSD
}
'''


def test_committed_grammars_are_up_to_date():
    assert textmate.main(["--check"]) == 0, "run `python -m compiler.textmate`"
    for path in textmate.OUTPUTS:
        assert json.loads(path.read_text(encoding="utf-8")) == textmate.grammar()


def test_grammar_shape():
    g = textmate.grammar()
    assert g["scopeName"] == "source.tariff" and g["fileTypes"] == ["tariff"]
    scoped = [r for r in lexer.RULES if textmate._pattern(*r) is not None]
    assert len(g["patterns"]) == len(scoped) + 1  # + the long string region
    assert g["patterns"][lexer.LONGSTRING_AT - 1]["begin"] == '"""'
    for p in g["patterns"]:
        names = [p["name"]] if "name" in p else [c["name"] for c in p["captures"].values()]
        assert all(n.endswith(".tariff") for n in names), p


def tm_tokens(grammar: dict, text: str) -> list[tuple[int, int, int, str]]:
    """(line, start, end, scope) of every scoped piece of `text`, as TextMate splits it."""
    pats = [(re.compile(p.get("match") or p["begin"]), p) for p in grammar["patterns"]]
    out: list[tuple[int, int, int, str]] = []
    region = None
    for ln, line in enumerate(text.split("\n")):
        pos = 0
        while pos <= len(line):
            if region is not None:
                m = re.compile(region["end"]).search(line, pos)
                stop = m.end() if m else len(line)
                out.append((ln, pos, stop, region["name"]))
                if m is None:
                    break
                region, pos = None, stop
                continue
            best = None
            for rx, p in pats:
                m = rx.search(line, pos)
                if m and (best is None or m.start() < best[0].start()):
                    best = (m, p)
            if best is None:
                break
            m, p = best
            if "begin" in p:
                out.append((ln, m.start(), m.end(), p["name"]))
                region = p
            elif "captures" in p:
                out += [(ln, m.start(int(g)), m.end(int(g)), c["name"])
                        for g, c in p["captures"].items() if m.group(int(g))]
            else:
                out.append((ln, m.start(), m.end(), p["name"]))
            pos = m.end() if m.end() > m.start() else m.start() + 1
    return out


def pygments_tokens(text: str) -> list[tuple[int, int, int, str]]:
    """The same, from the Pygments lexer (multi-line tokens split at line ends)."""
    out = []
    for index, token, value in lexer.TariffLexer().get_tokens_unprocessed(text):
        scope = textmate.scope_of(token)
        if scope is None:
            continue
        ln = text.count("\n", 0, index)
        col = index - (text.rfind("\n", 0, index) + 1)
        for k, piece in enumerate(value.split("\n")):
            start = col if k == 0 else 0
            out.append((ln + k, start, start + len(piece), scope))
    return out


def merged(tokens):
    """Adjacent pieces of one scope as one (a long string is several Pygments tokens); empty
    pieces dropped."""
    out: list[list] = []
    for ln, a, b, scope in sorted(t for t in tokens if t[2] > t[1]):
        if out and out[-1][0] == ln and out[-1][2] == a and out[-1][3] == scope:
            out[-1][2] = b
        else:
            out.append([ln, a, b, scope])
    return [tuple(t) for t in out]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.relative_to(REPO / "specs").as_posix())
def test_textmate_and_pygments_agree_on_shipped_specs(spec):
    text = spec.read_text(encoding="utf-8")
    tm, pg = merged(tm_tokens(textmate.grammar(), text)), merged(pygments_tokens(text))
    assert len(tm) > 50
    diff = [(a, b) for a, b in zip(tm, pg) if a != b]
    assert tm == pg, f"first difference (textmate, pygments): {diff[:1]}"


def test_sample_scopes_by_hand():
    """The scopes of a hand-written sample: each token kind once, checked one by one."""
    tokens = merged(tm_tokens(textmate.grammar(), SAMPLE))
    assert tokens == merged(pygments_tokens(SAMPLE))
    lines = SAMPLE.split("\n")

    def scope(line: int, word: str) -> str:
        col = lines[line].index(word)
        return next(s for ln, a, b, s in tokens if ln == line and a <= col < b)

    assert scope(0, "operator") == "keyword.control.tariff"
    assert scope(0, "// a comment") == "comment.line.double-slash.tariff"
    assert scope(2, "quoted") == "string.quoted.triple.tariff"  # inside the long string
    assert scope(4, '"""') == "string.quoted.triple.tariff"
    assert scope(5, "119,90") == "constant.numeric.tariff"
    assert scope(5, "RSD/min") == "storage.type.unit.tariff"
    assert scope(6, "5 KB + 100 KB") == "constant.numeric.interval.tariff"
    assert scope(7, "*321*") == "string.other.ussd-code.tariff"
    assert scope(8, "+38263") == "constant.numeric.other.tariff"
    assert scope(9, "ME") == "constant.language.country.tariff"
    assert scope(10, "|") == "punctuation.separator.tariff"
    assert scope(12, "Zona") == "variable.other.name.tariff"
    assert scope(12, "%") == "storage.type.unit.tariff"
    assert scope(13, "<") == "keyword.operator.tariff"


VSCODE = REPO / "editors" / "vscode"


def test_vscode_textmate_engine_agrees(tmp_path):
    """The same comparison with VS Code's own engine (vscode-textmate and Oniguruma), where
    `npm install` has been run in editors/vscode (CI does not run npm)."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None or not (VSCODE / "node_modules" / "vscode-textmate").is_dir():
        pytest.skip("vscode-textmate not installed: run `npm install` in editors/vscode to compare "
                    "with VS Code's engine")
    run = subprocess.run([node, str(VSCODE / "verify-grammar.js"), str(textmate.OUTPUTS[1]),
                          *map(str, SPECS)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    for spec in SPECS:
        text = spec.read_text(encoding="utf-8")
        # (UTF-16 columns: the specs' characters are all in the Basic Multilingual Plane)
        tm = merged([tuple(t[1:]) for t in found if t[0] == str(spec)])
        assert tm == merged(pygments_tokens(text)), spec
