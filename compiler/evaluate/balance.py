"""Balance answers, the billing window and balance notifications, read from the model
(`tariff.billing_windows`, `tariff.notifications`, the operator's segments and languages).

This area handles no event of its own: it sets `evaluator.balance`, the services the commands
area calls (docs/runtime/balance.md):

- `answer(world, msisdn, action, lang, at, params, where)` -> (world, texts, data): the answer
  to an account request (`balance`, `status`, `account_details`, `plan_status`,
  `grant_access`, `revoke_access`, `card_check`);
- `deferral(kind, ref, at)` -> the `BillingWindow` that defers the request now, or None;
- `defer(world, msisdn, window, kind, ref, at, lang)` -> (world, text, data);
- `notify(world, msisdn, outcome, trigger)` -> the automatic balance update, or None.

The reply wording is the runtime's phrase table (`runtime.balance.PHRASES`, data only).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from compiler.lower import cite
from runtime.balance import PHRASES  # the reply wording (data), not the runtime's logic
from runtime.errors import InvalidEvent
from runtime.events import Outcome, Reply
from runtime.money import Money
from runtime.state import Subscriber, World, frozen_map

DEFERRED_TO = "next bill cycle"
QUERY_ACTIONS = frozenset({"balance", "status", "account_details"})


def handlers(evaluator) -> dict:
    """Set `evaluator.balance` when the tariff has a billing window, notifications or a balance
    query (as the runtime installs its balance area); no events of its own."""
    t = evaluator.tariff
    requests = (*t.codes, *t.sms_commands, *t.calls, *t.web_channels)
    if t.billing_windows or t.notifications or any(r.action in QUERY_ACTIONS for r in requests):
        evaluator.balance = BalanceArea(evaluator)
    return {}


def money_text(m: Money, decimal: str, lang: str, first: str) -> str:
    """`m` in a reply in `lang`; `first` is the operator's first (default) language.

    In the first language the operator's own `decimal` mark: `1.524,40 RSD` (Telenor, decimal
    comma), `0.10 AZN` (Azercell, point). In any other language a decimal point and comma
    thousands: `1,524.40 RSD`, `0.10 AZN`.
    """
    whole, frac = f"{m.amount.quantize(Decimal('0.01')):f}".lstrip("-").split(".")
    sign = "-" if m.amount.quantize(Decimal("0.01")) < 0 else ""
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    comma = decimal == "," and lang == first
    sep, point = (".", ",") if comma else (",", ".")
    return f"{sign}{sep.join(groups)}{point}{frac} {m.currency}"


def admits(eligibility, sub: Subscriber) -> bool:
    """Whether an `Eligibility` admits a subscriber (nobody named: everybody)."""
    if eligibility.everybody:
        return True
    return sub.segment in eligibility.segments or (sub.plan is not None
                                                     and sub.plan in eligibility.plans)


class BalanceArea:
    def __init__(self, evaluator) -> None:
        self.ev = evaluator
        self.tariff = evaluator.tariff
        self.default = self.tariff.operator.languages[0]
        self.tz = ZoneInfo(self.tariff.operator.timezone)

    def say(self, key: str, lang: str, **values) -> str:
        texts = PHRASES[key]
        return (texts.get(lang) or texts.get(self.default) or texts["en"]).format(**values)

    def fmt(self, m: Money, lang: str) -> str:
        """`m` in a reply in `lang` (a language the operator does not offer replies in its
        first one: so are the amounts)."""
        if lang not in self.tariff.operator.languages:
            lang = self.default
        return money_text(m, self.tariff.operator.decimal, lang, self.default)

    def language(self, sub: Subscriber) -> str:
        return sub.language if sub.language in self.tariff.operator.languages else self.default

    # -- answers -------------------------------------------------------------------------------

    def answer(self, world: World, msisdn: str, action: str, lang: str, at: datetime,
               params: dict | None = None, where=None) -> tuple[World, tuple[str, ...], dict]:
        sub = world.subscriber(msisdn)
        if action == "account_details":
            billed = sub.previous_balance or self.ev.money(0)
            debt = self._ledger_total(sub) + billed
            texts = (self.say("package", lang, plan=sub.plan or "-"),
                     self.say("account", lang, billed=self.fmt(billed, lang),
                              debt=self.fmt(debt, lang),
                              account=sub.msisdn))
            return world, texts, {"plan": sub.plan, "billed": str(billed.amount),
                                  "debt": str(debt.amount), "account": sub.msisdn}
        if action in ("balance", "status"):
            lines, data = [], {}
            if action == "status" and sub.plan:
                lines.append(self.say("package", lang, plan=sub.plan))
                data["plan"] = sub.plan
            if sub.balance is not None:  # prepaid: the credit, and the passes running now
                lines.append(self.say("balance", lang, balance=self.fmt(sub.balance, lang)))
                data["balance"] = str(sub.balance.amount)
                running = [p for p in sub.passes if p.activated <= at < p.expires]
                if running:
                    lines.append(self.say("passes", lang, passes=", ".join(
                        f"{p.name} ({p.expires.astimezone(self.tz):%Y-%m-%d %H:%M})"
                        for p in running)))
                    data["passes"] = tuple(p.name for p in running)
            else:  # postpaid: what the ledger holds now, and the last bill's balance
                current = self._ledger_total(sub)
                lines.append(self.say("current", lang, current=self.fmt(current, lang)))
                data["current"] = str(current.amount)
                prev = sub.previous_balance
                if prev is not None and prev.amount > 0:
                    lines.append(self.say("billed", lang, billed=self.fmt(prev, lang)))
                    data["billed"] = str(prev.amount)
                elif prev is not None and prev.amount < 0:
                    lines.append(self.say("advance", lang, advance=self.fmt(-prev, lang)))
                    data["advance"] = str(-prev.amount)
            return world, (" ".join(lines),), data
        if action == "plan_status":
            roaming = where is not None and where.roaming
            state = (self.say("roaming_on", lang, country=where.country or where.network)
                     if roaming else self.say("roaming_off", lang))
            plan = sub.plan or self._segment_name(sub.segment, lang)
            return world, (self.say("plan_status", lang, plan=plan, roaming=state),), \
                {"plan": plan, "roaming": roaming}
        if action in ("grant_access", "revoke_access"):
            grants = ("*",) if action == "grant_access" else ()
            world = world.with_subscriber(sub.with_(grants=grants))
            return world, (self.say("granted" if grants else "revoked", lang),), \
                {"grants": grants}
        if action == "card_check":
            serial = (params or {})["serial"]
            state = (world.get("cards") or {}).get(serial)
            if state not in (None, "used", "unused"):
                raise InvalidEvent(f'world.extra["cards"][{serial!r}] must be "used" or "unused"')
            key = {"used": "card_used", "unused": "card_unused", None: "card_unknown"}[state]
            return world, (self.say(key, lang, serial=serial),), {"card": state or "not found"}
        raise InvalidEvent(f"{action!r} is not an account request")

    def _ledger_total(self, sub: Subscriber) -> Money:
        return sum((c.amount for c in sub.ledger), self.ev.money(0))

    def _segment_name(self, segment: str, lang: str) -> str:
        seg = self.tariff.segment(segment)
        if seg is None:
            return segment
        return seg.names.get(lang) or seg.names.get(self.default) or segment

    # -- the billing window --------------------------------------------------------------------

    def deferral(self, kind: str, ref: str, at: datetime):
        """The window deferring `(kind, ref)` at `at` (operator's local time), or None: it opens
        on `from_day` at `at` and closes on `to_day` at `at`."""
        local = at.astimezone(self.tz)
        for w in self.tariff.billing_windows:
            if w.defers_request(kind, ref) and w.inside(local.day, local.hour, local.minute):
                return w
        return None

    def defer(self, world: World, msisdn: str, window, kind: str, ref: str, at: datetime,
              lang: str) -> tuple[World, str, dict]:
        time = f"{window.at[0]:02d}:{window.at[1]:02d}"
        text = self.say("deferred", lang, from_day=window.from_day, to_day=window.to_day,
                        time=time)
        state = world.get("balance") or frozen_map()
        entry = frozen_map({"msisdn": msisdn, "kind": kind, "ref": ref, "at": at.isoformat(),
                            "deferred_to": DEFERRED_TO})
        world = world.with_extra("balance", frozen_map(
            {**state, "deferred": tuple(state.get("deferred", ())) + (entry,)}))
        return world, text, {"deferred_to": DEFERRED_TO, "window": cite(window.span)}

    # -- notifications -------------------------------------------------------------------------

    def notify(self, world: World, msisdn: str, outcome: Outcome,
               trigger: str | None = None) -> Reply | None:
        sub = world.subscriber(msisdn)
        if outcome.charge is None or not outcome.charge.amount or sub.balance is None:
            return None
        for n in self.tariff.notifications:
            if n.kind == "balance" and admits(n.eligibility, sub) and (
                    trigger is None or trigger in n.triggers):
                lang = self.language(sub)
                return Reply("sms", self.say("balance", lang,
                                             balance=self.fmt(sub.balance, lang)), msisdn)
        return None
