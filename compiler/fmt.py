"""`tariffc fmt`: the canonical layout of a `.tariff` file.

The layout is printed from the syntax tree; what the parser drops (comments, blank lines,
Markdown separator rows) is recovered from the source text by line. The rules:

- two spaces of indentation per block level; `keyword args {` opens a block, `}` stands on
  its own line at the block's indent;
- one space between atoms, none before a comma (`"a", "b"`); one space between a number and
  its unit (`100MB` becomes `100 MB`, `1+1kB` becomes `1+1 kB`); atoms are otherwise
  written exactly as in the source;
- table columns are aligned: every cell is padded to its column's width (at least 3, the
  three dashes of a separator), and separator rows
  (`|---|`) are redrawn to the same widths (a `:` of an alignment marker is kept);
- blank lines between items are kept, a run of them collapsed to one; none at the start
  or end of a block or of the file;
- every comment is kept: a comment on a line of its own at the indent of the items around
  it; a comment after an item on the same line (a trailing comment) stays on that line, and
  the trailing comments of adjacent lines start in one column, two spaces after the longest
  of those lines;
- strings are kept verbatim, including every line of a `\"\"\"` long string;
- line ends are `\\n`, the file ends with one newline, trailing spaces go, a BOM goes.

`format_text` is idempotent, and the formatted text has the same model as the original
(tests/cli/test_fmt.py checks both on every shipped spec and on Hypothesis-drawn ones). A
file with syntax errors is never formatted.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import attrs

from dsl import ast
from dsl.ast import Block, Stmt, Table
from dsl.diagnostics import Diagnostic
from dsl.parser import parse

INDENT = "  "
COMMENT_GAP = 2  # spaces between the longest line of a run and its trailing comments
_SEPROW = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")
_SEPCELL = re.compile(r"[ \t]*(:?)-{3,}(:?)[ \t]*\|")
_NO_SPACE_BEFORE = (ast.COMMA,)


@attrs.frozen
class FmtResult:
    """The formatted text (None when the file has syntax errors) and the syntax errors."""

    text: str | None
    diagnostics: list[Diagnostic]


def format_text(text: str, path: str = "<string>") -> FmtResult:
    """Format one file's text; refuse (text None) if it has syntax errors.

    >>> format_text('zone  "Z"{\\n countries ME ,BA   // two\\n}\\n').text
    'zone "Z" {\\n  countries ME, BA  // two\\n}\\n'
    """
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # as the parser does, so columns stay true
    tree, diags = parse(text, path)
    if diags:
        return FmtResult(None, diags)
    out = _Printer(text).file(tree.items)
    again, diags = parse(out, path)
    if diags or shape(again) != shape(tree):  # a bug in the printer: never write its output
        raise FmtError(f"{path}: formatting would change what the file says; left as it was")
    return FmtResult(out, [])


class FmtError(Exception):
    """The printer's output does not parse to the same tree as its input (a bug)."""


def shape(node):
    """A syntax tree without its spans, for comparing a file before and after formatting.
    Long strings compare by value (formatting drops trailing spaces inside them)."""
    if isinstance(node, ast.File):
        return shape(node.items)
    if isinstance(node, (tuple, list)):
        return tuple(shape(n) for n in node)
    if isinstance(node, ast.Atom):
        return (node.kind, node.value if node.kind == ast.LONGSTRING else node.text)
    if attrs.has(type(node)):
        return (type(node).__name__,) + tuple(
            shape(getattr(node, f.name)) for f in attrs.fields(type(node)) if f.name != "span")
    return node


# --- the printer ---------------------------------------------------------------------------


