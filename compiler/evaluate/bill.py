"""The monthly bill (seed 001), read from the model's `Bill`: the billing period, the ledger's
charges of that period grouped into sections, and the amounts the spec's formulas define.

The meaning is docs/runtime/bill.md. `evaluator.bill.make(world, msisdn, year, month,
due_date=None, previous_balance=None)` cuts one bill (a `Bill`: lines, amounts, formulas);
`MonthEnd` cuts the bills of the month for every subscriber (or one) and returns them as data;
the world is unchanged. Rendering is the runtime's business, not the evaluator's.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Mapping
from zoneinfo import ZoneInfo

from compiler.check.units import minor_unit
from compiler.lower import cite
from runtime.errors import CurrencyMismatch, InvalidEvent, NotAvailable, OutOfOrder
from runtime.events import MonthEnd, Outcome
from runtime.money import Money
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Charge, Subscriber, World, frozen_map

KINDS = ("traffic", "discount", "one_time", "fee")


def handlers(evaluator) -> dict:
    if not evaluator.tariff.bills:
        return {}
    area = BillArea(evaluator)
    evaluator.bill = area
    return {MonthEnd: lambda w, e, explain: area.on_month_end(w, e.at, e.msisdn, explain)}


def half_up(x: Fraction) -> int:
    """The whole number nearest `x`, halves away from zero."""
    n = math.floor(abs(x) + Fraction(1, 2))
    return n if x >= 0 else -n


def dotted(d: date) -> str:
    return f"{d:%d.%m.%Y}."


@dataclass(frozen=True)
class Line:
    """The charges of one category (and unit, for traffic) in the period."""

    category: str
    amount: Money
    count: int = 0
    quantity: int = 0
    unit: str = ""
    items: tuple[str, ...] = ()
    known: bool = True
    source: str = ""

    def to_dict(self) -> dict:
        return {"category": self.category, "amount": str(self.amount.amount),
                "count": self.count, "quantity": self.quantity, "unit": self.unit,
                "items": list(self.items), "known": self.known, "source": self.source}


@dataclass(frozen=True)
class Bill:
    msisdn: str
    plan: str
    start: date
    end: date
    due_date: date | None
    traffic: tuple[Line, ...]
    discounts: tuple[Line, ...]
    one_time: tuple[Line, ...]
    fees: tuple[Line, ...]
    amounts: Mapping[str, Money] = field(default_factory=frozen_map)
    formulas: tuple = ()
    source: str = ""
    vat: tuple | None = None  # (rate, included) with a VAT rate on the header

    @property
    def period(self) -> str:
        return f"{dotted(self.start)} - {dotted(self.end)}"

    def amount_of(self, name: str) -> Money:
        if name not in self.amounts:
            raise NotAvailable(f"the bill has no amount `{name}`: no formula of the spec "
                               "defines it", source=self.source or None)
        return self.amounts[name]

    usage = property(lambda self: self.amount_of("usage"))
    amount = property(lambda self: self.amount_of("amount"))
    previous_balance = property(lambda self: self.amount_of("previous_balance"))
    total_due = property(lambda self: self.amount_of("total_due"))

    def arithmetic(self) -> str:
        out = []
        for target, terms, _ in self.formulas:
            body = " ".join(("" if i == 0 and sign == "+" else sign + " ")
                            + f"{name} {self.amounts[name].amount}"
                            for i, (sign, name) in enumerate(terms))
            out.append(f"{target} = {body} = {self.amounts[target]}")
        return "; ".join(out)

    def to_dict(self) -> dict:
        return {"msisdn": self.msisdn, "plan": self.plan, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "period": self.period,
                "due_date": None if self.due_date is None else self.due_date.isoformat(),
                "currency": next(iter(self.amounts.values())).currency if self.amounts else None,
                "traffic": [x.to_dict() for x in self.traffic],
                "discounts": [x.to_dict() for x in self.discounts],
                "one_time": [x.to_dict() for x in self.one_time],
                "fees": [x.to_dict() for x in self.fees],
                "amounts": {k: str(v.amount) for k, v in self.amounts.items()},
                "source": self.source,
                **({} if self.vat is None else {"vat": {"rate": str(self.vat[0]), "included": self.vat[1]}})}


class BillArea:
    def __init__(self, evaluator) -> None:
        t = evaluator.tariff
        self.ev = evaluator
        self.b = t.bills[0]
        self.tariff = t
        self.currency = t.operator.currency
        self.tz = ZoneInfo(t.operator.timezone)
        self.calling = COUNTRY_CODES.get(t.operator.country, "")
        self.source = cite(self.b.span)
        # The one-time categories of the spec, in its order; a pass's bill name -> its category.
        self.categories = {c.name: c for c in self.b.one_time}
        self.pass_category = {p: c.name for c in self.b.one_time for p in c.passes}

    def zero(self) -> Money:
        return Money.zero(self.currency)

    # -- the period -----------------------------------------------------------------------------

    def period(self, activated: date | None, year: int, month: int) -> tuple[date, date]:
        """The calendar month; from the activation day when the number was activated in it."""
        if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12):
            raise InvalidEvent(f"no such month {year!r}-{month!r}", year=year, month=month)
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        if activated is not None and activated > last:
            raise OutOfOrder(f"the number was activated on {dotted(activated)}, after the billed "
                             f"month {month:02d}.{year}", source=self.source)
        if activated is None:
            return first, last
        return self.b.period_of(activated, first)

    def local_day(self, at: datetime, what: str) -> date:
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent(f"the {what} time must be a timezone-aware datetime", at=at)
        return at.astimezone(self.tz).date()

    # -- the bill -------------------------------------------------------------------------------

    def make(self, world: World, msisdn: str, year: int, month: int,
             due_date: date | None = None, previous_balance=None) -> Bill:
        sub = world.subscriber(msisdn if msisdn in world.subscribers
                               else normalise(msisdn, self.calling))
        activated = None if sub.activated is None else self.local_day(sub.activated, "activation")
        start, end = self.period(activated, year, month)
        if due_date is not None:
            if not isinstance(due_date, date):
                raise InvalidEvent(f"a due date must be a date, not {due_date!r}")
            if isinstance(due_date, datetime):
                due_date = due_date.date()
            if due_date < end:
                raise InvalidEvent(f"the due date {dotted(due_date)} is before the end of the "
                                   f"billing period {dotted(end)}", msisdn=sub.msisdn)
        kept: dict[str, list[Charge]] = {k: [] for k in KINDS}
        for c in sub.ledger:
            self._valid(sub, c)
            if start <= self.local_day(c.at, "charge") <= end:
                kept[c.kind].append(c)
        traffic = self._lines(kept["traffic"], by_unit=True)
        discounts = self._lines(kept["discount"])
        fees = self._lines(kept["fee"])
        one_time = self._one_time(kept["one_time"])
        amounts = {"traffic": self._total(traffic), "discounts": self._total(discounts),
                   "one_time": self._total(one_time + fees),
                   "previous_balance": self._previous(sub, previous_balance)}
        op = self.tariff.operator
        if op.vat_rate is not None:
            charged = amounts["traffic"] - amounts["discounts"] + amounts["one_time"]
            amounts.update(self._taxes(charged.amount, op.vat_rate, op.vat_included))
        formulas = self._formulas(amounts)
        plan = sub.plan or self._segment_name(sub.segment)
        vat = None if op.vat_rate is None else (op.vat_rate, op.vat_included)
        return Bill(sub.msisdn, plan, start, end, due_date, traffic, discounts, one_time, fees,
                    frozen_map(amounts), formulas, self.source, vat)

    def _taxes(self, charged: Decimal, rate: Decimal, included: bool) -> dict[str, Money]:
        """net, vat and gross of the period's charges, in whole minor units (docs/language/
        taxes.md): the rounded one is the net (included) or the VAT (excluded), half-up."""
        minor = minor_unit(self.currency)
        cents = Fraction(charged / minor)  # exact: every charge is a whole number of quanta or finer
        r = Fraction(rate)
        if included:
            net = half_up(cents * 100 / (100 + r))
            vat, gross = cents - net, cents
        else:
            vat = half_up(cents * r / 100)
            net, gross = cents, cents + vat
        return {k: Money(Decimal(v.numerator) / Decimal(v.denominator) * minor, self.currency)
                for k, v in (("net", Fraction(net)), ("vat", Fraction(vat)), ("gross", Fraction(gross)))}

    def _valid(self, sub: Subscriber, c: Charge) -> None:
        if c.kind not in KINDS:
            raise InvalidEvent(f"a ledger charge of unknown kind `{c.kind}` (known: "
                               f"{', '.join(KINDS)})", msisdn=sub.msisdn)
        if not isinstance(c.amount, Money):
            raise InvalidEvent(f"the charge `{c.category}` is not Money: {c.amount!r}",
                               msisdn=sub.msisdn)
        if c.amount.currency != self.currency:
            raise CurrencyMismatch(f"the charge `{c.category}` is in {c.amount.currency}, the "
                                   f"bill in {self.currency}", msisdn=sub.msisdn)
        if c.quantity < 0 or (c.amount.amount < 0 and c.kind != "one_time"):
            raise InvalidEvent(f"the {c.kind} charge `{c.category}` is negative ({c.amount}, "
                               f"quantity {c.quantity}); only one-time lines may credit",
                               msisdn=sub.msisdn)
        self.local_day(c.at, "charge")
        if sub.activated is not None and c.at < sub.activated:
            raise OutOfOrder(f"the charge `{c.category}` of {c.at.isoformat()} is before the "
                             "number's activation", msisdn=sub.msisdn)

    def _lines(self, charges: list[Charge], by_unit: bool = False) -> tuple[Line, ...]:
        """One line per category (and unit), in the order first charged."""
        keys: list[tuple[str, str]] = []
        for c in charges:
            key = (c.category, c.unit if by_unit else "")
            if key not in keys:
                keys.append(key)
        out = []
        for category, unit in keys:
            mine = [c for c in charges if c.category == category
                    and (c.unit if by_unit else "") == unit]
            out.append(Line(category, sum((c.amount for c in mine), self.zero()), len(mine),
                            sum(c.quantity for c in mine), unit))
        return tuple(out)

    def _one_time(self, charges: list[Charge]) -> tuple[Line, ...]:
        """The spec's categories in its order, then unlisted ones in the order charged; a
        pass's bill name goes under the category that lists it, named in `items`."""
        under = self.pass_category
        names: list[str] = []
        for c in charges:
            name = under.get(c.category, c.category)
            if name not in names:
                names.append(name)
        order = [n for n in self.categories if n in names] + [
            n for n in names if n not in self.categories]
        spans = {name: cite(cat.span) for name, cat in self.categories.items()}
        out = []
        for name in order:
            mine = [c for c in charges if under.get(c.category, c.category) == name]
            items: list[str] = []
            for c in mine:
                if c.category != name and c.category not in items:
                    items.append(c.category)
            out.append(Line(name, sum((c.amount for c in mine), self.zero()), len(mine),
                            sum(c.quantity for c in mine), "", tuple(items), name in spans,
                            spans.get(name, "")))
        return tuple(out)

    def _total(self, lines) -> Money:
        return sum((x.amount for x in lines), self.zero())

    def _previous(self, sub: Subscriber, given) -> Money:
        value = sub.previous_balance if given is None else given
        if value is None:
            return self.zero()
        if isinstance(value, Money):
            if value.currency != self.currency:
                raise CurrencyMismatch(f"the previous balance {value} is not in {self.currency}")
            return value
        if isinstance(value, float) or not isinstance(value, (Decimal, int, str)):
            raise InvalidEvent(f"a previous balance must be Money, a Decimal or a string, not "
                               f"{value!r}")
        try:
            return Money(value, self.currency)
        except ArithmeticError:
            raise InvalidEvent(f"`{value}` is not an amount") from None

    def _formulas(self, amounts: dict[str, Money]) -> tuple:
        """Each formula once its terms are known, whatever the order they are written in."""
        todo, done = list(self.b.formulas), []
        while todo:
            f = next((f for f in todo if all(n in amounts for _, n in f.terms)), None)
            if f is None:
                f = todo[0]
                missing = ", ".join(n for _, n in f.terms if n not in amounts)
                raise NotAvailable(f"the formula of `{f.target}` uses {missing}, which the bill "
                                   "does not compute", source=cite(f.span))
            total = self.zero()
            for sign, name in f.terms:
                total = total + amounts[name] if sign == "+" else total - amounts[name]
            amounts[f.target] = total
            done.append((f.target, f.terms, cite(f.span)))
            todo.remove(f)
        return tuple(done)

    def _segment_name(self, segment: str) -> str:
        seg = self.tariff.segment(segment)
        default = self.tariff.operator.languages[0]
        return (seg.names.get(default) if seg is not None else None) or segment

    # -- month end ------------------------------------------------------------------------------

    def on_month_end(self, world: World, at: datetime, msisdn: str | None = None,
                     explain: bool = False) -> tuple[World, Outcome]:
        day = self.local_day(at, "month end")
        if msisdn:
            msisdn = msisdn if msisdn in world.subscribers else normalise(msisdn, self.calling)
        subs = [world.subscriber(msisdn)] if msisdn else list(world.subscribers.values())
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
        return world, Outcome(msisdn, rule="monthly bill", source=self.source,
                              arithmetic=arithmetic, data=frozen_map(data))
