"""The language server's answers, built from an `Analysis` (`compiler.lsp.analysis`).

Each function takes the analysis of the edited file's operator and a 1-based position and
returns `lsprotocol` values. Hover text is not new prose: it is the meaning of the model
object (the first paragraph of its class's docstring, which the model documents anyway), a
one-line summary formatted as the docs format it (`compiler.gen_docs.Format`), and the line
of the rendered operator page that cites the same spec line (with its table's header, so it
renders as a table).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from lsprotocol import types

from dsl.ast import Block, Quantity, Span, Stmt
from dsl.diagnostics import Diagnostic
from compiler.lsp.analysis import (Analysis, all_names, declared_object, from_lsp, name_at,
                                   nodes_at, object_at, to_lsp)

SOURCE = "tariffc"
ERROR_PAGES = Path(__file__).resolve().parents[2] / "docs" / "errors"


def lsp_range(span: Span, text: str) -> types.Range:
    """A span as an editor range."""
    (l0, c0), (l1, c1) = to_lsp(span, text)
    return types.Range(types.Position(l0, c0), types.Position(l1, c1))


def position(analysis: Analysis, path: str, pos: types.Position) -> tuple[int, int]:
    """An editor position in `path` as a 1-based (line, column) of characters."""
    return from_lsp(analysis.sources.get(path, ""), pos.line, pos.character)


def uri_of(path: str) -> str:
    return Path(path).as_uri()


# --- diagnostics -----------------------------------------------------------------------------

def diagnostics(analysis: Analysis, path: str) -> list[types.Diagnostic]:
    """The checker's diagnostics of one file, as the editor shows them: the message, then the
    checker's notes and `help:` line; the code links to its `docs/errors/` page."""
    text = analysis.sources.get(path, "")
    return [_diagnostic(d, text) for d in analysis.diagnostics_of(path)]


def _diagnostic(d: Diagnostic, text: str) -> types.Diagnostic:
    span = d.span if d.span is not None else Span("", 1, 1, 1, 1)
    lines = [d.message + (f" ({d.label})" if d.label else "")]
    lines += [f"note: {n}" for n in d.notes]
    if d.help:
        lines.append(f"help: {d.help}")
    page = ERROR_PAGES / f"{d.code}.md"
    return types.Diagnostic(
        range=lsp_range(span, text), message="\n".join(lines), code=d.code, source=SOURCE,
        severity=types.DiagnosticSeverity.Error if d.is_error else types.DiagnosticSeverity.Warning,
        code_description=types.CodeDescription(href=page.as_uri()) if page.is_file() else None,
        data={"help": d.help} if d.help else None)


# --- hover -----------------------------------------------------------------------------------

def hover(analysis: Analysis, path: str, line: int, col: int) -> types.Hover | None:
    """What is at the position: a declared name (zone, network, pass, code...), a price, or
    the model object whose spec lines hold the position."""
    tree = analysis.files.get(path)
    if tree is None:
        return None
    found = nodes_at(tree, line, col)
    atom = found[-1] if found and hasattr(found[-1], "kind") else None
    name = name_at(analysis, path, line, col)
    parts: list[str] = []
    if name is not None:
        obj = declared_object(analysis, name.declared)
        parts.append(f"**{name.kind}** `{name.name}` · declared at {_where(name.declared)}")
        at = name.at
    else:
        obj = object_at(analysis, path, line, col)
        at = atom.span if atom is not None else (obj.span if obj is not None else None)
        if atom is not None and (type(obj).__name__ == "Rate" or (
                type(atom) is Quantity and analysis.tariff is not None
                and atom.unit == analysis.tariff.operator.currency)):
            parts.append(f"**price** `{atom.text}`" + (f" · {_title(obj)}" if obj is not None else ""))
        elif obj is None:
            return None
        else:
            parts.append(f"**{_title(obj)}**")
    fmt = _format(analysis)
    if obj is not None:
        summary = _summary(obj, fmt)
        if summary:
            parts.append(summary)
        meaning = _meaning(obj)
        if meaning:
            parts.append(meaning)
        docs = docs_line(analysis, obj.span, fmt.lang if fmt else None)
        if docs:
            parts.append(docs)
        elif not analysis.ok:
            parts.append("*(the docs line shows once the operator checks without errors)*")
    if not parts:
        return None
    rng = lsp_range(at, analysis.sources[path]) if at is not None and at.file == path else None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts)), rng)


def _where(span: Span) -> str:
    return f"{Path(span.file).name}:{span.line}"


