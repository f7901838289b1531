"""Generated modules: compile, stay importable without the compiler, are deterministic, and
carry any spec text unchanged (no text can inject code)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from datetime import datetime, timezone

from compiler import build
from compiler.check import check_text
from compiler.gen_python import module_source, py_literal
from runtime.events import Dial
from runtime.state import Subscriber, world_of

ROOT = Path(__file__).parents[2]

HOSTILE = [
    'quote " and \' apostrophe',
    "back\\slash \\n not a newline",
    'triple """ quotes \'\'\' both',
    "{{ jinja }} {% block x %} {# c #}",
    "__import__('os').system('echo pwned')",
    "new\nline and\ttab",
    "\"); import os; os.system('x'); (\"",
]


def spec_with(texts: list[str]) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    plans = ", ".join(q(t) for t in texts)
    return f'''operator hostile {{
  name {q(texts[0])}
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
  about en {q(texts[4])}
}}

segment postpaid {{
  name sr {q(texts[2])} en {q(texts[3])}
  plans {plans}
}}

code *100# {{
  title en {q(texts[1])}
  for postpaid
  action status
  reply ussd
  text sr {q(texts[5])} en {q(texts[6])}
  price free
}}
'''


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, tuple | list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_hostile_texts_compile_and_come_back_unchanged() -> None:
    tariff, diags = check_text(spec_with(HOSTILE), "hostile.tariff")
    assert tariff is not None, diags
    source = module_source(tariff)
    compile(source, "hostile.py", "exec")
    namespace: dict = {}
    exec(source, namespace)  # the tables are data; executing them runs nothing from the spec
    assert namespace["NAME"] == HOSTILE[0]
    found = set(strings_in(namespace["TABLES"]))
    for text in HOSTILE:
        assert text in found, text
    # the module works, and a reply text comes back exactly as the spec wrote it
    world = world_of(Subscriber("381631234567", "postpaid", language="en"))
    at = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    _, outcome = namespace["apply"](world, Dial("381631234567", at, "*100#"))
    assert outcome.ok and [r.text for r in outcome.replies] == [HOSTILE[6]]


def test_py_literal_refuses_floats_and_objects() -> None:
    with pytest.raises(TypeError):
        py_literal(0.1)
    with pytest.raises(TypeError):
        py_literal(object())


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build.generate(str(ROOT / "specs"))
    second = build.generate(str(ROOT / "specs"))
    assert first.ok and first.files == second.files
    build.write_tree(first.files, tmp_path / "a")
    build.write_tree(second.files, tmp_path / "b")
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b and a


def test_build_is_independent_of_hash_seed(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        docs = tmp_path / f"docs{seed}"
        subprocess.run([sys.executable, "-m", "compiler.cli", "build", "--specs", "specs", "--out", str(out),
                        "--docs", str(docs)], cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append({p.relative_to(tmp_path).as_posix().split("/", 1)[1]: p.read_bytes()
                     for d in (out, docs) for p in d.rglob("*") if p.is_file()})
    assert outs[0] == outs[1]


def test_committed_generated_is_fresh() -> None:
    result = build.generate("specs") if Path("specs").is_dir() else build.generate(str(ROOT / "specs"))
    assert build.stale_files(result.files, ROOT / "generated") == []


def test_generated_modules_import_without_the_compiler() -> None:
    code = ("import sys, generated.telenor_rs, generated.azercell; "
            "bad = [m for m in ('lark', 'jinja2', 'dsl', 'compiler') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_failed_write_leaves_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    build.write_tree({"a/__init__.py": "old\n"}, out)

    def failing(path: Path, text: str) -> None:
        if path.name == "b.py":
            raise OSError("disk full (injected)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    with pytest.raises(OSError):
        build.write_tree({"a/__init__.py": "new\n", "a/b.py": "x\n"}, out, write=failing)
    assert (out / "a/__init__.py").read_text() == "old\n"
    assert not (out / "a/b.py").exists()
    assert not list(tmp_path.glob("generated.new-*"))


def test_an_interrupted_swap_is_restored(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    build.write_tree({"x.py": "old\n"}, out)
    os.rename(out, tmp_path / "generated.old-999")  # killed between the two renames
    build.write_tree({"x.py": "new\n"}, out)
    assert (out / "x.py").read_text() == "new\n"
    assert not list(tmp_path.glob("generated.old-*"))
