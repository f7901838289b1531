"""`Engine.run`'s fast path: a run of usage events rated on mutable accounts.

`Engine.apply` is pure: every event returns a new `World`, a new `Subscriber`, a `Charge`
and an `Outcome`. That is what scenarios and `dial`/`sms` need, but building those immutable
objects costs several times the rating itself. A batch of usage records (a CDR file, a day
of traffic) only needs the world at the end, so `Engine.run` gives its events to `Batch.run`:

- each subscriber's balance (in integer quanta of the operator's rounding), passes' full-speed
  data and new ledger lines live in a mutable `_Account` during the run, and go back into the
  world once, when the run ends or before an event the fast path does not take;
- prices become integer kernels: a charge is `round(N / D)` in quanta, computed exactly with
  integers (the same value as the `Decimal` arithmetic of `runtime.rating`, since both are
  exact up to the final rounding);
- what depends only on the tables is memoised per (country, network, service) "spot": the
  place, the rate (per prefix of the other party's number where a network prices by
  destination) and what the active passes do there (`Passes.decide`);
- an event is recorded as itself (or, where a pass did something or the balance refused it,
  as a small tuple) and becomes an `Outcome` only when read (`Outcomes`); its ledger line
  is made only when the ledger is read (`Ledger.deferred`). A run of plain roaming usage
  allocates next to nothing per event.

Anything else goes through `Engine.apply` unchanged: events other than `Usage`, usage at home
(family hooks), allowances of passes, unknown subscribers or spellings that need
normalising, a currency or rounding the kernels do not cover, and every event that raises.
`tests/runtime/test_batch.py` checks that `run` and a fold of `apply` agree on everything:
outcomes, the final world and its ledgers.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Sequence

from runtime.errors import TariffError
from runtime.events import Outcome, Usage, Where
from runtime.money import HALF_UP, UP
from runtime.passes import free_data_facts
from runtime.rating import _SERVICES, Rate, amount_of, builder, usage_data
from runtime.state import ActivePass, Charge, Subscriber, World

_SLOW = object()  # a spot or party the fast path leaves to `Engine.apply`
_NONE: dict = {}  # an empty level of `Batch.spots`, never written
MEMO_LIMIT = 65536  # entries per memo table: past it, work things out afresh each time
_outcome = builder(Outcome)
_charge = builder(Charge)
_rated = builder(Subscriber, ("balance", "passes", "ledger"))
_world = builder(World, ("subscribers",))
_with_full_speed = builder(ActivePass, ("full_speed_kb",))


class _Spot:
    """What the tables say about one (country, network, service): the place and either its
    one rate (`kernel`) or, where the price depends on the other party, a memo by prefix."""

    __slots__ = ("place", "service", "rate", "kernel", "by_party", "parties")

    def __init__(self, place, service: str, rate, kernel) -> None:
        self.place, self.service, self.rate, self.kernel = place, service, rate, kernel
        self.by_party = rate is None  # a network list: the rate depends on the party
        self.parties: dict = {}  # party prefix (or None) -> _Party or _SLOW


def charge_of(kern: tuple, qty: int) -> tuple[int, int]:
    """(billed units, quanta) of `qty` units at a `kernel` (runtime.rating's amount_of,
    rounded); `Batch.run` inlines the same lines.

    >>> from runtime.rating import Rate
    >>> r = Rate(60, 60, None, Decimal("119.90"), 60, "min", "s", Decimal("119.90"),
    ...          Decimal(0), "60/60", "", "", "")
    >>> [charge_of(kernel(r, 2, "half-up"), s) for s in (0, 1, 60, 61)]
    [(0, 0), (60, 11990), (60, 11990), (120, 23980)]
    """
    if not qty:
        return 0, 0
    first, nxt, sub, price, base, d = kern
    billed = first if qty <= first else first - (first - qty) // nxt * nxt
    return billed, (price * (billed - sub) + base) // d


class _Party:
    """What a spot charges one party (by the first digits of its number): the rate, its
    kernel, the party's network, and the pass effects by active pass names."""

    __slots__ = ("rate", "kernel", "net", "effects")

    def __init__(self, rate, kernel, net) -> None:
        self.rate, self.kernel, self.net, self.effects = rate, kernel, net, {}


