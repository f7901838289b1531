"""Checks the `bill` block (the layout of the monthly bill) into `compiler.model.bill.Bill`.

The two sides of the bill are tables `| field | key | sr | en |` whose numbers run 1..N;
formulas relate amounts by name; `example` lines pin the billing period rule to the dates the
operator's page gives, so a rule and an example that disagree are caught here.
"""

from __future__ import annotations

import datetime

from dsl import ast
from dsl.ast import Block, Span, Stmt, Table
from dsl.diagnostics import did_you_mean
from compiler.check.context import BILL_NAME, Context, walk
from compiler.check.reader import Args, check_language, choice, parse_date, phrase
from compiler.model.bill import (FIRST_PERIODS, KNOWN_AMOUNTS, PERIODS, TAX_AMOUNTS, Bill, BillField,
                                 Category, Formula, PeriodExample, billing_period, format_period)
from compiler.model.common import Texts


def build_bill(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name, _ = a.name('the bill\'s name, e.g. `bill "Mesečni račun" {`')
    a.end()
    f: dict = {"names": [], "period": None, "first": None, "examples": [], "formulas": [],
               "front": None, "back": None, "one_time": [], "notes": []}

    def args(s: Stmt) -> Args:
        return Args(ctx, s.args, s.keyword.span)

    def first(s):
        r = args(s)
        r.words("period")
        if r.accept("from"):
            r.words("activation", "to", "end", "of", "month")
            r.end()
            f["first"] = "activation to month end"
        else:
            f["first"] = choice(ctx, *_rest(r, "how the first period is cut"), FIRST_PERIODS,
                                "first period")

    def example(s):
        r = args(s)
        r.words("activation")
        before = r.accept("before") is not None
        atom = r.take("a date such as 17.01.2013")
        day = parse_date(ctx, atom.text, atom.span)
        if before and day.day != 1:
            raise ctx.fail("T0207", f"`{atom.text}` is not the first day of a month", atom.span,
                           "`activation before` names the first day of the billed month",
                           help=f"write `{day.replace(day=1):%d.%m.%Y}`")
        r.words("period")
        text = r.string('the period as printed, e.g. "17.01.2013. - 31.01.2013."')
        r.end()
        f["examples"].append(PeriodExample(day, before, text, s.span))

    def formula(s):
        r = args(s)
        target = r.take("the name of the amount, e.g. `usage`")
        if target.kind != ast.WORD:
            raise r.unexpected(target, "the name of the amount, e.g. `usage`")
        if not r.accept("="):
            raise r.unexpected(r.peek(), "`=`") if r.more() else r.take("`=`")
        terms, sign = [], "+"
        while True:
            term = r.take("an amount, e.g. `traffic`")
            if term.kind != ast.WORD:
                raise r.unexpected(term, "the name of an amount")
            terms.append((sign, term.text, term.span))
            if not r.more():
                break
            sign = r.accept("+", "-") or ""
            if not sign:
                raise r.unexpected(r.peek(), "`+` or `-`")
        first = next((x for x in f["formulas"] if x[0].target == target.text), None)
        if first is not None:
            raise ctx.fail("T0707", f"`{target.text}` has two formulas", target.span,
                           "defined again here", help="keep one formula per amount",
                           notes=[f"first defined at line {first[0].span.line}"])
        f["formulas"].append((Formula(target.text, tuple(t[:2] for t in terms), s.span), terms))

    def side(key: str):
        def handle(b: Block):
            Args(ctx, b.args, b.keyword.span).end()
            walk(ctx, b, key, {}, table=lambda t: f.__setitem__(key, fields(ctx, t, key, f[key])))
            if not any(type(i) is Table for i in b.items):
                ctx.error("T0106", f"the `{key}` of the bill has no table", b.keyword.span,
                          "no `| field | key | ... |` table",
                          help="add a table `| field | key | " + " | ".join(ctx.languages) + " |`")
        return handle

    walk(ctx, block, "bill", {
        "name": lambda s: f["names"].extend(args(s).texts().items),
        "period": lambda s: f.__setitem__("period", phrase(ctx, s, (), PERIODS, "billing period")),
        "first": first, "example": example, "formula": formula,
        "note": lambda s: f["notes"].append(args(s).note()),
    }, blocks={"front": side("front"), "back": side("back"),
               "one-time": lambda b: f.__setitem__("one_time", categories(ctx, b))},
        once={"period", "first", "front", "back", "one-time"},
        required=("period", "front", "back"))
    fp = f["first"] or "calendar month"
    for ex in f["examples"]:
        check_example(ctx, fp, ex)
    front, back = f["front"] or (), f["back"] or ()
    check_formulas(ctx, f["formulas"], [x.key for x in front + back])
    ctx.out["bills"].append(Bill(
        name, Texts(tuple(f["names"])), f["period"] or "calendar month", fp,
        tuple(f["examples"]), tuple(x for x, _ in f["formulas"]), front, back,
        tuple(f["one_time"]), tuple(f["notes"]), block.span))


def _rest(r: Args, what: str) -> tuple[str, Span]:
    atoms = r.atoms[r.i:]
    if not atoms:
        raise r.take(what)
    bad = next((x for x in atoms if x.kind != ast.WORD), None)
    if bad is not None:
        raise r.unexpected(bad, what)
    r.i = len(r.atoms)
    return " ".join(x.text for x in atoms), atoms[0].span.to(atoms[-1].span)


# -- the two sides -----------------------------------------------------------------------------

def fields(ctx: Context, table: Table, side: str, earlier) -> tuple[BillField, ...]:
    """`| field | key | sr | en |`, then one row per numbered field."""
    if earlier is not None:
        raise ctx.fail("T0705", f"a second table in the `{side}` of the bill", table.span,
                       "one table per side", help="put every field of this side in one table")
    header, *rows = table.rows
    cols: list[str] = []
    for cell in header.cells:
        if len(cell.atoms) != 1 or cell.atoms[0].kind != ast.WORD:
            raise ctx.fail("T0705", "a column of this table has no one-word title", cell.span,
                           "expected `field`, `key` or a language",
                           help="write the header `| field | key | " + " | ".join(ctx.languages) + " |`")
        cols.append(cell.atoms[0].text)
    if cols[:2] != ["field", "key"]:
        raise ctx.fail("T0705", f"the table starts with `| {' | '.join(cols[:2])} |`", header.span,
                       "expected `| field | key |` first",
                       help="write the header `| field | key | " + " | ".join(ctx.languages) + " |`")
    langs = cols[2:]
    for lang, cell in zip(langs, header.cells[2:]):
        check_language(ctx, lang, cell.span)
        if langs.count(lang) > 1:
            raise ctx.fail("T0705", f"two `{lang}` columns", cell.span, "a column per language",
                           help="keep one column per language")
    missing = [lg for lg in ctx.languages if lg not in langs]
    if missing:
        ctx.error("T0703", "no column for " + ", ".join(f"`{m}`" for m in missing) +
                  f" in the `{side}` of the bill", header.span, "a column per declared language",
                  help=f"add a column `{missing[0]}` with the legend in that language")
    out: list[BillField] = []
    for row in rows:
        if len(row.cells) != len(cols):
            ctx.error("T0704", f"this row has {len(row.cells)} cells, the header has {len(cols)}",
                      row.span, "wrong number of cells",
                      help="write one cell per column: `| " + " | ".join(cols) + " |`")
        else:
            ctx.guard(lambda row=row: out.append(field(ctx, row, langs)))
    if len(out) < len(rows):  # a broken row: its number would look missing
        return tuple(out)
    expected = 1
    seen: dict[str, BillField] = {}
    for x in out:
        if x.number != expected:
            what = (f"field {x.number} is numbered again" if x.number < expected else
                    f"field {expected} is missing")
            ctx.error("T0701", f"{what}: expected field {expected} here, found {x.number}", x.span,
                      "the numbers must run 1, 2, 3, ... in order",
                      help=f"number this field {expected}, or add the missing field")
        expected = x.number + 1
        if x.key in seen:
            ctx.error("T0702", f"key `{x.key}` is used twice in the `{side}` of the bill", x.span,
                      "used again here", help="give each field its own key",
                      notes=[f"first used at line {seen[x.key].span.line}"])
        seen.setdefault(x.key, x)
    return tuple(out)


def field(ctx: Context, row, langs: list[str]) -> BillField:
    n_cell, k_cell, *texts = row.cells
    n = Args(ctx, n_cell.atoms, n_cell.span)
    number = n.integer(1, None, "the field's number")
    n.end()
    k = Args(ctx, k_cell.atoms, k_cell.span)
    key = k.take("the field's key, e.g. `due_date`")
    if key.kind != ast.WORD:
        raise k.unexpected(key, "the field's key, a word such as `due_date`")
    k.end()
    items = []
    for lang, cell in zip(langs, texts):
        c = Args(ctx, cell.atoms, cell.span)
        items.append((lang, c.string(f"the {lang} legend in double quotes")))
        c.end()
    return BillField(number, key.text, Texts(tuple(items)), row.span)


# -- formulas and examples ---------------------------------------------------------------------

def check_formulas(ctx: Context, formulas: list, keys: list[str]) -> None:
    """Every name a formula uses is a field key, a known amount or another formula's target;
    no formula depends on itself."""
    targets = {x.target: x for x, _ in formulas}
    # a broken header (ctx.operator None) already has its error: no second one here
    taxed = ctx.operator is None or ctx.operator.vat_rate is not None or ctx.vat_broken
    known = set(keys) | set(KNOWN_AMOUNTS) | set(targets) | (set(TAX_AMOUNTS) if taxed else set())
    for x, terms in formulas:
        for _, name, span in terms:
            if name in TAX_AMOUNTS and name not in known:
                ctx.error("T0925", f"the formula of `{x.target}` uses `{name}`, but the operator "
                          "states no VAT rate", span, "no rate to compute the tax with",
                          help="write the rate on the operator header, e.g. `vat 20 % included`")
            elif name not in known:
                ctx.error("T0706", f"unknown amount `{name}` in the formula of `{x.target}`", span,
                          "not a field key, a known amount or a formula",
                          help=did_you_mean(name, known, "amounts")
                          or "use the key of a field of the bill, or define it with a formula")
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2 or name not in targets:
            return
        if state.get(name) == 1:
            loop = path[path.index(name):] + [name]
            x = targets[name]
            ctx.error("T0708", f"the formulas of {' -> '.join(f'`{n}`' for n in loop)} go in a circle",
                      x.span, "defined in terms of itself",
                      help="one of these amounts must be computed from the others without a loop")
            state[name] = 2
            return
        state[name] = 1
        for _, term in targets[name].terms:
            visit(term, path + [name])
        state[name] = 2

    for name in targets:
        visit(name, [])


def check_example(ctx: Context, first_period: str, ex: PeriodExample) -> None:
    """The printed period of an example agrees with the rule (see model.bill.billing_period)."""
    if ex.before:
        activation = ex.activation - datetime.timedelta(days=1)
    else:
        activation = ex.activation
    expected = format_period(*billing_period(first_period, activation, ex.activation))
    if ex.period != expected:
        rule = {"activation to month end": "from the activation day to the end of the month",
                "calendar month": "the whole calendar month"}[first_period]
        when = f"before {ex.activation:%d.%m.%Y}" if ex.before else f"on {ex.activation:%d.%m.%Y}"
        ctx.error("T0709", f"this example says \"{ex.period}\", but the rule gives \"{expected}\"",
                  ex.span, f"the first period is {rule}",
                  help=f"for a number activated {when} write period \"{expected}\", "
                       "or correct the `first period` rule")


# -- one-time charges --------------------------------------------------------------------------

def categories(ctx: Context, block: Block) -> list[Category]:
    a = Args(ctx, block.args, block.keyword.span)
    a.words("charges")
    a.end()
    out: list[Category] = []

    def category(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        atom = r.peek()
        name = r.string("the category's name in double quotes")
        first = next((c for c in out if c.name == name), None)
        if first is not None:
            raise ctx.fail("T0710", f"category `{name}` is listed twice", atom.span,
                           "listed again here", help="keep one line per category",
                           notes=[f"first listed at line {first.span.line}"])
        passes: list[str] = []
        if r.accept("passes"):
            for pname, span in r.names("a pass's bill name"):
                ctx.resolve(BILL_NAME, pname, span)
                passes.append(pname)
        r.end()
        out.append(Category(name, tuple(passes), s.span))

    walk(ctx, block, "one-time charges", {"category": category})
    return out


HANDLERS = {
    "bill": (None, build_bill),
}


def _one_bill(ctx: Context) -> None:
    """A subscriber gets one monthly bill: one layout per operator."""
    bills = ctx.out["bills"]
    for extra in bills[1:]:
        ctx.error("T0711", f"a second bill layout `{extra.name}`", extra.span,
                  "the operator already has one", help="keep one `bill` block per operator",
                  notes=[f"the first is `{bills[0].name}` at {bills[0].span.file}:{bills[0].span.line}"])


def _vat_added(ctx: Context) -> None:
    """With `vat N % excluded` the written prices are net: the bill must add the VAT to what
    the subscriber pays, so some formula uses `vat` or `gross`."""
    op = ctx.operator
    if op is None or op.vat_rate is None or op.vat_included or not ctx.out["bills"]:
        return
    bill = ctx.out["bills"][0]
    if not any(name in ("vat", "gross") for f in bill.formulas for _, name in f.terms):
        ctx.error("T0924", f"the bill `{bill.name}` never adds the VAT", bill.span,
                  f"the operator writes its prices without VAT ({op.vat_rate} % excluded)",
                  help="add the tax to the amount, e.g. `formula amount = usage + one_time + vat`")


CHECKS = [_one_bill, _vat_added]