class _Printer:
    """Walks the tree, emitting (indent, code, comment) lines; gaps between items (blank
    lines, full-line comments, separator rows) are copied from the source by line number."""

    def __init__(self, text: str) -> None:
        self.src = [ln.rstrip("\r") for ln in text.split("\n")]
        self.out: list[_Line] = []
        self.trailing: dict[int, str] = {}
        self._find_trailing_comments()

    # Source lines ------------------------------------------------------------------------

    def _find_trailing_comments(self) -> None:
        """For each source line that ends with a comment after its last atom, that comment."""
        last_end: dict[int, int] = {}  # line -> 0-based column just past its last atom
        inside: set[int] = set()  # lines wholly or partly inside a multi-line atom

        def note(span: ast.Span) -> None:
            last_end[span.end_line] = max(last_end.get(span.end_line, 0), span.end_col - 1)
            inside.update(range(span.line, span.end_line))

        def walk(items) -> None:
            for item in items:
                if type(item) is Table:
                    for row in item.rows:
                        for cell in row.cells:
                            for a in cell.atoms:
                                note(a.span)
                    continue
                note(item.keyword.span)
                for a in item.args:
                    note(a.span)
                if type(item) is Block:
                    walk(item.items)

        self._walk = walk
        self._note = (last_end, inside)

    def _comment_after(self, line: int, col: int) -> str | None:
        src = self.src[line - 1] if 0 < line <= len(self.src) else ""
        at = src.find("//", col)
        return src[at:].rstrip() if at >= 0 else None

    def trailing_comment(self, line: int) -> str | None:
        last_end, inside = self._note
        if line in inside:
            return None
        return self._comment_after(line, last_end.get(line, 0))

    def atom_text(self, a) -> str:
        """An atom as written; a quantity or interval with one space before its unit."""
        if a.kind not in (ast.QUANTITY, ast.PAIR):
            return a.text
        sp = a.span
        written = self.src[sp.line - 1][sp.col - 1:sp.end_col - 1]
        head = a.number if a.kind == ast.QUANTITY else f"{a.first}{a.sep}{a.next}"
        unit = written[len(head):].strip()
        return f"{head} {unit}" if unit else head

    def join(self, atoms) -> str:
        out = []
        for i, a in enumerate(atoms):
            if out and a.kind not in _NO_SPACE_BEFORE and not _time_range(atoms, i):
                out.append(" ")
            out.append(self.atom_text(a))
        return "".join(out)

    # Emitting ------------------------------------------------------------------------------

    def emit(self, depth: int, code: str, comment: str | None = None, kind: str = "code") -> None:
        self.out.append(_Line(kind, depth, code, comment))

    def blank(self) -> None:
        self.out.append(_Line("blank", 0, "", None))

    def gap(self, first: int, last: int, depth: int, widths: list[int] | None = None) -> None:
        """Copy source lines first..last (inclusive) that lie between items."""
        for n in range(first, last + 1):
            raw = self.src[n - 1] if 0 < n <= len(self.src) else ""
            s = raw.strip()
            if not s:
                self.blank()
            elif s.startswith("//"):
                self.emit(depth, s, kind="comment")
            else:
                m = _SEPROW.match(s)
                if m is None:  # cannot happen in a file that parsed; keep the line rather than lose it
                    self.emit(depth, s)
                    continue
                rest = s[m.end():].strip()
                self.emit(depth, _separator(m.group(), widths), rest or None)

    def file(self, items) -> str:
        self._walk(items)
        end = self.items(items, 0, 1, len(self.src))
        self.gap(end, len(self.src), 0)
        return self.render()

    def items(self, items, depth: int, start: int, stop: int) -> int:
        """Emit `items` at `depth`; source lines from `start` may hold gaps. Returns the first
        source line after the last item (gaps up to `stop` are the caller's)."""
        line = start
        for k, item in enumerate(items):
            first = item.span.line
            widths = None
            if type(item) is Table:
                widths = _widths(item, self.join)
            elif k and type(items[k - 1]) is Table:
                widths = _widths(items[k - 1], self.join)
            self.gap(line, first - 1, depth, widths)
            if type(item) is Table:
                line = self.table(item, depth, widths)
            elif type(item) is Block:
                line = self.block(item, depth)
            else:
                line = self.stmt(item, depth)
        return line

    def _head(self, keyword: ast.Atom, args) -> str:
        return self.join([keyword, *args])

    def stmt(self, item: Stmt, depth: int) -> int:
        end = item.span.end_line
        self.lines(depth, self._head(item.keyword, item.args), self.trailing_comment(end))
        return end + 1

    def block(self, item: Block, depth: int) -> int:
        head_end = max([item.keyword.span.end_line] + [a.span.end_line for a in item.args])
        rbrace = item.span.end_line
        # the rest of the header line after `{` may hold a comment, or the first item
        comment = None
        if rbrace > head_end and (not item.items or item.items[0].span.line > head_end):
            comment = self.trailing_comment(head_end)
        self.lines(depth, self._head(item.keyword, item.args) + " {", comment, kind="open")
        line = self.items(item.items, depth + 1, head_end + 1, rbrace)
        widths = _widths(item.items[-1], self.join) if item.items and type(item.items[-1]) is Table else None
        self.gap(line, rbrace - 1, depth + 1, widths)
        self.emit(depth, "}", self.trailing_comment(rbrace), kind="close")
        return rbrace + 1

    def table(self, item: Table, depth: int, widths: list[int]) -> int:
        line = item.rows[0].span.line
        for row in item.rows:
            self.gap(line, row.span.line - 1, depth, widths)
            cells = [self.join(c.atoms) for c in row.cells]
            if any("\n" in c for c in cells):  # a long string in a cell: no alignment
                code = "| " + " | ".join(cells) + " |"
            else:
                code = "|" + "".join(f" {c.ljust(w)} |" for c, w in zip(cells, widths)) + (
                    "".join(f" {c} |" for c in cells[len(widths):]))
            self.lines(depth, code, self.trailing_comment(row.span.end_line))
            line = row.span.end_line + 1
        return line

    def lines(self, depth: int, code: str, comment: str | None, kind: str = "code") -> None:
        """Emit code that may span lines (a long string): continuation lines verbatim."""
        parts = code.split("\n")
        if len(parts) == 1:
            self.emit(depth, code, comment, kind)
            return
        self.emit(depth, parts[0])
        for p in parts[1:-1]:
            self.out.append(_Line("code", 0, p, None, verbatim=True))
        self.out.append(_Line(kind, 0, parts[-1], comment, verbatim=True))

    # Rendering -----------------------------------------------------------------------------

    def render(self) -> str:
        lines = _drop_extra_blanks(self.out)
        texts = [ln.text() for ln in lines]
        # the trailing comments of adjacent lines start in one column
        out: list[str] = []
        i = 0
        while i < len(lines):
            if lines[i].comment is None:
                out.append(texts[i])
                i += 1
                continue
            j = i
            while j < len(lines) and lines[j].comment is not None:
                j += 1
            col = max(len(t) for t in texts[i:j]) + COMMENT_GAP
            for k in range(i, j):
                out.append(texts[k].ljust(col) + lines[k].comment)
            i = j
        return "\n".join(out) + "\n" if out else ""


