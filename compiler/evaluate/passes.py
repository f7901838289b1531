"""Passes, read straight from the model: activation, consumption while rating, quota, expiry.

The rules (docs/runtime/passes.md states them with the seed readings):

- activation: a known pass, not before the line's activation; refused (`ok` False) when the
  segment/plan may not buy it or a prepaid balance is below the price; else the price is taken
  from the balance and billed as a one-time charge under the bill's category that lists the
  pass's bill name (else its name), expired passes are dropped and the active pass of the same
  `exclusive` group is cancelled;
- a pass is active while `activated <= at < expires` and applies only roaming, where valid
  (anywhere roaming, on one network, in some zones);
- consumption, for a roaming event: (a) a free rule of an active pass (free data runs at full
  speed for the quota, then throttled, still free); (b) a pass's own rate; (c) allowances, in
  activation order, in whole billed units, the rest pro rata at the price list's price plus
  its per-event part, only where time or volume costs something; (d) else the price list;
- `Tick` drops the passes that ended by then.

>>> from datetime import datetime, timezone
>>> from compiler.check import check_paths
>>> from compiler.evaluate import Evaluator
>>> from runtime.money import Money
>>> from runtime.state import Subscriber, world_of
>>> telenor = next(t for t in check_paths(["specs"]).tariffs if t.id == "telenor_rs")
>>> world = world_of(Subscriber("381631234567", "prepaid", balance=Money(500, "RSD")))
>>> at = datetime(2024, 7, 1, 10, tzinfo=timezone.utc)
>>> world, out = Evaluator(telenor).passes.activate(world, "381631234567", "Dnevna karta", at, "code")
>>> out.charge, out.data["expires"], world.subscriber("381631234567").balance
(Money('199', 'RSD'), '2024-07-02T10:00:00+00:00', Money('301', 'RSD'))
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from compiler.evaluate.rating import UNIT, UNITS_PER, ZERO, Place, Priced, Used
from compiler.evaluate.versions import in_force, local_day, sold, version
from compiler.lower import cite
from compiler.model.passes import Pass
from runtime.errors import InvalidEvent, OutOfOrder
from runtime.events import Outcome, Tick, Usage
from runtime.money import Money
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import ActivePass, Allowance, Charge, Subscriber, World, frozen_map

# An allowance's unit -> the field of `runtime.state.Allowance` and its units per unit.
FIELD = {"min": ("seconds", 60), "sms": ("sms", 1), "KB": ("kb", 1)}


def instant(t: datetime) -> datetime:
    """`t` in UTC: times are compared as instants, whatever zone each carries (two times of one
    zoneinfo zone compare by wall clock, which is wrong in the hour a DST change repeats)."""
    return t.astimezone(timezone.utc)


def ends(at: datetime, seconds: int) -> datetime:
    """When a pass bought at `at` ends, as a UTC instant: `seconds` of elapsed time later (24
    hours are 24 hours across a DST change).

    >>> from zoneinfo import ZoneInfo
    >>> ends(datetime(2024, 3, 30, 10, tzinfo=ZoneInfo("Europe/Belgrade")), 86400).isoformat()
    '2024-03-31T09:00:00+00:00'
    """
    return instant(at) + timedelta(seconds=seconds)


def active(a: ActivePass, at: datetime) -> bool:
    """Whether a pass is active at `at`: from its activation, up to (not including) its end."""
    return instant(a.activated) <= instant(at) < instant(a.expires)


def ended(a: ActivePass, at: datetime) -> bool:
    return instant(a.expires) <= instant(at)


class Passes:
    """The passes area (`evaluator.passes`)."""

    def __init__(self, evaluator) -> None:
        self.evaluator = evaluator
        self.tariff = evaluator.tariff
        self.currency = evaluator.currency
        self.country_code = COUNTRY_CODES.get(self.tariff.operator.country, "")

    def get(self, name: str) -> Pass | None:
        return next((p for p in self.tariff.passes if p.name == name), None)

    def bought(self, a: ActivePass) -> Pass | None:
        """The terms of a bought pass: the version it was bought under (grandfathering)."""
        return next((p for p in self.tariff.passes if p.name == a.name and version(p) == a.version),
                    None)

    def _subscriber(self, world: World, msisdn: str) -> Subscriber:
        sub = world.subscribers.get(msisdn)
        return sub if sub is not None else world.subscriber(normalise(msisdn, self.country_code))

    def category(self, p: Pass) -> str:
        """The bill's one-time category listing the pass's bill name, else the pass's name."""
        for bill in self.tariff.bills:
            for cat in bill.one_time:
                if p.bill_name is not None and p.bill_name in cat.passes:
                    return cat.name
        return p.name

    @staticmethod
    def included(p: Pass) -> Allowance:
        """What a fresh activation of `p` holds."""
        fields = {}
        for a in p.allowances:
            name, k = FIELD[a.unit]
            fields[name] = a.amount * k
        return Allowance(**fields)

    # -- services for commands --------------------------------------------------------------

    def activate(self, world: World, msisdn: str, pass_name: str, at, channel: str | None = None
                 ) -> tuple[World, Outcome]:
        """Buy `pass_name` at `at` (through `channel`): the new world and the outcome."""
        sub = self._subscriber(world, msisdn)
        p = self.get(pass_name)
        if p is None:
            raise InvalidEvent(f"no pass named `{pass_name}`; one of: "
                               f"{', '.join(q.name for q in self.tariff.passes)}", pass_name=pass_name)
        if sub.activated is not None and at < sub.activated:
            raise OutOfOrder(f"activation at {at.isoformat()} is before the line was activated",
                             msisdn=sub.msisdn)
        tz = self.tariff.operator.timezone
        p = next((q for q in self.tariff.passes if q.name == pass_name and in_force(q, at, tz)), None)
        if p is None:  # a version for other days only (the latest version is cited)
            latest = [q for q in self.tariff.passes if q.name == pass_name][-1]
            return world, Outcome(sub.msisdn, False, None, (), f"activate {pass_name}",
                                  cite(latest.span), "", f"{pass_name} is not on sale on "
                                  f"{local_day(at, tz).isoformat()}",
                                  frozen_map({"pass": pass_name, "channel": channel,
                                              "on sale": sold(self.tariff.passes, pass_name)}))
        source = cite(p.span)
        facts = {"pass": p.name, "channel": channel}
        who = p.eligibility
        if not who.everybody and sub.segment not in who.segments and sub.plan not in who.plans:
            return world, Outcome(sub.msisdn, False, None, (), "eligibility", source, "",
                                  f"{p.name} is only for {', '.join(who.segments + who.plans)} "
                                  "subscribers", frozen_map(facts))
        price = Money(p.price.amount, self.currency)
        balance = sub.balance
        if balance is not None:
            paid = Money(price.amount + self.evaluator.vat_on(price.amount), self.currency)  # gross
            if balance < paid:
                facts.update(price=str(price.amount), balance=str(balance.amount))
                return world, Outcome(sub.msisdn, False, None, (), f"activate {p.name}", source,
                                      "", "insufficient balance", frozen_map(facts))
            balance = balance - paid
        kept, cancelled = [], []
        for held in sub.passes:
            if ended(held, at):
                continue  # dropped
            other = self.bought(held)
            if p.exclusive is not None and other is not None and other.exclusive == p.exclusive:
                cancelled.append(held.name)
            else:
                kept.append(held)
        new = ActivePass(p.name, instant(at), ends(at, p.validity_seconds), self.included(p),
                         p.full_speed_kb, version(p))
        category = self.category(p)
        line = Charge(at, "one_time", category, price, 1, "pass")
        sub = sub.with_(balance=balance, passes=(*kept, new), ledger=sub.ledger + (line,))
        facts.update(activated=at.isoformat(), expires=new.expires.astimezone(at.tzinfo).isoformat(),
                     cancelled=tuple(cancelled), category=category)
        return world.with_subscriber(sub), Outcome(sub.msisdn, True, price, (),
                                                   f"activate {p.name}", source, "", "",
                                                   frozen_map(facts))

    def quota(self, world: World, msisdn: str, at) -> Outcome:
        """What the active passes hold at `at`: full-speed data of the first pass that has a
        quota (`full_speed_kb`, None without one) and every active pass's allowances left."""
        sub = self._subscriber(world, msisdn)
        now = [a for a in sub.passes if active(a, at)]
        rows = tuple({"pass": a.name, "expires": a.expires.astimezone(at.tzinfo).isoformat(), "seconds": a.left.seconds,
                      "sms": a.left.sms, "kb": a.left.kb, "full_speed_kb": a.full_speed_kb}
                     for a in now)
        fast = next((a for a in now if a.full_speed_kb is not None), None)
        p = None if fast is None else self.bought(fast)
        return Outcome(sub.msisdn, True, Money(ZERO, self.currency), (), "quota",
                       "" if p is None else cite(p.span), "", "",
                       frozen_map({"full_speed_kb": None if fast is None else fast.full_speed_kb,
                                   "passes": rows}))

    def expire(self, world: World, at, msisdn: str | None = None) -> tuple[World, dict]:
        """Drop the passes that ended by `at` (one subscriber's, or everybody's)."""
        subs = [self._subscriber(world, msisdn)] if msisdn is not None else \
            list(world.subscribers.values())
        expired = {}
        for sub in subs:
            gone = tuple(a.name for a in sub.passes if ended(a, at))
            if gone:
                expired[sub.msisdn] = gone
                world = world.with_subscriber(
                    sub.with_(passes=tuple(a for a in sub.passes if not ended(a, at))))
        return world, expired

    def on_tick(self, world: World, ev: Tick, explain: bool) -> tuple[World, Outcome]:
        world, expired = self.expire(world, ev.at, ev.msisdn)
        return world, Outcome(ev.msisdn, True, None, (), "passes expire", "", "", "",
                              frozen_map({"expired": expired}))

    # -- consumption, for rating ------------------------------------------------------------

    def applies(self, p: Pass, place: Place) -> bool:
        """Whether `p` is valid at a place (never at home)."""
        if place.zone is None:
            return False
        kind, names = p.where
        if kind == "roaming":
            return True
        if kind == "network":
            return place.network in names
        return place.zone in names

    def consume(self, sub: Subscriber, ev: Usage, place: Place, party: str | None,
                party_net: str | None, rate: Priced, explain: bool) -> Used | None:
        """What the subscriber's active passes do to a priced roaming event (None: nothing)."""
        valid = []
        for i, a in enumerate(sub.passes):
            p = self.bought(a)
            if active(a, ev.at) and p is not None and self.applies(p, place):
                valid.append((i, a, p))
        if not valid:
            return None
        reaches = self.evaluator.rating.reaches
        for i, a, p in valid:  # (a) free
            for rule in p.free:
                if rule.service == ev.service and reaches(rule.destination, party, party_net):
                    return self.free(sub, ev, i, a, p, rule, explain)
        for i, a, p in valid:  # (b) the pass's own price
            for r in p.rates:
                if r.service == ev.service:
                    per = UNITS_PER[r.price.per] * r.price.per_amount
                    text = f"{ev.amount} x {r.price.amount} {self.currency}/{r.price.per} " \
                           f"({p.name})" if explain else ""
                    return Used(sub.passes, r.price.amount * ev.amount / per,
                                f"{ev.service} with {p.name}", cite(r.span), {"pass": p.name}, text)
        if rate.price is None or (rate.price == 0 and rate.first_price is None):
            return None  # no time or volume is charged: nothing for an allowance to cover
        return self.allowances(sub, ev, valid, rate, explain)  # (c)

    def free(self, sub, ev, i, a: ActivePass, p: Pass, rule, explain: bool) -> Used:
        passes, facts = sub.passes, {"pass": p.name}
        text = f"{ev.amount} {self.evaluator.rating.unit(ev.service)} free"
        if ev.service == "data" and p.full_speed_kb is not None:
            left = a.full_speed_kb or 0
            fast = min(left, ev.amount)
            throttled = ev.amount > left
            passes = passes[:i] + (replace(a, full_speed_kb=left - fast),) + passes[i + 1:]
            facts.update(full_speed_kb=fast, full_speed_kb_left=left - fast, throttled=throttled)
            if throttled:
                facts["throttle_kbps"] = p.throttle_kbps
                text += f": {fast} KB at full speed, {ev.amount - fast} KB at {p.throttle_kbps} kbps"
        return Used(passes, ZERO, f"free {ev.service} with {p.name}", cite(rule.span), facts,
                    text if explain else "")

    def allowances(self, sub, ev, valid, rate: Priced, explain: bool) -> Used | None:
        billed = rate.billed(ev.amount)
        remaining = billed
        passes = list(sub.passes)
        used = []  # (pass name, units taken, units left, source)
        for i, a, p in valid:
            allowance = next((x for x in p.allowances if ev.service in x.services), None)
            if allowance is None:
                continue
            field = FIELD[allowance.unit][0]
            left = getattr(a.left, field) or 0
            if left <= 0:
                continue
            take = min(left, remaining)
            passes[i] = replace(a, left=replace(a.left, **{field: left - take}))
            remaining -= take
            used.append((p.name, take, left - take, cite(allowance.span)))
            if remaining == 0:
                break
        if not used:
            return None
        amount = rate.metered(remaining) + rate.flat
        facts = {"pass": used[0][0], "covered": billed - remaining, "charged": remaining,
                 "left": used[-1][2]}
        text = ""
        if explain:
            u = rate.unit
            text = f"{ev.amount} {u} at {rate.notation} = {billed} {u}: " + \
                   ", ".join(f"{take} {u} from {name}" for name, take, _, _ in used)
            if remaining:
                text += f", {remaining} {u} x {rate.price} {self.currency}/{rate.per_label}"
            if rate.flat:
                text += f" + {rate.flat} {self.currency} per event"
        return Used(tuple(passes), amount, f"{ev.service} from {used[0][0]}", used[0][3], facts,
                    text)


def handlers(evaluator) -> dict:
    """Set `evaluator.passes`; let `Tick` expire passes when the tariff has passes."""
    evaluator.passes = Passes(evaluator)
    return {Tick: evaluator.passes.on_tick} if evaluator.tariff.passes else {}
