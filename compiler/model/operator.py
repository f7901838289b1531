"""The operator header, its customer segments and plans."""

from __future__ import annotations

from decimal import Decimal

import attrs

from dsl.ast import Span
from compiler.model.common import Note, Texts


@attrs.frozen(slots=True)
class Rounding:
    """How a charge is rounded: `half-up` or `up` (ceiling) to a multiple of `quantum`."""

    mode: str
    quantum: Decimal
    scope: str  # "event": each event's charge is rounded on its own
    span: Span


@attrs.frozen(slots=True)
class Operator:
    id: str
    name: str
    country: str
    currency: str
    timezone: str
    languages: tuple[str, ...]
    decimal: str  # "," or "."
    vat_included: bool
    rounding: Rounding | None
    about: Texts
    notes: tuple[Note, ...]
    span: Span
    # Other names of the currency (`local din`: factor 1) and of its minor unit (`minor p`:
    # 0.01), as declared on the `currency` line.
    money_names: tuple[tuple[str, Decimal], ...] = ()
    # `vat 20 % included` / `vat 20 % excluded`: the rate in percent; None for `vat included`
    # with no rate (prices as written, no tax lines). See docs/language/taxes.md.
    vat_rate: Decimal | None = None
    vat_span: Span | None = None  # the `vat` line

    @property
    def default_language(self) -> str:
        return self.languages[0]


@attrs.frozen(slots=True)
class Segment:
    id: str
    names: Texts
    plans: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span
