"""The golden-vector plugin: every vector of `generated/<operator>/vectors/*.json` is a test
item of its own (`test_vector[telenor_rs/passes/Dnevna karta by dial *125*1# 0]`), run against
the compiled module `generated.<operator>` with explanations on (the data of a few events
carries the arithmetic). A failure prints, per failing event, each field with what the
vector expects and what the module gave:

    events[3] usage 2026-07-01T10:03:00+02:00  (outgoing call in Zona 1)
      charge      expected 239.80   got 119.90
      data.billed expected 120      got 60

Vectors are re-recorded on purpose by `tariffc build` (they are generated, never edited), and
`tariffc build --check` fails when the committed ones are stale.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from pathlib import Path

from compiler.vectors import play, scenario_of
from runtime import scenario as sc

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "generated").glob("*/vectors/*.json"))


def load_vectors(files=FILES) -> list[tuple[str, dict]]:
    """(test id, vector) for every vector of every file."""
    out = []
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for vec in doc["vectors"]:
            out.append((f"{doc['operator']}/{doc['kind']}/{vec['name']}", vec))
    return out


def pytest_generate_tests(metafunc):
    if "vector" in metafunc.fixturenames:
        pairs = load_vectors()
        metafunc.parametrize("vector", [v for _, v in pairs], ids=[i for i, _ in pairs])


def _leaves(value, path: str):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(value, list) and value and any(isinstance(x, (dict, list)) for x in value):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def _get(value, path: str):
    import re
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        key, idx = part
        try:
            value = value[int(idx)] if idx else value[key]
        except (KeyError, IndexError, TypeError):
            return "<missing>"
    return value


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        try:
            return Decimal(a) == Decimal(b)
        except ArithmeticError:
            return a == b
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def field_diff(expect: dict, result, balance) -> list[tuple[str, object, object]]:
    """(field, expected, got) for every expected field the result does not match."""
    got_all = {"ok": result.ok, "charge": result.charge or "0", "error": result.error,
               "source": result.source, "balance": balance}
    rows = []
    for key in ("error", "ok", "charge", "balance"):
        if key in expect and not _same(expect[key], got_all[key]):
            rows.append((key, expect[key], got_all[key]))
    if "source" in expect and expect["source"] not in result.source:
        rows.append(("source", expect["source"], result.source))
    for i, part in enumerate(expect.get("reply_contains", ())):
        if not any(sc.reply_matches(part, r) for r in result.replies):
            got = result.replies[i] if i < len(result.replies) else "<no reply>"
            if isinstance(got, dict):
                got = {"channel": got["channel"], "text": got["text"]}
            rows.append((f"reply[{i}]", part, got))
    for path, value in _leaves(expect.get("data", {}), "data"):
        got = _get({"data": result.data}, "." + path)
        if not _same(value, got):
            rows.append((path, value, got))
    return rows


def diff_text(vector: dict, failures) -> str:
    lines = [f"vector {vector['name']!r}: {vector['description']}"]
    for ev, result, rows in failures:
        kind = next(k for k in ev if k in sc.KINDS)
        why = ev["expect"].get("why", "")[:100]
        lines.append(f"events[{result.index}] {kind} {ev['at']}  ({why})")
        width = max(len(r[0]) for r in rows)
        for name, want, got in rows:
            want, got = (json.dumps(x, ensure_ascii=False)[:200] for x in (want, got))
            lines.append(f"  {name.ljust(width)}  expected {want}")
            lines.append(f"  {' ' * width}  got      {got}")
    return "\n".join(lines)


def check_vector(vector: dict, module=None) -> str | None:
    """None when the module meets every expectation of the vector, else a readable diff."""
    doc = scenario_of(vector)
    scenario = sc.load(doc)
    if module is None:
        module = importlib.import_module(f"generated.{scenario.operator}")
    engine = sc.engine_of(scenario.operator, module)
    failures = []
    for ev, (result, balance) in zip(doc["events"], play(scenario, engine)):
        rows = field_diff(ev["expect"], result, balance)
        if rows:
            failures.append((ev, result, rows))
    return diff_text(vector, failures) if failures else None
