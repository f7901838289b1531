"""Diagnostics for product managers: rustc's layout, Elm's tone.

    error[T0104]: unknown zone `Zona 5`
      --> specs/telenor_rs/roaming.tariff:41:9
       |
    41 |   valid in Zona 5
       |            ^^^^^^ not declared in this operator
       = help: did you mean `Zona 2`? (declared at roaming.tariff:12)

The message says what is wrong; only `help:` says how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import attrs

from dsl.ast import Span

ERROR = "error"
WARNING = "warning"


@attrs.frozen(slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None
    severity: str = ERROR
    label: str = ""
    help: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.line, s.col, self.code) if s else ("", 0, 0, self.code)

    def to_dict(self) -> dict:
        d: dict = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.span:
            s = self.span
            d.update(file=s.file, line=s.line, col=s.col, end_line=s.end_line, end_col=s.end_col)
        if self.label:
            d["label"] = self.label
        if self.help:
            d["help"] = self.help
        if self.notes:
            d["notes"] = list(self.notes)
        return d


class DiagnosticError(Exception):
    """Raised by a reader deep in the checker to abandon one item; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Sink:
    """Collects the diagnostics of one run."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, code: str, message: str, span: Span | None, label: str = "",
              help: str | None = None, notes: Iterable[str] = ()) -> Diagnostic:
        d = Diagnostic(code, message, span, ERROR, label, help, tuple(notes))
        self.items.append(d)
        return d

    def warning(self, code: str, message: str, span: Span | None, label: str = "",
                help: str | None = None, notes: Iterable[str] = ()) -> Diagnostic:
        d = Diagnostic(code, message, span, WARNING, label, help, tuple(notes))
        self.items.append(d)
        return d

    def add(self, d: Diagnostic) -> None:
        self.items.append(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def suggest(name: str, candidates: Iterable[str], limit: int = 5) -> list[str]:
    """Candidates close to `name`: case-insensitive matches first, then by edit distance.

    >>> suggest("zona 1", ["Zona 1", "Zona 2", "Region"])
    ['Zona 1', 'Zona 2']
    """
    cands = sorted(set(candidates))
    low = name.casefold()
    exact = [c for c in cands if c.casefold() == low and c != name]
    max_dist = max(len(name), 3) // 3
    scored = []
    for c in cands:
        if c in exact or c == name:
            continue
        d = edit_distance(low, c.casefold(), max_dist)
        if d <= max_dist:
            scored.append((d, c))
    scored.sort()
    return (exact + [c for _, c in scored])[:limit]


def did_you_mean(name: str, candidates: Iterable[str], what: str = "") -> str | None:
    """A `help:` line proposing the closest names, or listing what exists when few do."""
    cands = sorted(set(candidates))
    close = suggest(name, cands)
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    if cands and len(cands) <= 8:
        return f"known {what or 'names'}: " + ", ".join(f"`{c}`" for c in cands)
    return None


def render(d: Diagnostic, sources: dict[str, str] | None = None, color: bool = False) -> str:
    """The rustc-style text of one diagnostic, with the source line and carets."""
    head = f"{d.severity}[{d.code}]: {d.message}"
    if color:
        red = "\x1b[1;31m" if d.is_error else "\x1b[1;33m"
        head = f"{red}{d.severity}[{d.code}]\x1b[0m\x1b[1m: {d.message}\x1b[0m"
    out = [head]
    s = d.span
    if s is not None:
        out.append(f"{' ' * len(str(s.line))}--> {s.file}:{s.line}:{s.col}")
        text = (sources or {}).get(s.file)
        lines = text.split("\n") if text is not None else []
        if 0 < s.line <= len(lines):
            src = lines[s.line - 1].rstrip("\r")
            num = str(s.line)
            pad = " " * (len(num) + 1)
            end = s.end_col if s.end_line == s.line else len(src) + 1
            width = max(1, end - s.col)
            # Tabs before the caret keep their width so the caret lines up.
            lead = "".join(ch if ch == "\t" else " " for ch in src[: s.col - 1])
            out.append(f"{pad}|")
            out.append(f"{num} | {src}")
            out.append(f"{pad}| {lead}{'^' * width}" + (f" {d.label}" if d.label else ""))
    for note in d.notes:
        out.append(f"   = note: {note}")
    if d.help:
        out.append(f"   = help: {d.help}")
    return "\n".join(out)


def render_all(diags: Iterable[Diagnostic], sources: dict[str, str] | None = None,
               fmt: str = "text", color: bool = False) -> str:
    """All diagnostics in one format: `text` (rustc style), `json`, or `github` annotations."""
    diags = list(diags)
    if fmt == "json":
        return json.dumps([d.to_dict() for d in diags], ensure_ascii=False, indent=2)
    if fmt == "github":
        lines = []
        for d in diags:
            kind = "error" if d.is_error else "warning"
            loc = ""
            if d.span:
                loc = f" file={d.span.file},line={d.span.line},col={d.span.col}"
                loc += f",endLine={d.span.end_line},endColumn={d.span.end_col}"
            msg = d.message + (f" (help: {d.help})" if d.help else "")
            msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"::{kind}{loc},title={d.code}::{msg}")
        return "\n".join(lines)
    return "\n\n".join(render(d, sources, color) for d in diags)
