"""Typed reading of a statement's arguments or a table cell's atoms.

`Args` is a cursor over atoms. Each `read` method either returns a checked value or raises
a DiagnosticError pointing at the offending atom, with a hint; the caller's `walk` turns it
into a reported diagnostic and moves on to the next statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from dsl import ast
from dsl.ast import Atom, Pair, Quantity, Span, Stmt
from dsl.diagnostics import DiagnosticError, did_you_mean
from compiler.check.context import Context
from compiler.check.units import (COUNT_UNITS, DATA_UNITS, PER_UNITS, SPEED_UNITS, TIME_UNITS,
                                  attach, looks_like_currency, suggestions)
from compiler.model.common import Eligibility, Interval, Note, Price, Texts

_PER_CANON = PER_UNITS

_COMMA_NUM = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_POINT_NUM = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def parse_number(ctx: Context, text: str, span: Span) -> Decimal:
    """A number as the operator writes it (`numbers decimal comma`: 1.524,40)."""
    comma = ctx.decimal == ","
    pattern = _COMMA_NUM if comma else _POINT_NUM
    if pattern.fullmatch(text):
        if comma:
            return Decimal(text.replace(".", "").replace(",", "."))
        return Decimal(text.replace(",", ""))
    other = _POINT_NUM if comma else _COMMA_NUM
    sep, wrong = (",", ".") if comma else (".", ",")
    if other.fullmatch(text):
        fixed = text.replace(wrong, "\0").replace(sep, wrong).replace("\0", sep)
        raise ctx.fail("T0201", f"`{text}` uses `{wrong}` as decimal separator", span,
                       f"this operator writes numbers with a decimal {'comma' if comma else 'point'}",
                       help=f"write `{fixed}`")
    raise ctx.fail("T0202", f"`{text}` is not a well-formed number", span, "malformed number",
                   help=f"write digits with at most one decimal `{sep}`, e.g. `1{'.' if comma else ','}524{sep}40`")


_FOLD = str.maketrans({"Đ": "DJ", "đ": "dj"})


def fold_keyword(text: str) -> str:
    """The form SMS keywords are matched in: upper case, no diacritics, single spaces.

    >>> fold_keyword("Poništi"), fold_keyword("telenor  porodica:")
    ('PONISTI', 'TELENOR PORODICA:')
    """
    import unicodedata
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.upper().split())


def describe(atom) -> str:
    return f"`{atom.text}`"


class Args:
    """A cursor over the atoms of one statement or cell."""

    def __init__(self, ctx: Context, atoms: Sequence, anchor: Span, what: str = "") -> None:
        self.ctx = ctx
        self.atoms = attach(atoms, ctx.unit_words)
        self.i = 0
        self.anchor = anchor
        self.what = what

    # -- cursor -----------------------------------------------------------------------------
    def more(self) -> bool:
        return self.i < len(self.atoms)

    def peek(self):
        return self.atoms[self.i] if self.i < len(self.atoms) else None

    def peek_word(self) -> str | None:
        a = self.peek()
        return a.text if a is not None and a.kind == ast.WORD else None

    def prefix(self, example: str, short_codes: bool = False) -> Atom:
        """A number prefix (`+38263`), or with `short_codes` also a short code dialled at
        home (`999`, `118`); T0409 otherwise."""
        from runtime.numbers import is_short_code

        atom = self.take(f"a number prefix such as {example}")
        if atom.kind == ast.PHONE or (short_codes and atom.kind == ast.NUMBER
                                      and is_short_code(atom.text)):
            return atom
        why = "prefixes start with `+` and the country code" + (
            "; a short code is 3 to 6 digits" if short_codes else "")
        fix = f"write `+{atom.text.lstrip('0')}`" + (" with the country code" if short_codes else "")
        raise self.ctx.fail("T0409", f"`{atom.text}` is not a number prefix", atom.span, why,
                            help=fix if atom.text.isdigit() else f"write it as `{example}`")

    def take(self, expected: str):
        a = self.peek()
        if a is None:
            raise self.ctx.fail("T0109", f"missing {expected}", self.end_span(),
                                f"expected {expected} here", help=f"add {expected}")
        self.i += 1
        return a

    def end_span(self) -> Span:
        last = self.atoms[self.i - 1].span if self.i and self.atoms else self.anchor
        return Span(last.file, last.end_line, last.end_col, last.end_line, last.end_col + 1)

    def unexpected(self, a, expected: str) -> DiagnosticError:
        return self.ctx.fail("T0110", f"expected {expected}, found {describe(a)}", a.span,
                             f"expected {expected}")

    def end(self) -> None:
        """No atoms may remain."""
        if self.more():
            a = self.peek()
            last = self.atoms[-1]
            raise self.ctx.fail("T0111", f"unexpected {describe(a)} at the end of this line",
                                a.span.to(last.span), "not understood here",
                                help="remove it, or check the statement's form in the language reference")

    def accept(self, *words: str) -> str | None:
        """Consume the next atom if it is one of these words (or punctuation)."""
        a = self.peek()
        if a is not None and a.text in words and a.kind in (ast.WORD, ast.COMMA, ast.COLON,
                                                             ast.DASH, ast.PLUS, ast.OP):
            self.i += 1
            return a.text
        return None

    def comma(self) -> bool:
        return self.accept(",") is not None

    # -- words and names --------------------------------------------------------------------
    def word(self, *choices: str, what: str = "a keyword") -> str:
        a = self.take(what)
        if a.kind != ast.WORD:
            raise self.unexpected(a, what)
        if choices and a.text not in choices:
            raise self.ctx.fail("T0112", f"unknown {what.removeprefix('a ').removeprefix('an ')} `{a.text}`",
                                a.span, "not one of the accepted words",
                                help=did_you_mean(a.text, choices, "choices"))
        return a.text

    def words(self, *expected: str) -> None:
        """Consume exactly this sequence of words."""
        for w in expected:
            self.word(w, what=f"`{w}`")

    def string(self, what: str = "a quoted text") -> str:
        a = self.take(what)
        if a.kind not in (ast.STRING, ast.LONGSTRING):
            raise self.ctx.fail("T0113", f"expected {what}, found {describe(a)}", a.span,
                                "texts are written in double quotes", help=f'write "{a.text}"')
        return a.value

    def name(self, what: str = "a name") -> tuple[str, Span]:
        """A quoted name, or a run of words and numbers (`Zona 1`, `Putni paket 3`)."""
        a = self.take(what)
        if a.kind in (ast.STRING, ast.LONGSTRING):
            return a.value, a.span
        if a.kind not in (ast.WORD, ast.NUMBER):
            raise self.unexpected(a, what)
        parts, first, last = [a.text], a, a
        while self.more() and self.peek().kind in (ast.WORD, ast.NUMBER):
            last = self.take(what)
            parts.append(last.text)
        return " ".join(parts), first.span.to(last.span)

    def names(self, what: str = "a name") -> list[tuple[str, Span]]:
        """One or more names separated by commas (or by spaces when they are quoted/words)."""
        out = [self.name(what)]
        while self.more():
            if self.comma():
                out.append(self.name(what))
            elif self.peek().kind in (ast.STRING,):
                out.append(self.name(what))
            else:
                break
        return out

    def identifiers(self, what: str = "a name") -> list[tuple[str, Span]]:
        """Single words or quoted names, separated by spaces or commas: `sr en`, `AT, DE`."""
        out = []
        while self.more():
            a = self.peek()
            if a.kind == ast.COMMA:
                self.i += 1
                continue
            if a.kind == ast.WORD:
                self.i += 1
                out.append((a.text, a.span))
            elif a.kind in (ast.STRING, ast.NUMBER):
                self.i += 1
                out.append((a.value, a.span))
            else:
                break
        if not out:
            raise self.unexpected(self.peek(), what) if self.more() else self.take(what)
        return out

    # -- numbers and quantities -------------------------------------------------------------
    def number(self, what: str = "a number") -> Decimal:
        a = self.take(what)
        if a.kind != ast.NUMBER:
            if a.kind == ast.QUANTITY:
                raise self.ctx.fail("T0203", f"expected a plain number, found `{a.text}`", a.span,
                                    "no unit is expected here", help=f"write `{a.number}`")
            raise self.unexpected(a, what)
        return parse_number(self.ctx, a.text, a.span)

    def integer(self, lo: int | None = None, hi: int | None = None, what: str = "a whole number") -> int:
        a = self.peek()
        value = self.number(what)
        return check_integer(self.ctx, value, a.span, lo, hi, what)

    def quantity_atom(self, what: str, kinds: tuple[str, ...] = ()) -> Quantity:
        """A number with its unit; `kinds` (units.KINDS values, "money") only steer the
        suggestions for a unit word not in the table."""
        a = self.take(what)
        if a.kind == ast.NUMBER:
            b = self.peek()
            if b is not None and b.kind == ast.WORD:
                wrong = unknown_unit(self.ctx, b, kinds)
                if wrong is not None:
                    raise wrong
            money = ("; another name of the currency is declared on its `currency` line, "
                     f"e.g. `currency {self.ctx.currency} local din`") if kinds == ("money",) and self.ctx.currency else ""
            raise self.ctx.fail("T0204", f"`{a.text}` has no unit", a.span, "missing unit",
                                help=f"write the unit after the number, e.g. {what}{money}")
        if a.kind != ast.QUANTITY:
            raise self.unexpected(a, what)
        return a

    def money(self, per: tuple[str, ...] | None = None, what: str | None = None) -> Price:
        """A price in the operator's currency: `199 RSD`, `0,029 RSD/KB`, `6 RSD/5 KB`.

        `per`: the per-units allowed (None: a flat price only, no `/unit`)."""
        example = what or f"`10 {self.ctx.currency or 'RSD'}`"
        q = self.quantity_atom(example, ("money",))
        return money_of(self.ctx, q, per)

    def duration(self, what: str = "a duration such as `24 hours`") -> int:
        """A duration in seconds."""
        q = self.quantity_atom(what, ("time",))
        if q.unit not in TIME_UNITS or q.per_unit:
            raise self.ctx.fail("T0205", f"expected a duration, found `{q.text}`", q.span,
                                "not a duration", help="use s, min, hours or days")
        n = parse_number(self.ctx, q.number, q.span)
        if n <= 0:
            raise self.ctx.fail("T0206", "a duration must be greater than zero", q.span,
                                help="give a positive duration")
        return int(n * TIME_UNITS[q.unit])

    def data(self, what: str = "an amount of data such as `100 MB`") -> int:
        """An amount of data in KB."""
        q = self.quantity_atom(what, ("data",))
        if q.unit not in DATA_UNITS or q.per_unit:
            raise self.ctx.fail("T0205", f"expected an amount of data, found `{q.text}`", q.span,
                                "not an amount of data", help="use KB, MB or GB")
        n = parse_number(self.ctx, q.number, q.span) * DATA_UNITS[q.unit]
        if n != n.to_integral_value() or n <= 0:
            raise self.ctx.fail("T0206", f"`{q.text}` is not a positive whole number of KB",
                                q.span, help="give a positive amount")
        return int(n)

    def percent(self) -> Decimal:
        q = self.quantity_atom("a percentage such as `30 %`")
        if q.unit != "%":
            raise self.ctx.fail("T0205", f"expected a percentage, found `{q.text}`", q.span,
                                help="write it as `30 %`")
        n = parse_number(self.ctx, q.number, q.span)
        if not 0 <= n <= 100:
            raise self.ctx.fail("T0207", f"{q.text} is out of range", q.span,
                                "a percentage is between 0 % and 100 %",
                                help="write a percentage from 0 to 100")
        return n

    def speed(self) -> int:
        """A speed in kbps."""
        q = self.quantity_atom("a speed such as `64 kbps`", ("speed",))
        if q.unit not in SPEED_UNITS:
            raise self.ctx.fail("T0205", f"expected a speed, found `{q.text}`", q.span,
                                help="write it as `64 kbps`")
        return int(parse_number(self.ctx, q.number, q.span) * SPEED_UNITS[q.unit])

    def count(self, *units: str) -> tuple[int, str]:
        """An allowance count: `20 min`, `50 sms`."""
        q = self.quantity_atom("an amount such as `20 min` or `50 sms`", ("count",))
        unit = COUNT_UNITS.get(q.unit)
        if unit is None or (units and unit not in units) or q.per_unit:
            raise self.ctx.fail("T0205", f"expected {' or '.join(units) or 'a count'}, found `{q.text}`",
                                q.span, help="write it as `20 min` or `50 sms`")
        return check_integer(self.ctx, parse_number(self.ctx, q.number, q.span), q.span, 0, None,
                             "a whole number"), unit

    def interval(self, dimension: str) -> Interval:
        """A charging interval: `60/60`, `1/1`, `30+1` (time) or `5 KB + 100 KB`, `1+1 kB` (data)."""
        a = self.take("a charging interval such as `60/60`")
        if a.kind == ast.PAIR:
            unit = a.unit or ("s" if dimension == "time" else None)
            if unit is None:
                raise self.ctx.fail("T0208", f"`{a.text}` has no unit", a.span,
                                    "a data interval needs a unit", help=f"write `{a.text} kB`")
            if unit == "sec":
                unit = "s"
            if (dimension == "time") != (unit == "s"):
                raise self.ctx.fail("T0209", f"`{a.text}` is not a {dimension} interval", a.span,
                                    help="calls use seconds (`60/60`), data uses KB (`1+1 kB`)")
            first, nxt = int(a.first), int(a.next)
            scale = DATA_UNITS.get(unit, 1)
            span, notation = a.span, a.text
        elif a.kind == ast.QUANTITY:
            q1 = a
            self.word_or_punct("+")
            q2 = self.quantity_atom("the next block, e.g. `100 KB`")
            for q in (q1, q2):
                if q.unit not in DATA_UNITS and q.unit not in TIME_UNITS:
                    raise self.ctx.fail("T0209", f"`{q.text}` is not an interval size", q.span)
            if (q1.unit in DATA_UNITS) != (dimension == "data") or (q2.unit in DATA_UNITS) != (dimension == "data"):
                raise self.ctx.fail("T0209", f"`{q1.text} + {q2.text}` is not a {dimension} interval",
                                    q1.span.to(q2.span),
                                    help="calls use seconds (`60/60`), data uses KB (`5 KB + 100 KB`)")
            table = DATA_UNITS if dimension == "data" else TIME_UNITS
            first = parse_number(self.ctx, q1.number, q1.span) * table[q1.unit]
            nxt = parse_number(self.ctx, q2.number, q2.span) * table[q2.unit]
            scale, span, notation = 1, q1.span.to(q2.span), f"{q1.text} + {q2.text}"
        else:
            raise self.unexpected(a, "a charging interval such as `60/60`")
        first, nxt = int(first * scale), int(nxt * scale)
        if first <= 0 or nxt <= 0:
            raise self.ctx.fail("T0210", f"charging interval `{notation}` has a zero part", span,
                                "intervals must be greater than zero",
                                help="write e.g. `60/60` or `1/1`")
        return Interval(first, nxt, "s" if dimension == "time" else "KB", notation, span)

    def word_or_punct(self, text: str) -> None:
        a = self.take(f"`{text}`")
        if a.text != text:
            raise self.unexpected(a, f"`{text}`")

    # -- texts ------------------------------------------------------------------------------
    def texts(self) -> Texts:
        """`sr "..." en "..."`: one text per declared language."""
        items: list[tuple[str, str]] = []
        while self.more():
            a = self.take("a language")
            if a.kind != ast.WORD:
                raise self.ctx.fail("T0114", f"expected a language before the text, found {describe(a)}",
                                    a.span, help=f"write the language first: {self.ctx.languages[0] if self.ctx.languages else 'en'} \"...\"")
            lang = a.text
            check_language(self.ctx, lang, a.span)
            if any(lg == lang for lg, _ in items):
                raise self.ctx.fail("T0115", f"two `{lang}` texts in one statement", a.span,
                                    help="keep one text per language")
            items.append((lang, self.string(f"the {lang} text in double quotes")))
        if not items:
            raise self.take('a language and a text, e.g. en "..."')
        return Texts(tuple(items))

    def note(self) -> Note:
        lang_atom = self.peek()
        texts = self.texts()
        self.end()
        (lang, text), = texts.items[:1]
        return Note(lang, text, lang_atom.span)

    # -- references -------------------------------------------------------------------------
    def eligibility(self) -> Eligibility:
        """`for prepaid kombinuj` or `for "Prenesi+ S", postpaid`: segments and plans."""
        from compiler.check.context import PLAN, SEGMENT
        segments, plans = [], []
        for name, span in self.identifiers("a segment or plan"):
            if name in self.ctx.names[SEGMENT]:
                segments.append(name)
            elif name in self.ctx.names[PLAN]:
                plans.append(name)
            else:
                kind = PLAN if " " in name or name[:1].isupper() else SEGMENT
                self.ctx.resolve(kind, name, span)
        return Eligibility(tuple(segments), tuple(plans))


# -- phrases from a fixed vocabulary (`national minutes, sms, data`) ---------------------------

def word_run(ctx: Context, a: Args, what: str) -> tuple[str, Span]:
    """The words up to the next comma or the end, joined: `national outgoing call`."""
    atoms = []
    while a.more() and a.peek().kind == ast.WORD:
        atoms.append(a.take(what))
    if not atoms:
        raise a.unexpected(a.peek(), what) if a.more() else a.take(what)
    return " ".join(x.text for x in atoms), atoms[0].span.to(atoms[-1].span)


def choice(ctx: Context, text: str, span: Span, choices: Sequence[str], what: str) -> str:
    """`text` if it is one of `choices`, else error T0112 with a did-you-mean."""
    if text not in choices:
        raise ctx.fail("T0112", f"unknown {what} `{text}`", span, "not one of the accepted words",
                       help=did_you_mean(text, choices, "choices")
                       or "write one of " + ", ".join(f"`{c}`" for c in choices))
    return text


def listed(ctx: Context, a: Args, choices: Sequence[str], what: str) -> tuple[str, ...]:
    """A comma-separated list of phrases from `choices` (`national minutes, sms, data`),
    each at most once; consumes the rest of the line."""
    out: list[str] = []
    while True:
        text, span = word_run(ctx, a, what)
        choice(ctx, text, span, choices, what)
        if text in out:
            raise ctx.fail("T0105", f"`{text}` is listed twice", span, "listed again here",
                           help="keep only one")
        out.append(text)
        if not a.comma():
            break
    a.end()
    return tuple(out)


def phrase(ctx: Context, s: Stmt, lead: Sequence[str], choices: Sequence[str], what: str) -> str:
    """`changes effective next month`: the lead words, then the rest of the line, one of
    `choices`."""
    a = Args(ctx, s.args, s.keyword.span)
    a.words(*lead)
    text, span = word_run(ctx, a, what)
    a.end()
    return choice(ctx, text, span, choices, what)


def unknown_unit(ctx: Context, word, kinds: tuple[str, ...] = ()) -> DiagnosticError | None:
    """T0802 for a word that looks like a currency code but is not one (`15 GPB`), else
    T0801 for a word close to a unit word of the table (`15 mni`), with a did-you-mean;
    None for any other word (`0,01 per event`: the unit is missing, T0204)."""
    text = word.text
    if looks_like_currency(text) and (not kinds or "money" in kinds):
        from compiler.check.units import currencies
        own = [ctx.currency] if ctx.currency else []
        hint = did_you_mean(text, own, "currencies") if own else None
        if own and sorted(text.upper()) == sorted(ctx.currency):  # swapped letters: GPB
            hint = f"did you mean `{ctx.currency}`?"
        return ctx.fail("T0802", f"`{text}` is not an ISO 4217 currency code", word.span,
                        "unknown currency",
                        help=hint if hint and hint.startswith("did") else
                        did_you_mean(text, currencies(), "currencies")
                        or f"write the three-letter code, e.g. {ctx.currency or 'EUR'}")
    cands = suggestions(text, ctx.units, kinds, ctx.currency)
    hint = did_you_mean(text, cands, "units")
    if (hint is None or not hint.startswith("did")) and kinds != ("money",):
        hint = did_you_mean(text, suggestions(text, ctx.units, (), ctx.currency), "units")
    if hint is None or not hint.startswith("did"):
        return None
    return ctx.fail("T0801", f"unknown unit `{text}`", word.span, "not a unit tariffc knows",
                    help=hint)


def money_of(ctx: Context, q: Quantity, per: tuple[str, ...] | None) -> Price:
    amount = parse_number(ctx, q.number, q.span)
    money = ctx.units.money_of(q.unit)
    unit = q.unit
    if money is not None:
        unit = money.currency
        if money.factor != 1:
            amount *= money.factor
    else:
        raise ctx.fail("T0211", f"expected a price, found `{q.text}`", q.span, "not an amount of money",
                       help=f"write a price such as `10 {ctx.currency or 'RSD'}`")
    if ctx.currency and unit != ctx.currency:
        raise ctx.fail("T0212", f"price in {unit}, but this operator's currency is {ctx.currency}",
                       q.span, f"{unit} is not {ctx.currency}",
                       help=f"write the price in {ctx.currency}")
    per_unit = _PER_CANON.get(q.per_unit, q.per_unit) if q.per_unit else None
    if per_unit is None:
        if per is not None and None not in per:
            raise ctx.fail("T0214", f"`{q.text}` says what it costs but not per what", q.span,
                           "missing `/unit`", help=f"write e.g. `{q.number} {unit}/{per[0]}`")
        return Price(amount, unit)
    if per is None or per_unit not in per:
        allowed = [p for p in (per or ()) if p]
        raise ctx.fail("T0215", f"a price per {per_unit} does not fit here", q.span,
                       f"`/{q.per_unit}` not expected",
                       help=("write it per " + " or ".join(allowed)) if allowed else "write a flat price, without `/unit`")
    per_amount = int(q.per_number) if q.per_number else 1
    return Price(amount, unit, per_unit, per_amount)


def check_integer(ctx: Context, value: Decimal, span: Span, lo: int | None, hi: int | None,
                  what: str) -> int:
    if value != value.to_integral_value():
        raise ctx.fail("T0216", f"expected {what}, found {value}", span, help="write a whole number")
    n = int(value)
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        rng = f"from {lo} to {hi}" if lo is not None and hi is not None else (
            f"at least {lo}" if lo is not None else f"at most {hi}")
        raise ctx.fail("T0207", f"{n} is out of range", span, f"must be {rng}",
                       help=f"write a number {rng}")
    return n


def check_language(ctx: Context, lang: str, span: Span) -> None:
    if ctx.languages and lang not in ctx.languages:
        raise ctx.fail("T0116", f"language `{lang}` is not declared by this operator", span,
                       "not in the operator's `languages`",
                       help=did_you_mean(lang, ctx.languages, "languages")
                       or "add it to `languages` in the operator block")


def parse_date(ctx: Context, text: str, span: Span):
    """`17.01.2013` (day.month.year), as written on the operator's pages, or `2013-01-17`."""
    import datetime
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?", text)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m or iso:
        try:
            return datetime.date(int(m[3]), int(m[2]), int(m[1])) if m else \
                datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            pass
    raise ctx.fail("T0217", f"`{text}` is not a date", span,
                   help="write a date as DD.MM.YYYY (17.01.2013) or YYYY-MM-DD (2013-01-17)")


def time_of_day(ctx: Context, a: Atom) -> tuple[int, int]:
    if a.kind != ast.TIME:
        raise ctx.fail("T0110", f"expected a time such as `23:00`, found `{a.text}`", a.span)
    h, m = map(int, a.text.split(":"))
    if h > 23 or m > 59:
        raise ctx.fail("T0207", f"`{a.text}` is not a time of day", a.span, help="write 00:00 to 23:59")
    return h, m


__all__ = ["Args", "unknown_unit", "fold_keyword", "choice", "listed", "phrase", "word_run", "parse_number", "money_of", "check_integer", "check_language", "parse_date",
           "time_of_day", "Pair"]
