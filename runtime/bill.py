"""The monthly bill: cut from a subscriber's ledger, as data, and rendered as text, Markdown or
HTML with the legend of every numbered field (Telenor's "Vaš račun", seed 001).

`install(engine)` sets `engine.bill`, a `BillEngine` over `tables["bill"]`:

- `make(world, msisdn, year, month)` -> `Bill`: the billing period (the calendar month, or
  from the activation day when the number was activated inside it), the ledger's charges of
  that period grouped into lines (traffic, discounts, one-time charges, fees), and every amount
  the spec's formulas define, evaluated from their terms (`usage = traffic - discounts`...).
- `render(bill, fmt, lang)`: the front and the back of the bill, field by field.
- `on_month_end(world, at)`: the bills of every subscriber for the month containing `at`.

Amounts are exact: no line is rounded here (each charge was rounded when it was rated), and
the lines of a section sum exactly to its amount. With a VAT rate on the operator header the
bill also has the amounts `net`, `vat` and `gross` of the period's charges (runtime.taxes: the
one place the tax is rounded, half-up to the minor unit, on the bill's total) and prints them
as tax lines under the amount of the bill.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping
from zoneinfo import ZoneInfo

from runtime.errors import CurrencyMismatch, InvalidEvent, NotAvailable, OutOfOrder
from runtime.events import MonthEnd, Outcome
from runtime.money import Money
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Charge, Subscriber, World, frozen_map
from runtime.taxes import split

KINDS = ("traffic", "discount", "one_time", "fee")
FORMATS = ("text", "markdown", "html")
# Units of ledger charges (runtime.rating, commands, passes, family): how back 2-4 count them.
SECONDS_UNITS, CALL_UNITS, KB_UNITS, MESSAGE_UNITS = ("s",), ("s", "call"), ("KB", "kB"), ("sms",)

# Words the bill prints around the spec's legend texts (the spec holds the legend itself).
LABELS = {
    "sr": {"front": "Prednja strana računa", "back": "Poleđina računa", "number": "Broj",
           "address": "Adresa za dostavu", "address_unknown": "nije u podacima o pretplatniku",
           "not_stated": "nije naveden", "due_date": "Datum dospeća", "usage": "Korišćenje",
           "amount": "Iznos mesečnog računa", "previous_balance": "Prethodni saldo",
           "total_due": "Ukupno zaduženje", "payment_slip": "Iznos za uplatu",
           "plan": "Tarifni paket", "calls": "Pozivi", "messages": "Poruke", "data": "Podaci", "other": "Ostalo",
           "minutes": "Ukupna minutaža", "item": "Stavka", "count": "Broj / količina",
           "amount_col": "Iznos", "traffic": "Ukupni ostvareni saobraćaj", "discounts": "Popusti",
           "one_time": "Jednokratna zaduženja", "total": "Ukupno", "fee": "mesečna naknada",
           "unlisted": "* kategorija nije na spisku jednokratnih zaduženja", "none": "nema",
           "net": "Osnovica (bez PDV-a)", "vat": "PDV", "gross": "Ukupno sa PDV-om"},
    "en": {"front": "Front of the bill", "back": "Back of the bill", "number": "Number",
           "address": "Delivery address", "address_unknown": "not in the subscriber data",
           "not_stated": "not stated", "due_date": "Due date", "usage": "Usage",
           "amount": "Amount of the monthly bill", "previous_balance": "Previous balance",
           "total_due": "Total due", "payment_slip": "Amount to pay",
           "plan": "Tariff package", "calls": "Calls", "messages": "Messages", "data": "Data", "other": "Other",
           "minutes": "Total minutes", "item": "Item", "count": "Count / amount",
           "amount_col": "Amount", "traffic": "Total traffic", "discounts": "Discounts",
           "one_time": "One-time charges", "total": "Total", "fee": "monthly fee",
           "unlisted": "* category not in the list of one-time charges", "none": "none",
           "net": "Net (excl. VAT)", "vat": "VAT", "gross": "Total incl. VAT"},
}
# Thousands and decimal separators per language, when babel is not installed.
SEPARATORS = {"sr": (".", ","), "az": (".", ","), "en": (",", ".")}
LOCALES = {"sr": "sr_Latn_RS", "en": "en", "az": "az"}


@dataclass(frozen=True, slots=True)
class BillLine:
    """One line of a section: the charges of one category (and unit) in the period.
    `count`: how many charges; `quantity`: their seconds, KB or count; `items`: the pass names
    a one-time category lists that were charged; `known`: the category is in the spec's list."""

    category: str
    amount: Money
    count: int = 0
    quantity: int = 0
    unit: str = ""
    items: tuple[str, ...] = ()
    known: bool = True
    source: str = ""

    def to_dict(self) -> dict:
        return {"category": self.category, "amount": str(self.amount.amount), "count": self.count,
                "quantity": self.quantity, "unit": self.unit, "items": list(self.items),
                "known": self.known, "source": self.source}


