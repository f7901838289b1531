"""The monthly bill: its billing period, its numbered fields and their legend, the formulas
that relate its amounts, and the categories of one-time charges (Telenor's "Vaš račun").
"""

from __future__ import annotations

import calendar
import datetime

import attrs

from dsl.ast import Span
from compiler.model.common import Note, Texts

# Billing periods: `period calendar month`; the first bill of a new number:
# `first period from activation to end of month` ("activation to month end") or
# `first period calendar month`.
PERIODS = ("calendar month",)
FIRST_PERIODS = ("activation to month end", "calendar month")
# Amounts a formula may use besides the bill's field keys and other formulas' targets.
KNOWN_AMOUNTS = ("traffic", "discounts", "one_time", "previous_balance", "usage", "amount")
# With a VAT rate on the operator header (`vat 20 % included|excluded`), the bill also knows
# the period's charges (traffic - discounts + one_time) split into these (docs/language/taxes.md).
TAX_AMOUNTS = ("net", "vat", "gross")


@attrs.frozen(slots=True)
class BillField:
    """A numbered element of one side of the bill, with its legend text per language."""

    number: int
    key: str
    texts: Texts
    span: Span


@attrs.frozen(slots=True)
class Formula:
    """`formula usage = traffic - discounts`: `terms` are (sign, name) pairs, the first
    sign "+": Formula("usage", (("+", "traffic"), ("-", "discounts")), span)."""

    target: str
    terms: tuple[tuple[str, str], ...]
    span: Span


@attrs.frozen(slots=True)
class Category:
    """A category of one-time charges; `passes` are the bill names of the passes it lists."""

    name: str
    passes: tuple[str, ...]
    span: Span


@attrs.frozen(slots=True)
class PeriodExample:
    """`example activation 17.01.2013 period "17.01.2013. - 31.01.2013."`: the period printed
    on the first bill of a number activated that day. With `before` (`example activation
    before 01.01.2013 ...`), the period printed on the bill of the month starting that day
    for a number activated earlier."""

    activation: datetime.date
    before: bool
    period: str
    span: Span


@attrs.frozen(slots=True)
class Bill:
    """The layout of the monthly bill. `period` is "calendar month"; `first_period` is how the
    first bill of a number is cut ("activation to month end" or "calendar month")."""

    name: str
    names: Texts
    period: str
    first_period: str
    examples: tuple[PeriodExample, ...]
    formulas: tuple[Formula, ...]
    front: tuple[BillField, ...]
    back: tuple[BillField, ...]
    one_time: tuple[Category, ...]
    notes: tuple[Note, ...]
    span: Span

    def period_of(self, activation: datetime.date, month: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The billing period of the bill for `month` (any day in it) of a number activated on
        `activation`; see `billing_period`."""
        return billing_period(self.first_period, activation, month)

    def field(self, key: str) -> BillField | None:
        return next((f for f in self.front + self.back if f.key == key), None)


def billing_period(first_period: str, activation: datetime.date,
                   month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day billed in `month` for a number activated on `activation`.

    >>> billing_period("activation to month end", datetime.date(2013, 1, 17), datetime.date(2013, 1, 1))
    (datetime.date(2013, 1, 17), datetime.date(2013, 1, 31))
    >>> billing_period("activation to month end", datetime.date(2012, 12, 3), datetime.date(2013, 1, 1))
    (datetime.date(2013, 1, 1), datetime.date(2013, 1, 31))
    """
    first = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if first_period == "activation to month end" and first <= activation <= last:
        first = activation
    return first, last


def format_period(first: datetime.date, last: datetime.date) -> str:
    """The period as the bill prints it.

    >>> format_period(datetime.date(2013, 1, 17), datetime.date(2013, 1, 31))
    '17.01.2013. - 31.01.2013.'
    """
    return f"{first:%d.%m.%Y}. - {last:%d.%m.%Y}."


__all__ = ["PERIODS", "FIRST_PERIODS", "KNOWN_AMOUNTS", "BillField", "Formula", "Category",
           "PeriodExample", "Bill", "billing_period", "format_period"]
