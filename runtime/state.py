"""Immutable state: subscribers and the world they live in. Engines never mutate; they return
a new `World` (`dataclasses.replace`), so any run can be replayed from its start.

Times are timezone-aware `datetime`s given by the caller (never read from a clock here).
Amounts of data are whole KB, call minutes are kept as seconds, money is `runtime.money.Money`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Callable, Mapping

from runtime.errors import InvalidEvent
from runtime.money import Money


def frozen_map(d: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict (the state's maps are never changed in place)."""
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True, slots=True)
class Allowance:
    """What is left of something included: seconds of calls, SMS, KB of data (None: none)."""

    seconds: int | None = None
    sms: int | None = None
    kb: int | None = None


@dataclass(frozen=True, slots=True)
class ActivePass:
    """A pass bought by a subscriber: what it still includes until `expires` (exclusive)."""

    name: str
    activated: datetime
    expires: datetime
    left: Allowance = Allowance()
    full_speed_kb: int | None = None  # full-speed data left; past it, data is throttled
    version: str | None = None  # the dated version bought (runtime.versions), None: undated

    def active_at(self, at: datetime) -> bool:
        return self.activated <= at < self.expires


@dataclass(frozen=True, slots=True)
class Charge:
    """One line of the subscriber's ledger for the bill: what was charged, for what."""

    at: datetime
    kind: str  # "traffic", "discount", "one_time", "fee"
    category: str  # e.g. "outgoing call / Zona 1", "Putne pakete", "Telenor Porodica"
    amount: Money
    quantity: int = 0  # seconds, KB or count, for the bill's traffic table
    unit: str = ""


class Ledger:
    """An immutable, append-only sequence of charges. `ledger + (charge,)` is O(1): the new
    ledger shares the old one, so rating a long stream of events does not copy the history.

    >>> a = Ledger() + ("first",)
    >>> b = a + ("second",)
    >>> list(a), list(b), len(b), b[-1], b == ("first", "second")
    (['first'], ['first', 'second'], 2, 'second', True)
    """

    __slots__ = ("_last", "_prev", "_len", "_items")

    def __init__(self, items=()) -> None:
        # A node holds its last item and the ledger before it; the chain ends at an empty
        # ledger (whose `_items` is ()), built fresh so that this node never links to itself.
        root = Ledger.__new__(Ledger)
        root._last, root._prev, root._len, root._items = None, None, 0, ()
        node = root + tuple(items)
        self._last, self._prev, self._len, self._items = node._last, node._prev, node._len, node._items

    def __add__(self, items) -> Ledger:
        node = self
        for item in items:
            new = Ledger.__new__(Ledger)
            new._last, new._prev, new._len, new._items = item, node, node._len + 1, None
            node = new
        return node

    def deferred(self, n: int, make: Callable[[], tuple]) -> Ledger:
        """This ledger followed by the `n` items `make()` returns, built only when somebody
        reads the ledger (`runtime.batch` rates a run of events without building a `Charge`
        per event; the bill reads them at month end).

        >>> d = Ledger(("a",)).deferred(2, lambda: ("b", "c"))
        >>> len(d), list(d + ("d",))
        (3, ['a', 'b', 'c', 'd'])
        """
        new = Ledger.__new__(Ledger)
        new._last, new._prev, new._len, new._items = _Deferred(n, make), self, self._len + n, None
        return new

    def _tuple(self) -> tuple:
        if self._items is None:
            out, node = [], self
            while node._items is None:  # back to the empty ledger or a materialised ancestor
                last = node._last
                if type(last) is _Deferred:
                    out.extend(reversed(last.items()))
                else:
                    out.append(last)
                node = node._prev
            self._items = node._items + tuple(reversed(out))
        return self._items

    def __iter__(self):
        return iter(self._tuple())

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):
        return self._tuple()[i]

    def __eq__(self, other) -> bool:
        if isinstance(other, Ledger | tuple):
            return len(self) == len(other) and self._tuple() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __repr__(self) -> str:
        return f"Ledger({self._tuple()!r})"


class _Deferred:
    """A ledger node's `n` items, made on first use."""

    __slots__ = ("n", "make", "made")

    def __init__(self, n: int, make: Callable[[], tuple]) -> None:
        self.n, self.make, self.made = n, make, None

    def items(self) -> tuple:
        if self.made is None:
            self.made = tuple(self.make())
            if len(self.made) != self.n:
                raise ValueError(f"a deferred ledger chunk promised {self.n} items and made "
                                 f"{len(self.made)}")
            self.make = None
        return self.made


EMPTY_LEDGER = Ledger()


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One line (MSISDN) and what the tariff needs to know about it.

    `package` is the monthly national allowance of the subscriber's plan (minutes in seconds,
    SMS, KB): an input, since plan allowances are not part of the seeds; family bonuses are a
    percentage of it. `bonus` is what is left of this month's bonus (family groups).
    """

    msisdn: str  # E.164 digits without "+", e.g. "381631234567"
    segment: str
    plan: str | None = None
    activated: datetime | None = None
    balance: Money | None = None
    language: str | None = None
    package: Allowance = Allowance()
    passes: tuple[ActivePass, ...] = ()
    bonus: Allowance = Allowance()
    ledger: Ledger = EMPTY_LEDGER
    suspended: bool = False
    previous_balance: Money | None = None  # carried to the next bill: + unpaid, - overpaid
    grants: tuple[str, ...] = ()  # numbers allowed to see this line's balance

    def __post_init__(self) -> None:
        if type(self.ledger) is not Ledger:
            object.__setattr__(self, "ledger", Ledger(self.ledger))

    def with_(self, **changes) -> Subscriber:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class World:
    """Every subscriber, plus the state shared between them (family groups and invitations,
    requests deferred by a billing window). `extra` holds engine-owned state by engine name."""

    subscribers: Mapping[str, Subscriber] = field(default_factory=frozen_map)
    extra: Mapping[str, object] = field(default_factory=frozen_map)

    def subscriber(self, msisdn: str) -> Subscriber:
        try:
            return self.subscribers[msisdn]
        except KeyError:
            raise InvalidEvent(f"no subscriber {msisdn} in this world", msisdn=msisdn) from None

    def with_subscriber(self, sub: Subscriber) -> World:
        subs = dict(self.subscribers)
        subs[sub.msisdn] = sub
        return replace(self, subscribers=MappingProxyType(subs))

    def get(self, engine: str, default=None):
        return self.extra.get(engine, default)

    def with_extra(self, engine: str, value: object) -> World:
        extra = dict(self.extra)
        extra[engine] = value
        return replace(self, extra=MappingProxyType(extra))


def world_of(*subscribers: Subscriber) -> World:
    """A world holding these subscribers.

    >>> w = world_of(Subscriber("381631234567", "prepaid"))
    >>> w.subscriber("381631234567").segment
    'prepaid'
    """
    return World(frozen_map({s.msisdn: s for s in subscribers}))
