"""The unit words of the language: one table, owned by the checker.

The grammar knows no units: it reads `15 GBP` as a number and a word, and only `GBP/min`,
`RSD/5 KB` (a word, `/`, an optional count and a word) and `30 %` as quantities. The checker
attaches a unit word to the number before it (`attach`), from this table:

- time (`s`, `min`, `hours`...), data (`KB`, `MB`...), counts (`sms`, `call`...), speeds
  (`kbps`) and `%`;
- every ISO 4217 currency code (pycountry's list, the current codes), with its minor unit
  (babel's `get_currency_precision`: 2 for GBP, 0 for JPY, 3 for BHD);
- the names an operator declares on its `currency` line: `currency RSD local din` (another
  name of the currency itself), `currency GBP minor p` (a name of its minor unit, 0.01 GBP).

The Pygments lexer (`compiler/lexer.py`) highlights the same words.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import attrs

from dsl import ast
from dsl.ast import Pair, Quantity

TIME_UNITS = {"s": 1, "sec": 1, "min": 60, "h": 3600, "hour": 3600, "hours": 3600,
              "day": 86400, "days": 86400}
# 1 MB = 1024 KB and 1 GB = 1024 MB: the seeds do not say; binary multiples are the
# convention of mobile data metering.
DATA_UNITS = {"KB": 1, "kB": 1, "MB": 1024, "GB": 1024 * 1024}
COUNT_UNITS = {"sms": "sms", "SMS": "sms", "mms": "mms", "MMS": "mms", "min": "min",
               "call": "call", "calls": "call", "message": "sms", "messages": "sms", "use": "use"}
SPEED_UNITS = {"kbps": 1, "Kbps": 1, "Mbps": 1000}
# Words that only follow a number in a period (`valid 1 month`) or a per-unit (`/month`).
PERIOD_UNITS = {"month": "month", "months": "month"}
# What a price may be per (`RSD/min`, `RSD/5 KB`, `RSD/month`), and its canonical spelling.
PER_UNITS = {"min": "min", "s": "s", "KB": "KB", "kB": "KB", "MB": "MB", "GB": "GB",
             "sms": "sms", "SMS": "sms", "mms": "mms", "MMS": "mms", "call": "call",
             "month": "month", "use": "use", "message": "sms", "day": "day"}
PERCENT = "%"

# Every unit word that is not money, by what it measures.
KINDS: dict[str, str] = {
    **{w: "speed" for w in SPEED_UNITS}, **{w: "period" for w in PERIOD_UNITS},
    **{w: "count" for w in COUNT_UNITS}, **{w: "data" for w in DATA_UNITS},
    **{w: "time" for w in TIME_UNITS},
}
UNIT_WORDS = frozenset(KINDS)


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """The ISO 4217 codes in use (pycountry), e.g. RSD, AZN, GBP, EUR, JPY."""
    import pycountry
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def is_currency(code: str) -> bool:
    """Is `code` an ISO 4217 currency code?

    >>> is_currency("GBP"), is_currency("GPB"), is_currency("din")
    (True, False, False)
    """
    return code in currencies()


@lru_cache(maxsize=None)
def minor_unit(code: str) -> Decimal:
    """The minor unit of an ISO 4217 currency, as an amount of it (babel's precision).

    >>> minor_unit("GBP"), minor_unit("JPY"), minor_unit("BHD")
    (Decimal('0.01'), Decimal('1'), Decimal('0.001'))
    """
    from babel.numbers import get_currency_precision
    return Decimal(1).scaleb(-get_currency_precision(code))


def looks_like_currency(word: str) -> bool:
    """Three capital ASCII letters: what a currency code looks like (`GPB`, `XYZ`)."""
    return len(word) == 3 and word.isascii() and word.isalpha() and word.isupper()


@attrs.frozen(slots=True)
class Money:
    """What a money word of an operator means: `currency`, and `factor` of it per unit
    (1 for the code and its local names, 0.01 for `p` of GBP)."""

    currency: str
    factor: Decimal


@attrs.frozen(slots=True)
class Table:
    """The unit words one operator's specs may use: the fixed ones, every ISO code, and the
    operator's declared local and minor names (`money`: word -> Money)."""

    money: dict[str, Money] = attrs.field(factory=dict)

    def words(self) -> frozenset[str]:
        return UNIT_WORDS | currencies() | frozenset(self.money)

    def money_of(self, word: str) -> Money | None:
        """The currency a money word stands for, or None (`min`, `XYZ`)."""
        found = self.money.get(word)
        if found is not None:
            return found
        return Money(word, Decimal(1)) if is_currency(word) else None

    def kind(self, word: str) -> str | None:
        """`time`, `data`, `count`, `speed`, `period`, `percent`, `money` or None."""
        if word == PERCENT:
            return "percent"
        found = KINDS.get(word)
        if found is not None:
            return found
        return "money" if self.money_of(word) is not None else None


DEFAULT = Table()


@lru_cache(maxsize=1)
def default_words() -> frozenset[str]:
    """The unit words of an operator that declares no money names."""
    return DEFAULT.words()


def attach(atoms, words: frozenset[str]) -> list:
    """The atoms with each unit word joined to the number (or interval) before it:
    NUMBER `15`, WORD `GBP` -> Quantity `15 GBP`; PAIR `1+1`, WORD `kB` -> Pair `1+1 kB`.

    >>> from dsl.ast import Atom, Span
    >>> sp = Span("f", 1, 1, 1, 3)
    >>> [a.text for a in attach([Atom("NUMBER", "15", sp), Atom("WORD", "GBP", sp),
    ...                           Atom("WORD", "to", sp)], DEFAULT.words())]
    ['15 GBP', 'to']
    """
    out = None
    i, n = 0, len(atoms)
    while i < n:
        a = atoms[i]
        kind = a.kind
        if (kind == ast.NUMBER or (kind == ast.PAIR and a.unit is None)) and i + 1 < n:
            b = atoms[i + 1]
            if b.kind == ast.WORD and b.text in words:
                if out is None:
                    out = list(atoms[:i])
                span = a.span.to(b.span)
                out.append(Quantity(a.text, b.text, None, None, span) if kind == ast.NUMBER
                           else Pair(a.first, a.sep, a.next, b.text, span))
                i += 2
                continue
        if out is not None:
            out.append(a)
        i += 1
    return list(atoms) if out is None else out


def suggestions(word: str, table: Table, kinds: tuple[str, ...] = (), currency: str | None = None) -> list[str]:
    """The unit words to propose for a misspelt `word`: those of `kinds` (all when empty),
    the operator's currency and its declared names, then any ISO code if nothing closer."""
    base = [w for w, k in KINDS.items() if not kinds or k in kinds]
    if not kinds or "money" in kinds:
        base += list(table.money) + ([currency] if currency else [])
    return base


__all__ = ["TIME_UNITS", "DATA_UNITS", "COUNT_UNITS", "SPEED_UNITS", "PER_UNITS", "KINDS",
           "UNIT_WORDS", "Table", "Money", "DEFAULT", "attach", "currencies", "is_currency",
           "minor_unit", "looks_like_currency", "suggestions"]
