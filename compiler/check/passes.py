"""Checks `pass` blocks and `passes` tables (travel packages, day and week passes).

A `passes "Putni paket" { ... }` block holds what its passes share (who may buy them, validity,
where they apply, how they are activated) and a table with one pass per row:

    | pass | price | minutes | sms | data | keyword | bill name |

Cross-checks (after every block is built): an `activate code` must name a code whose action
activates this pass, an `activate menu` an option that lists it, and back again.
"""

from __future__ import annotations


from dsl import ast
from dsl.ast import Block, Row, Span, Table
from dsl.diagnostics import DiagnosticError, did_you_mean
from compiler.check import services
from compiler.check.context import (BILL_NAME, CODE, NETWORK, PASS, SERVICE_NUMBER, SMS_KEYWORD, ZONE,
                                    Context, walk)
from compiler.check.rating import read_destination, read_service
from compiler.check.reader import Args, fold_keyword
from compiler.model.common import Eligibility, Texts
from compiler.model.passes import Activation, Allowance, FreeRule, Pass
from compiler.model.rating import SERVICES, Rate

COLUMNS = ("pass", "price", "minutes", "sms", "data", "keyword", "bill name")
CALLS = tuple(s for s in SERVICES if s.endswith(" call"))
_RATE_WORDS = sorted({s.split()[0] for s in SERVICES})


# -- declare ------------------------------------------------------------------------------------

def _quiet(fn, *args):
    """Run a declare-time reading; its errors are reported once, by build."""
    try:
        return fn(*args)
    except DiagnosticError:
        return None


def _sms_activation(ctx: Context, s) -> tuple[str | None, str, Span]:
    """`activate sms "TPP7" to 9000` -> ("TPP7", "9000", span); `activate sms 9000` -> (None, ...)."""
    a = Args(ctx, s.args, s.keyword.span)
    a.words("sms")
    keyword = None
    if a.peek() is not None and a.peek().kind in (ast.STRING, ast.WORD):
        keyword = a.string("the keyword in double quotes, e.g. \"TCG1\"")
        a.words("to")
    atom = a.take("a service number such as 9000")
    if atom.kind != ast.NUMBER or not atom.text.isdigit():
        raise ctx.fail("T0110", f"expected a service number, found `{atom.text}`", atom.span,
                       help="write the number's digits, e.g. `9000`")
    a.end()
    return keyword, atom.text, atom.span


def _sms_numbers(ctx: Context, block: Block) -> list[tuple[str | None, str, Span]]:
    return [r for s in block.stmts("activate")
            if s.args and s.args[0].text == "sms" and (r := _quiet(_sms_activation, ctx, s))]


def _declare_keyword(ctx: Context, number: str, keyword: str, span: Span) -> None:
    if fold_keyword(keyword):
        ctx.declare(SMS_KEYWORD, f"{number} {fold_keyword(keyword)}", span)


