"""One operator folder, parsed and checked for the editor: trees, names, model, diagnostics.

An operator is a folder of `.tariff` files, so a file is never checked alone: `analyse` reads
every `.tariff` file of the edited file's folder (the editor's text for open documents, the
disk for the others) and checks them together, as `tariffc check` does. The result answers
the questions the editor asks about a position: which node is there, which declared name,
which model object.

Positions: spans are 1-based lines and columns in characters (code points); the editor
counts 0-based lines and UTF-16 code units. `to_lsp` / `from_lsp` convert with the line's
text, so a column after an emoji or any other astral character stays true.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import attrs

from dsl.ast import Atom, Block, Cell, File, Row, Span, Stmt, Table
from dsl.diagnostics import Diagnostic, Sink
from dsl.parser import gc_paused, parse
from compiler.check import check_files
from compiler.check.context import SMS_KEYWORD, Context
from compiler.model import Tariff


@attrs.frozen
class Name:
    """A declared name found at a position: its kind (`zone`), the name as declared, where it
    is declared, and the span of the text that refers to it."""

    kind: str
    name: str
    declared: Span
    at: Span


@attrs.define
class Analysis:
    """What the checker knows about one operator folder."""

    operator_dir: str
    files: dict[str, File]
    sources: dict[str, str]
    diagnostics: list[Diagnostic]
    tariff: Tariff | None
    names: dict[str, dict[str, Span]]

    @property
    def ok(self) -> bool:
        return self.tariff is not None and not any(d.is_error for d in self.diagnostics)

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        """The diagnostics of one file (those without a span go to every file)."""
        return [d for d in self.diagnostics if d.span is None or d.span.file == path]

    @cached_property
    def docs_pages(self) -> dict[str, str]:
        """The operator's rendered pages (`<lang>/<page>.md` -> Markdown), without worked
        examples; empty while the operator has errors (its model is partial)."""
        if not self.ok:
            return {}
        from compiler.gen_docs import operator_pages

        return operator_pages(self.tariff, {})

    @cached_property
    def model_objects(self) -> list:
        """Every object of the model that carries a span (zones, rates, passes, codes...)."""
        return list(_spanned(self.tariff)) if self.tariff is not None else []


def analyse(path: str, overlays: dict[str, str] | None = None) -> Analysis:
    """Parse and check the operator folder of `path`. `overlays`: path -> text of the files
    open in the editor (unsaved text wins over the disk)."""
    overlays = overlays or {}
    p = Path(path)
    folder = p.parent
    paths = {str(f) for f in folder.glob("*.tariff")} if folder.is_dir() else set()
    paths |= {o for o in overlays if Path(o).parent == folder}
    paths.add(path)
    files: dict[str, File] = {}
    sources: dict[str, str] = {}
    diags: list[Diagnostic] = []
    with gc_paused():
        for name in sorted(paths):
            text = overlays.get(name)
            if text is None:
                text = _read(name, diags)
            tree, syntax = parse(text, name)
            files[name], sources[name] = tree, text
            diags.extend(syntax)
        ctx = Context(Sink(), str(folder))
        tariff, semantic = check_files(list(files.values()), str(folder), broken=bool(diags), ctx=ctx)
    names = {kind: dict(table) for kind, table in ctx.names.items()}
    return Analysis(str(folder), files, sources, sorted(diags + semantic, key=Diagnostic.sort_key),
                    tariff, names)


def _read(path: str, diags: list[Diagnostic]) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        diags.append(Diagnostic("T0009", f"this file cannot be read as UTF-8 text ({e})",
                                Span(path, 1, 1, 1, 2), help="save the file as UTF-8"))
        return ""


def _spanned(obj) -> Iterator:
    if isinstance(obj, tuple):
        for x in obj:
            yield from _spanned(x)
    elif attrs.has(type(obj)):
        if isinstance(getattr(obj, "span", None), Span):
            yield obj
        for field in attrs.fields(type(obj)):
            if field.name != "span":
                yield from _spanned(getattr(obj, field.name))


# --- positions -------------------------------------------------------------------------------

def _line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def utf16_col(line_text: str, col: int) -> int:
    """The 0-based UTF-16 column of the 1-based character column `col`."""
    head = line_text[: max(col - 1, 0)]
    return len(head.encode("utf-16-le")) // 2


def char_col(line_text: str, character: int) -> int:
    """The 1-based character column of the 0-based UTF-16 column `character`."""
    units = 0
    for i, ch in enumerate(line_text):
        if units >= character:
            return i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line_text) + 1


def to_lsp(span: Span, text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """A span as ((line, character), (line, character)) for the editor."""
    start = (span.line - 1, utf16_col(_line(text, span.line), span.col))
    end = (span.end_line - 1, utf16_col(_line(text, span.end_line), span.end_col))
    return start, end


def from_lsp(text: str, line: int, character: int) -> tuple[int, int]:
    """An editor position as a 1-based (line, column) of characters."""
    return line + 1, char_col(_line(text, line + 1), character)


def contains(span: Span, line: int, col: int) -> bool:
    """Whether (line, col) is inside the span (its end column included: a cursor just after a
    word is on it)."""
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


def _size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_col - span.col if span.end_line == span.line else 10**6)


# --- nodes and names at a position -----------------------------------------------------------

def nodes_at(tree: File, line: int, col: int) -> list:
    """The nodes around a position, outermost first: blocks, a statement or table row, a cell,
    and the atom (argument or keyword) the position is on."""
    path: list = []
    items = tree.items
    while True:
        item = next((i for i in items if contains(i.span, line, col)), None)
        if item is None:
            return path
        path.append(item)
        if type(item) is Block:
            if contains(item.keyword.span, line, col):
                path.append(item.keyword)
                return path
            arg = next((a for a in item.args if contains(a.span, line, col)), None)
            if arg is not None:
                path.append(arg)
                return path
            items = item.items
        elif type(item) is Stmt:
            atom = next((a for a in (item.keyword, *item.args) if contains(a.span, line, col)), None)
            if atom is not None:
                path.append(atom)
            return path
        else:  # a table
            row = next((r for r in item.rows if contains(r.span, line, col)), None)
            if row is None:
                return path
            path.append(row)
            cell = next((c for c in row.cells if contains(c.span, line, col)), None)
            if cell is not None:
                path.append(cell)
                atom = next((a for a in cell.atoms if contains(a.span, line, col)), None)
                if atom is not None:
                    path.append(atom)
            return path


def _phrases(path: list, text: str, line: int, col: int) -> list[tuple[str, Span]]:
    """Texts around a position that may be a name: the atom (a string's value), the cell, and
    every run of a statement's arguments that covers the position (source text as written)."""
    out: list[tuple[str, Span]] = []
    atom = path[-1] if path and not isinstance(path[-1], (Block, Stmt, Table, Row, Cell)) else None
    if atom is not None:
        value = atom.value if type(atom) is Atom else atom.text
        out.append((value, atom.span))
    cell = next((n for n in reversed(path) if type(n) is Cell), None)
    if cell is not None and cell.atoms:
        out.append((_source(text, cell.span), cell.span))
    owner = next((n for n in reversed(path) if type(n) in (Stmt, Block)), None)
    if owner is not None and atom is not None and cell is None:
        args = [a for a in owner.args if a.span.line == atom.span.line]
        k = next((i for i, a in enumerate(args) if a is atom), None)
        if k is not None:
            for i in range(k + 1):
                for j in range(k, len(args)):
                    span = args[i].span.to(args[j].span)
                    out.append((_source(text, span), span))
    return out


def _source(text: str, span: Span) -> str:
    if span.line != span.end_line:
        return ""
    return _line(text, span.line)[span.col - 1: span.end_col - 1].strip()


def name_at(analysis: Analysis, path: str, line: int, col: int) -> Name | None:
    """The declared name at a position (a declaration or a reference), the longest that fits:
    `Zona 1` in a table cell, `"Telenor Crna Gora"` after `where network`, `*311#`, `TPP1`."""
    tree = analysis.files.get(path)
    if tree is None:
        return None
    found = nodes_at(tree, line, col)
    if not found:
        return None
    # the longest phrase wins; between names spelled alike, one that is not an SMS keyword
    found_names = [((len(phrase), kind != SMS_KEYWORD), Name(kind, name, declared, span))
                   for phrase, span in _phrases(found, analysis.sources[path], line, col)
                   for kind, name, declared in _lookup(analysis, phrase)]
    return max(found_names, key=lambda x: x[0])[1] if found_names else None


def _lookup(analysis: Analysis, phrase: str) -> Iterator[tuple[str, str, Span]]:
    """Declared names spelled `phrase` (SMS keywords are declared as `number KEYWORD`)."""
    if not phrase:
        return
    folded = phrase.casefold().rstrip(":")
    for kind, table in analysis.names.items():
        if phrase in table:
            yield kind, phrase, table[phrase]
        elif kind == SMS_KEYWORD:
            for name, span in table.items():
                if name.split(" ", 1)[-1].casefold().rstrip(":") == folded:
                    yield kind, name, span


def object_at(analysis: Analysis, path: str, line: int, col: int):
    """The smallest model object whose span holds the position (a rate's cell, a pass's row, a
    zone's block...), or None."""
    best = None
    for obj in analysis.model_objects:
        s = obj.span
        if s.file == path and contains(s, line, col) and (best is None or _size(s) < _size(best.span)):
            best = obj
    return best


def declared_object(analysis: Analysis, declared: Span):
    """The model object a declaration belongs to: the smallest one whose span holds it."""
    return object_at(analysis, declared.file, declared.line, declared.col)


def all_names(analysis: Analysis) -> Iterator[tuple[str, str, Span]]:
    """Every declared name as (kind, name, span), SMS keywords as their keyword alone."""
    for kind, table in sorted(analysis.names.items()):
        for name, span in table.items():
            yield kind, (name.split(" ", 1)[-1] if kind == SMS_KEYWORD else name), span


__all__ = ["Analysis", "Name", "analyse", "name_at", "object_at", "nodes_at", "to_lsp",
           "from_lsp", "all_names", "declared_object"]