@attrs.frozen
class _Line:
    """One output line. kind: code, open (`... {`), close (`}`), comment or blank;
    `verbatim`: a continuation line of a long string, printed as it is in the source."""

    kind: str
    depth: int
    code: str
    comment: str | None
    verbatim: bool = False

    def text(self) -> str:
        if self.kind == "blank":
            return ""
        if self.verbatim:
            return self.code.rstrip()
        return (INDENT * self.depth + self.code).rstrip()


def _time_range(atoms, i: int) -> bool:
    """Whether atom i is the `-` of a time range `07:00-19:00`, or the time after it."""
    def kind(k: int) -> str | None:
        return atoms[k].kind if 0 <= k < len(atoms) else None
    if kind(i) == ast.DASH:
        return kind(i - 1) == ast.TIME and kind(i + 1) == ast.TIME
    return kind(i) == ast.TIME and kind(i - 1) == ast.DASH and kind(i - 2) == ast.TIME


def _drop_extra_blanks(lines: list[_Line]) -> list[_Line]:
    """Collapse runs of blank lines to one; none at the start or end of the file or of a
    block (after an `{` line, before a `}` line)."""
    out: list[_Line] = []
    for ln in lines:
        if ln.kind == "blank":
            if not out or out[-1].kind in ("blank", "open"):
                continue
        elif ln.kind == "close" and out and out[-1].kind == "blank":
            out.pop()
        out.append(ln)
    while out and out[-1].kind == "blank":
        out.pop()
    return out


