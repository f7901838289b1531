"""Random edits of the shipped specs never make the checker raise or hang.

Each example takes one shipped spec folder, applies a few edits a person might make by
accident (delete, duplicate or swap lines; swap, delete or duplicate tokens; insert a stray
character), and checks the result. Whatever the edit, `check` must return diagnostics
(possibly none), never raise.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.check import check_files
from dsl.diagnostics import Diagnostic
from dsl.parser import parse

SPECS = Path(__file__).parents[2] / "specs"
FOLDERS = sorted(p for p in SPECS.iterdir() if p.is_dir())
TEXTS = {p: {f.name: f.read_text(encoding="utf-8") for f in sorted(p.glob("*.tariff"))} for p in FOLDERS}
STRAY = ['"', "{", "}", "|", "-", "*", "#", "<", ">", "%", ",", ":", "\t", "é", "0", "\n", "/", "+"]


def edit(text: str, data) -> str:
    lines = text.split("\n")
    kind = data.draw(st.sampled_from(["del_line", "dup_line", "swap_lines", "swap_tokens",
                                      "del_token", "dup_token", "insert_char", "truncate"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    if kind == "del_line":
        del lines[i]
    elif kind == "dup_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        cut = data.draw(st.integers(0, len(text)))
        return text[:cut]
    else:
        tokens = lines[i].split(" ")
        k = data.draw(st.integers(0, len(tokens) - 1))
        if kind == "swap_tokens":
            m = data.draw(st.integers(0, len(tokens) - 1))
            tokens[k], tokens[m] = tokens[m], tokens[k]
        elif kind == "del_token":
            del tokens[k]
        elif kind == "dup_token":
            tokens.insert(k, tokens[k])
        else:
            pos = data.draw(st.integers(0, len(tokens[k])))
            tokens[k] = tokens[k][:pos] + data.draw(st.sampled_from(STRAY)) + tokens[k][pos:]
        lines[i] = " ".join(tokens)
    return "\n".join(lines)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=5000)
@given(st.data())
def test_edited_specs_give_diagnostics_not_exceptions(data) -> None:
    folder = data.draw(st.sampled_from(FOLDERS))
    files = dict(TEXTS[folder])
    name = data.draw(st.sampled_from(sorted(files)))
    text = files[name]
    for _ in range(data.draw(st.integers(1, 4))):
        text = edit(text, data)
    files[name] = text
    parsed, diags = [], []
    for fname, ftext in sorted(files.items()):
        f, d = parse(ftext, fname)
        parsed.append(f)
        diags += d
    _, semantic = check_files(parsed, str(folder), broken=bool(diags))
    for d in diags + semantic:
        assert isinstance(d, Diagnostic) and d.code.startswith("T")