@dataclass(frozen=True, slots=True)
class Bill:
    """One subscriber's bill for one month. `amounts`: every named amount (the sections
    `traffic`, `discounts`, `one_time`, `previous_balance`, then each formula's target in the
    order evaluated); `formulas`: (target, terms, source) in that order."""

    msisdn: str
    plan: str
    start: date
    end: date
    due_date: date | None
    traffic: tuple[BillLine, ...]
    discounts: tuple[BillLine, ...]
    one_time: tuple[BillLine, ...]
    fees: tuple[BillLine, ...]
    amounts: Mapping[str, Money] = field(default_factory=frozen_map)
    formulas: tuple[tuple[str, tuple[tuple[str, str], ...], str], ...] = ()
    source: str = ""
    # The header's `vat N % included|excluded` (rate, included), None without a rate.
    vat: tuple[Decimal, bool] | None = None

    @property
    def period(self) -> str:
        """The period as printed: `17.01.2013. - 31.01.2013.`."""
        return f"{_date(self.start)} - {_date(self.end)}"

    def amount_of(self, name: str) -> Money:
        """A named amount (`usage`, `total_due`...); NotAvailable if the spec defines none."""
        try:
            return self.amounts[name]
        except KeyError:
            raise NotAvailable(f"the bill has no amount `{name}`: no formula of the spec defines it",
                               source=self.source or None) from None

    @property
    def usage(self) -> Money:
        return self.amount_of("usage")

    @property
    def amount(self) -> Money:
        return self.amount_of("amount")

    @property
    def previous_balance(self) -> Money:
        return self.amount_of("previous_balance")

    @property
    def total_due(self) -> Money:
        return self.amount_of("total_due")

    def arithmetic(self) -> str:
        """Each formula with its values: `usage = traffic 359.70 - discounts 50.00 = 309.70 RSD`."""
        parts = []
        for target, terms, _ in self.formulas:
            body = " ".join(f"{'' if i == 0 and s == '+' else s + ' '}{n} {self.amounts[n].amount}"
                            for i, (s, n) in enumerate(terms))
            parts.append(f"{target} = {body} = {self.amounts[target]}")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        """JSON-friendly: dates ISO, amounts as decimal strings."""
        return {"msisdn": self.msisdn, "plan": self.plan, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "period": self.period,
                "due_date": None if self.due_date is None else self.due_date.isoformat(),
                "currency": next(iter(self.amounts.values())).currency if self.amounts else None,
                **{name: [line.to_dict() for line in getattr(self, name)]
                   for name in ("traffic", "discounts", "one_time", "fees")},
                "amounts": {k: str(v.amount) for k, v in self.amounts.items()},
                "source": self.source,
                **({} if self.vat is None else {"vat": {"rate": str(self.vat[0]), "included": self.vat[1]}})}


