"""Text -> syntax tree: one cached Lark LALR parser, an inline transformer, labelled errors.

The transformer runs inside the LALR parser (no intermediate parse tree), so the front end
costs little more than Lark's own tokenising and parsing. Syntax errors are labelled with a
code and a hint; after each one the offending line is blanked and the file parsed again, so
every syntax error of a file is reported, not just the first.
"""

from __future__ import annotations

import gc
import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import ast
from dsl.ast import Atom, Block, Cell, File, Pair, Quantity, Row, Span, Stmt, Table
from dsl.diagnostics import Diagnostic, ERROR

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")
MAX_SYNTAX_ERRORS = 50


class _AstBuilder(Transformer):
    """Builds `dsl.ast` nodes while Lark parses. `file` is set per parse under a lock."""

    file = "<string>"

    def _span(self, first: Token, last: Token) -> Span:
        return Span(self.file, first.line, first.column, last.end_line, last.end_column)

    def _to_atom(self, t):
        if type(t) is Token:
            return Atom(t.type, str(t), Span(self.file, t.line, t.column, t.end_line, t.end_column))
        return t

    def start(self, items):
        return items

    def stmt(self, children):
        kw = self._to_atom(children[0])
        args = tuple(map(self._to_atom, children[1:]))
        end = args[-1].span if args else kw.span
        return Stmt(kw, args, kw.span.to(end))

    def block(self, children):
        kw = self._to_atom(children[0])
        rbrace = children[-1]
        i = 1
        while not (type(children[i]) is Token and children[i].type == "LBRACE"):
            i += 1
        args = tuple(map(self._to_atom, children[1:i]))
        items = tuple(c for c in children[i + 1:-1] if c is not None)
        return Block(kw, args, items, kw.span.to(self._to_atom(rbrace).span))

    def table(self, rows):
        rows = [r for r in rows if r is not None]
        if not rows:  # only separator rows: keep the table so the checker can complain
            return None
        return Table(tuple(rows), rows[0].span.to(rows[-1].span))

    def row(self, children):
        first = children[0]
        if first.type == "SEPROW":
            return None
        cells = []
        # children alternate: PIPE, cell, PIPE, cell, ..., PIPE
        for k in range(1, len(children), 2):
            left, atoms, right = children[k - 1], children[k], children[k + 1]
            if atoms:
                span = atoms[0].span.to(atoms[-1].span)
            else:
                span = Span(self.file, left.end_line, left.end_column, right.line, right.column)
            cells.append(Cell(tuple(atoms), span))
        return Row(tuple(cells), self._span(first, children[-1]))

    def cell(self, children):
        return [self._to_atom(c) for c in children]

    def quantity(self, c):
        unit, per_number, per_unit = str(c[1]), None, None
        if c[1].type == "PERUNIT":
            unit, per = unit.split("/", 1)
            digits = per.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").strip()
            per_number, per_unit = digits or None, per[len(per) - len(per.lstrip("0123456789 ")):]
        return Quantity(str(c[0]), unit, per_number, per_unit, self._span(c[0], c[-1]))

    def pair(self, c):
        text = str(c[0])
        sep = "/" if c[0].type == "RATIO" else "+"
        first, nxt = text.split(sep)
        return Pair(first, sep, nxt, None, self._span(c[0], c[0]))


_builder = _AstBuilder()
_lock = threading.Lock()


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: parsing and checking allocate many small objects
    and no cycles, and collections triggered by the allocation count cost ~40% of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The one LALR parser, with the AST builder inlined (cached on disk by Lark)."""
    return Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                propagate_positions=False, maybe_placeholders=False, cache=True,
                transformer=_builder)


@lru_cache(maxsize=1)
def bare_lark_parser() -> Lark:
    """The same grammar building Lark's own trees with positions: the benchmark baseline."""
    return Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                propagate_positions=True, maybe_placeholders=False, cache=True)


def parse(text: str, path: str = "<string>") -> tuple[File, list[Diagnostic]]:
    """Parse one file. Returns the tree (of what could be parsed) and its syntax errors.

    >>> f, errs = parse('operator demo {\\n  currency RSD\\n}\\n', "demo.tariff")
    >>> f.items[0].keyword.text, f.items[0].items[0].args[0].text, errs
    ('operator', 'RSD', [])
    """
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # a BOM keeps its column so positions stay true
    if not text.endswith("\n"):
        text += "\n"
    diags: list[Diagnostic] = []
    parser = lark_parser()
    seen: set[tuple[int, int]] = set()
    while True:
        try:
            with _lock, gc_paused():
                _builder.file = path
                items = parser.parse(text)
            return File(path, tuple(i for i in items if i is not None)), diags
        except UnexpectedInput as e:
            d = _classify(e, text, path)
            key = (d.span.line, d.span.col) if d.span else (0, 0)
            if key in seen or len(diags) >= MAX_SYNTAX_ERRORS:
                break
            seen.add(key)
            diags.append(d)
            if d.span is None:
                break
            if d.code == "T0003":
                # close the block at the end of the file, so the rest can still be checked
                text += "}\n"
                continue
            text = _blank_line(text, d.span.line, keep="}" if d.code == "T0010" else "")
    return File(path, ()), diags


