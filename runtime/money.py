"""Exact money: a Decimal amount and an ISO 4217 currency. Never a float.

>>> Money("119.90", "RSD") * 2
Money('239.80', 'RSD')
>>> Money("0.0236", "AZN").round(Decimal("0.01"), HALF_UP)
Money('0.02', 'AZN')
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from runtime.errors import CurrencyMismatch

HALF_UP = "half-up"
UP = "up"
_MODES = {HALF_UP: ROUND_HALF_UP, UP: ROUND_CEILING}
ZERO = Decimal(0)


class Money:
    """An immutable amount of one currency."""

    __slots__ = ("amount", "currency")

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        if isinstance(amount, float):
            raise TypeError("Money never takes a float; pass a str or a Decimal")
        object.__setattr__(self, "amount", amount if type(amount) is Decimal else Decimal(amount))
        object.__setattr__(self, "currency", currency)

    def __setattr__(self, name, value):
        raise AttributeError("Money is immutable")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(ZERO, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, k: int | Decimal) -> Money:
        if isinstance(k, float):
            raise TypeError("Money never multiplies by a float")
        return Money(self.amount * k, self.currency)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.amount, self.currency) == (other.amount, other.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def round(self, quantum: Decimal, mode: str = HALF_UP) -> Money:
        """Round to a multiple of `quantum` (`half-up`, or `up` = towards +infinity)."""
        return Money(round_amount(self.amount, quantum, mode), self.currency)


def round_amount(amount: Decimal, quantum: Decimal, mode: str = HALF_UP) -> Decimal:
    """Round an amount to a multiple of `quantum`.

    >>> round_amount(Decimal("5.2028"), Decimal("0.01"))
    Decimal('5.20')
    >>> round_amount(Decimal("2.5"), Decimal("1")), round_amount(Decimal("2.49"), Decimal("1"))
    (Decimal('3'), Decimal('2'))
    >>> round_amount(Decimal("0.021"), Decimal("0.01"), UP)
    Decimal('0.03')
    """
    if quantum == 0:
        return amount
    steps = (amount / quantum).quantize(Decimal(1), rounding=_MODES[mode])
    return (steps * quantum).quantize(quantum)
