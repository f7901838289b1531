"""Checks the `operator` header and the `segment` blocks (plans)."""

from __future__ import annotations

import keyword
from decimal import Decimal
from zoneinfo import available_timezones

import pycountry

from dsl import ast
from dsl.ast import Block
from dsl.diagnostics import did_you_mean
from compiler.check import units
from compiler.check.context import PLAN, SEGMENT, Context, walk
from compiler.check.units import currencies, is_currency
from compiler.check.reader import Args, money_of, parse_number
from compiler.model.common import Texts
from compiler.model.operator import Operator, Rounding, Segment

KNOWN_LANGUAGES = {"sr", "en", "az", "ru", "me", "mk", "bs", "hr", "de", "tr"}


def country_code(ctx: Context, atom) -> str:
    """An ISO 3166 alpha-2 country code, checked against pycountry."""
    code = atom.text
    if atom.kind != ast.WORD or pycountry.countries.get(alpha_2=code) is None:
        long = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
        known = [c.alpha_2 for c in pycountry.countries]
        hint = (f"`{code}` is the three-letter code; write `{long.alpha_2}`" if long
                else did_you_mean(code.upper(), known, "codes") or "write the two-letter code, e.g. RS or ME")
        raise ctx.fail("T0118", f"`{code}` is not an ISO 3166 country code", atom.span,
                       "unknown country", help=hint)
    return code


def build_operator(block: Block, ctx: Context) -> Operator | None:
    args = Args(ctx, block.args, block.keyword.span)
    id_atom = args.peek()
    ident = args.word(what="the operator's id, e.g. `telenor_rs`")
    args.end()
    if not ident.isidentifier() or keyword.iskeyword(ident) or not ident.isascii():
        fixed = "".join(c if c.isalnum() and c.isascii() else "_" for c in ident).strip("_") or "operator"
        raise ctx.fail("T0124", f"operator id `{ident}` is not usable as a module name", id_atom.span,
                       "engineers import the compiled tariff by this id",
                       help=f"use letters, digits and `_` only, e.g. `{fixed.lower()}`")
    f: dict = {"about": [], "notes": [], "rounding": None, "vat": False}

    def one_word(key, check=None):
        def handle(s):
            a = Args(ctx, s.args, s.keyword.span)
            atom = a.take(f"a value for `{key}`")
            f[key] = check(atom) if check else atom.value
            a.end()
        return handle

    def name(s):
        a = Args(ctx, s.args, s.keyword.span)
        f["name"] = a.string("the operator's name in double quotes")
        a.end()

    def languages(s):
        items = Args(ctx, s.args, s.keyword.span).identifiers("a language code")
        langs = [n for n, _ in items]
        for n, span in items:
            if n not in KNOWN_LANGUAGES:
                ctx.warning("T0119", f"`{n}` is not a language tariffc knows", span,
                            help="use an ISO 639-1 code such as sr, en, az or ru")
        f["languages"] = tuple(dict.fromkeys(langs))
        ctx.languages = f["languages"]

    def numbers(s):
        a = Args(ctx, s.args, s.keyword.span)
        a.words("decimal")
        f["decimal"] = {"comma": ",", "point": "."}[a.word("comma", "point", what="`comma` or `point`")]
        a.end()
        ctx.decimal = f["decimal"]

    def currency(s):
        """`currency GBP`, `currency RSD local din`, `currency GBP minor p`."""
        a = Args(ctx, s.args, s.keyword.span)
        atom = a.take("a currency code such as RSD")
        if not is_currency(atom.text):
            raise ctx.fail("T0120", f"`{atom.text}` is not an ISO 4217 currency", atom.span,
                           help=did_you_mean(atom.text.upper(), currencies(), "currencies")
                           or "write the three-letter code, e.g. RSD or AZN")
        code = atom.text
        money: dict[str, units.Money] = {}
        while a.peek_word() in ("local", "minor"):
            kind = a.word("local", "minor", what="`local` or `minor`")
            while True:
                w = a.take(f"a {kind} name of {code}, e.g. `{'din' if kind == 'local' else 'p'}`")
                if w.kind != ast.WORD:
                    raise a.unexpected(w, f"a {kind} name of {code}")
                taken = units.KINDS.get(w.text) or ("a currency code" if is_currency(w.text) else None) \
                    or ("already declared" if w.text in money else None)
                if taken:
                    raise ctx.fail("T0803", f"`{w.text}` cannot name money", w.span,
                                   f"`{w.text}` is {taken if ' ' in taken else 'a ' + taken + ' unit'}",
                                   help=f"choose another {kind} name, or leave it out")
                factor = Decimal(1) if kind == "local" else units.minor_unit(code)
                if kind == "minor" and factor == 1:
                    raise ctx.fail("T0803", f"{code} has no minor unit", w.span,
                                   f"ISO 4217 gives {code} no decimals", help="leave out `minor ...`")
                money[w.text] = units.Money(code, factor)
                if not a.comma():
                    break
        a.end()
        f["currency"] = code
        f["money_names"] = tuple((w, m.factor) for w, m in money.items())
        ctx.currency = code
        ctx.units = units.Table(money)
        ctx.unit_words = ctx.units.words()

    def timezone(s):
        a = Args(ctx, s.args, s.keyword.span)
        atom = a.take('a time zone such as "Europe/Belgrade"')
        if atom.value not in available_timezones():
            raise ctx.fail("T0121", f"unknown time zone `{atom.value}`", atom.span,
                           help=did_you_mean(atom.value, available_timezones(), "zones")
                           or 'write an IANA zone such as "Europe/Belgrade"')
        a.end()
        f["timezone"] = atom.value

    def vat(s):
        """`vat included`, `vat 20 % included`, `vat 20 % excluded` (see docs/language/taxes.md)."""
        a = Args(ctx, s.args, s.keyword.span)
        f["vat_span"] = s.span
        ctx.vat_broken = True  # until the line is read: a broken one gets no second error
        if a.peek_word() not in ("included", "excluded") and a.more():
            f["vat_rate"] = vat_rate(ctx, a)
        if not a.more() and "vat_rate" in f:
            raise ctx.fail("T0922", "a VAT rate without `included` or `excluded`", s.span,
                           "the rate alone does not say whether the written prices hold the tax",
                           help=f"write `vat {f['vat_rate']} % included` (prices hold the VAT) or "
                                f"`vat {f['vat_rate']} % excluded` (the VAT is added)")
        f["vat"] = a.word("included", "excluded", what="`included` or `excluded`") == "included"
        if not f["vat"] and "vat_rate" not in f:
            raise ctx.fail("T0923", "`vat excluded` without a rate", s.span,
                           "tariffc cannot add a tax whose rate it does not know",
                           help="write the rate, e.g. `vat 20 % excluded`")
        a.end()
        ctx.vat_broken = False

    def rounding(s):
        a = Args(ctx, s.args, s.keyword.span)
        mode = a.word("half-up", "up", what="a rounding mode (`half-up` or `up`)")
        q = a.quantity_atom("a step such as `0,01 RSD`", ("money",))
        price = money_of(ctx, q, None)
        if price.amount <= 0:
            raise ctx.fail("T0207", "the rounding step must be greater than zero", q.span)
        a.words("per", "event")
        a.end()
        f["rounding"] = Rounding(mode, price.amount, "event", s.span)

    # The header's number convention and currency shape everything else: read them first.
    order = {"numbers": 0, "currency": 0, "languages": 0}
    stmts = sorted((i for i in block.items), key=lambda i: order.get(getattr(getattr(i, "keyword", None), "text", ""), 1))
    walk(ctx, Block(block.keyword, block.args, tuple(stmts), block.span), "operator", {
        "name": name,
        "country": one_word("country", lambda atom: country_code(ctx, atom)),
        "currency": currency, "timezone": timezone, "languages": languages,
        "numbers": numbers, "vat": vat, "rounding": rounding,
        "about": lambda s: f["about"].extend(Args(ctx, s.args, s.keyword.span).texts().items),
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"name", "country", "currency", "timezone", "languages", "numbers", "vat", "rounding"},
        required=("name", "country", "currency", "timezone", "languages"))
    if not all(k in f for k in ("name", "country", "currency", "timezone", "languages")):
        return None
    return Operator(ident, f["name"], f["country"], f["currency"], f["timezone"], f["languages"],
                    f.get("decimal", "."), f["vat"], f["rounding"], Texts(tuple(f["about"])),
                    tuple(f["notes"]), block.span, f.get("money_names", ()), f.get("vat_rate"),
                    f.get("vat_span"))


