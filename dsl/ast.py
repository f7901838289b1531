"""The syntax tree of a `.tariff` file: frozen attrs nodes, each with a source span.

The tree is deliberately generic (statements, blocks, tables and atoms); the checker in
`compiler/` gives each keyword its meaning. Nodes never hold Lark objects.
"""

from __future__ import annotations

import attrs


@attrs.frozen(slots=True)
class Span:
    """Where a node is: 1-based line and column of its first and one-past-last character."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of `other`."""
        return Span(self.file, self.line, self.col, other.end_line, other.end_col)


# Atom kinds, as produced by the parser (the names of the grammar's terminals).
WORD = "WORD"
STRING = "STRING"
LONGSTRING = "LONGSTRING"
NUMBER = "NUMBER"
CODE = "CODE"
PHONE = "PHONE"
TIME = "TIME"
DATE = "DATE"
OP = "OP"
COMMA = "COMMA"
COLON = "COLON"
DASH = "DASH"
PLUS = "PLUS"
QUANTITY = "QUANTITY"
PAIR = "PAIR"


@attrs.frozen(slots=True)
class Atom:
    """One argument token: a word, a string, a number, a USSD code, a phone prefix..."""

    kind: str
    text: str
    span: Span

    @property
    def value(self) -> str:
        """The text, with string quotes removed and escapes decoded."""
        if self.kind == STRING:
            return unescape(self.text[1:-1])
        if self.kind == LONGSTRING:
            return dedent_long(unescape(self.text[3:-3]))
        return self.text


@attrs.frozen(slots=True)
class Quantity:
    """A number with a unit: `119,90 RSD`, `100 KB`, `30 %`, `0,029 RSD/KB`, `6 RSD/5 KB`."""

    number: str
    unit: str
    per_number: str | None
    per_unit: str | None
    span: Span
    kind: str = QUANTITY

    @property
    def text(self) -> str:
        if self.per_unit is None:
            return f"{self.number} {self.unit}"
        per = f"{self.per_number} {self.per_unit}" if self.per_number else self.per_unit
        return f"{self.number} {self.unit}/{per}"


@attrs.frozen(slots=True)
class Pair:
    """A charging-interval literal: `60/60`, `1/1`, `30+1`, `1+1 kB` (sep is `/` or `+`)."""

    first: str
    sep: str
    next: str
    unit: str | None
    span: Span
    kind: str = PAIR

    @property
    def text(self) -> str:
        return f"{self.first}{self.sep}{self.next}" + (f" {self.unit}" if self.unit else "")


Arg = Atom | Quantity | Pair


@attrs.frozen(slots=True)
class Stmt:
    """`keyword arg arg ...` on one line."""

    keyword: Atom
    args: tuple[Arg, ...]
    span: Span


@attrs.frozen(slots=True)
class Cell:
    """One table cell; `atoms` is empty for a blank cell."""

    atoms: tuple[Arg, ...]
    span: Span


@attrs.frozen(slots=True)
class Row:
    cells: tuple[Cell, ...]
    span: Span


@attrs.frozen(slots=True)
class Table:
    """Rows between pipes. Markdown separator rows (`|---|`) are dropped by the parser."""

    rows: tuple[Row, ...]
    span: Span


@attrs.frozen(slots=True)
class Block:
    """`keyword arg ... {` items `}`."""

    keyword: Atom
    args: tuple[Arg, ...]
    items: tuple[Item, ...]
    span: Span

    def stmts(self, keyword: str) -> list[Stmt]:
        return [i for i in self.items if type(i) is Stmt and i.keyword.text == keyword]


Item = Stmt | Block | Table


@attrs.frozen(slots=True)
class File:
    path: str
    items: tuple[Item, ...]


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    """Decode the string escapes `\\n`, `\\t`, `\\"` and `\\\\`; others stay as written."""
    if "\\" not in s:
        return s
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            out.append(_ESCAPES.get(nxt, c + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def dedent_long(s: str) -> str:
    """Strip a long string's first newline and the common indent of its lines."""
    lines = s.split("\n")
    if lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(indents, default=0)
    return "\n".join(ln[cut:].rstrip() for ln in lines)
