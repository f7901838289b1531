"""Passes: activating them, consuming them while rating, their quota and their expiry.

`engine.passes` (a `Passes`) offers `activate`, `quota`, `expire` and, for `runtime.rating`,
`consume`. A pass applies to an event only while active (`activated <= at < expires`: a
24-hour pass activated at 10:00 covers 09:59:59 the next day, not 10:00:00) and only where it
is valid (`where roaming`: any roaming zone; `where network X`: registered on X; `where
zones`: in those zones). Consumption, in this order (docs/runtime/passes.md):

a. a free rule (Dnevna karta: outgoing calls to Telenor Srbija and Telenor Crna Gora numbers,
   all incoming calls, data: at full speed for the quota, then throttled, still free);
b. a pass rate (SMS at 3,97 RSD while a karta is active);
c. allowances (travel packages): whole charged units (a call's seconds by its interval, data
   by its blocks), across active passes in activation order; the rest is charged pro rata at
   the price list's price, and per-event prices (7,01 RSD per incoming call) are charged;
d. otherwise the price list (runtime.rating).

>>> from datetime import datetime, timezone
>>> from runtime.engine import Engine
>>> from runtime.money import Money
>>> from runtime.state import Subscriber, world_of
>>> op = {"id": "demo", "currency": "RSD", "languages": ("en",), "rounding": None}
>>> karta = {"name": "Dnevna karta", "names": {}, "segments": (), "plans": (),
...          "price": {"amount": Decimal(199), "currency": "RSD", "per": None, "per_amount": 1},
...          "validity_seconds": 86400, "where": ("roaming", ()), "exclusive": "karta",
...          "allowances": (), "free": (), "full_speed_kb": None, "throttle_kbps": None,
...          "rates": (), "category": "Dnevna karta", "source": "p:1"}
>>> engine = Engine({"operator": op, "passes": {"passes": (karta,)}})
>>> world = world_of(Subscriber("381631234567", "prepaid", balance=Money(500, "RSD")))
>>> at = datetime(2024, 7, 1, 10, tzinfo=timezone.utc)
>>> world, out = engine.passes.activate(world, "381631234567", "Dnevna karta", at, "code")
>>> out.charge, out.data["expires"], world.subscriber("381631234567").balance
(Money('199', 'RSD'), '2024-07-02T10:00:00+00:00', Money('301', 'RSD'))
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

from runtime.errors import InvalidEvent, OutOfOrder
from runtime.events import Outcome, Tick
from runtime.money import Money
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.rating import ZERO, builder, rest_amount
from runtime.state import ActivePass, Allowance, Charge, World
from runtime.versions import PassVersions, dated
from runtime.taxes import gross

_with_full_speed = builder(ActivePass, ("full_speed_kb",))  # the hot path of free data

# Allowance unit -> (field of runtime.state.Allowance, units of that field per unit).
FIELDS = {"min": ("seconds", 60), "sms": ("sms", 1), "KB": ("kb", 1)}
PER_UNITS = {"sms": 1, "mms": 1, "KB": 1, "MB": 1024, "min": 60, "s": 1}


class PassDef(NamedTuple):
    """A pass as the runtime uses it (from the `passes` table)."""

    name: str
    segments: tuple[str, ...]
    plans: tuple[str, ...]
    price: Decimal
    validity: timedelta
    where: str  # "roaming", "network", "zones"
    where_names: frozenset
    exclusive: str | None
    allowances: dict  # service -> (Allowance field, source)
    included: Allowance  # what a fresh activation holds
    free: dict  # service -> (frozenset of networks, or None: anywhere; source; rule)
    full_speed_kb: int | None
    throttle_kbps: int | None
    rates: dict  # service -> (price, per units, label, source, rule)
    category: str
    source: str


def _definition(p: dict) -> PassDef:
    allowances, included = {}, {}
    for a in p["allowances"]:
        field, k = FIELDS[a["unit"]]
        included[field] = a["amount"] * k
        for service in a["services"]:
            allowances[service] = (field, a["source"])
    free = {f["service"]: (None if f["to"] is None else frozenset(f["to"][1]), f["source"],
                           f"free {f['service']} with {p['name']}") for f in p["free"]}
    rates = {r["service"]: (r["price"]["amount"], PER_UNITS[r["price"]["per"]] * r["price"]["per_amount"],
                            r["price"]["per"], r["source"], f"{r['service']} with {p['name']}")
             for r in p["rates"]}
    kind, names = p["where"]
    return PassDef(p["name"], p["segments"], p["plans"], p["price"]["amount"],
                   timedelta(seconds=p["validity_seconds"]), kind, frozenset(names), p["exclusive"],
                   allowances, Allowance(**included), free, p["full_speed_kb"], p["throttle_kbps"],
                   rates, p["category"], p["source"])


def free_data_facts(d: PassDef, fast: int, left: int, amount: int) -> dict:
    """The outcome facts of free data under a pass with a full-speed quota: `fast` KB of
    `amount` at full speed, `left` KB of full speed after it, the rest throttled."""
    facts = {"pass": d.name, "full_speed_kb": fast, "full_speed_kb_left": left,
             "throttled": amount > fast}
    if amount > fast:
        facts["throttle_kbps"] = d.throttle_kbps
    return facts


def _applies(d: PassDef, place) -> bool:
    if place.zone is None:  # at home
        return False
    if d.where == "roaming":
        return True
    if d.where == "network":
        return place.network in d.where_names
    return place.zone in d.where_names


class Passes:
    """The passes of one operator (`engine.passes`)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.currency = engine.currency
        self.vat = engine.tables["operator"].get("vat")  # runtime.taxes: prepaid pays gross
        self.country_code = COUNTRY_CODES.get(engine.tables["operator"].get("country", ""), "")
        entries = engine.tables["passes"]["passes"]
        self.by_name = {p["name"]: _definition(p) for p in entries}
        # Effective dates (runtime.versions): the versions of each pass, None when undated.
        self.versions = None
        if dated(entries):
            self.versions = PassVersions(entries, _definition,
                                         ZoneInfo(engine.tables["operator"]["timezone"]))
            engine.versioned = True

    def definition(self, p: ActivePass) -> PassDef | None:
        """The terms of a bought pass: those of the version it was bought under."""
        if self.versions is None:
            return self.by_name.get(p.name)
        return self.versions.get((p.name, p.version))

    def _subscriber(self, world: World, msisdn: str):
        sub = world.subscribers.get(msisdn)
        return sub if sub is not None else world.subscriber(normalise(msisdn, self.country_code))

    def activate(self, world: World, msisdn: str, pass_name: str, at, channel: str | None = None
                 ) -> tuple[World, Outcome]:
        """Buy `pass_name` at `at`: eligibility, price (from a prepaid balance, onto the
        ledger as a one-time charge), exclusivity (ends the active pass of its group)."""
        sub = self._subscriber(world, msisdn)
        d = self.by_name.get(pass_name)
        if d is None:
            raise InvalidEvent(f"no pass named `{pass_name}`; one of: {', '.join(self.by_name)}",
                               pass_name=pass_name)
        if sub.activated is not None and at < sub.activated:
            raise OutOfOrder(f"activation at {at.isoformat()} is before the line was activated",
                             msisdn=sub.msisdn)
        version = None
        if self.versions is not None:
            d, version = self.versions.at(pass_name, at)
            if d is None:
                facts = {"pass": pass_name, "channel": channel,
                         "on sale": self.versions.sold(pass_name)}
                return world, Outcome(sub.msisdn, False, None, (), f"activate {pass_name}",
                                      self.by_name[pass_name].source, "",
                                      f"{pass_name} is not on sale on "
                                      f"{at.astimezone(self.versions.tz).date().isoformat()}",
                                      MappingProxyType(facts))
        facts = {"pass": d.name, "channel": channel}
        if (d.segments or d.plans) and sub.segment not in d.segments and sub.plan not in d.plans:
            who = ", ".join(d.segments + d.plans)
            return world, Outcome(sub.msisdn, False, None, (), "eligibility", d.source, "",
                                  f"{d.name} is only for {who} subscribers", MappingProxyType(facts))
        price = Money(d.price, self.currency)
        balance = sub.balance
        if balance is not None:
            paid = gross(d.price, self.vat)
            if balance.amount < paid:
                facts.update(price=str(d.price), balance=str(balance.amount))
                return world, Outcome(sub.msisdn, False, None, (), f"activate {d.name}", d.source,
                                      "", "insufficient balance", MappingProxyType(facts))
            balance = balance - Money(paid, self.currency)
        kept, cancelled = [], []
        for p in sub.passes:
            if p.expires <= at:
                continue  # expired: dropped
            other = self.definition(p)
            if d.exclusive is not None and other is not None and other.exclusive == d.exclusive:
                cancelled.append(p.name)
                continue
            kept.append(p)
        # Validity is elapsed time ("24 sata"): added in UTC, so that a day pass bought on the
        # eve of a DST change still lasts 24 hours when `at` carries a zone (zoneinfo).
        # Kept in UTC: Python compares two times of one zoneinfo zone by their wall clocks, so
        # a local end time would be wrong in the hour a DST change repeats; a UTC one compares
        # as an instant with any event time.
        start = at.astimezone(timezone.utc)
        new = ActivePass(d.name, start, start + d.validity, d.included, d.full_speed_kb, version)
        entry = Charge(at, "one_time", d.category, price, 1, "pass")
        sub = sub.with_(balance=balance, passes=(*kept, new), ledger=sub.ledger + (entry,))
        facts.update(activated=at.isoformat(), expires=new.expires.astimezone(at.tzinfo).isoformat(),
                     cancelled=tuple(cancelled), category=d.category)
        return world.with_subscriber(sub), Outcome(sub.msisdn, True, price, (), f"activate {d.name}",
                                                   d.source, "", "", MappingProxyType(facts))

    def quota(self, world: World, msisdn: str, at) -> Outcome:
        """What the active passes still hold at `at` (*124#): full-speed data of a day or week
        pass (`full_speed_kb`, None without one), and each pass's allowances left."""
        sub = self._subscriber(world, msisdn)
        active = [p for p in sub.passes if p.activated <= at < p.expires]
        rows = tuple({"pass": p.name, "expires": p.expires.astimezone(at.tzinfo).isoformat(), "seconds": p.left.seconds,
                      "sms": p.left.sms, "kb": p.left.kb, "full_speed_kb": p.full_speed_kb}
                     for p in active)
        speed = next((p for p in active if p.full_speed_kb is not None), None)
        found = None if speed is None else self.definition(speed)
        source = "" if found is None else found.source
        return Outcome(sub.msisdn, True, Money(ZERO, self.currency), (), "quota", source, "", "",
                       MappingProxyType({"full_speed_kb": None if speed is None else speed.full_speed_kb,
                                         "passes": rows}))

    def expire(self, world: World, at, msisdn: str | None = None) -> tuple[World, dict]:
        """Drop passes that ended by `at` (of one subscriber, or all): msisdn -> names."""
        expired = {}
        subs = [self._subscriber(world, msisdn)] if msisdn is not None else list(world.subscribers.values())
        for sub in subs:
            ended = tuple(p.name for p in sub.passes if p.expires <= at)
            if ended:
                expired[sub.msisdn] = ended
                world = world.with_subscriber(sub.with_(passes=tuple(p for p in sub.passes
                                                                     if p.expires > at)))
        return world, expired

    def on_tick(self, world: World, ev: Tick, explain: bool) -> tuple[World, Outcome]:
        world, expired = self.expire(world, ev.at, ev.msisdn)
        return world, Outcome(ev.msisdn, True, None, (), "passes expire", "", "", "",
                              MappingProxyType({"expired": expired}))

    def decide(self, defs: tuple[PassDef, ...], place, service: str, party_net: str | None,
               rate) -> tuple | None:
        """What the active passes `defs` (in the subscriber's order) do to `service` at `place`
        priced by `rate`, whatever the quotas left: None (nothing), `("free", k, free)`,
        `("rate", k, r)` (the pass's own price) or `("allowances", ks)` (covered from the
        allowances left, if any, of the passes `ks` that apply there); `k` indexes `defs`. A pure function of its arguments, so
        `runtime.batch` can memoise it.

        Order: (a) a free rule of any pass that applies there, (b) a pass's own price,
        (c) allowances, and only for a metered price."""
        applying = [k for k, d in enumerate(defs) if _applies(d, place)]
        for k in applying:  # (a) free
            free = defs[k].free.get(service)
            if free is not None and (free[0] is None or party_net in free[0]):
                return "free", k, free
        for k in applying:  # (b) a pass's own price
            r = defs[k].rates.get(service)
            if r is not None:
                return "rate", k, r
        if rate.price is None or (rate.price == 0 and rate.first_price is None):
            return None  # nothing metered for an allowance to cover
        if any(service in defs[k].allowances for k in applying):
            return "allowances", tuple(applying)
        return None

    def consume(self, sub, ev, place, party_net: str | None, rate, billed: int, exact: Decimal,
                explain: bool):
        """What the subscriber's passes do to a priced event, or None when none applies:
        (passes after it, exact amount, rule, source, facts, arithmetic)."""
        at = ev.at
        if self.versions is None:
            active = [(i, p, self.by_name[p.name]) for i, p in enumerate(sub.passes)
                      if p.activated <= at < p.expires and p.name in self.by_name]
        else:  # each pass by the terms of the version it was bought under
            active = [(i, p, d) for i, p in enumerate(sub.passes)
                      if p.activated <= at < p.expires
                      and (d := self.versions.get((p.name, p.version))) is not None]
        if not active:
            return None
        decision = self.decide(tuple(d for _, _, d in active), place, ev.service, party_net, rate)
        if decision is None:
            return None
        if decision[0] == "free":
            i, p, d = active[decision[1]]
            return self._free(sub, ev, i, p, d, decision[2], explain)
        if decision[0] == "rate":
            d, r = active[decision[1]][2], decision[2]
            amount = r[0] * ev.amount / r[1]
            text = f"{ev.amount} x {r[0]} {self.currency}/{r[2]} ({d.name})" if explain else ""
            return sub.passes, amount, r[4], r[3], {"pass": d.name}, text
        return self._allowances(sub, ev, [active[k] for k in decision[1]], rate, billed, explain)

    def _free(self, sub, ev, i, p, d, free, explain):
        facts = {"pass": d.name}
        passes = sub.passes
        text = f"{ev.amount} {self.engine.rating.units.get(ev.service, 's')} free" if explain else ""
        if ev.service == "data" and d.full_speed_kb is not None:
            left = p.full_speed_kb or 0
            fast = min(left, ev.amount)
            passes = passes[:i] + (_with_full_speed(p, left - fast),) + passes[i + 1:]
            facts = free_data_facts(d, fast, left - fast, ev.amount)
            if explain and ev.amount > left:
                text += f": {fast} KB at full speed, {ev.amount - fast} KB at " \
                        f"{d.throttle_kbps} kbps"
        return passes, ZERO, free[2], free[1], facts, text

    def _allowances(self, sub, ev, active, rate, billed: int, explain: bool):
        remaining = billed
        passes = list(sub.passes)
        used = []
        for i, p, d in active:
            a = d.allowances.get(ev.service)
            if a is None:
                continue
            field = a[0]
            left = getattr(p.left, field) or 0
            if left <= 0:
                continue
            take = min(left, remaining)
            passes[i] = replace(p, left=replace(p.left, **{field: left - take}))
            remaining -= take
            used.append((d.name, take, left - take, a[1]))
            if remaining == 0:
                break
        if not used:
            return None
        amount = rest_amount(rate, remaining) + rate.flat
        facts = {"pass": used[0][0], "covered": billed - remaining, "charged": remaining,
                 "left": used[-1][2]}
        text = ""
        if explain:
            text = f"{ev.amount} {rate.unit} at {rate.notation} = {billed} {rate.unit}: " + \
                   ", ".join(f"{take} {rate.unit} from {name}" for name, take, _, _ in used)
            if remaining:
                text += f", {remaining} {rate.unit} x {rate.price} {self.currency}/{rate.per_label}"
            if rate.flat:
                text += f" + {rate.flat} {self.currency} per event"
        return tuple(passes), amount, f"{ev.service} from {used[0][0]}", used[0][3], facts, text


def install(engine) -> None:
    """Expose `engine.passes`; let `Tick` events expire passes."""
    engine.passes = Passes(engine)
    engine.on(Tick, engine.passes.on_tick)
