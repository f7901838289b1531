"""Values shared by every part of the tariff model."""

from __future__ import annotations

from decimal import Decimal

import attrs

from dsl.ast import Span


@attrs.frozen(slots=True)
class Texts:
    """One text in several languages, in the order written: `(("sr", "..."), ("en", "..."))`."""

    items: tuple[tuple[str, str], ...] = ()

    def get(self, lang: str, fallback: str | None = None) -> str | None:
        for lg, text in self.items:
            if lg == lang:
                return text
        if fallback is not None and fallback != lang:
            return self.get(fallback)
        return self.items[0][1] if self.items and fallback is not None else None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lg for lg, _ in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@attrs.frozen(slots=True)
class Note:
    """A reading of an ambiguous or contradictory seed, or a remark the docs must show."""

    lang: str
    text: str
    span: Span


@attrs.frozen(slots=True)
class Price:
    """An exact price: `amount` of `currency` per `per_amount` `per` (per is None for a flat price).

    `per` is one of None (flat), "min", "s", "KB", "MB", "sms", "mms", "call", "month", "use".
    """

    amount: Decimal
    currency: str
    per: str | None = None
    per_amount: int = 1

    @property
    def is_free(self) -> bool:
        return self.amount == 0


@attrs.frozen(slots=True)
class Interval:
    """A charging interval: the first `first` units, then blocks of `next` (unit "s" or "KB").

    `60/60` is Interval(60, 60, "s"); `30+1` is Interval(30, 1, "s"); `5 KB + 100 KB` is
    Interval(5, 100, "KB"); `1+1 kB` is Interval(1, 1, "KB").
    """

    first: int
    next: int
    unit: str
    notation: str
    span: Span


@attrs.frozen(slots=True)
class Eligibility:
    """Who may use something: any of these segments or plans (both empty: everybody)."""

    segments: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()

    @property
    def everybody(self) -> bool:
        return not self.segments and not self.plans
