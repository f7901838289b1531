"""`tariffc watch`: re-check (and rebuild) the specs every time a `.tariff` file is saved.

Standard library only: the folder is polled every half second for the modification time and
size of each `.tariff` file, so it works the same on every system and in containers where
file-system events do not arrive. A save (or a file added or removed) runs one cycle:

1. check every operator under PATH and print its diagnostics (the same text as
   `tariffc check`), then a summary line with the time;
2. if PATH is a specs folder (a folder of operator folders) and nothing is in error, rebuild
   the output folder and the operator pages of the docs as `tariffc build` does (atomically,
   and only when something differs; a spec with errors leaves them as they were). A single operator folder or file is only checked: building from it would drop the
   other operators from the output.

Ctrl-C stops it. `--once` runs one cycle and exits with its result, for tests and scripts.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

INTERVAL = 0.5

EXIT_HELP = """Exit codes: 0 stopped with Ctrl-C (or, with --once, the specs are clean and
built), 1 with --once: spec errors, 2 usage error."""


def snapshot(path: Path) -> dict[str, tuple[int, int]]:
    """Every `.tariff` file under `path` -> (modification time in ns, size)."""
    files = [path] if path.is_file() else sorted(path.rglob("*.tariff"))
    out = {}
    for f in files:
        try:
            st = f.stat()
        except FileNotFoundError:  # removed between the listing and the stat
            continue
        out[str(f)] = (st.st_mtime_ns, st.st_size)
    return out


def buildable(path: Path) -> bool:
    """Whether `path` is a specs folder (its operators are its sub-folders)."""
    from compiler.check import operator_dirs

    return path.is_dir() and operator_dirs(path) != [path]


def cycle(path: Path, out: Path | None, docs: Path = Path("docs"), stream=None,
          color: bool = False) -> int:
    """Check `path`, print its diagnostics, rebuild `out` (and the operator pages under
    `docs`) when clean; 0 clean, 1 errors."""
    from compiler.check import check_paths
    from dsl.diagnostics import render_all

    stream = stream or sys.stderr
    stamp = time.strftime("%H:%M:%S")
    if out is not None:
        from compiler import build

        result = build.generate(str(path), docs)
        diags, sources = result.diagnostics, result.sources
    else:
        checked = check_paths([str(path)])
        diags, sources = checked.diagnostics, checked.sources
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if diags:
        print(render_all(diags, sources, "text", color) + "\n", file=stream)
    summary = f"[{stamp}] {path}: {errors} error{'s' * (errors != 1)}, " \
              f"{warnings} warning{'s' * (warnings != 1)}"
    if out is not None:
        if errors:
            summary += f"; {out} left as it was"
        else:
            stale = build.stale_outputs(result, out, docs)
            if stale:
                build.write_outputs(result, out, docs)
                summary += f"; rebuilt {out} and {docs} ({len(stale)} file{'s' * (len(stale) != 1)} changed)"
            else:
                summary += f"; {out} and {docs} up to date"
    print(summary, file=stream, flush=True)
    return 1 if errors else 0


def watch(path: Path, out: Path | None, docs: Path = Path("docs"), interval: float = INTERVAL,
          stream=None, color: bool = False, stop: Callable[[], bool] | None = None) -> int:
    """Run a cycle now and after every change, until Ctrl-C (or `stop()` returns True)."""
    stream = stream or sys.stderr
    what = f"checking and building into {out}" if out is not None else "checking"
    print(f"tariffc watch: {what} on every save under {path} (Ctrl-C stops)", file=stream)
    seen = snapshot(path)
    cycle(path, out, docs, stream, color)
    try:
        while not (stop and stop()):
            time.sleep(interval)
            now = snapshot(path)
            if now != seen:
                seen = now
                cycle(path, out, docs, stream, color)
    except KeyboardInterrupt:
        print("\ntariffc watch: stopped", file=stream)
    return 0


def run(args) -> int:
    """`tariffc watch [PATH] [--out DIR] [--docs DIR] [--no-build] [--interval S] [--once]`."""
    path = Path(args.path)
    if not path.exists():
        print(f"tariffc: error: no such file or folder: {args.path}", file=sys.stderr)
        return 2
    if path.is_dir() and not any(path.rglob("*.tariff")):
        print(f"tariffc: error: no .tariff files in {args.path}", file=sys.stderr)
        return 2
    out = Path(args.out) if not args.no_build and buildable(path) else None
    color = bool(getattr(sys.stderr, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")
    docs = Path(args.docs)
    if args.once:
        return cycle(path, out, docs, color=color)
    return watch(path, out, docs, args.interval, color=color)


__all__ = ["snapshot", "cycle", "watch", "run", "EXIT_HELP", "INTERVAL"]