class BillEngine:
    """Cuts and renders the bills of one operator (see the module docstring)."""

    def __init__(self, tables: dict) -> None:
        op = tables["operator"]
        self.table = t = tables["bill"]
        self.currency: str = op["currency"]
        self.languages: tuple[str, ...] = op["languages"]
        self.operator_name: str = op["name"]
        self.country_code = COUNTRY_CODES.get(op["country"], "")
        self.segments: dict = op["segments"]
        self.tz = ZoneInfo(op["timezone"]) if op.get("timezone") else None
        self.source: str = t["source"]
        self.categories: dict[str, dict] = {c["name"]: c for c in t["one_time"]}
        self.pass_category: dict[str, str] = {p: c["name"] for c in t["one_time"] for p in c["passes"]}
        self.order = {name: i for i, name in enumerate(self.categories)}
        self.vat: dict | None = op.get("vat")

    # -- the bill as data ----------------------------------------------------------------------

    def period(self, activated: date | None, year: int, month: int) -> tuple[date, date]:
        """First and last day billed in `month` for a number activated on `activated`.

        >>> e = BillEngine(_EXAMPLE)
        >>> e.period(date(2013, 1, 17), 2013, 1), e.period(date(2012, 12, 3), 2013, 1)[0]
        ((datetime.date(2013, 1, 17), datetime.date(2013, 1, 31)), datetime.date(2013, 1, 1))
        """
        if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12):
            raise InvalidEvent(f"no such month {year!r}-{month!r}", year=year, month=month)
        start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if activated is not None and activated > end:
            raise OutOfOrder(f"the number was activated on {_date(activated)}, after the billed "
                             f"month {month:02d}.{year}", source=self.source)
        if self.table["first_period"] == "activation to month end" and activated and activated > start:
            start = activated
        return start, end

    def make(self, world: World, msisdn: str, year: int, month: int, due_date: date | None = None,
             previous_balance: Money | Decimal | int | str | None = None) -> Bill:
        """The bill of `msisdn` for `month` of `year`.

        >>> from runtime.state import world_of
        >>> e = BillEngine(_EXAMPLE)
        >>> at = datetime(2013, 1, 20, tzinfo=ZoneInfo("Europe/Belgrade"))
        >>> sub = Subscriber("381631234567", "postpaid", ledger=(
        ...     Charge(at, "traffic", "Zona 1", Money("239.80", "RSD"), 61, "s"),))
        >>> bill = e.make(world_of(sub), "381631234567", 2013, 1, previous_balance=Decimal("200"))
        >>> bill.period, str(bill.usage), str(bill.total_due)
        ('01.01.2013. - 31.01.2013.', '239.80 RSD', '439.80 RSD')
        """
        sub = world.subscriber(self._msisdn(world, msisdn))
        activated = None if sub.activated is None else self._local(sub.activated, "activation")
        start, end = self.period(activated, year, month)
        if due_date is not None:
            if not isinstance(due_date, date):
                raise InvalidEvent(f"a due date must be a date, not {due_date!r}")
            due_date = due_date.date() if isinstance(due_date, datetime) else due_date
            if due_date < end:
                raise InvalidEvent(f"the due date {_date(due_date)} is before the end of the billing "
                                   f"period {_date(end)}", msisdn=sub.msisdn)
        charges: dict[str, list[Charge]] = {k: [] for k in KINDS}
        for c in sub.ledger:
            self._check(sub, c)
            if start <= self._local(c.at, "charge") <= end:
                charges[c.kind].append(c)
        traffic = _group(charges["traffic"], self.currency, by_unit=True)
        discounts = _group(charges["discount"], self.currency)
        fees = _group(charges["fee"], self.currency)
        one_time = self._one_time(charges["one_time"])
        amounts = {"traffic": _sum(traffic, self.currency), "discounts": _sum(discounts, self.currency),
                   "one_time": _sum(one_time + fees, self.currency),
                   "previous_balance": self._previous(sub, previous_balance)}
        if self.vat is not None:
            charged = amounts["traffic"] - amounts["discounts"] + amounts["one_time"]
            for name, value in zip(("net", "vat", "gross"), split(charged.amount, self.vat)):
                amounts[name] = Money(value, self.currency)
        formulas = self._evaluate(amounts)
        vat = None if self.vat is None else (self.vat["rate"], self.vat["included"])
        return Bill(sub.msisdn, sub.plan or self._segment_name(sub.segment), start, end, due_date,
                    traffic, discounts, one_time, fees, frozen_map(amounts), formulas, self.source,
                    vat)

    def on_month_end(self, world: World, at: datetime, msisdn: str | None = None,
                     explain: bool = False) -> tuple[World, Outcome]:
        """The bills of the month containing `at`, for every subscriber (or only `msisdn`), in
        `Outcome.data`: {"month": "2013-01", "bills": [Bill.to_dict()...], "skipped": [...]}.
        Numbers activated after that month are skipped with the reason. The world is returned
        unchanged (payments are not modelled, so nothing is carried to the next bill)."""
        day = self._local(at, "month end")
        msisdn = msisdn and self._msisdn(world, msisdn)
        subs = [world.subscriber(msisdn)] if msisdn else world.subscribers.values()
        bills, skipped = [], []
        for sub in sorted(subs, key=lambda s: s.msisdn):
            try:
                bills.append(self.make(world, sub.msisdn, day.year, day.month))
            except OutOfOrder as e:
                if msisdn:
                    raise
                skipped.append({"msisdn": sub.msisdn, "reason": e.reason})
        data = {"month": f"{day.year:04d}-{day.month:02d}", "bills": [b.to_dict() for b in bills],
                "skipped": skipped}
        arithmetic = "; ".join(f"{b.msisdn}: {b.arithmetic()}" for b in bills) if explain else ""
        return world, Outcome(msisdn, rule="monthly bill", source=self.source, arithmetic=arithmetic,
                              data=frozen_map(data))

    def _msisdn(self, world: World, msisdn: str) -> str:
        return msisdn if msisdn in world.subscribers else normalise(msisdn, self.country_code)

    def _local(self, at: datetime, what: str) -> date:
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent(f"the {what} time must be a timezone-aware datetime", at=at)
        return (at.astimezone(self.tz) if self.tz else at).date()

    def _check(self, sub: Subscriber, c: Charge) -> None:
        if c.kind not in KINDS:
            raise InvalidEvent(f"a ledger charge of unknown kind `{c.kind}` (known: {', '.join(KINDS)})",
                               msisdn=sub.msisdn)
        if not isinstance(c.amount, Money):
            raise InvalidEvent(f"the charge `{c.category}` is not Money: {c.amount!r}", msisdn=sub.msisdn)
        if c.amount.currency != self.currency:
            raise CurrencyMismatch(f"the charge `{c.category}` is in {c.amount.currency}, the bill in "
                                   f"{self.currency}", msisdn=sub.msisdn)
        if c.quantity < 0 or (c.amount.amount < 0 and c.kind != "one_time"):
            raise InvalidEvent(f"the {c.kind} charge `{c.category}` is negative ({c.amount}, quantity "
                               f"{c.quantity}); only one-time lines may credit", msisdn=sub.msisdn)
        self._local(c.at, "charge")
        if sub.activated is not None and c.at < sub.activated:
            raise OutOfOrder(f"the charge `{c.category}` of {c.at.isoformat()} is before the number's "
                             f"activation", msisdn=sub.msisdn)

    def _one_time(self, charges: list[Charge]) -> tuple[BillLine, ...]:
        """One line per category, in the spec's order, then unlisted categories (flagged)."""
        lines: dict[str, list] = {}
        for c in charges:
            name = self.pass_category.get(c.category, c.category)
            entry = lines.setdefault(name, [Money.zero(self.currency), 0, 0, []])
            entry[0] += c.amount
            entry[1] += 1
            entry[2] += c.quantity
            if name != c.category and c.category not in entry[3]:
                entry[3].append(c.category)
        known = sorted((n for n in lines if n in self.categories), key=self.order.__getitem__)
        names = known + [n for n in lines if n not in self.categories]
        return tuple(BillLine(n, lines[n][0], lines[n][1], lines[n][2], "", tuple(lines[n][3]),
                              n in self.categories, self.categories.get(n, {}).get("source", ""))
                     for n in names)

    def _previous(self, sub: Subscriber, given) -> Money:
        value = sub.previous_balance if given is None else given
        if value is None:
            return Money.zero(self.currency)
        if isinstance(value, Money):
            if value.currency != self.currency:
                raise CurrencyMismatch(f"the previous balance {value} is not in {self.currency}")
            return value
        if isinstance(value, float) or not isinstance(value, (Decimal, int, str)):
            raise InvalidEvent(f"a previous balance must be Money, a Decimal or a string, not {value!r}")
        try:
            return Money(value, self.currency)
        except ArithmeticError:
            raise InvalidEvent(f"`{value}` is not an amount") from None

    def _evaluate(self, amounts: dict[str, Money]) -> tuple:
        """Every formula of the spec, each once its terms are known; adds the targets."""
        pending, done = list(self.table["formulas"]), []
        while pending:
            ready = next((f for f in pending if all(n in amounts for _, n in f["terms"])), None)
            if ready is None:
                f = pending[0]
                missing = ", ".join(n for _, n in f["terms"] if n not in amounts)
                raise NotAvailable(f"the formula of `{f['target']}` uses {missing}, which the bill does "
                                   f"not compute", source=f["source"])
            total = Money.zero(self.currency)
            for sign, name in ready["terms"]:
                total = total + amounts[name] if sign == "+" else total - amounts[name]
            amounts[ready["target"]] = total
            done.append((ready["target"], ready["terms"], ready["source"]))
            pending.remove(ready)
        return tuple(done)

    def _segment_name(self, segment: str) -> str:
        names = self.segments.get(segment, {}).get("names", {})
        return names.get(self.languages[0], segment)

    # -- rendering ---------------------------------------------------------------------------

    def render(self, bill: Bill, fmt: str = "text", lang: str | None = None) -> str:
        """The bill as `text`, `markdown` or `html`, in `lang` (the operator's first by default).

        >>> from runtime.state import world_of
        >>> e = BillEngine(_EXAMPLE)
        >>> b = e.make(world_of(Subscriber("381631234567", "postpaid")), "381631234567", 2013, 1)
        >>> print(e.render(b, "text", "en").splitlines()[0])
        Monthly bill - Telenor Srbija
        """
        lang = lang or self.languages[0]
        if lang not in self.languages:
            raise NotAvailable(f"the bill has no texts in `{lang}` (languages: {', '.join(self.languages)})")
        if fmt not in FORMATS:
            raise InvalidEvent(f"unknown bill format `{fmt}` (formats: {', '.join(FORMATS)})")
        doc = self._document(bill, lang)
        return {"text": _text, "markdown": _markdown, "html": _html}[fmt](doc, lang)

    def _document(self, bill: Bill, lang: str) -> list:
        """The bill as blocks: ("title", text), ("side", text), ("field", n, legend, rows);
        rows are ("kv", label, value), ("table", headers, rows, footer) or ("note", text)."""
        L = LABELS.get(lang, LABELS["en"])
        title = self.table["names"].get(lang) or self.table["name"]
        doc: list = [("title", f"{title} - {self.operator_name}")]
        for side in ("front", "back"):
            doc.append(("side", L[side]))
            for f in self.table[side]:
                legend = f["texts"].get(lang) or next(iter(f["texts"].values()))
                doc.append(("field", f["number"], legend, self._rows(bill, f["key"], lang, L)))
        return doc

    def _rows(self, bill: Bill, key: str, lang: str, L: dict) -> list:
        m = lambda name: format_money(bill.amount_of(name), lang)  # noqa: E731
        if key == "owner":
            return [("kv", L["number"], "+" + bill.msisdn), ("kv", L["address"], L["address_unknown"])]
        if key == "period":
            return [("kv", "", bill.period)]
        if key == "due_date":
            return [("kv", L["due_date"], _date(bill.due_date) if bill.due_date else L["not_stated"])]
        if key == "company":
            return [("kv", "", self.operator_name)]
        if key == "tax":
            return self._tax_rows(bill, lang, L)
        if key == "amount":
            prev = bill.previous_balance
            rows = [*self._tax_rows(bill, lang, L), ("kv", L["amount"], m("amount")),
                    ("kv", L["previous_balance"], ("+" if prev.amount > 0 else "") + format_money(prev, lang))]
            if "total_due" in bill.amounts:
                rows.append(("kv", L["total_due"], m("total_due")))
            return rows
        if key == "payment_slip":
            return [("kv", L["payment_slip"], m("total_due"))]
        if key == "plan":
            return [("kv", L["plan"], bill.plan)]
        if key == "count":
            return [("kv", L[k], v) for k, v in _counts(bill.traffic, lang)] or [("kv", "", L["none"])]
        if key == "minutes":
            seconds = sum(x.quantity for x in bill.traffic if x.unit in SECONDS_UNITS)
            return [("kv", L["minutes"], _minutes(seconds))]
        if key == "traffic":
            body = [(x.category, _count(x, lang), _minutes(x.quantity) if x.unit in SECONDS_UNITS else "",
                     format_money(x.amount, lang)) for x in bill.traffic]
            return [("table", (L["item"], "(2)", "(3)", "(4)"), body, (L["traffic"], "", "", m("traffic")))]
        if key == "discounts":
            body = [(x.category, str(x.count), format_money(x.amount, lang)) for x in bill.discounts]
            return [("table", (L["item"], L["count"], L["amount_col"]), body, (L["discounts"], "", m("discounts")))]
        if key == "one_time":
            body = [(x.category + (f" ({', '.join(x.items)})" if x.items else "") + ("" if x.known else " *"),
                     str(x.count), format_money(x.amount, lang)) for x in bill.one_time]
            body += [(f"{x.category} ({L['fee']})", str(x.count), format_money(x.amount, lang)) for x in bill.fees]
            rows = [("table", (L["item"], L["count"], L["amount_col"]), body, (L["one_time"], "", m("one_time")))]
            if any(not x.known for x in bill.one_time):
                rows.append(("note", L["unlisted"]))
            return rows
        if key in bill.amounts:
            return [("kv", L.get(key, key), m(key))]
        return []

    def _tax_rows(self, bill: Bill, lang: str, L: dict) -> list:
        """The tax lines: net, VAT at its rate, total incl. VAT (none without a rate)."""
        if bill.vat is None:
            return []
        rate = format_number(bill.vat[0], lang, 0)
        return [("kv", L["net"], format_money(bill.amount_of("net"), lang)),
                ("kv", f"{L['vat']} {rate} %", format_money(bill.amount_of("vat"), lang)),
                ("kv", L["gross"], format_money(bill.amount_of("gross"), lang))]