def declare_pass(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name, span = a.name("the pass's name in double quotes")
    a.end()
    ctx.declare(PASS, name, span)
    for s in block.stmts("bill"):
        if len(s.args) == 2 and s.args[0].text == "name" and s.args[1].kind == ast.STRING:
            ctx.declare(BILL_NAME, s.args[1].value, s.args[1].span)
    for keyword, number, nspan in _sms_numbers(ctx, block):
        if keyword is not None:
            _declare_keyword(ctx, number, keyword, nspan)


def _header(ctx: Context, table: Table) -> dict[str, int]:
    """Column name -> index of a passes table (T0504 for unknown or missing columns)."""
    index: dict[str, int] = {}
    for i, cell in enumerate(table.rows[0].cells):
        label = " ".join(a.text for a in cell.atoms)
        if label not in COLUMNS:
            raise ctx.fail("T0504", f"unknown column `{label}` in a passes table", cell.span,
                           "not a column tariffc knows",
                           help=did_you_mean(label, COLUMNS, "columns") or "known columns: " + ", ".join(COLUMNS))
        if label in index:
            raise ctx.fail("T0504", f"the column `{label}` is given twice", cell.span, help="keep one")
        index[label] = i
    for need in ("pass", "price"):
        if need not in index:
            raise ctx.fail("T0504", f"the passes table has no `{need}` column", table.rows[0].span,
                           help=f"add a `{need}` column")
    return index


def _rows(ctx: Context, table: Table, index: dict[str, int]):
    """The rows with the header's number of cells (T0505 for the others)."""
    n = len(table.rows[0].cells)
    for row in table.rows[1:]:
        if len(row.cells) == n:
            yield row
        else:
            ctx.error("T0505", f"this row has {len(row.cells)} cells, the table has {n} columns", row.span,
                      f"expected {n} cells", help="give one cell per column (" + ", ".join(index)
                      + "); write `-` where a pass has nothing")


def _text_cell(row: Row, index: dict[str, int], column: str) -> tuple[str, Span] | None:
    cell = row.cells[index[column]] if column in index else None
    if cell is None or len(cell.atoms) != 1 or cell.atoms[0].kind not in (ast.STRING, ast.WORD):
        return None
    return cell.atoms[0].value, cell.atoms[0].span


def declare_passes(block: Block, ctx: Context) -> None:
    sms = [(n, s) for k, n, s in _sms_numbers(ctx, block) if k is None]
    for table in (i for i in block.items if type(i) is Table):
        # Lenient: the names are declared even when the header or a row is wrong (build
        # reports those), so that references to the passes do not fail as well.
        labels = [" ".join(a.text for a in c.atoms) for c in table.rows[0].cells]
        index = {label: i for i, label in enumerate(labels) if label in COLUMNS}
        index.setdefault("pass", 0)
        for row in table.rows[1:]:
            cells = lambda column: row.cells[index[column]] if column in index and index[column] < len(row.cells) else None
            if (cell := cells("pass")) is not None and (named := _quiet(Args(ctx, cell.atoms, cell.span).name)):
                ctx.declare(PASS, *named)
            if len(row.cells) != len(labels):
                continue
            bill = _text_cell(row, index, "bill name")
            if bill and row.cells[index["bill name"]].atoms[0].kind == ast.STRING:
                ctx.declare(BILL_NAME, *bill)
            keyword = _text_cell(row, index, "keyword")
            for number, _ in sms if keyword else ():
                _declare_keyword(ctx, number, keyword[0], keyword[1])


# -- build --------------------------------------------------------------------------------------

class _Fields:
    """What a `pass` block, or a `passes` block for all its rows, says."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.names = Texts()
        self.eligibility = Eligibility()
        self.price = None
        self.validity = None
        self.where = None
        self.exclusive = None
        self.exclusive_span = None
        self.activations: list[Activation] = []
        self.sms_numbers: list[tuple[str, Span]] = []  # `activate sms 9000` of a passes block
        self.allowances: list[Allowance] = []
        self.minutes_count: tuple[str, ...] = ("outgoing call",)
        self.free: list[FreeRule] = []
        self.full_speed_kb = None
        self.throttle_kbps = None
        self.rates: list[Rate] = []
        self.bill_name = None
        self.notes: list = []

    def args(self, s) -> Args:
        return Args(self.ctx, s.args, s.keyword.span)

    def stmts(self, table: bool) -> dict:
        common = {
            "name": lambda s: setattr(self, "names", self.args(s).texts()),
            "for": self.for_, "valid": self.valid, "where": self.where_, "exclusive": self.exclusive_,
            "activate": lambda s: self.activate(s, table), "minutes": self.minutes, "free": self.free_,
            "note": lambda s: self.notes.append(self.args(s).note()),
            **{w: self.rate for w in _RATE_WORDS},
        }
        if not table:
            common.update({"price": self.price_, "includes": self.includes, "bill": self.bill})
        return common

    def for_(self, s) -> None:
        a = self.args(s)
        self.eligibility = a.eligibility()
        a.end()

    def price_(self, s) -> None:
        a = self.args(s)
        self.price = a.money()
        a.end()

    def valid(self, s) -> None:
        a = self.args(s)
        self.validity = a.duration()
        a.end()

    def where_(self, s) -> None:
        a = self.args(s)
        kind = a.word("roaming", "network", "zones", "zone", what="`roaming`, `network` or `zones`")
        if kind == "roaming":
            self.where = ("roaming", ())
        elif kind == "network":
            name, span = a.name("a network name")
            if self.ctx.resolve(NETWORK, name, span):
                self.where = ("network", (name,))
        else:
            names = a.names("a zone name")
            if all([self.ctx.resolve(ZONE, n, sp) for n, sp in names]):
                self.where = ("zones", tuple(n for n, _ in names))
        a.end()

    def exclusive_(self, s) -> None:
        a = self.args(s)
        self.exclusive = a.string('a group name in double quotes, e.g. "karta"')
        a.end()
        self.exclusive_span = s.span

    def activate(self, s, table: bool) -> None:
        a = self.args(s)
        channel = a.word("code", "sms", "menu", what="an activation channel (`code`, `sms` or `menu`)")
        if channel == "sms":
            keyword, number, nspan = _sms_activation(self.ctx, s)
            self.ctx.resolve(SERVICE_NUMBER, number, nspan)
            if keyword is None and not table:
                raise self.ctx.fail("T0507", "`activate sms` needs the keyword to send", nspan,
                                    "which message?", help=f'write `activate sms "KEYWORD" to {number}`')
            if keyword is not None and table:
                raise self.ctx.fail("T0507", "every pass of the table would have the same keyword",
                                    s.args[1].span, "one keyword for all rows",
                                    help=f"write `activate sms {number}` and give each row its keyword "
                                         "in a `keyword` column")
            if keyword is None:
                self.sms_numbers.append((number, nspan))
            else:
                self.activations.append(Activation("sms", None, number, keyword, None, s.span))
            return
        atom = a.take("a USSD code such as *125*1#")
        if atom.kind != ast.CODE:
            raise a.unexpected(atom, "a USSD code such as *125*1#")
        option = None
        if channel == "menu":
            a.words("option")
            option = a.integer(1, 99, "an option number")
        a.end()
        self.ctx.resolve(CODE, atom.text, atom.span)
        self.activations.append(Activation(channel, atom.text, None, None, option, s.span))

    def includes(self, s) -> None:
        a = self.args(s)
        what = a.word("minutes", "sms", "data", what="`minutes`, `sms` or `data`")
        if what == "data":
            self.allowances.append(Allowance("KB", a.data(), ("data",), s.span))
        else:
            n, unit = a.count("min" if what == "minutes" else "sms")
            self.allowances.append(Allowance(unit, n, self.minutes_count if unit == "min" else ("sms",), s.span))
        a.end()

    def minutes(self, s) -> None:
        a = self.args(s)
        a.words("count")
        services = []
        while True:
            service, span = read_service(self.ctx, a)
            if service not in CALLS:
                raise self.ctx.fail("T0509", f"minutes cannot count `{service}`", span, "not a call",
                                    help="minutes count calls: " + ", ".join(f"`{c}`" for c in CALLS))
            services.append(service)
            if not a.comma():
                break
        a.end()
        self.minutes_count = tuple(services)
        self.allowances = [Allowance(x.unit, x.amount, self.minutes_count, x.span) if x.unit == "min" else x
                           for x in self.allowances]

    def free_(self, s) -> None:
        a = self.args(s)
        service, span = read_service(self.ctx, a)
        destination = None
        if service == "data" and a.more() and a.peek().kind == ast.QUANTITY:
            self.full_speed_kb = a.data()
            a.words("full", "speed", "then")
            speed_atom = a.peek()
            self.throttle_kbps = a.speed()
            if self.throttle_kbps <= 0:
                raise self.ctx.fail("T0506", "the speed after the full-speed quota must be greater than zero",
                                    speed_atom.span, "no speed at all",
                                    help="write the throttled speed, e.g. `then 64 kbps`")
        elif a.accept("to"):
            destination = read_destination(self.ctx, a)
        a.end()
        if any(f.service == service and f.destination == destination for f in self.free):
            raise self.ctx.fail("T0105", f"`free {service}` is given twice", span, "given again here",
                                help="keep only one")
        self.free.append(FreeRule(service, destination, s.span))

    def rate(self, s) -> None:
        a = Args(self.ctx, (s.keyword,) + s.args, s.keyword.span)
        service, _ = read_service(self.ctx, a)
        price = a.money(per=services.per_units(self.ctx, service))
        a.end()
        self.rates.append(Rate(service, None, None, price, None, None, None, s.span))

    def bill(self, s) -> None:
        a = self.args(s)
        a.words("name")
        self.bill_name = a.string("the name on the bill in double quotes")
        a.end()

    def make(self, name: str, names: Texts, family: str | None, span: Span, **row) -> Pass:
        return Pass(name, names, family, self.eligibility, row.get("price", self.price), self.validity,
                    self.where, self.exclusive, tuple(self.activations) + row.get("activations", ()),
                    tuple(self.allowances) + row.get("allowances", ()), tuple(self.free),
                    self.full_speed_kb, self.throttle_kbps, tuple(self.rates),
                    row.get("bill_name", self.bill_name), tuple(self.notes), span)


def build_pass(block: Block, ctx: Context) -> None:
    name = Args(ctx, block.args, block.keyword.span).name()[0]
    f = _Fields(ctx)
    walk(ctx, block, "pass", f.stmts(table=False),
         once={"name", "for", "price", "valid", "where", "exclusive", "bill", "minutes"},
         required=("price", "valid", "where"))
    _nothing_included(ctx, f, name, block.args[0].span)
    _group(ctx, f, name, block.args[0].span)
    if None not in (f.price, f.validity, f.where):
        ctx.out["passes"].append(f.make(name, f.names, None, block.span))


def _nothing_included(ctx: Context, f: _Fields, name: str, span: Span, row=False) -> None:
    if not (f.allowances or f.free or f.rates or row):
        ctx.warning("T0508", f"pass `{name}` includes nothing", span, "no allowance, free service or price",
                    help="add `includes data 1 GB`, `free incoming call` or a price such as `sms 3,97 RSD/sms`")


def build_passes(block: Block, ctx: Context) -> None:
    family = Args(ctx, block.args, block.keyword.span).name()[0]
    f = _Fields(ctx)
    tables: list[Table] = []
    walk(ctx, block, "passes", f.stmts(table=True), table=tables.append,
         once={"name", "for", "valid", "where", "exclusive", "minutes"}, required=("valid", "where"))
    if not tables:
        ctx.error("T0106", "this `passes` block has no table", block.keyword.span, "no passes",
                  help="add a table `| pass | price | ... |` with one row per pass")
    for table in tables:
        index = ctx.guard(_header, ctx, table)
        if index is None:
            continue
        if f.sms_numbers and "keyword" not in index:
            number, span = f.sms_numbers[0]
            ctx.error("T0507", "`activate sms` needs a `keyword` column in the table", span,
                      "which message?", help="add a `keyword` column with each pass's keyword")
        elif "keyword" in index and not f.sms_numbers:
            ctx.error("T0507", "the table has a `keyword` column but no `activate sms` number",
                      table.rows[0].cells[index["keyword"]].span, "sent to which number?",
                      help="add `activate sms 9000` (the service number) to the block")
        for row in _rows(ctx, table, index):
            ctx.guard(_row_pass, ctx, f, family, row, index)


def _row_pass(ctx: Context, f: _Fields, family: str, row: Row, index: dict[str, int]) -> None:
    def cell(column: str) -> Args | None:
        """The column's cell as Args, or None when the column is absent or the cell is `-`."""
        if column not in index:
            return None
        c = row.cells[index[column]]
        if len(c.atoms) == 1 and c.atoms[0].kind == ast.DASH:
            return None
        return Args(ctx, c.atoms, c.span)

    name_args = cell("pass")
    if name_args is None:
        raise ctx.fail("T0109", "missing the pass's name", row.cells[index["pass"]].span,
                       help="write the pass's name in the first column")
    name, nspan = name_args.name("the pass's name")
    name_args.end()
    row_fields: dict = {"allowances": (), "activations": ()}
    if (a := cell("price")) is None:
        raise ctx.fail("T0109", f"pass `{name}` has no price", row.cells[index["price"]].span,
                       help="write the price, e.g. `1.524,40 RSD`")
    row_fields["price"] = a.money()
    a.end()
    allowances = []
    for column, unit in (("minutes", "min"), ("sms", "sms")):
        if (a := cell(column)) is not None:
            n, u = a.count(unit)
            a.end()
            allowances.append(Allowance(u, n, f.minutes_count if u == "min" else ("sms",), a.anchor))
    if (a := cell("data")) is not None:
        allowances.append(Allowance("KB", a.data(), ("data",), a.anchor))
        a.end()
    row_fields["allowances"] = tuple(allowances)
    if (a := cell("keyword")) is not None:
        atom = a.take("a keyword")
        a.end()
        row_fields["activations"] = tuple(Activation("sms", None, number, atom.value, None, atom.span)
                                          for number, _ in f.sms_numbers)
    elif f.sms_numbers:
        raise ctx.fail("T0507", f"pass `{name}` has no keyword", row.cells[index["keyword"]].span,
                       "`-` here", help="give the keyword its activation SMS carries, e.g. `TPP1`")
    if (a := cell("bill name")) is not None:
        row_fields["bill_name"] = a.string("the name on the bill in double quotes")
        a.end()
    _nothing_included(ctx, f, name, nspan, row=bool(allowances))
    _group(ctx, f, name, nspan)
    if f.validity is None or f.where is None:
        return
    ctx.out["passes"].append(f.make(name, _row_names(f.names, family, name), family, row.span, **row_fields))


def _row_names(family_names: Texts, family: str, name: str) -> Texts:
    """A row's names in other languages: `Putni paket 1` in a `Putni paket` block named
    en "Travel package" is en "Travel package 1"."""
    if not name.startswith(family):
        return Texts()
    return Texts(tuple((lang, text + name[len(family):]) for lang, text in family_names.items))


# -- cross-checks --------------------------------------------------------------------------------

def check_activations(ctx: Context) -> None:
    """Codes and menus agree with the passes' `activate` lines, both ways."""
    codes = {c.pattern: c for c in ctx.out.get("codes", ())}
    passes = {p.name: p for p in ctx.out.get("passes", ())}
    for p in passes.values():
        for act in p.activations:
            code = codes.get(act.code) if act.code else None
            if code is None:
                continue
            if act.channel == "code" and not (code.action == "activate" and p.name in code.action_args):
                ctx.error("T0501", f"pass `{p.name}` says {act.code} activates it, but the code "
                          f"does `{code.action} {', '.join(code.action_args)}`".rstrip(), act.span,
                          "the code disagrees", help=f"make the code `action activate \"{p.name}\"`, "
                          "or correct the code here", notes=[f"the code is at {code.span.file}:{code.span.line}"])
            if act.channel == "menu":
                option = next((o for o in code.menu if o.number == act.option), None)
                if option is None or p.name not in option.activates:
                    what = "has no option" if option is None else "does not list it in option"
                    ctx.error("T0502", f"pass `{p.name}` says {act.code} option {act.option} activates "
                              f"it, but the menu {what} {act.option}", act.span, "the menu disagrees",
                              help=f"add `{p.name}` to option {act.option} of {act.code}, or correct the option here",
                              notes=[f"the menu is at {code.span.file}:{code.span.line}"])
    for code in codes.values():
        targets = [(a, "T0501", None) for a in code.action_args if code.action == "activate"]
        targets += [(a, "T0502", o.number) for o in code.menu for a in o.activates]
        for name, err, option in targets:
            p = passes.get(name)
            if p is None or any(x.code == code.pattern for x in p.activations):
                continue  # agrees, or the pass's own line was reported above
            how = f"activate menu {code.pattern} option {option}" if option else f"activate code {code.pattern}"
            ctx.error(err, f"{code.pattern} activates pass `{name}`, but the pass does not say so",
                      code.span, f"`{name}` lists no `{how}`", help=f"add `{how}` to pass `{name}`",
                      notes=[f"the pass is at {p.span.file}:{p.span.line}"])


def _group(ctx: Context, f: _Fields, name: str, span: Span) -> None:
    """Record a pass's exclusive group (even if the pass has other mistakes)."""
    if f.exclusive is not None:
        _groups(ctx).setdefault(f.exclusive, []).append((name, span))


def _groups(ctx: Context) -> dict[str, list]:
    """Per operator: exclusive group -> [(pass name, span)]."""
    return ctx.state("passes.groups", dict)


def check_exclusive(ctx: Context) -> None:
    for group, members in _groups(ctx).items():
        if len(members) == 1:
            name, span = members[0]
            ctx.warning("T0503", f"exclusive group \"{group}\" has only pass `{name}`", span,
                        "nothing to exclude",
                        help="give the other passes of the group the same `exclusive` name, or remove it")


HANDLERS = {
    "pass": (declare_pass, build_pass),
    "passes": (declare_passes, build_passes),
}
CHECKS = [check_activations, check_exclusive]