def _format(analysis: Analysis):
    """The docs formatter of the hover's language: English when the operator has it."""
    if analysis.tariff is None:
        return None
    from compiler.gen_docs import Format

    langs = analysis.tariff.operator.languages
    return Format("en" if "en" in langs or not langs else langs[0], analysis.tariff)


def _kind(obj) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(obj).__name__).lower()


def _title(obj) -> str:
    """`pass `Putni paket 1``: the object's kind and, when it has one, its name."""
    name = getattr(obj, "name", None) or getattr(obj, "pattern", None)
    return f"{_kind(obj)} `{name}`" if isinstance(name, str) else _kind(obj)


def _meaning(obj) -> str:
    """The first paragraph of the model class's docstring, on one line."""
    doc = inspect.getdoc(type(obj)) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _summary(obj, fmt) -> str:
    """One line of facts about a model object, formatted as the docs format them."""
    kind = type(obj).__name__
    if fmt is None:
        return ""
    if kind == "Rate":
        where = f"in `{obj.zone}`" if obj.zone else (fmt.destination(obj.destination) if obj.destination else "")
        price = fmt.t("not_available") if obj.price is None and not obj.via_zone else (
            fmt.t("via_zone", zone=obj.via_zone) if obj.via_zone else fmt.price(obj.price))
        interval = f", interval {obj.interval.notation}" if obj.interval else ""
        return f"{fmt.t('svc_' + obj.service)} {where}: {price}{interval}"
    if kind == "Zone":
        members = [fmt.country(c) for c in obj.countries + obj.illustrative_countries]
        members += [f"MCC {m}" for m in obj.mcc + obj.illustrative_mcc] + list(obj.networks)
        return "members: " + (", ".join(members) or "none")
    if kind == "Network":
        return f"{fmt.country(obj.country)}, MCC-MNC {', '.join(obj.mccmnc) or '—'}"
    if kind == "Pass":
        return f"{fmt.price(obj.price)}, valid {fmt.duration(obj.validity_seconds)}"
    if kind == "ShortCode":
        return f"action `{obj.action}`, price {fmt.price_or_free(obj.price)}"
    if kind == "PriceList":
        return f"{obj.kind} price list, {len(obj.rates)} rates"
    return ""


def docs_line(analysis: Analysis, span: Span, lang: str | None) -> str:
    """The line of the rendered operator page (in `lang`) that cites the spec line of `span`,
    with the header of its table when it is a table row; "" when no page cites it."""
    from compiler.gen_docs import escape_inline
    from compiler.lower import cite

    pages = analysis.docs_pages
    if not pages:
        return ""
    wanted = re.compile(re.escape(escape_inline(cite(span))) + r"(?!\d)")
    for rel in sorted(pages, key=lambda r: (not r.startswith(f"{lang}/"), r)):
        lines = pages[rel].split("\n")
        for i, text in enumerate(lines):
            if not wanted.search(text):
                continue
            shown = [text]
            if text.startswith("|"):
                top = i
                while top > 0 and lines[top - 1].startswith("|"):
                    top -= 1
                if top + 2 <= i:  # the header and separator rows above, then the row
                    shown = lines[top:top + 2] + [text]
            page = f"docs/operators/{analysis.tariff.id}/{rel}"
            return f"In the docs ({page}):\n\n" + "\n".join(shown)
    return ""


# --- completion ------------------------------------------------------------------------------

_NAME_KINDS = {
    "zone": types.CompletionItemKind.Module, "network": types.CompletionItemKind.Interface,
    "pass": types.CompletionItemKind.Class, "code": types.CompletionItemKind.Function,
    "price list": types.CompletionItemKind.Struct, "segment": types.CompletionItemKind.Enum,
    "plan": types.CompletionItemKind.EnumMember, "service number": types.CompletionItemKind.Constant,
}


def completion(analysis: Analysis, path: str, line: int, col: int) -> types.CompletionList:
    """Declared names of the operator (zones, networks, passes, codes, plans...), the
    services, the units and the keywords of the language."""
    from compiler.check import HANDLERS
    from compiler.lexer import KEYWORDS, UNITS
    from compiler.model.rating import SERVICES

    items: dict[str, types.CompletionItem] = {}
    text = analysis.sources.get(path, "")
    wanted = _wanted_kinds(text, line, col)

    def add(label: str, kind, detail: str, insert: str | None = None, first: bool = False) -> None:
        items.setdefault(label, types.CompletionItem(label=label, kind=kind, detail=detail,
                                                     insert_text=insert,
                                                     sort_text=("0" if first else "1") + label))

    quoted = _in_string(text, line, col)
    for kind, name, span in all_names(analysis):
        insert = name if quoted or not (" " in name or "," in name) else f'"{name}"'
        add(name, _NAME_KINDS.get(kind, types.CompletionItemKind.Reference),
            f"{kind} · {_where(span)}", insert, kind in wanted)
    for service in SERVICES:
        add(service, types.CompletionItemKind.Value, "service")
    currency = analysis.tariff.operator.currency if analysis.tariff is not None else None
    for unit in (*UNITS, *([currency] if currency else [])):
        add(unit, types.CompletionItemKind.Unit, "unit")
    for head in sorted(HANDLERS):
        add(head, types.CompletionItemKind.Keyword, "block")
    for word in KEYWORDS:
        add(word, types.CompletionItemKind.Keyword, "keyword")
    return types.CompletionList(is_incomplete=False, items=list(items.values()))