def vat_rate(ctx: Context, a: Args) -> Decimal:
    """The `20 %` of `vat 20 % included`: more than 0 % and less than 100 %, at most two decimals."""
    q = a.quantity_atom("a VAT rate such as `20 %`")
    if q.unit != "%":
        raise ctx.fail("T0921", f"`{q.text}` is not a VAT rate", q.span,
                       "a VAT rate is a percentage", help="write it as `20 %`")
    rate = parse_number(ctx, q.number, q.span)
    if not 0 < rate < 100 or rate.as_tuple().exponent < -2:
        raise ctx.fail("T0921", f"VAT rate {q.text} is out of range", q.span,
                       "a VAT rate is more than 0 % and less than 100 %, with at most two decimals",
                       help="write the rate the operator's page states, e.g. `20 %`; "
                            "without a rate, write `vat included`")
    return rate


def declare_segment(block: Block, ctx: Context) -> None:
    args = Args(ctx, block.args, block.keyword.span)
    ident = args.word(what="the segment's id, e.g. `prepaid`")
    args.end()
    ctx.declare(SEGMENT, ident, block.args[0].span)
    for s in block.stmts("plans"):
        for name, span in Args(ctx, s.args, s.keyword.span).names("a plan name"):
            ctx.declare(PLAN, name, span)


def build_segment(block: Block, ctx: Context) -> None:
    if not block.args:  # declare_segment reported the missing id
        return
    ident = block.args[0].text
    f: dict = {"names": Texts(), "plans": [], "notes": []}

    def plans(s):
        a = Args(ctx, s.args, s.keyword.span)
        f["plans"].extend(n for n, _ in a.names("a plan name"))
        a.end()

    walk(ctx, block, "segment", {
        "name": lambda s: f.__setitem__("names", Args(ctx, s.args, s.keyword.span).texts()),
        "plans": plans,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"name"})
    ctx.out["segments"].append(Segment(ident, f["names"], tuple(f["plans"]), tuple(f["notes"]), block.span))


HANDLERS = {
    "segment": (declare_segment, build_segment),
}
