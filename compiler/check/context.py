"""The checker's shared state for one operator: declared names, diagnostics, collected model.

Checking runs in two passes over the operator's files. `declare` records every name a block
introduces (zones, networks, passes, segments, plans, codes...), so that `build` can resolve
references in any order and across files; `build` then turns each block into model objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from dsl.ast import Block, Span, Stmt, Table
from dsl.diagnostics import Diagnostic, DiagnosticError, Sink, did_you_mean
from compiler.check import units

# Name kinds, as shown in messages.
SEGMENT = "segment"
PLAN = "plan"
ZONE = "zone"
NETWORK = "network"
PRICE_LIST = "price list"
PASS = "pass"
EXCLUSIVE = "exclusive group"
SERVICE_NUMBER = "service number"
CODE = "code"
BILL_NAME = "bill name"
FAMILY = "family"
WEB = "web channel"
CALL = "call number"
SMS_KEYWORD = "SMS keyword"  # declared as f"{number} {fold_keyword(literal)}"


class Context:
    def __init__(self, sink: Sink, operator_dir: str) -> None:
        self.sink = sink
        self.operator_dir = operator_dir
        self.decimal = "."
        self.currency: str | None = None
        self.languages: tuple[str, ...] = ()
        # The unit words (compiler/check/units.py), with the operator's declared money names
        # once its `currency` line is read.
        self.units = units.DEFAULT
        self.unit_words = units.default_words()
        self.names: dict[str, dict[str, Span]] = defaultdict(dict)
        # compiler.check.versions: while a dated block declares (`dating`), a name already
        # declared is another version of it; `dated` holds the names dated blocks declared.
        self.dating = False
        self.dated: set[tuple[str, str]] = set()
        self.out: dict[str, list] = defaultdict(list)
        self.later: list[Callable[[], None]] = []
        self.operator = None
        self.vat_broken = False  # the header's `vat` line had an error (compiler.check.operator)
        self._scratch: dict[str, object] = {}

    def state(self, key: str, factory: Callable[[], object]):
        """A checker module's own per-operator state (made by `factory` on first use)."""
        s = self._scratch.get(key)
        if s is None:
            s = self._scratch[key] = factory()
        return s

    # -- diagnostics ---------------------------------------------------------------------
    def error(self, code: str, message: str, span: Span | None, label: str = "",
              help: str | None = None, notes=()) -> Diagnostic:
        return self.sink.error(code, message, span, label, help, notes)

    def warning(self, code: str, message: str, span: Span | None, label: str = "",
                help: str | None = None, notes=()) -> Diagnostic:
        return self.sink.warning(code, message, span, label, help, notes)

    def fail(self, code: str, message: str, span: Span | None, label: str = "",
             help: str | None = None, notes=()) -> DiagnosticError:
        """A diagnostic to `raise`: abandons the statement being read."""
        return DiagnosticError(Diagnostic(code, message, span, "error", label, help, tuple(notes)))

    def guard(self, fn: Callable, *args):
        """Run fn(*args); a DiagnosticError it raises becomes a reported diagnostic."""
        try:
            return fn(*args)
        except DiagnosticError as e:
            self.sink.add(e.diagnostic)
            return None

    # -- names ---------------------------------------------------------------------------
    def declare(self, kind: str, name: str, span: Span) -> bool:
        """Record a name; a second declaration of the same name is error T0102."""
        table = self.names[kind]
        if self.dating or (self.dated and (kind, name) in self.dated):
            self.dated.add((kind, name))
            table.setdefault(name, span)
            return True  # versions of one item: compiler.check.versions checks their dates
        if name in table:
            first = table[name]
            self.error("T0102", f"{kind} `{name}` is declared twice", span, "declared again here",
                       help="remove one of them or give it another name",
                       notes=[f"first declared at {first.file}:{first.line}"])
            return False
        table[name] = span
        return True

    def resolve(self, kind: str, name: str, span: Span) -> bool:
        """Check that a referenced name was declared; if not, report T0101 with suggestions."""
        table = self.names.get(kind, {})
        if name in table:
            return True
        hint = did_you_mean(name, table, kind + "s")
        close = [c for c in table if hint and f"`{c}`" in hint]
        if len(close) == 1:
            where = table[close[0]]
            hint += f" (declared at {where.file.rsplit('/', 1)[-1]}:{where.line})"
        self.error("T0101", f"unknown {kind} `{name}`", span, "not declared in this operator",
                   help=hint or f"declare the {kind} first")
        return False


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def walk(ctx: Context, block: Block, what: str,
         stmts: dict[str, Callable[[Stmt], None]],
         blocks: dict[str, Callable[[Block], None]] | None = None,
         table: Callable[[Table], None] | None = None,
         once: frozenset[str] | set[str] = frozenset(),
         required: tuple[str, ...] = ()) -> None:
    """Dispatch a block's items to handlers, reporting what does not belong.

    - a keyword with no handler: T0103 (with did-you-mean over the block's keywords);
    - a keyword in `once` given twice: T0105;
    - a keyword in `required` missing: T0106;
    - a table where none is expected: T0107.
    A handler that raises DiagnosticError abandons only its own statement.
    """
    blocks = blocks or {}
    seen: dict[str, Span] = {}
    for item in block.items:
        if type(item) is Table:
            if table is None:
                ctx.error("T0107", f"{article(what).capitalize()} `{what}` block has no table", item.span, "unexpected table",
                          help="tables go in blocks such as `roaming prices` or `passes`")
            else:
                ctx.guard(table, item)
            continue
        kw = item.keyword.text
        handler = (blocks if type(item) is Block else stmts).get(kw)
        if handler is None:
            other = stmts if type(item) is Block else blocks
            if kw in other:
                shape = "a block `{ ... }`" if type(item) is Stmt else "a one-line statement"
                ctx.error("T0108", f"`{kw}` must be {shape} here", item.keyword.span,
                          help=f"write `{kw}` as {shape}")
                continue
            ctx.error("T0103", f"unknown keyword `{kw}` in {article(what)} `{what}` block", item.keyword.span,
                      "not understood here",
                      help=did_you_mean(kw, list(stmts) + list(blocks), "keywords"))
            continue
        if kw in once and kw in seen:
            first = seen[kw]
            ctx.error("T0105", f"`{kw}` is given twice in this `{what}` block", item.keyword.span,
                      "given again here", help="keep only one",
                      notes=[f"first given at line {first.line}"])
            continue
        seen.setdefault(kw, item.keyword.span)
        ctx.guard(handler, item)
    for kw in required:
        if kw not in seen:
            ctx.error("T0106", f"this `{what}` block has no `{kw}`", block.keyword.span,
                      f"`{kw}` is required", help=f"add a `{kw} ...` line to the block")