def install(engine) -> None:
    """Set `engine.bill`; cut the bills at MonthEnd."""
    engine.bill = BillEngine(engine.tables)
    engine.on(MonthEnd, lambda w, e, explain: engine.bill.on_month_end(w, e.at, e.msisdn, explain))


# -- helpers --------------------------------------------------------------------------------------

def _group(charges: list[Charge], currency: str, by_unit: bool = False) -> tuple[BillLine, ...]:
    """One line per category (and unit), in the order first charged."""
    lines: dict[tuple, list] = {}
    for c in charges:
        entry = lines.setdefault((c.category, c.unit if by_unit else ""), [Money.zero(currency), 0, 0])
        entry[0] += c.amount
        entry[1] += 1
        entry[2] += c.quantity
    return tuple(BillLine(cat, a, n, q, unit) for (cat, unit), (a, n, q) in lines.items())


def _sum(lines: tuple[BillLine, ...], currency: str) -> Money:
    return sum((line.amount for line in lines), Money.zero(currency))


def _counts(lines: tuple[BillLine, ...], lang: str) -> list[tuple[str, str]]:
    """Back field 2 in total: (label key, value) for calls, messages, data and other uses."""
    calls = sum(x.count for x in lines if x.unit in CALL_UNITS)
    messages = sum(x.quantity or x.count for x in lines if x.unit in MESSAGE_UNITS)
    kb = sum(x.quantity for x in lines if x.unit in KB_UNITS)
    other = sum(x.count for x in lines if x.unit not in CALL_UNITS + MESSAGE_UNITS + KB_UNITS)
    totals = (("calls", calls, str(calls)), ("messages", messages, str(messages)),
              ("data", kb, f"{format_number(Decimal(kb), lang, 0)} KB"), ("other", other, str(other)))
    return [(key, text) for key, n, text in totals if n]


