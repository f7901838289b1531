"""Front-end speed: bare Lark against tariffc's parser and checker, on ~1 MB and ~5 MB.

    python -m benchmarks parse [--runs 3] [--sizes 1,5]

The synthetic input is one file made of copies of the largest shipped operator (all its
`.tariff` files; a built-in sample when `specs/` has none). Copy 0 keeps the `operator`
block; later copies drop it and rename what they declare (block names, USSD codes), so most
of the text checks as new declarations rather than as duplicates. Figures (best of N runs):

- bare Lark: LALR, contextual lexer, `propagate_positions`, plain Lark trees;
- tariffc parse: `dsl.parser.parse` (the AST built inline, with spans);
- tariffc parse + check: `compiler.check.check_text`, when the checker provides it;
- the front end's throughput relative to bare Lark (target >= 0.6);
- time at 5 MB over time at 1 MB (target <= 6: near-linear);
- the wall time of `tariffc check specs/` in a fresh process (target < 0.5 s).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
MB = 1_000_000

# Used only when specs/ holds no .tariff files: every construct of the grammar once.
SAMPLE = '''\
// A representative sample: blocks, statements, tables, quantities, pairs, codes, strings.
operator demo {
  name "Demo Telecom"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  about en """
    A demo operator. Its text spans
    several lines and is dedented.
    """
}

zone "Zona 1" {
  countries AT, DE, IT
  network "Demo Net"
}

network "Demo Net" {
  mccmnc "220 02"
  numbers +38263, +38269
}

code *321*<number:msisdn># {
  title en "Call me back" sr "Pozovi me"
  price 0,10 RSD
  when balance < 15 RSD
  window 4 - 24 at 23:00
}

code *111*1*7#YES {
  price free
}

roaming prices "Standard" {
  interval outgoing call 60/60
  interval incoming call 30+1
  interval data 5 KB + 100 KB
  interval mms 1+1 kB

  | zone   | outgoing call | data         | sms     |
  |--------|---------------|--------------|---------|
  | unit   | RSD/min       | RSD/100 KB   | RSD/sms |
  | Zona 1 | 119,90        | 99,90        | 29,90   |
  | Zona 2 | -             |              | 6 RSD/5 KB |
}
'''

_HEAD_NAME = re.compile(r'^[^\S\n]*\w[\w ]*?"([^"<\\\n]+)"[^\S\n]*\{', re.M)
_HEAD_WORD = re.compile(r"^segment[^\S\n]+(\w+)[^\S\n]*\{", re.M)
_CODE_START = re.compile(r"(?<![\w*#>])\*(?=\d)")
_SERVICE_NUMBER = re.compile(r"^([^\S\n]*(?:service number|sms|call)[^\S\n]+)(\d+)(?=[\s\"{])",
                             re.M)


def spec_texts() -> list[tuple[str, str]]:
    """(path, text) of the largest shipped operator, or of the built-in sample."""
    folders: dict[Path, list[Path]] = {}
    for f in sorted(SPECS.rglob("*.tariff")) if SPECS.is_dir() else []:
        folders.setdefault(f.parent, []).append(f)
    if not folders:
        return [("<sample>", SAMPLE)]
    files = max(folders.values(), key=lambda fs: sum(f.stat().st_size for f in fs))
    return [(str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")) for f in files]


def _without_operator_block(text: str) -> str:
    """Drop the top-level `operator` block (found with the real parser, by its line span)."""
    from dsl.parser import parse

    tree, _ = parse(text)
    lines = text.split("\n")
    for item in tree.items:
        if getattr(item, "keyword", None) is not None and item.keyword.text == "operator":
            for n in range(item.span.line - 1, item.span.end_line):
                lines[n] = ""
    return "\n".join(lines)


def _renamed(text: str, i: int, names: list[str], words: list[str]) -> str:
    """Copy `i` of a text: declared names get an `i` suffix; codes and service numbers a prefix."""
    for name in names:
        text = re.sub(r"(?<![\w])" + re.escape(name) + r"(?![\w])", f"{name} {i}", text)
    for word in words:
        text = re.sub(r"\b" + re.escape(word) + r"\b", f"{word}_{i}", text)
    text = _SERVICE_NUMBER.sub(lambda m: f"{m.group(1)}{i}{m.group(2)}", text)
    return _CODE_START.sub(f"*{i}", text)


def synthetic(target_bytes: int) -> str:
    """About `target_bytes` of spec text (UTF-8), made of renamed copies of the shipped specs."""
    texts = spec_texts()
    first = "\n".join(t for _, t in texts)
    body = "\n".join(_without_operator_block(t) for _, t in texts)
    names = sorted({m.group(1) for m in _HEAD_NAME.finditer(body)}, key=len, reverse=True)
    words = sorted({m.group(1) for m in _HEAD_WORD.finditer(body)})
    parts, size, i = [first], len(first.encode()), 1
    while size < target_bytes:
        copy = _renamed(body, i, names, words)
        parts.append(copy)
        size += len(copy.encode()) + 1
        i += 1
    return "\n".join(parts)


SLOW = 10.0  # seconds: a call this slow is not repeated (the benchmark must finish)


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The fastest of `runs` calls (seconds), and the last call's result."""
    best, result = float("inf"), None
    for n in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        if best > SLOW and n + 1 < runs:
            print(f"  (one run took {best:.1f} s: not repeated)")
            break
    return best, result


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"machine: {platform.platform()}; {cpu}; {os.cpu_count()} CPUs; "
            f"Python {platform.python_version()} ({platform.python_implementation()})")