# The word before a name -> the kinds of names that may follow it (offered first).
_AFTER = {"zone": ("zone",), "network": ("network",), "networks": ("network",),
          "pass": ("pass",), "code": ("code",), "for": ("segment", "plan"),
          "plans": ("plan",), "family": ("family",), "to": ("service number", "network")}
_WORD_BEFORE = re.compile(r'([\w-]+),?\s+(?:"[^"]*"\s*,\s*)*"?[^"\s]*$')


def _wanted_kinds(text: str, line: int, col: int) -> tuple[str, ...]:
    """`where network "Tel|`: networks come first."""
    lines = text.split("\n")
    head = lines[line - 1][: col - 1] if 0 < line <= len(lines) else ""
    m = _WORD_BEFORE.search(head)
    return _AFTER.get(m[1], ()) if m else ()


def _in_string(text: str, line: int, col: int) -> bool:
    lines = text.split("\n")
    head = lines[line - 1][: col - 1] if 0 < line <= len(lines) else ""
    return head.count('"') % 2 == 1


# --- definition, symbols, formatting ---------------------------------------------------------

def definition(analysis: Analysis, path: str, line: int, col: int) -> types.Location | None:
    """Where the name at the position is declared (in any file of the operator folder)."""
    name = name_at(analysis, path, line, col)
    if name is None:
        return None
    text = analysis.sources.get(name.declared.file, "")
    return types.Location(uri_of(name.declared.file), lsp_range(name.declared, text))


_SYMBOL_KINDS = {
    "operator": types.SymbolKind.Module, "zone": types.SymbolKind.Namespace,
    "network": types.SymbolKind.Interface, "pass": types.SymbolKind.Class,
    "passes": types.SymbolKind.Class, "code": types.SymbolKind.Function,
    "sms": types.SymbolKind.Function, "family": types.SymbolKind.Object,
    "bill": types.SymbolKind.Struct,
}


def document_symbols(analysis: Analysis, path: str) -> list[types.DocumentSymbol]:
    """The blocks of the file, nested as written: `zone "Zona 1"`, `passes "Putni paket"`..."""
    tree = analysis.files.get(path)
    text = analysis.sources.get(path, "")
    return [_symbol(b, text) for b in tree.items if type(b) is Block] if tree else []


def _symbol(block: Block, text: str) -> types.DocumentSymbol:
    args = " ".join(a.text for a in block.args)
    name = f"{block.keyword.text} {args}".strip()
    named = next((a for a in block.args if a.kind in ("STRING", "CODE", "NUMBER", "PHONE")), None)
    children = [_symbol(b, text) for b in block.items if type(b) is Block]
    children += [_stmt_symbol(s, text) for s in block.items
                 if type(s) is Stmt and s.keyword.text in ("option", "variant")]
    return types.DocumentSymbol(
        name=name, kind=_SYMBOL_KINDS.get(block.keyword.text, types.SymbolKind.Object),
        range=lsp_range(block.span, text),
        selection_range=lsp_range((named or block.keyword).span, text), children=children or None)


def _stmt_symbol(stmt: Stmt, text: str) -> types.DocumentSymbol:
    name = f"{stmt.keyword.text} " + " ".join(a.text for a in stmt.args)
    return types.DocumentSymbol(name=name.strip(), kind=types.SymbolKind.Field,
                                range=lsp_range(stmt.span, text),
                                selection_range=lsp_range(stmt.keyword.span, text))


def formatting(text: str, path: str) -> list[types.TextEdit] | None:
    """`tariffc fmt` of the document: one edit replacing the whole text, none when it is
    already canonical; None when the file has syntax errors (it is never formatted)."""
    from compiler.fmt import FmtError, format_text

    try:
        result = format_text(text, path)
    except FmtError:
        return None
    if result.text is None:
        return None
    if result.text == text:
        return []
    lines = text.split("\n")
    end = types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
    return [types.TextEdit(types.Range(types.Position(0, 0), end), result.text)]