def _count(line: BillLine, lang: str) -> str:
    """Back 2 for one line: KB of data, messages sent, or the number of calls and uses."""
    if line.unit in KB_UNITS:
        return f"{format_number(Decimal(line.quantity), lang, 0)} KB"
    return str(line.quantity or line.count) if line.unit in MESSAGE_UNITS else str(line.count)


def _minutes(seconds: int) -> str:
    """`125` -> `2:05 min`."""
    return f"{seconds // 60}:{seconds % 60:02d} min"


def _date(d: date) -> str:
    return f"{d:%d.%m.%Y}."


def format_number(value: Decimal, lang: str, places: int = 2) -> str:
    """`value` with the language's separators, at least `places` decimals, never rounded.

    >>> format_number(Decimal("1524.4"), "sr"), format_number(Decimal("1524.4"), "en")
    ('1.524,40', '1,524.40')
    >>> format_number(Decimal("-5.2028"), "sr")
    '-5,2028'
    """
    if isinstance(value, float):
        raise TypeError("format_number never takes a float")
    value = Decimal(value).normalize()
    if -value.as_tuple().exponent < places:
        value = value.quantize(Decimal(1).scaleb(-places))
    try:
        from babel.core import UnknownLocaleError
        from babel.numbers import format_decimal
    except ImportError:
        return _format_plain(value, lang)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    try:
        return format_decimal(value, format=pattern, locale=LOCALES.get(lang, lang), decimal_quantization=False)
    except (UnknownLocaleError, ValueError):
        return _format_plain(value, lang)


