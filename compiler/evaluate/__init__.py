"""The reference evaluator: the executable meaning of a checked tariff (`compiler.model.Tariff`).

It reads the model directly: no lowering, no tables, no `runtime.rating`/`passes`/... code. It
is written for clarity over speed and is the oracle the golden vectors are recorded from; the
differential tests hold the compiled runtime (`runtime.engine.Engine`) to it.

    checked model --(Evaluator)--> (world, event) -> (world', Outcome)

The API is the engine's: `Evaluator(tariff).apply(world, event, explain)` and `.run(...)`, with
the same `runtime.events.Outcome` fields. It shares with the runtime only the state, event and
error types and the money/interval primitives (`runtime.money`, `runtime.charging`,
`runtime.numbers`).

Areas. Each area is a module `compiler.evaluate.<area>` with a function

    handlers(evaluator) -> dict[event type, handler]

where a handler is `(world, event, explain) -> (world, Outcome)`. Areas are set up in the order
of `AREAS`; an area that offers services to the others sets them on the evaluator while it is set
up (`evaluator.passes.activate(...)`, `evaluator.rating.home_hooks`), so a later area can use or
extend an earlier one, as the runtime's areas do through the engine. An area whose part of the
tariff is empty returns no handlers (as the runtime installs only the areas it has tables for);
a module that is not written yet is skipped.

Time events (`Tick`, `MonthEnd`) concern several areas: their handlers run in `AREAS` order, each
seeing the world the previous one returned, and their outcomes merge into one whose `data` holds
an entry per area (`merge`). An event with a single handler gets that handler's outcome as is.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from compiler.lower import cite
from compiler.model import Tariff
from runtime.errors import InvalidEvent
from runtime.events import Outcome
from runtime.money import Money
from runtime.state import World, frozen_map

AREAS = ("passes", "rating", "family", "commands", "balance", "bill")

Handler = Callable[[World, object, bool], tuple[World, Outcome]]

__all__ = ["AREAS", "Evaluator", "Handler", "cite", "merge"]


class Evaluator:
    """Interprets one operator's checked tariff.

    Area services (set by the area modules while the evaluator is built): `passes`, `rating`,
    and whatever the other areas expose (`family`, `commands`, `balance`, `bill`).
    """

    def __init__(self, tariff: Tariff) -> None:
        self.tariff = tariff
        op = tariff.operator
        self.operator_id: str = op.id
        self.currency: str = op.currency
        self.languages: tuple[str, ...] = op.languages
        self.handlers: dict[type, list[tuple[str, Handler]]] = {}
        for area in AREAS:
            module = _area_module(area)
            if module is None:
                continue
            for event_type, handler in module.handlers(self).items():
                self.handlers.setdefault(event_type, []).append((area, handler))

    def apply(self, world: World, event, explain: bool = False) -> tuple[World, Outcome]:
        """Apply one event: the new world and what happened."""
        handlers = self.handlers.get(type(event))
        if handlers is None:
            raise InvalidEvent(f"{type(event).__name__} events are not handled by {self.operator_id}")
        at = getattr(event, "at", None)
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent("an event's time must be a timezone-aware datetime", at=at)
        if len(handlers) == 1:
            return handlers[0][1](world, event, explain)
        outcomes = []
        for area, handler in handlers:
            world, outcome = handler(world, event, explain)
            outcomes.append((area, outcome))
        return world, merge(getattr(event, "msisdn", None), outcomes)

    def run(self, world: World, events, explain: bool = False) -> tuple[World, list[Outcome]]:
        """Apply events in order; returns the final world and every outcome."""
        outcomes = []
        for event in events:
            world, outcome = self.apply(world, event, explain)
            outcomes.append(outcome)
        return world, outcomes

    def money(self, amount) -> Money:
        """An amount in the operator's currency."""
        return Money(amount, self.currency)

    def vat_on(self, amount: Decimal) -> Decimal:
        """The VAT a prepaid balance pays on top of a charge of `amount`: none unless the
        operator writes its prices VAT-excluded, then amount x rate / 100 half-up to the minor
        unit, per charge (docs/language/taxes.md)."""
        op = self.tariff.operator
        if op.vat_rate is None or op.vat_included:
            return Decimal(0)
        from compiler.check.units import minor_unit
        from compiler.evaluate.bill import half_up
        minor = minor_unit(self.currency)
        return half_up(Fraction(amount) * Fraction(op.vat_rate) / 100 / Fraction(minor)) * minor


def merge(msisdn: str | None, outcomes: list[tuple[str, Outcome]]) -> Outcome:
    """One outcome from several areas' outcomes for one event.

    ok if every area's is; charges add up (None when no area charged); replies keep area order;
    rule, source, arithmetic and reason are the areas' non-empty texts joined by "; "; data has
    one entry per area.
    """
    charge = None
    for _, o in outcomes:
        if o.charge is not None:
            charge = o.charge if charge is None else charge + o.charge

    def joined(field: str) -> str:
        return "; ".join(getattr(o, field) for _, o in outcomes if getattr(o, field))

    return Outcome(
        msisdn,
        ok=all(o.ok for _, o in outcomes),
        charge=charge,
        replies=tuple(r for _, o in outcomes for r in o.replies),
        rule=joined("rule"),
        source=joined("source"),
        arithmetic=joined("arithmetic"),
        reason=joined("reason"),
        data=frozen_map({area: dict(o.data) for area, o in outcomes}),
    )


def _area_module(area: str):
    """`compiler.evaluate.<area>`, or None while that module does not exist."""
    name = f"{__name__}.{area}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        return None