class _Account:
    """One subscriber's mutable state during a run."""

    __slots__ = ("sub", "activated", "bal", "bal0", "passes", "fs", "known", "names", "key", "lo",
                 "hi", "entries", "add")

    def __init__(self, sub: Subscriber, bal: int | None, defs: dict) -> None:
        self.sub, self.activated, self.bal, self.bal0 = sub, sub.activated, bal, bal
        self.passes = sub.passes
        self.fs = [p.full_speed_kb for p in sub.passes]  # full-speed KB left, per pass
        # Passes all active in [lo, hi): their names are then the key of the pass effects.
        self.known = [i for i, p in enumerate(sub.passes) if p.name in defs]
        known = [sub.passes[i] for i in self.known]
        self.names = tuple(p.name for p in known)
        self.key = "\n".join(self.names)  # a str: its hash is computed once
        self.lo = max((p.activated for p in known), default=None)
        self.hi = min((p.expires for p in known), default=None)
        self.entries: list = []  # the records of charged events, for the ledger
        self.add = self.entries.append


class Outcomes(Sequence):
    """The outcomes of a run, in event order; each is built from its record when read."""

    __slots__ = ("_items", "_make")

    def __init__(self, items: list, make) -> None:
        self._items, self._make = items, make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._items)))]
        item = self._items[i]
        if type(item) is not Outcome:
            item = self._items[i] = self._make(item)
        return item

    def __iter__(self):
        for i in range(len(self._items)):
            yield self[i]

    def records(self) -> list:
        """What the run kept per event, unbuilt (for bulk readers such as runtime.cdr): an
        `Outcome`, the `Usage` itself (charged at its rate: `Batch.record` says how), or a
        record tuple `(ev, spot, rate, billed, quanta or None, effect, info)` that
        `Batch.outcome` turns into an `Outcome`."""
        return self._items

    def __eq__(self, other) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Outcomes({list(self)!r})"


def kernel(rate, quantum_digits: int, mode: str):
    """The integer form of a `runtime.rating.Rate`: `(first, next, sub, price, base, d)` such
    that a billed quantity `b` (> 0) costs `(price * (b - sub) + base) // d` quanta, rounded
    by `mode`. Money is scaled to whole units of 10**-k, k the most decimals of the rate's
    amounts and of the quantum; the exact amount is `(p * (b - sub) + f * per) / (per * 10**k)`
    (p the price per `per` units, f the first-block price plus the per-event part), and
    half-up rounding to a quantum `q` of 10**-k units is `(2x + q) // 2q`, ceiling
    `(x + q - 1) // q`.

    >>> from runtime.rating import Rate
    >>> r = Rate(60, 60, None, Decimal("119.90"), 60, "min", "s", Decimal("119.90"),
    ...          Decimal(0), "60/60", "", "", "")
    >>> kernel(r, 2, "half-up")  # (2 * 11990 * b + 60) // (2 * 60) cents
    (60, 60, 0, 23980, 60, 120)
    >>> first, nxt, sub, price, base, d = kernel(r, 2, "half-up")
    >>> (price * (120 - sub) + base) // d  # 61 s -> 120 s billed: 2 x 119.90 = 239.80
    23980
    """
    first_price = rate.first_price or 0
    amounts = [a for a in (first_price, rate.price or 0, rate.flat) if a]
    k = max([quantum_digits] + [-Decimal(a).as_tuple().exponent for a in amounts])
    scale = Decimal(10) ** k
    price = int((rate.price or 0) * scale)
    sub = rate.first if rate.first_price is not None else 0
    per = rate.per if rate.price is not None else 1
    base = int((first_price + rate.flat) * scale) * per
    d = per * 10 ** (k - quantum_digits)
    if mode == HALF_UP:
        return rate.first, rate.next, sub, 2 * price, 2 * base + d, 2 * d
    return rate.first, rate.next, sub, price, base + d - 1, d