def _format_plain(value: Decimal, lang: str) -> str:
    """The exact formatter used without babel (same output for sr and en)."""
    group, point = SEPARATORS.get(lang, SEPARATORS["en"])
    sign, text = ("-", format(-value, "f")) if value < 0 else ("", format(value, "f"))
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", group)
    return sign + whole + (point + frac if frac else "")


def format_money(money: Money, lang: str) -> str:
    """`1.524,40 RSD` (sr), `1,524.40 RSD` (en).

    >>> format_money(Money("1524.40", "RSD"), "sr")
    '1.524,40 RSD'
    """
    return f"{format_number(money.amount, lang)} {money.currency}"


# -- output formats -------------------------------------------------------------------------------

def _text(doc: list, lang: str) -> str:
    out = []
    for block in doc:
        if block[0] == "title":
            out += [block[1], "=" * len(block[1])]
        elif block[0] == "side":
            out += ["", block[1], "-" * len(block[1])]
        else:
            out.append(f"{block[1]}. {block[2]}")
            for row in block[3]:
                if row[0] == "kv":
                    out.append(f"   {row[1]}: {row[2]}" if row[1] else f"   {row[2]}")
                elif row[0] == "note":
                    out.append(f"   {row[1]}")
                else:
                    rows = [row[1], *row[2], row[3]]
                    widths = [max(len(r[i]) for r in rows) for i in range(len(row[1]))]
                    for r in rows:
                        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
                        out.append("   " + "  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Markdown-escaped on one line: no spec or subscriber text can add markup."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def _markdown(doc: list, lang: str) -> str:
    out = []
    for block in doc:
        if block[0] == "title":
            out += [f"# {_md(block[1])}", ""]
        elif block[0] == "side":
            out += [f"## {_md(block[1])}", ""]
        else:
            out += [f"**{block[1]}.** {_md(block[2])}", ""]
            for row in block[3]:
                if row[0] == "kv":
                    out.append(f"- {_md(row[1])}: {_md(row[2])}" if row[1] else f"- {_md(row[2])}")
                elif row[0] == "note":
                    out.append(f"\n{_md(row[1])}")
                else:
                    line = lambda cells: "| " + " | ".join(_md(c) for c in cells) + " |"  # noqa: E731
                    out += [line(row[1]), "|" + "|".join(["---"] + ["--:"] * (len(row[1]) - 1)) + "|"]
                    out += [line(r) for r in row[2]] + [line(row[3])]
            out.append("")
    return "\n".join(out)


def _html(doc: list, lang: str) -> str:
    e = html.escape
    out = [f'<article class="bill" lang="{e(lang)}">']
    for block in doc:
        if block[0] == "title":
            out.append(f"<h1>{e(block[1])}</h1>")
        elif block[0] == "side":
            out.append(f"<h2>{e(block[1])}</h2>")
        else:
            out.append(f'<section class="field"><h3><span class="number">{block[1]}.</span> {e(block[2])}</h3>')
            for row in block[3]:
                if row[0] == "kv":
                    label = f"<b>{e(row[1])}:</b> " if row[1] else ""
                    out.append(f"<p>{label}{e(row[2])}</p>")
                elif row[0] == "note":
                    out.append(f'<p class="note">{e(row[1])}</p>')
                else:
                    cells = lambda tag, cs: "<tr>" + "".join(f"<{tag}>{e(c)}</{tag}>" for c in cs) + "</tr>"  # noqa: E731
                    out.append("<table><thead>" + cells("th", row[1]) + "</thead><tbody>"
                               + "".join(cells("td", r) for r in row[2]) + "</tbody><tfoot>"
                               + cells("th", row[3]) + "</tfoot></table>")
            out.append("</section>")
    out.append("</article>")
    return "\n".join(out) + "\n"


# A minimal table for the doctests (the real one comes from `tariffc build`).
_EXAMPLE = {
    "operator": {"id": "telenor_rs", "name": "Telenor Srbija", "country": "RS", "currency": "RSD",
                 "timezone": "Europe/Belgrade", "languages": ("sr", "en"), "segments": {}},
    "bill": {"name": "Mesečni račun", "names": {"sr": "Mesečni račun", "en": "Monthly bill"},
             "period": "calendar month", "first_period": "activation to month end", "examples": (),
             "formulas": ({"target": "usage", "terms": (("+", "traffic"), ("-", "discounts")), "source": ""},
                          {"target": "amount", "terms": (("+", "usage"), ("+", "one_time")), "source": ""},
                          {"target": "total_due", "terms": (("+", "amount"), ("+", "previous_balance")),
                           "source": ""}),
             "front": (), "back": (), "one_time": (), "notes": (), "source": ""},
}

