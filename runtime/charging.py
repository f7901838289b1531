"""Charging intervals: how a duration or a volume becomes billed units.

An interval `first/next` (`60/60`, `1/1`, `30+1`; data `5 KB + 100 KB`, `1+1 kB`) bills the
first `first` units as soon as anything is used, then whole blocks of `next` units, each block
counted as soon as it is started.
"""

from __future__ import annotations

from decimal import Decimal


def billed(quantity: int, first: int, next: int) -> int:
    """The billed quantity: `quantity` rounded up to `first + k * next` (0 stays 0).

    >>> [billed(s, 60, 60) for s in (0, 1, 59, 60, 61, 120)]
    [0, 60, 60, 60, 120, 120]
    >>> [billed(s, 30, 1) for s in (1, 30, 31, 45)]
    [30, 30, 31, 45]
    >>> [billed(kb, 5, 100) for kb in (0, 5, 6, 105, 106)]
    [0, 5, 105, 105, 205]
    """
    if quantity <= 0:
        return 0
    if quantity <= first:
        return first
    return first + -(-(quantity - first) // next) * next


def blocks(quantity: int, first: int, next: int) -> tuple[int, int]:
    """(first block used: 0 or 1, number of `next` blocks started after it).

    >>> blocks(0, 5, 100), blocks(5, 5, 100), blocks(6, 5, 100), blocks(106, 5, 100)
    ((0, 0), (1, 0), (1, 1), (1, 2))
    """
    if quantity <= 0:
        return 0, 0
    if quantity <= first:
        return 1, 0
    return 1, -(-(quantity - first) // next)


def prorate(price: Decimal, per: int, quantity: int) -> Decimal:
    """`price` per `per` units, for `quantity` units, exactly (rounding is the caller's).

    >>> prorate(Decimal("119.90"), 60, 120), prorate(Decimal("10.07"), 60, 31)
    (Decimal('239.80'), Decimal('5.202833333333333333333333333'))
    """
    if quantity % per == 0:
        return price * (quantity // per)
    return price * quantity / per