class Batch:
    """The fast path of one engine (`engine.batch`); `None` when its tables do not allow one
    (no rating, effective dates (runtime.versions: each event is then rated by `apply`, by
    the version in force at its time), or a rounding that is not to a power of ten)."""

    @classmethod
    def of(cls, engine) -> Batch | None:
        rating = getattr(engine, "rating", None)
        vat = engine.tables["operator"].get("vat")
        if vat is not None and not vat["included"]:
            return None  # prepaid balances pay net + VAT per charge: the slow path (runtime.taxes)
        if rating is None or getattr(engine, "versioned", False) or not rating.fast_quantum \
                or rating.mode not in (HALF_UP, UP) \
                or [h for _, h in engine.handlers.get(Usage, ())] != [rating.on_usage]:
            return None
        exponent = rating.quantum.as_tuple().exponent
        return cls(engine) if exponent <= 0 else None

    def __init__(self, engine) -> None:
        self.engine = engine
        self.rating = engine.rating
        self.passes = getattr(engine, "passes", None)
        self.defs = {} if self.passes is None else self.passes.by_name
        self.currency = engine.currency
        self.digits = -self.rating.quantum.as_tuple().exponent
        # service -> country -> network -> _Spot or _SLOW (three lookups of strings, whose
        # hashes are cached, beat hashing a 3-tuple per event)
        self.spots: dict[str, dict] = {}
        self.kernels: dict = {}  # Rate -> its kernel
        self.n_spots = 0

    # -- tables --------------------------------------------------------------------------

    def _kernel(self, rate):
        found = self.kernels.get(rate)
        if found is None:
            found = kernel(rate, self.digits, self.rating.mode)
            if len(self.kernels) < MEMO_LIMIT:
                self.kernels[rate] = found
        return found

    def _spot(self, country, network, service):
        spot = _SLOW
        if service in _SERVICES and (country is not None or network is not None) \
                and country != self.rating.home_country:  # the operator's country is home
            try:
                place = self.rating.place(Where(country, network))
                rate = None if place.network_list is not None else \
                    self.rating.price(place, service, None, None)
                spot = _Spot(place, service, rate, None if rate is None else self._kernel(rate))
            except TariffError:
                spot = _SLOW
        if self.n_spots < MEMO_LIMIT:  # (networks as phones show them are open-ended)
            self.n_spots += 1
            self.spots.setdefault(service, {}).setdefault(country, {})[network] = spot
        return spot

    def _party(self, spot: _Spot, key: str | None, digits: str | None):
        """The `_Party` of `spot` for a party (normalised digits, `key` their first digits,
        or None), or `_SLOW`."""
        rating = self.rating
        party_net = None if digits is None else rating.party(digits)[0]
        if spot.by_party:
            try:
                rate = rating.price(spot.place, spot.service, digits, party_net)
            except TariffError:
                if len(spot.parties) < MEMO_LIMIT:
                    spot.parties[key] = _SLOW
                return _SLOW
            found = _Party(rate, self._kernel(rate), party_net)
        else:
            found = _Party(spot.rate, spot.kernel, party_net)
        if len(spot.parties) < MEMO_LIMIT:
            spot.parties[key] = found
        return found

    def _effect(self, spot: _Spot, party: _Party, acct: _Account):
        """`Passes.decide` for the account's active passes, memoised in `party`; `_SLOW` for
        allowances; () for nothing."""
        defs = tuple(self.defs[n] for n in acct.names)
        decision = self.passes.decide(defs, spot.place, spot.service, party.net, party.rate)
        if decision is None:
            found = ()
        elif decision[0] == "free":
            d = defs[decision[1]]
            counts = spot.service == "data" and d.full_speed_kb is not None
            found = ("free", decision[1], decision[2], d, counts)
        elif decision[0] == "rate":
            r = decision[2]
            # A pass rate is `price * amount / per`: no intervals, no per-event part.
            as_rate = Rate(1, 1, None, r[0], r[1], "", "", None, Decimal(0), "", "", "", "")
            found = ("rate", decision[1], r, defs[decision[1]],
                     kernel(as_rate, self.digits, self.rating.mode))
        else:
            found = _SLOW
        party.effects[acct.key] = found
        return found

    # -- accounts ------------------------------------------------------------------------

    def _load(self, world: World, msisdn: str) -> _Account | None:
        sub = world.subscribers.get(msisdn)
        if sub is None:
            return None  # unknown, or a spelling to normalise: Engine.apply says which
        bal = None
        if sub.balance is not None:
            amount = sub.balance.amount
            if sub.balance.currency != self.currency or amount.as_tuple().exponent < -self.digits:
                return None
            bal = int(amount.scaleb(self.digits))
        return _Account(sub, bal, self.defs)

    def _flush(self, world: World, accounts: dict) -> World:
        """The world with every account's changes, as `Engine.apply` would have left it."""
        subs = None
        for acct in accounts.values():
            entries = acct.entries
            passes = acct.passes
            if any(f != p.full_speed_kb for f, p in zip(acct.fs, passes)):
                passes = tuple(p if f == p.full_speed_kb else _with_full_speed(p, f)
                               for f, p in zip(acct.fs, passes))
            if not entries and passes is acct.passes:
                continue
            sub = acct.sub
            balance = sub.balance
            if acct.bal != acct.bal0:  # charges only ever lower it
                balance = self._money(acct.bal)
            ledger = sub.ledger
            if entries:
                ledger = ledger.deferred(len(entries), self._charges(entries))
            if subs is None:
                subs = world.subscribers
                subs = subs.copy() if type(subs) is MappingProxyType else dict(subs)
            subs[sub.msisdn] = _rated(sub, balance, passes, ledger)
        accounts.clear()
        return world if subs is None else _world(world, MappingProxyType(subs))

    def _money(self, quanta: int):
        from runtime.rating import _money
        return _money(Decimal(quanta).scaleb(-self.digits), self.currency)

    def _charges(self, records: list):
        def make():
            money, full = self._money, self._record
            out = []
            for r in records:
                if type(r) is not tuple:
                    r = full(r)
                out.append(_charge(r[0].at, "traffic", r[2].category, money(r[4]), r[0].amount,
                                   r[2].unit))
            return out
        return make

    def record(self, ev: Usage) -> tuple:
        """The record tuple of a usage `run` kept as itself (see `Outcomes.records`)."""
        return self._record(ev)

    def _record(self, ev: Usage) -> tuple:
        """The full record of an event the run kept as itself (rated at its rate, no pass
        effect, not refused): what it was is a pure function of the tables."""
        where = ev.where
        spot = self.spots.get(ev.service, _NONE).get(where.country, _NONE).get(where.network) \
            or self._spot(where.country, where.network, ev.service)
        priced = spot
        if spot.by_party:
            party = ev.party
            digits = None if party is None else party[1:] if party[:1] == "+" else party
            key = None if digits is None else digits[:self.rating.prefix_len]
            priced = spot.parties.get(key) or self._party(spot, key, digits)
        billed, quanta = charge_of(priced.kernel, ev.amount)
        return ev, spot, priced.rate, billed, quanta, None, None

    # -- outcomes ------------------------------------------------------------------------

    def rule(self, record: tuple) -> tuple[str, str, int]:
        """(rule, source, billed units) of a record tuple: its rate's, or its pass effect's
        (what `outcome` puts in the `Outcome`, without building one)."""
        ev, _, rate, billed, _, effect, _ = record
        if not effect:
            return rate.rule, rate.source, billed
        if billed is None:  # the run did not need it
            billed = amount_of(rate, ev.amount)[0]
        if effect[0] == "free":
            return effect[2][2], effect[2][1], billed
        return effect[2][4], effect[2][3], billed

    def outcome(self, record) -> Outcome:
        """The `Outcome` of a record `(ev, spot, rate, billed, quanta or None, effect, info)`
        or of an event kept as itself, exactly as `runtime.rating` builds it."""
        if type(record) is Outcome:
            return record
        if type(record) is not tuple:
            record = self._record(record)
        ev, spot, rate, billed, quanta, effect, info = record
        rule, source, billed = self.rule(record)
        facts = None
        if effect:
            d = effect[3]
            if effect[0] == "free":
                fast = min(info, ev.amount) if effect[4] else 0  # info: full speed KB before
                facts = free_data_facts(d, fast, info - fast, ev.amount) if effect[4] \
                    else {"pass": d.name}
            else:
                facts = {"pass": d.name}
        data = usage_data(spot.place, ev, billed, rate.unit, facts)
        if quanta is None:  # refused: info is (charge, balance) as text
            data["charge"], data["balance"] = info
            return _outcome(ev.msisdn, False, None, (), rule, source, "", "insufficient balance",
                            MappingProxyType(data))
        return _outcome(ev.msisdn, True, self._money(quanta), (), rule, source, "", "",
                        MappingProxyType(data))

    # -- the run -------------------------------------------------------------------------

    def run(self, world: World, events) -> tuple[World, Outcomes]:
        """`Engine.run(world, events)` with explanations off. One loop, everything in
        locals: this is the hot path of bulk rating (see the module's docstring)."""
        apply = self.engine.apply
        spots, accounts = self.spots, {}
        digits_q = self.digits
        plen = self.rating.prefix_len
        load, new_spot, new_party, new_effect = self._load, self._spot, self._party, self._effect
        out = []
        append = out.append
        for ev in events:
            try:
                if type(ev) is not Usage:
                    raise _Slow
                acct = accounts.get(ev.msisdn)
                if acct is None:
                    acct = load(world, ev.msisdn)
                    if acct is None:
                        raise _Slow
                    accounts[ev.msisdn] = acct
                at, qty = ev.at, ev.amount
                # A naive or non-datetime `at` fails here or in a comparison below
                # (TypeError): Engine.apply then raises the proper error.
                if at.tzinfo is None or type(qty) is not int or qty < 0 \
                        or (acct.activated is not None and at < acct.activated):
                    raise _Slow
                where = ev.where
                spot = spots.get(ev.service, _NONE).get(where.country, _NONE) \
                    .get(where.network)
                if spot is None:
                    spot = new_spot(where.country, where.network, ev.service)
                if spot is _SLOW:
                    raise _Slow
                digits = party = ev.party
                if party is not None:  # E.164 digits, with or without "+" ("": IndexError)
                    if party[0] == "+":
                        digits = party[1:]
                    n = len(digits)
                    if n < 8 or n > 15 or digits < "1" or not digits.isdigit() \
                            or not digits.isascii():
                        raise _Slow  # other spellings: runtime.numbers.normalise
                names = acct.names
                if names or spot.by_party:
                    if names and qty and not (acct.lo <= at < acct.hi):
                        raise _Slow  # a pass not yet active, or ended
                    key = None if digits is None else digits[:plen]
                    found = spot.parties.get(key)
                    if found is None:
                        found = new_party(spot, key, digits)
                    if found is _SLOW:
                        raise _Slow
                    priced = found
                else:
                    priced = spot
                effect = info = None
                if names and qty:
                    effect = found.effects.get(acct.key)
                    if effect is None:
                        effect = new_effect(spot, found, acct)
                    if effect is _SLOW:
                        raise _Slow
                if effect:  # billed units: worked out when the outcome is read
                    billed = None
                    if effect[0] == "free":
                        quanta = 0
                        if effect[4]:  # data counted against a full-speed quota
                            k = acct.known[effect[1]]
                            left = acct.fs[k] or 0
                            acct.fs[k] = left - qty if qty < left else 0
                            info = left  # full-speed KB before it (`outcome` says the rest)
                    else:
                        _, _, _, price, base, d = effect[4]
                        quanta = (price * qty + base) // d
                elif qty:  # the rate's charge (runtime.rating.amount_of), exactly
                    first, nxt, sub, price, base, d = priced.kernel
                    billed = first if qty <= first else first - (first - qty) // nxt * nxt
                    quanta = (price * (billed - sub) + base) // d
                else:
                    billed = quanta = 0
                if quanta and acct.bal is not None:
                    if quanta > acct.bal:
                        balance = acct.sub.balance.amount if acct.bal == acct.bal0 else \
                            Decimal(acct.bal).scaleb(-digits_q)
                        append((ev, spot, priced.rate, billed, None, effect,
                                (str(Decimal(quanta).scaleb(-digits_q)), str(balance))))
                        continue
                    acct.bal -= quanta
                if effect:
                    record = (ev, spot, priced.rate, billed, quanta, effect, info)
                    acct.add(record)
                    append(record)
                else:  # no pass effect: the event alone says the rest (`_record`)
                    acct.add(ev)
                    append(ev)
            except (_Slow, TypeError, AttributeError, IndexError):  # Engine.apply, on the world so far
                world = self._flush(world, accounts)
                world, outcome = apply(world, ev, False)
                append(outcome)
        return self._flush(world, accounts), Outcomes(out, self.outcome)


class _Slow(Exception):
    """An event the fast path leaves to `Engine.apply`."""
