"""Time bands: prices by time of day, day of week and public holidays (peak, off-peak...).

An operator declares its bands once (`time bands { ... }`): each `BandRule` names a band,
the days it covers (weekdays `mon`..`sun`, or `holidays`: the dates the spec lists) and a
wall-clock range `start`-`end` in the operator's time zone (None: the whole day; an `end`
at or before `start` runs past midnight). The first rule that matches an instant gives its
band; `otherwise` is the band of every other instant. A price list with `band peak` prices
events only in that band (compiler.model.rating.PriceList.band).

`crossing` is how a call that crosses a band edge is rated: "start" (the whole call at the
band it starts in) or "split" (cut at each edge: the call's billed seconds are its start
band's interval applied to the whole call; each part is charged pro rata at its own band's
per-minute price, the rounding going to the last part; per-call prices are the start
band's). Bands are read from the local wall clock, so they follow DST; a call's length is
elapsed time.
"""

from __future__ import annotations

from datetime import date

import attrs

from dsl.ast import Span

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CROSSINGS = ("start", "split")


@attrs.frozen(slots=True)
class BandRule:
    """`band peak mon-fri 07:00-19:00`: days (WEEKDAYS and/or "holidays"), times (h, m)."""

    band: str
    days: tuple[str, ...]
    start: tuple[int, int] | None
    end: tuple[int, int] | None
    span: Span


@attrs.frozen(slots=True)
class TimeBands:
    rules: tuple[BandRule, ...]
    otherwise: str
    holidays: tuple[date, ...]
    crossing: str
    span: Span

    @property
    def names(self) -> tuple[str, ...]:
        """Every band, in the order first named."""
        return tuple(dict.fromkeys([r.band for r in self.rules] + [self.otherwise]))


__all__ = ["WEEKDAYS", "CROSSINGS", "BandRule", "TimeBands"]
