"""The engine a generated operator module runs on: its tables, plus one handler per event.

Each area of the runtime (`runtime.rating`, `runtime.commands`, `runtime.passes`,
`runtime.family`, `runtime.bill`, `runtime.balance`) has an `install(engine)` that reads its
part of `engine.tables` and registers the events it handles; areas reach each other through
attributes they set on the engine (e.g. `engine.passes`).

Most events have one handler. Time events (`Tick`, `MonthEnd`) concern several areas: their
handlers run in the order of `AREAS` (passes expire before family invitations; family fees
are charged before the bill is cut), each seeing the world the previous one returned, and
their outcomes merge into one whose `data` has an entry per area.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Callable, Sequence

from runtime.errors import InvalidEvent
from runtime.events import Outcome
from runtime.money import Money
from runtime.state import World, frozen_map

_UNSET = object()
AREAS = ("passes", "rating", "family", "commands", "balance", "bill")

Handler = Callable[[World, object, bool], tuple[World, Outcome]]


class Engine:
    def __init__(self, tables: dict) -> None:
        self.tables = tables
        op = tables["operator"]
        self.operator_id: str = op["id"]
        self.currency: str = op["currency"]
        self.languages: tuple[str, ...] = op["languages"]
        self.handlers: dict[type, list[tuple[str, Handler]]] = {}
        self._area = ""
        self._batch = _UNSET
        for area in AREAS:
            if area in tables:
                self._area = area
                importlib.import_module(f"runtime.{area}").install(self)
        self._area = ""

    def on(self, event_type: type, handler: Handler) -> None:
        """Register the installing area's handler for an event type."""
        self.handlers.setdefault(event_type, []).append((self._area, handler))

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
        return world, _merge(getattr(event, "msisdn", None), outcomes)

    def run(self, world: World, events, explain: bool = False
            ) -> tuple[World, Sequence[Outcome]]:
        """Apply events in order; returns the final world and every outcome (the same as
        applying them one by one). Without explanations, runs of usage events take the fast
        path of `runtime.batch`, and the outcomes are built when read."""
        if not explain:
            if self._batch is _UNSET:
                from runtime.batch import Batch
                self._batch = Batch.of(self)
            if self._batch is not None:
                return self._batch.run(world, events)
        outcomes = []
        for event in events:
            world, outcome = self.apply(world, event, explain)
            outcomes.append(outcome)
        return world, outcomes

    def money(self, amount) -> Money:
        return Money(amount, self.currency)


def _merge(msisdn: str | None, outcomes: list[tuple[str, Outcome]]) -> Outcome:
    """One outcome for an event several areas handled: replies in order, charges added."""
    charges = [o.charge for _, o in outcomes if o.charge is not None]
    total = None
    for c in charges:
        total = c if total is None else total + c
    return Outcome(
        msisdn,
        ok=all(o.ok for _, o in outcomes),
        charge=total,
        replies=tuple(r for _, o in outcomes for r in o.replies),
        rule="; ".join(o.rule for _, o in outcomes if o.rule),
        source="; ".join(o.source for _, o in outcomes if o.source),
        arithmetic="; ".join(o.arithmetic for _, o in outcomes if o.arithmetic),
        reason="; ".join(o.reason for _, o in outcomes if o.reason),
        data=frozen_map({area: dict(o.data) for area, o in outcomes}),
    )