def _widths(table: Table, join) -> list[int]:
    widths: list[int] = []
    for row in table.rows:
        cells = [join(c.atoms) for c in row.cells]
        if any("\n" in c for c in cells):
            continue
        for i, c in enumerate(cells):
            if i == len(widths):
                widths.append(3)  # a separator cell needs three dashes
            widths[i] = max(widths[i], len(c))
    return widths


def _separator(row: str, widths: list[int] | None) -> str:
    """A separator row redrawn to the table's column widths, keeping `:` markers."""
    widths = widths or []
    out = ["|"]
    for i, m in enumerate(_SEPCELL.finditer(row[1:])):
        left, right = m.group(1), m.group(2)
        w = (widths[i] if i < len(widths) else 3) + 2
        out.append(left + "-" * max(w - len(left) - len(right), 3) + right + "|")
    return "".join(out)


# --- files ---------------------------------------------------------------------------------


def spec_files(paths: list[str]) -> list[Path]:
    """The `.tariff` files named or under the folders named, sorted, without repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*.tariff")):
                found.setdefault(f, None)
        else:
            found.setdefault(p, None)
    return list(found)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename, so a
    reader (or a crash) sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# --- the command ---------------------------------------------------------------------------

EXIT_HELP = """Exit codes: 0 every file is (now) in the canonical layout, 1 a file has syntax
errors (it is left as it was) or, with --check, a file would change; 2 usage error."""


def run(args) -> int:
    """`tariffc fmt [--check] [--diff] PATH...` (see compiler.cli)."""
    import difflib
    import sys

    from dsl.diagnostics import render_all
    from dsl.parser import parse_file

    for raw in args.paths:
        p = Path(raw)
        if not p.exists():
            print(f"tariffc: error: no such file or folder: {raw}", file=sys.stderr)
            return 2
        if p.is_dir() and not any(p.rglob("*.tariff")):
            print(f"tariffc: error: no .tariff files in {raw}", file=sys.stderr)
            return 2
    files = spec_files(args.paths)
    changed: list[Path] = []
    refused: list[Path] = []
    for f in files:
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            diags = parse_file(f, str(f))[1]
            print(render_all(diags, {}, "text") + "\n", file=sys.stderr)
            refused.append(f)
            continue
        try:
            result = format_text(text, str(f))
        except FmtError as e:
            print(f"tariffc fmt: internal error: {e}", file=sys.stderr)
            refused.append(f)
            continue
        if result.text is None:
            print(render_all(result.diagnostics, {str(f): text}, "text") + "\n", file=sys.stderr)
            print(f"tariffc fmt: {f} has syntax errors; left as it was", file=sys.stderr)
            refused.append(f)
            continue
        if result.text.encode("utf-8") == raw:
            continue
        changed.append(f)
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                f"{f} (as written)", f"{f} (formatted)"))
        if args.check:
            print(f"would reformat: {f}")
        else:
            write_atomic(f, result.text)
            print(f"formatted: {f}")
    n = len(files)
    summary = f"{n} file{'s' if n != 1 else ''}: "
    if args.check:
        summary += f"{len(changed)} would be reformatted"
        if changed:
            summary += "; run `tariffc fmt " + " ".join(args.paths) + "`"
    else:
        summary += f"{len(changed)} reformatted"
    if refused:
        summary += f", {len(refused)} with errors left as they were"
    print(f"tariffc fmt: {summary}", file=sys.stderr)
    return 1 if refused or (args.check and changed) else 0


__all__ = ["run", "EXIT_HELP", "format_text", "FmtResult", "FmtError", "shape", "spec_files", "write_atomic"]
