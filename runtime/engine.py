"""The engine a generated operator module runs on: its tables, plus one handler per event.

Each area of the runtime (`runtime.rating`, `runtime.commands`, `runtime.passes`,
`runtime.family`, `runtime.bill`, `runtime.balance`) has an `install(engine)` that reads its
part of `engine.tables` and registers the events it handles; areas reach each other through
attributes they set on the engine (e.g. `engine.passes`).
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Callable

from runtime.errors import InvalidEvent
from runtime.events import Outcome
from runtime.money import Money
from runtime.state import World

AREAS = ("passes", "rating", "family", "commands", "balance", "bill")

Handler = Callable[[World, object, bool], tuple[World, Outcome]]


class Engine:
    def __init__(self, tables: dict) -> None:
        self.tables = tables
        op = tables["operator"]
        self.operator_id: str = op["id"]
        self.currency: str = op["currency"]
        self.languages: tuple[str, ...] = op["languages"]
        self.handlers: dict[type, Handler] = {}
        for area in AREAS:
            if area in tables:
                importlib.import_module(f"runtime.{area}").install(self)

    def on(self, event_type: type, handler: Handler) -> None:
        self.handlers[event_type] = handler

    def apply(self, world: World, event, explain: bool = False) -> tuple[World, Outcome]:
        """Apply one event: the new world and what happened."""
        handler = self.handlers.get(type(event))
        if handler is None:
            raise InvalidEvent(f"{type(event).__name__} events are not handled by {self.operator_id}")
        at = getattr(event, "at", None)
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent("an event's time must be a timezone-aware datetime", at=at)
        return handler(world, event, explain)

    def run(self, world: World, events, explain: bool = False) -> tuple[World, list[Outcome]]:
        """Apply events in order; returns the final world and every outcome."""
        outcomes = []
        for event in events:
            world, outcome = self.apply(world, event, explain)
            outcomes.append(outcome)
        return world, outcomes

    def money(self, amount) -> Money:
        return Money(amount, self.currency)