def _tariffc_command() -> list[str]:
    script = Path(sys.executable).with_name("tariffc")
    if script.exists():
        return [str(script)]
    found = shutil.which("tariffc")
    return [found] if found else [sys.executable, "-m", "compiler.cli"]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks parse", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs per figure; the best counts")
    ap.add_argument("--sizes", default="1,5", help="synthetic sizes in MB, comma-separated")
    args = ap.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]

    from dsl.parser import bare_lark_parser, lark_parser, parse
    try:
        from compiler.check import check_text
    except ImportError as e:  # the checker is optional here: measure what exists
        check_text = None
        print(f"note: compiler.check.check_text is not available ({e}); measuring parse only")

    print(machine())
    sources = ", ".join(p for p, _ in spec_texts())
    print(f"input: copies of {sources}")
    bare, _ = bare_lark_parser(), lark_parser()  # build (or load from cache) before timing

    rows: dict[str, dict[float, float]] = {"bare Lark (tree, positions)": {},
                                           "tariffc parse": {}}
    if check_text is not None:
        rows["tariffc parse + check"] = {}
    for size in sizes:
        text = synthetic(int(size * MB))
        nbytes = len(text.encode())
        print(f"\n{size:g} MB input: {nbytes:,} bytes, {text.count(chr(10)):,} lines")
        t, _ = best_of(args.runs, lambda: bare.parse(text))
        rows["bare Lark (tree, positions)"][size] = t
        t, (_, syntax) = best_of(args.runs, lambda: parse(text, "synthetic.tariff"))
        rows["tariffc parse"][size] = t
        if syntax:
            print(f"  warning: {len(syntax)} syntax errors in the synthetic text")
        if check_text is not None:
            t, (_, diags) = best_of(args.runs, lambda: check_text(text, "synthetic.tariff"))
            rows["tariffc parse + check"][size] = t
            print(f"  check reported {len(diags):,} diagnostics (copies share plan names and zone countries)")
        for name, times in rows.items():
            print(f"  {name:30s} {times[size]:8.3f} s  {nbytes / MB / times[size]:7.2f} MB/s")

    print()
    base = rows["bare Lark (tree, positions)"]
    for name, times in rows.items():
        if name != "bare Lark (tree, positions)":
            ratios = ", ".join(f"{base[s] / times[s]:.2f} at {s:g} MB" for s in sizes)
            print(f"throughput {name} / bare Lark: {ratios}   (target >= 0.6)")
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        for name, times in rows.items():
            print(f"time {hi:g} MB / {lo:g} MB, {name}: {times[hi] / times[lo]:.2f}"
                  f"   (target <= {hi / lo * 1.2:g})")

    if SPECS.is_dir() and any(SPECS.rglob("*.tariff")):
        cmd = _tariffc_command() + ["check", str(SPECS)]
        t, proc = best_of(args.runs, lambda: subprocess.run(cmd, capture_output=True, text=True))
        summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        print(f"\n`tariffc check specs/` wall time: {t:.3f} s   (target < 0.5 s)"
              f"   exit {proc.returncode}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