def _blank_line(text: str, line: int, keep: str = "") -> str:
    """Blank one line (keeping its length, so positions stay true) except chars in `keep`."""
    lines = text.split("\n")
    if 0 < line <= len(lines):
        lines[line - 1] = "".join(c if c in keep else " " for c in lines[line - 1])
    return "\n".join(lines)


_STRUCTURE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|//[^\n]*|[{}\n]')


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """The `{` most likely left open: the first whose `}` is not at the same indent."""
    stack: list[tuple[int, int, int]] = []
    pairs: list[tuple[tuple[int, int, int], tuple[int, int] | None]] = []
    line, line_start = 1, 0
    for m in _STRUCTURE.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
            line_start = m.end()
            continue
        if tok.startswith('"'):
            line += tok.count("\n")
            if "\n" in tok:
                line_start = m.start() + tok.rfind("\n") + 1
            continue
        if tok == "{":
            src = text[line_start:text.find("\n", line_start)]
            stack.append((line, m.start() - line_start + 1, len(src) - len(src.lstrip())))
        elif tok == "}" and stack:
            src = text[line_start:m.start()]
            pairs.append((stack.pop(), (line, len(src) - len(src.lstrip()))))
    for opened, closed in sorted(pairs):
        if closed[1] != opened[2]:
            return opened[0], opened[1]
    if stack:
        return stack[0][0], stack[0][1]
    return None


_TOKEN_NAMES = {
    "_NL": "end of line", "$END": "end of file", "LBRACE": "`{`", "RBRACE": "`}`",
    "PIPE": "`|`", "WORD": "a keyword or name", "STRING": "a quoted text",
    "NUMBER": "a number", "PERCENT": "`%`", "SEPROW": "a separator row",
}


def _line_of(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _classify(e: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """Turn a Lark error into a labelled diagnostic: what is wrong, and a hint."""
    if isinstance(e, UnexpectedCharacters):
        line, col = e.line, e.column
        span = Span(path, line, col, line, col + 1)
        ch = e.char
        if ch == '"':
            src = _line_of(text, line)
            return Diagnostic("T0002", "this text is never closed", Span(path, line, col, line, len(src) + 1),
                              ERROR, "the quote opened here has no closing quote",
                              'add a closing `"` on the same line, or use `"""` for text over several lines')
        if ch == "\t":
            return Diagnostic("T0001", "unexpected tab", span, ERROR, "tabs are not allowed here",
                              "use spaces")
        return Diagnostic("T0001", f"unexpected character `{ch}`", span, ERROR,
                          "not part of the tariff language",
                          "quote it if it belongs to a text: \"...\"" if ch.isprintable() else None)
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        where = _unclosed_brace(text)
        if where:
            line, col = where
            return Diagnostic("T0003", "this block is never closed", Span(path, line, col, line, col + 1),
                              ERROR, "`{` opened here has no matching `}`",
                              "add `}` on its own line after the block's last item")
        n = text.count("\n")
        return Diagnostic("T0008", "the file ends too early", Span(path, n, 1, n, 1))
    assert isinstance(e, UnexpectedToken)
    tok = e.token
    expected = set(e.expected)
    tspan = Span(path, tok.line, tok.column, tok.end_line or tok.line,
                 tok.end_column or tok.column + 1)
    shown = str(tok).strip() or tok.type
    if tok.type == "RBRACE" and "_NL" in expected and _line_of(text, tok.line)[:tok.column - 1].strip():
        return Diagnostic("T0010", "`}` must stand on its own line", tspan, ERROR,
                          "this `}` ends a line that has other items",
                          "break the line before `}`")
    if tok.type == "RBRACE" and "RBRACE" not in expected:
        return Diagnostic("T0004", "`}` without an open block", tspan, ERROR,
                          "nothing to close here", "remove it, or add the `{` it was meant to close")
    if tok.type == "_NL" and "PIPE" in expected:
        src = _line_of(text, tok.line)
        end = len(src.rstrip()) + 1
        return Diagnostic("T0005", "table row does not end with `|`",
                          Span(path, tok.line, end, tok.line, end + 1), ERROR, "expected `|` here",
                          "end every table row with `|`")
    if "WORD" in expected and "PIPE" in expected:
        return Diagnostic("T0006", f"a line must start with a keyword, not `{shown}`", tspan, ERROR,
                          "expected a keyword such as `price` or a table row starting with `|`",
                          "start the line with the keyword that says what this value is")
    names = sorted(_TOKEN_NAMES.get(t, t.lower()) for t in expected)
    return Diagnostic("T0008", f"unexpected `{shown}`", tspan, ERROR, "not expected here",
                      "expected " + ", ".join(names[:6]) if names else None)


def parse_file(path: str | Path, display: str | None = None) -> tuple[File, list[Diagnostic], str]:
    """Read and parse a file; returns the tree, its syntax errors and its text."""
    p = Path(path)
    name = display or str(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        line = p.read_bytes()[: e.start].count(b"\n") + 1
        return File(name, ()), [Diagnostic("T0009", "this file is not valid UTF-8",
                                           Span(name, line, 1, line, 2), ERROR,
                                           help="save the file as UTF-8")], ""
    f, diags = parse(text, name)
    return f, diags, text


__all__ = ["parse", "parse_file", "lark_parser", "bare_lark_parser", "ast"]
