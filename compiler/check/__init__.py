"""Syntax trees -> one checked, immutable `compiler.model.Tariff` per operator.

An operator is a folder of `.tariff` files (or a single file). Checking runs:

1. the `operator` header first (its currency, languages and number convention shape how
   every other value is read);
2. `declare`: every block records the names it introduces, so references resolve in any
   order and across files;
3. `build`: every block becomes model objects, each carrying its source span;
4. what builds deferred until every block is built (`ctx.later`), then each module's
   `CHECKS`: conflicts between codes, prose that mentions undeclared codes, passes and codes
   that disagree, one family promotion and one bill per operator...

Each top-level keyword is handled by one module (`HANDLERS` maps a head such as
`roaming prices` to its declare and build functions). Every mistake is reported, sorted by
position; a mistake abandons only the statement it is in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs

from dsl import ast
from dsl.ast import Block, File
from dsl.diagnostics import Diagnostic, Sink, did_you_mean
from dsl.parser import gc_paused, parse, parse_file
from compiler.check import operator as _operator
from compiler.check import dated_rows as _dated_rows
from compiler.check import versions as _versions
from compiler.check.context import Context
from compiler.model import Tariff

Handler = tuple[Callable[[Block, Context], None] | None, Callable[[Block, Context], None]]


MODULES = ("operator", "commands", "services", "rating", "passes", "family", "bill", "balance",
           "versions", "timebands")


def _load() -> tuple[dict[str, Handler], list[Callable[[Context], None]]]:
    """Every top-level head -> (declare, build), and the whole-operator cross-checks.

    Each module exports `HANDLERS`, and optionally `CHECKS`: functions run once per operator
    after every block is built (they see the whole model under construction in `ctx.out`)."""
    import importlib
    table: dict[str, Handler] = {}
    checks: list[Callable[[Context], None]] = []
    for mod in MODULES:
        m = importlib.import_module(f"compiler.check.{mod}")
        table.update(m.HANDLERS)
        checks.extend(getattr(m, "CHECKS", ()))
    return table, checks


HANDLERS, CHECKS = _load()
HEADS = sorted(HANDLERS, key=lambda h: -len(h.split()))


@attrs.frozen
class CheckResult:
    tariffs: list[Tariff]
    diagnostics: list[Diagnostic]
    sources: dict[str, str]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def head_of(block: Block) -> tuple[str, int] | None:
    """The registered head a block starts with (`roaming prices`), and how many args it used."""
    words = [block.keyword.text]
    for a in block.args:
        if a.kind != ast.WORD:
            break
        words.append(a.text)
    for head in HEADS:
        n = len(head.split())
        if words[:n] == head.split():
            return head, n - 1
    return None


def strip_head(block: Block, used: int) -> Block:
    return Block(block.keyword, block.args[used:], block.items, block.span)


def check_files(files: list[File], operator_dir: str, broken: bool = False,
                ctx: Context | None = None) -> tuple[Tariff | None, list[Diagnostic]]:
    """Check the parsed files of one operator (`broken`: some had syntax errors). `ctx`: a
    fresh `Context` to check in, for callers that want its declared names afterwards (the
    language server's go-to-definition)."""
    with gc_paused():
        return _check_files(files, operator_dir, broken, ctx)


def _check_files(files: list[File], operator_dir: str, broken: bool,
                 ctx: Context | None = None) -> tuple[Tariff | None, list[Diagnostic]]:
    ctx = ctx if ctx is not None else Context(Sink(), operator_dir)
    sink = ctx.sink
    headers, blocks = [], []
    for f in files:
        dates = _versions.file_dates(f.items, ctx)  # `valid from` at the top of a file
        for item in f.items:
            if type(item) is not Block and dates is not None and _versions.is_file_date(item):
                continue
            if type(item) is not Block:
                what = "table" if type(item) is ast.Table else f"`{item.keyword.text}`"
                sink.error("T0122", f"a {what} at the top level of a file", item.span,
                           "not inside a block", help="put it inside the block it belongs to")
                continue
            if item.keyword.text == "operator":
                headers.append(item)
                continue
            found = head_of(item)
            if found is None:
                heads = list(HANDLERS) + ["operator"]
                sink.error("T0103", f"unknown keyword `{item.keyword.text}` at the top level",
                           item.keyword.span, "not a kind of block tariffc knows",
                           help=did_you_mean(item.keyword.text, {h.split()[0] for h in heads}, "blocks"))
                continue
            head, used = found
            block, when = _versions.split(head, strip_head(item, used), ctx)
            when = _versions.with_file_dates(head, block, when, dates, ctx)
            blocks.extend((head, b, w) for b, w in _dated_rows.expand(head, block, ctx, when))
    if not headers:
        if broken:  # the header may be in what the syntax errors hid
            return None, sink.sorted()
        first = next((f.items[0].span for f in files if f.items), None)
        sink.error("T0117", "this operator has no `operator` block",
                   first or ast.Span(files[0].path if files else operator_dir, 1, 1, 1, 1),
                   help="add an `operator <id> { ... }` block with name, country, currency, "
                        "timezone and languages")
        return None, sink.sorted()
    for extra in headers[1:]:
        sink.error("T0102", "a second `operator` block", extra.keyword.span,
                   help="an operator folder has exactly one `operator` block",
                   notes=[f"first one at {headers[0].span.file}:{headers[0].span.line}"])
    op = ctx.guard(_operator.build_operator, headers[0], ctx)
    ctx.operator = op
    for head, block, when in blocks:  # when: compiler.check.versions (dates, band)
        declare = HANDLERS[head][0]
        if declare is not None:
            _versions.declare(ctx, declare, block, when)
    for head, block, when in blocks:
        _versions.build(ctx, head, HANDLERS[head][1], block, when)
    for check in ctx.later:  # the parts of builds that wait for every block
        ctx.guard(check)
    for module_check in CHECKS:
        ctx.guard(module_check, ctx)
    if op is None:
        return None, sink.sorted()
    fields = {k: tuple(v) for k, v in ctx.out.items()}
    tariff = Tariff(operator=op, files=tuple(f.path for f in files), **fields)
    return tariff, sink.sorted()


def operator_dirs(path: Path) -> list[Path]:
    """The operator folders under `path`: itself if it holds .tariff files, else its children."""
    if any(path.glob("*.tariff")):
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.tariff")))


def check_operator(files: list[Path], operator_dir: str) -> tuple[Tariff | None, list[Diagnostic], dict[str, str]]:
    parsed, diags, sources = [], [], {}
    with gc_paused():  # one pause for both phases: no collection of the new trees in between
        for p in sorted(files):
            f, syntax, text = parse_file(p, str(p))
            parsed.append(f)
            diags.extend(syntax)
            sources[str(p)] = text
        tariff, semantic = check_files(parsed, operator_dir, broken=bool(diags))
    return tariff, sorted(diags + semantic, key=Diagnostic.sort_key), sources


def check_paths(paths: list[str]) -> CheckResult:
    """Check spec folders (`specs/`, `specs/telenor_rs/`) or single `.tariff` files."""
    tariffs, diags, sources = [], [], {}
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            groups = [([p], str(p))]
        elif p.is_dir():
            groups = [(sorted(d.glob("*.tariff")), str(d)) for d in operator_dirs(p)]
        else:
            diags.append(Diagnostic("T0123", f"no such file or folder: {raw}", None))
            continue
        for files, name in groups:
            t, d, s = check_operator(files, name)
            diags.extend(d)
            sources.update(s)
            if t is not None and not any(x.is_error for x in d):
                tariffs.append(t)
    return CheckResult(tariffs, sorted(diags, key=Diagnostic.sort_key), sources)


def check_text(text: str, path: str = "<string>") -> tuple[Tariff | None, list[Diagnostic]]:
    """Parse and check one file's text as a whole operator (tests and benchmarks)."""
    with gc_paused():  # one pause for both phases: no collection of the new tree in between
        f, syntax = parse(text, path)
        tariff, semantic = check_files([f], path, broken=bool(syntax))
    return tariff, sorted(syntax + semantic, key=Diagnostic.sort_key)


__all__ = ["check_paths", "check_text", "check_files", "CheckResult", "HANDLERS"]
