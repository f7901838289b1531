"""The family-group promotion (Telenor Porodica, seed 003), read from the model's `Family`.

The meaning is docs/runtime/family.md. The state is `world.extra["family"]`, a
`runtime.family_state.FamilyState` (the shared state type; its helper methods are not used
here). Requests come from the commands area (`evaluator.family.handle(world, msisdn,
"family_create", {"members": (...)}, at)`); rating asks `home_usage` whether a national call or
SMS is free inside a group; `Tick` expires invitations and `MonthEnd` closes the month.

Every request first closes the months that passed since the state's open month and expires
invitations older than their validity, then applies its rule. A refusal is an outcome with
`ok=False`, the rule that refused, its reason in English and a reply in the subscriber's
language. Reply wording is `runtime.family_texts.TEXTS` (data).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from compiler.lower import cite
from runtime.errors import InvalidEvent, OutOfOrder
from runtime.events import FamilyEnd, MonthEnd, Outcome, Reply, Tick
from runtime.family_state import Change, FamilyState, Group, Invitation  # state types only
from runtime.family_texts import MONTHS_EN, REFUSED, TEXTS  # reply wording (data)
from runtime.money import HALF_UP, Money, round_amount
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Allowance, Charge, Subscriber, World

MB = 1024
OPEN = ("pending", "on_hold")  # invitations that can still be answered
ACTIONS = ("create", "accept", "decline", "exit", "add", "cancel", "transfer", "status")
USAGE_ITEM = {"outgoing call": "national outgoing call", "sms": "sms"}
PLUS = ("msisdn", "to", "sender", "initiator")  # text values that are numbers: shown with +


def handlers(evaluator) -> dict:
    t = evaluator.tariff
    if not t.families:
        return {}
    fam = FamilyArea(evaluator)
    evaluator.family = fam
    hooks = getattr(getattr(evaluator, "rating", None), "home_hooks", None)
    if hooks is not None:
        hooks.append(fam.home_usage)
    first_end = t.families[0].ends_when[0][0] if t.families[0].ends_when else ""
    return {Tick: lambda w, e, explain: fam.on_tick(w, e.at, e.msisdn),
            MonthEnd: lambda w, e, explain: fam.on_month_end(w, e.at, e.msisdn),
            FamilyEnd: lambda w, e, explain: fam.end(w, e.msisdn, e.reason or first_end, e.at)}


# -- months, bonus, texts ------------------------------------------------------------------------

def month_of(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def month_after(month: str) -> str:
    year, m = int(month[:4]), int(month[5:])
    return f"{year + 1:04d}-01" if m == 12 else f"{year:04d}-{m + 1:02d}"


def share(units: int | None, percent: Decimal) -> int | None:
    """`percent` % of whole units, rounded down (the seed has no rule for fractions)."""
    return None if units is None else int((units * percent / 100).to_integral_value(ROUND_FLOOR))


def bonus_of(package: Allowance, percent: Decimal, on: tuple[str, ...]) -> Allowance:
    """The bonus: `percent` % of the package's national minutes, SMS and MB (whole units)."""
    minutes = share(package.seconds // 60, percent) if (
        package.seconds is not None and "national minutes" in on) else None
    sms = share(package.sms, percent) if "sms" in on else None
    mb = share(package.kb // MB, percent) if package.kb is not None and "data" in on else None
    return Allowance(seconds=None if minutes is None else minutes * 60, sms=sms,
                     kb=None if mb is None else mb * MB)


def plus(a: Allowance, b: Allowance) -> Allowance:
    """Two allowances added item by item (None: nothing of that item)."""
    def add(x, y):
        if x is None:
            return y
        return x if y is None else x + y
    return Allowance(add(a.seconds, b.seconds), add(a.sms, b.sms), add(a.kb, b.kb))


def days_of(month: str) -> int:
    """The number of days of a month "YYYY-MM"."""
    year, m = int(month[:4]), int(month[5:])
    nxt = date(year + 1, 1, 1) if m == 12 else date(year, m + 1, 1)
    return (nxt - date(year, m, 1)).days


def as_data(a: Allowance) -> dict:
    return {"seconds": a.seconds, "sms": a.sms, "kb": a.kb}


def wording(lang: str, key: str, name: str, **kw) -> str:
    """A reply text: Serbian or English; months read as a date, numbers with +."""
    sr = lang == "sr"
    if isinstance(kw.get("why"), tuple):
        why, who = kw["why"]
        kw["why"] = wording(lang, "why_" + why, name, msisdn=who or "")
    if "month" in kw:
        year, m = int(kw["month"][:4]), int(kw["month"][5:])
        kw["month"] = f"01.{m:02d}.{year}." if sr else f"1 {MONTHS_EN[m - 1]} {year}"
    for k in PLUS:
        if kw.get(k):
            kw[k] = "+" + kw[k]
    said = TEXTS[key][0 if sr else 1].format(name=name, **kw)
    if sr and "month" in kw:  # the Serbian date's own dot ends the sentence: no second one
        said = said.replace(kw["month"] + ".", kw["month"])
    return said


def refused_wording(lang: str, key: str, name: str, **kw) -> str:
    reason = wording(lang, key, name, **kw).rstrip(".")
    return REFUSED[0 if lang == "sr" else 1].format(reason=reason)


# -- queries on the state --------------------------------------------------------------------------

def open_invitations(st: FamilyState, msisdn: str) -> list[Invitation]:
    return [i for i in st.invitations if i.to == msisdn and i.status in OPEN]


def group_by_id(st: FamilyState, gid: str) -> Group:
    return next(g for g in st.groups if g.id == gid)


def active_group(st: FamilyState, msisdn: str) -> Group | None:
    return next((g for g in st.groups if g.status == "active" and msisdn in g.members), None)


def pending_group(st: FamilyState, msisdn: str) -> Group | None:
    """The group in preparation that `msisdn` initiated, or was invited to and has not left."""
    for g in st.groups:
        if g.status != "pending" or msisdn not in g.members:
            continue
        if g.initiator == msisdn or any(i.group == g.id and i.to == msisdn
                                        and i.status in (*OPEN, "accepted")
                                        for i in st.invitations):
            return g
    return None


def members_next_month(st: FamilyState, g: Group) -> tuple[str, ...]:
    leaving = {c.msisdn for c in st.changes if c.group == g.id and c.kind == "exit"}
    joining = tuple(c.msisdn for c in st.changes if c.group == g.id and c.kind == "add")
    return tuple(m for m in g.members if m not in leaving) + joining


class Request:
    """One request being applied: the world and family state so far, replies, events, fees."""

    def __init__(self, fam: FamilyArea, world: World, at: datetime) -> None:
        self.fam, self.world, self.at = fam, world, at
        self.st: FamilyState = world.get("family") or FamilyState()
        self.replies: list[Reply] = []
        self.events: list[dict] = []
        self.fees: list[dict] = []

    def tell(self, msisdn: str, key: str, /, refusal: bool = False, **kw) -> None:
        sub = self.world.subscribers.get(msisdn)
        lang = sub.language if sub is not None and sub.language in ("sr", "en") \
            else self.fam.languages[0]
        say = refused_wording if refusal else wording
        self.replies.append(Reply("sms", say(lang, key, self.fam.name, **kw), msisdn))

    def state(self, **changes) -> None:
        self.st = replace(self.st, **changes)

    def put_group(self, g: Group) -> None:
        self.state(groups=tuple(g if x.id == g.id else x for x in self.st.groups))

    def put_invitation(self, old: Invitation, **changes) -> Invitation:
        new = replace(old, **changes)
        self.state(invitations=tuple(new if i is old else i for i in self.st.invitations))
        return new

    def sub(self, msisdn: str) -> Subscriber:
        return self.world.subscriber(msisdn)

    def put(self, sub: Subscriber) -> None:
        self.world = self.world.with_subscriber(sub)


class FamilyArea:
    """`evaluator.family`: the state machine of the tariff's family promotion."""

    def __init__(self, evaluator) -> None:
        t = evaluator.tariff
        self.f = f = t.families[0]
        self.name = f.name
        self.tz = ZoneInfo(t.operator.timezone)
        self.languages = t.operator.languages
        self.fee = Money(f.fee.amount, f.fee.currency)
        self.validity = timedelta(seconds=f.invitation_seconds or 10**9)
        self.calling = COUNTRY_CODES[t.operator.country]
        rounding = t.operator.rounding
        self.fee_rounding = (rounding.quantum, rounding.mode) if rounding else (Decimal("0.01"),
                                                                                HALF_UP)
        self.counts = {c.action: (p.min, p.max) for c in t.sms_commands
                       if c.action in ("family_create", "family_add")
                       for p in c.params if p.type == "msisdn"}

    def number(self, text: str) -> str:
        return normalise(text, self.calling)

    def source(self, rule_id: str) -> str:
        rule = self.f.rule(rule_id)
        return cite(rule.span if rule is not None else self.f.span)

    def month(self, at: datetime) -> str:
        return month_of(at, self.tz)

    # -- requests ----------------------------------------------------------------------------

    def handle(self, world: World, msisdn: str, action: str, args: dict, at: datetime,
               explain: bool = False) -> tuple[World, Outcome]:
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent("a family request's time must be a timezone-aware datetime", at=at)
        short = action.removeprefix("family_")
        if not action.startswith("family_") or short not in ACTIONS:
            raise InvalidEvent(f"{action!r} is not a family action", action=action)
        sub = world.subscriber(msisdn)
        if sub.activated is not None and at < sub.activated:
            raise OutOfOrder(f"{msisdn} is not active yet at {at.isoformat()}", msisdn=msisdn)
        req = Request(self, world, at)
        self._catch_up(req)
        refusal = getattr(self, "_" + short)(req, msisdn, args or {}, explain)
        return self._outcome(req, msisdn, action, refusal, explain)

    def _outcome(self, req: Request, msisdn: str | None, action: str, refusal, explain: bool,
                 rule: str = "") -> tuple[World, Outcome]:
        world = req.world.with_extra("family", req.st)
        data = {"action": action, "month": req.st.month, "events": tuple(req.events),
                "fees": tuple(req.fees)}
        if msisdn is not None:
            data["group"] = self._group_data(req.st, msisdn)
            data["bonus"] = as_data(self.bonus_left(world, msisdn))
        own = Money.zero(self.fee.currency)
        for fee in req.fees:
            if fee["msisdn"] == msisdn:
                own = own + Money(fee["amount"], fee["currency"])
        if refusal is not None:
            key, rule, kw = refusal
            req.tell(msisdn, key, refusal=True, **kw)
            return world, Outcome(msisdn, ok=False, charge=own, replies=tuple(req.replies),
                                  rule=rule, source=self.source(rule),
                                  reason=wording("en", key, self.name, **kw), data=data)
        if not rule:
            rule = req.events[-1]["rule"] if req.events else ""
        arithmetic = "; ".join(e["arithmetic"] for e in req.events
                               if e.get("arithmetic")) if explain else ""
        return world, Outcome(msisdn, charge=own, replies=tuple(req.replies), rule=rule,
                              source=self.source(rule), arithmetic=arithmetic, data=data)

    def _create(self, req: Request, msisdn: str, args: dict, explain: bool):
        why = self._ineligible(req.world, msisdn)
        if why:
            return why
        invited = [self.number(n) for n in args.get("members", ())]
        f = self.f
        lo, hi = self.counts.get("family_create", (1, f.max_members - 1))
        lo, hi = max(lo, f.min_members - 1), min(hi, f.max_members - 1)
        if not lo <= len(invited) <= hi:
            return "count", "invitation_24h", {"lo": lo, "hi": hi}
        if len(set(invited)) != len(invited) or msisdn in invited:
            return "duplicate", "invitation_24h", {}
        month = self.month(req.at)
        refused = self._cannot_join(req.st, msisdn, month)
        if refused:
            return refused
        if self._busy(req.st, msisdn):
            return "busy_self", "first_invitation_on_hold", {}
        for n in invited:
            if n not in req.world.subscribers or self._ineligible(req.world, n):
                return "invitee_not_eligible", "natural_person", {"msisdn": n}
            refused = self._cannot_join(req.st, n, month)
            if refused:
                return refused
        g = Group(f"F{req.st.next_id}", msisdn, (msisdn, *invited), req.at)
        busy = [n for n in invited if self._busy(req.st, n)]
        req.state(groups=req.st.groups + (g,), next_id=req.st.next_id + 1)
        for n in invited:
            if n in busy:  # the first invitation stays, on hold; this one is declined
                for old in open_invitations(req.st, n):
                    req.put_invitation(old, status="on_hold")
            status = "auto_declined" if n in busy else "pending"
            req.state(invitations=req.st.invitations + (Invitation(g.id, msisdn, n, req.at,
                                                                   status=status),))
        if busy:
            self._not_created(req, g, "auto_declined", "first_invitation_on_hold", who=busy[0])
            return "not_created", "first_invitation_on_hold", {"why": ("auto_declined", busy[0])}
        for n in invited:
            req.tell(n, "invited", initiator=msisdn)
        req.tell(msisdn, "invitations_sent", numbers=", ".join("+" + n for n in invited))
        req.events.append({"event": "invited", "group": g.id, "to": tuple(invited),
                           "rule": "invitation_24h"})
        return None

    def _accept(self, req: Request, msisdn: str, args: dict, explain: bool):
        inv = self._answerable(req, msisdn)
        if not isinstance(inv, Invitation):
            return inv
        why = self._ineligible(req.world, msisdn)
        if why:
            return why
        month = self.month(req.at)
        now = self.f.changes_effective == "immediately"
        target = month if inv.kind == "create" or now else month_after(month)
        refused = self._cannot_join(req.st, msisdn, target, leaving_ok=inv.kind == "add")
        if refused:
            return refused
        inv = req.put_invitation(inv, status="accepted")
        g = group_by_id(req.st, inv.group)
        if inv.kind == "add":
            req.state(changes=req.st.changes + (Change(g.id, "add", msisdn, req.at, target),))
            if not now:
                for m in members_next_month(req.st, g):
                    req.tell(m, "joins", msisdn=msisdn, month=target)
            req.events.append({"event": "add_accepted", "group": g.id, "msisdn": msisdn,
                               "month": target, "rule": "changes_next_month"})
            if now:  # `changes effective immediately`: the new composition starts now
                self._change(req, g, month, month, req.at)
            return None
        waiting = [i.to for i in req.st.invitations if i.group == g.id and i.status != "accepted"]
        if waiting:
            req.tell(msisdn, "accepted_waiting", numbers=", ".join("+" + n for n in waiting))
            req.events.append({"event": "accepted", "group": g.id, "waiting": tuple(waiting),
                               "rule": "invitation_24h"})
            return None
        self._created(req, replace(g, status="active", created=req.at, month=month), explain)
        return None

    def _decline(self, req: Request, msisdn: str, args: dict, explain: bool):
        inv = self._answerable(req, msisdn)
        if not isinstance(inv, Invitation):
            return inv
        inv = req.put_invitation(inv, status="declined")
        g = group_by_id(req.st, inv.group)
        if inv.kind == "create":
            self._not_created(req, g, "declined", "invitation_24h", who=msisdn)
            return None
        for m in (g.initiator, msisdn):
            req.tell(m, "add_failed", msisdn=msisdn, why=("declined", msisdn))
        req.events.append({"event": "add_declined", "group": g.id, "msisdn": msisdn,
                           "rule": "invitation_24h"})
        return None

    def _cancel(self, req: Request, msisdn: str, args: dict, explain: bool):
        g = next((g for g in req.st.groups if g.status == "pending" and g.initiator == msisdn),
                 None)
        if g is None:
            return "no_pending", "invitation_24h", {}
        self._not_created(req, g, "cancelled", "invitation_24h", who=msisdn)
        return None

    def _exit(self, req: Request, msisdn: str, args: dict, explain: bool):
        g = active_group(req.st, msisdn)
        if g is None:
            return "not_member", "changes_next_month", {}
        month = self.month(req.at)
        now = self.f.changes_effective == "immediately"
        keeps = self.f.benefits_after_exit == "end of month"
        nxt = month if now else month_after(month)
        if any(c.group == g.id and c.kind == "exit" and c.msisdn == msisdn
               for c in req.st.changes):
            return "already_leaving", "changes_next_month", {"month": nxt}
        req.state(changes=req.st.changes + (Change(g.id, "exit", msisdn, req.at, nxt),))
        rest = members_next_month(req.st, g)
        if not keeps:  # `benefits after exit immediately`: the bonus goes with the request
            req.put(req.sub(msisdn).with_(bonus=Allowance()))
        if now:
            req.tell(msisdn, "left" if keeps else "left_now")
            req.events.append({"event": "exit", "group": g.id, "msisdn": msisdn, "month": nxt,
                               "next_members": tuple(rest), "rule": "changes_next_month"})
            self._change(req, g, month, month, req.at)
            return None
        req.tell(msisdn, "leaving" if keeps else "leaving_now", month=nxt)
        for m in rest:
            req.tell(m, "member_leaving", msisdn=msisdn, month=nxt)
        if len(rest) < self.f.min_members:
            for m in g.members:
                req.tell(m, "will_end", month=nxt, min=self.f.min_members)
        req.events.append({"event": "exit_scheduled", "group": g.id, "msisdn": msisdn,
                           "month": nxt, "next_members": tuple(rest),
                           "rule": "changes_next_month"})
        return None

    def _add(self, req: Request, msisdn: str, args: dict, explain: bool):
        g = active_group(req.st, msisdn)
        if g is None:
            return "not_member", "changes_next_month", {}
        if g.initiator != msisdn:
            return "not_initiator", "changes_next_month", {"initiator": g.initiator}
        new = [self.number(n) for n in args.get("members", ())]
        lo, hi = self.counts.get("family_add", (1, self.f.max_members - 1))
        if not lo <= len(new) <= hi or len(set(new)) != len(new):
            return "count", "changes_next_month", {"lo": lo, "hi": hi}
        invited = [i.to for i in req.st.invitations
                   if i.group == g.id and i.kind == "add" and i.status in OPEN]
        if len(members_next_month(req.st, g)) + len(invited) + len(new) > self.f.max_members:
            return "too_many", "changes_next_month", {"max": self.f.max_members}
        now = self.f.changes_effective == "immediately"
        nxt = self.month(req.at) if now else month_after(self.month(req.at))
        for n in new:
            if n in g.members or n in invited:
                return "already_member", "changes_next_month", {"msisdn": n}
            if n not in req.world.subscribers or self._ineligible(req.world, n):
                return "invitee_not_eligible", "natural_person", {"msisdn": n}
            refused = self._cannot_join(req.st, n, nxt, leaving_ok=True)
            if refused:
                return refused
        for n in new:
            busy = self._busy(req.st, n)
            if busy:
                for old in open_invitations(req.st, n):
                    req.put_invitation(old, status="on_hold")
            req.state(invitations=req.st.invitations + (Invitation(
                g.id, msisdn, n, req.at, "add", "auto_declined" if busy else "pending"),))
            if busy:
                req.tell(msisdn, "add_failed", msisdn=n, why=("auto_declined", n))
            elif now:
                req.tell(n, "invited", initiator=msisdn)
            else:
                req.tell(n, "invited_add", initiator=msisdn, month=nxt)
        req.events.append({"event": "add_invited", "group": g.id, "to": tuple(new), "month": nxt,
                           "rule": "changes_next_month"})
        return None

    def _transfer(self, req: Request, msisdn: str, args: dict, explain: bool):
        mb, to = args.get("amount_mb"), self.number(args.get("to", ""))
        if type(mb) is not int:
            raise InvalidEvent(f"a transfer's amount must be a whole number of MB, not {mb!r}")
        f = self.f
        if f.transfer_step_kb is None:
            return "no_transfer", "transfer_bonus_only", {}
        sender_groups = self._benefit_groups(req.st, msisdn, req.at)
        if not sender_groups:
            return "not_member", "transfer_bonus_only", {}
        if mb < f.transfer_min_kb // MB:
            return "transfer_min", "transfer_bonus_only", {"min": f.transfer_min_kb // MB}
        if mb % (f.transfer_step_kb // MB):
            return "transfer_step", "transfer_bonus_only", {"step": f.transfer_step_kb // MB}
        if to == msisdn:
            return "transfer_self", "transfer_bonus_only", {}
        shared = [g for g in self._benefit_groups(req.st, to, req.at) if g in sender_groups]
        if not shared:
            return "transfer_not_member", "transfer_bonus_only", {"msisdn": to}
        sender = req.sub(msisdn)
        if sender.suspended:
            return "suspended", "suspension", {}
        left = sender.bonus.kb or 0
        if mb * MB > left:
            return "transfer_too_much", "transfer_bonus_only", {"left": left // MB}
        req.put(sender.with_(bonus=replace(sender.bonus, kb=left - mb * MB)))
        rcpt = req.sub(to)
        req.put(rcpt.with_(bonus=replace(rcpt.bonus, kb=(rcpt.bonus.kb or 0) + mb * MB)))
        rest = (left - mb * MB) // MB
        req.tell(msisdn, "transfer_sent", mb=mb, to=to, left=rest)
        req.tell(to, "transfer_received", mb=mb, sender=msisdn)
        req.events.append({"event": "transferred", "from": msisdn, "to": to, "kb": mb * MB,
                           "rule": "transfer_bonus_only",
                           "arithmetic": f"bonus data {left // MB} MB - {mb} MB = {rest} MB left; "
                                         f"{to} receives {mb} MB valid to the end of the month"})
        return None

    def _status(self, req: Request, msisdn: str, args: dict, explain: bool):
        g = self._benefit_group(req.st, msisdn, req.at)
        if g is not None:
            b = self.bonus_left(req.world, msisdn)
            req.tell(msisdn, "status", size=len(g.members),
                     members=", ".join("+" + m for m in g.members),
                     percent=self.f.percent_for(len(g.members)), min=(b.seconds or 0) // 60,
                     sms=b.sms or 0, mb=(b.kb or 0) // MB)
        elif (p := pending_group(req.st, msisdn)) is not None:
            waiting = [i.to for i in req.st.invitations if i.group == p.id and i.status in OPEN]
            req.tell(msisdn, "status_pending", numbers=", ".join("+" + n for n in waiting))
        else:
            req.tell(msisdn, "status_none")
        req.events.append({"event": "status", "rule": "bonus_in_full"})
        return None

    # -- transitions ---------------------------------------------------------------------------

    def _created(self, req: Request, g: Group, explain: bool) -> None:
        """Everybody accepted: bonus in full whatever the day, the month's fee, membership."""
        req.put_group(g)
        percent = self.f.percent_for(len(g.members))
        for m in g.members:
            sub = req.sub(m)
            bonus = bonus_of(sub.package, percent, self.f.bonus_on)
            req.put(sub.with_(bonus=self._new_bonus(sub.bonus, bonus)))
            self._fee(req, m, g.month, g.created, g)
            req.state(history=req.st.history + ((m, g.month, g.id),))
            req.tell(m, "created", size=len(g.members), percent=percent)
            req.events.append({"event": "bonus", "msisdn": m, "group": g.id,
                               "percent": str(percent), "bonus": as_data(bonus),
                               "rule": "bonus_in_full",
                               "arithmetic": self._bonus_text(m, sub.package, percent, bonus)
                               if explain else ""})
        req.events.append({"event": "created", "group": g.id, "members": g.members,
                           "month": g.month, "rule": "bonus_in_full"})

    @staticmethod
    def _bonus_text(msisdn: str, package: Allowance, percent: Decimal, bonus: Allowance) -> str:
        def item(units, got, unit):
            return "no " + unit if units is None else f"{units} {unit} x {percent} % = {got} {unit}"
        minutes = None if package.seconds is None else package.seconds // 60
        mb = None if package.kb is None else package.kb // MB
        return (f"{msisdn}: "
                + ", ".join((item(minutes, None if bonus.seconds is None else bonus.seconds // 60,
                                  "min"),
                             item(package.sms, bonus.sms, "SMS"),
                             item(mb, None if bonus.kb is None else bonus.kb // MB, "MB")))
                + " (rounded down)")

    def _new_bonus(self, unspent: Allowance, bonus: Allowance) -> Allowance:
        """`bonus expires never`: a new bonus adds to the unspent one; else it replaces it."""
        return plus(unspent, bonus) if self.f.bonus_expiry == "never" else bonus

    def _group_fee(self, g: Group) -> Money:
        """The fee a group pays: the family's fee on the local day it was created (a change
        of the fee later leaves it as it is: grandfathering)."""
        price = self.f.fee_on(g.created.astimezone(self.tz).date())
        return Money(price.amount, price.currency)

    def _fee(self, req: Request, msisdn: str, month: str, at: datetime, g: Group) -> None:
        """The monthly fee, in full, at most once per member and month, when the membership
        of the month starts (a prorated fee waits for the month's close: `_prorated_fee`)."""
        if self.f.fee_prorated or (msisdn, month) in req.st.fees:
            return
        self._write_fee(req, msisdn, month, at, self._group_fee(g), {})

    def _prorated_fee(self, req: Request, msisdn: str, month: str, last: datetime) -> None:
        """`fee prorated`: fee x days of membership in the month / days of the month, rounded
        by the operator's rounding, charged at the month's last second."""
        if (msisdn, month) in req.st.fees:
            return
        total = days_of(month)
        first = date(int(month[:4]), int(month[5:]), 1)
        member_days = set()
        fee = self.fee
        for m, mo, gid in req.st.history:
            if m == msisdn and mo == month:
                g = group_by_id(req.st, gid)
                fee = self._group_fee(g)  # the latest group of the member's month
                since = (g.created.astimezone(self.tz).date() - first).days
                to = total - 1 if g.ended is None else min(
                    (g.ended.astimezone(self.tz).date() - first).days, total - 1)
                member_days.update(range(max(since, 0), to + 1))
        quantum, mode = self.fee_rounding
        amount = round_amount(fee.amount * len(member_days) / total, quantum, mode)
        self._write_fee(req, msisdn, month, last, Money(amount, self.fee.currency),
                        {"days": len(member_days), "month_days": total})

    def _write_fee(self, req: Request, msisdn: str, month: str, at: datetime, fee: Money,
                   extra: dict) -> None:
        sub = req.sub(msisdn)
        req.put(sub.with_(ledger=sub.ledger + (Charge(at, "fee", self.name, fee, 1, "month"),)))
        req.state(fees=req.st.fees + ((msisdn, month),))
        req.fees.append({"msisdn": msisdn, "month": month, "amount": str(fee.amount),
                         "currency": fee.currency, **extra, "source": self.source("fee_full")})

    def _not_created(self, req: Request, g: Group, why: str, rule: str,
                     who: str | None = None) -> None:
        req.put_group(replace(g, status="ended", reason=why))
        for inv in [i for i in req.st.invitations if i.group == g.id and i.status in OPEN]:
            req.put_invitation(inv, status="expired" if why == "expired" else "cancelled")
        for m in g.members:  # an auto-decline's initiator hears it in the refusal
            if not (why == "auto_declined" and m in (who, g.initiator)):
                req.tell(m, "not_created", why=(why, who))
        req.events.append({"event": "not_created", "group": g.id, "why": why, "rule": rule})

    def _catch_up(self, req: Request) -> None:
        """Close the months passed since the open month, then expire old invitations."""
        month = self.month(req.at)
        if req.st.month is not None and month < req.st.month:
            raise OutOfOrder(f"{req.at.isoformat()} is in {month}, which is closed", at=req.at)
        while req.st.month is not None and req.st.month < month:
            self._close(req, req.st.month)
        req.state(month=month)
        now = req.at.astimezone(timezone.utc)  # elapsed time: instants, not wall clocks
        stale = [i for i in req.st.invitations
                 if i.status in OPEN and now >= i.sent.astimezone(timezone.utc) + self.validity]
        for inv in stale:
            g = group_by_id(req.st, inv.group)
            if inv.kind == "create":
                if g.status == "pending":
                    self._not_created(req, g, "expired", "invitation_24h")
                continue
            req.put_invitation(inv, status="expired")
            for m in (g.initiator, inv.to):
                req.tell(m, "add_failed", msisdn=inv.to, why=("expired", inv.to))
            req.events.append({"event": "add_expired", "group": g.id, "msisdn": inv.to,
                               "rule": "invitation_24h"})

    def _close(self, req: Request, month: str) -> None:
        """The month ends: prorated fees, bonuses expire (`never`: kept by the members who go
        on), changes apply, groups going on renew."""
        nxt = month_after(month)
        start = datetime(int(nxt[:4]), int(nxt[5:]), 1, tzinfo=self.tz)
        members = sorted({m for m, mo, _ in req.st.history if mo == month})
        if self.f.fee_prorated:
            for m in members:
                self._prorated_fee(req, m, month, start - timedelta(seconds=1))
        staying = set()
        if self.f.bonus_expiry == "never":
            for g in req.st.groups:
                if g.status == "active" and len(members_next_month(req.st, g)) >= \
                        self.f.min_members:
                    staying.update(members_next_month(req.st, g))
        for m in members:
            if m in req.world.subscribers and m not in staying:
                req.put(req.sub(m).with_(bonus=Allowance()))
        req.events.append({"event": "bonus_expired", "month": month, "rule": "month_end_expiry"})
        for g in [g for g in req.st.groups if g.status == "active"]:
            if any(c.group == g.id for c in req.st.changes):
                self._change(req, g, month, nxt, start)
            else:
                self._renew(req, g, g, nxt, start)
        req.state(month=nxt)

    def _change(self, req: Request, g: Group, until: str, month: str, start: datetime) -> None:
        """The changes of `g` take effect at `start`: `g` ends (its benefits last to the end of
        `until`) and its new composition starts in `month`, or the group ends when too small."""
        members = members_next_month(req.st, g)
        req.put_group(replace(g, status="ended", until=until, reason="changed", ended=start))
        req.state(changes=tuple(c for c in req.st.changes if c.group != g.id))
        if len(members) < self.f.min_members:
            for inv in [i for i in req.st.invitations if i.group == g.id and i.status in OPEN]:
                req.put_invitation(inv, status="cancelled")
            lose = (self.f.changes_effective == "immediately"
                    and self.f.benefits_after_exit == "immediately")
            for m in g.members:
                if lose:
                    req.put(req.sub(m).with_(bonus=Allowance()))
                req.tell(m, "ended_small", min=self.f.min_members)
            req.events.append({"event": "ended", "group": g.id, "why": "too_small",
                               "rule": "changes_next_month"})
            return
        initiator = g.initiator if g.initiator in members else members[0]
        new = Group(f"F{req.st.next_id}", initiator, members, start, "active", start, month,
                    previous=g.id)
        req.state(groups=req.st.groups + (new,), next_id=req.st.next_id + 1)
        for inv in [i for i in req.st.invitations if i.group == g.id and i.status in OPEN]:
            req.put_invitation(inv, group=new.id)
        self._renew(req, g, new, month, start)

    def _renew(self, req: Request, old: Group, g: Group, month: str, start: datetime) -> None:
        percent = self.f.percent_for(len(g.members))
        for m in g.members:
            sub = req.sub(m)
            bonus = bonus_of(sub.package, percent, self.f.bonus_on)
            req.put(sub.with_(bonus=self._new_bonus(sub.bonus, bonus)))
            self._fee(req, m, month, start, g)
            req.state(history=req.st.history + ((m, month, g.id),))
            if g is not old and self.f.changes_effective == "immediately":
                req.tell(m, "recomposed_now", size=len(g.members), percent=percent)
            elif g is not old:
                req.tell(m, "recomposed", month=month, size=len(g.members), percent=percent)
        req.events.append({"event": "renewed" if g is old else "recomposed", "group": g.id,
                           "members": g.members, "month": month, "percent": str(percent),
                           "rule": "month_end_expiry" if g is old else "changes_next_month"})

    # -- time, and other areas' calls ------------------------------------------------------------

    def on_tick(self, world: World, at: datetime, msisdn: str | None = None):
        req = Request(self, world, at)
        self._catch_up(req)
        return self._outcome(req, msisdn, "tick", None, False, rule="invitation_24h")

    def on_month_end(self, world: World, at: datetime, msisdn: str | None = None):
        req = Request(self, world, at)
        self._catch_up(req)
        self._close(req, self.month(at))
        return self._outcome(req, msisdn, "month_end", None, False, rule="month_end_expiry")

    def free_in_group(self, world: World, msisdn: str, party: str | None, service: str,
                      at: datetime) -> str | None:
        if party is None or USAGE_ITEM.get(service) not in self.f.free_in_group:
            return None
        st = world.get("family")
        if not st:
            return None
        caller = self._benefit_groups(st, msisdn, at)
        if not caller:
            return None
        called = self._benefit_groups(st, self.number(party), at)
        return "free_in_group" if any(g in called for g in caller) else None

    def home_usage(self, world: World, sub: Subscriber, ev, party: str | None, explain: bool):
        rule = self.free_in_group(world, sub.msisdn, party, ev.service, ev.at)
        if rule is None:
            return None
        zero = Money.zero(self.fee.currency)
        unit = "sms" if ev.service == "sms" else "s"
        line = Charge(ev.at, "traffic", f"{ev.service} / {self.name}", zero, ev.amount, unit)
        world = world.with_subscriber(sub.with_(ledger=sub.ledger + (line,)))
        return world, Outcome(sub.msisdn, charge=zero, rule=rule, source=self.source(rule),
                              arithmetic=f"{ev.amount} {unit} to a member of the group: free"
                              if explain else "",
                              data={"service": ev.service, "amount": ev.amount, "unit": unit,
                                    "free_in_group": True})

    def bonus_left(self, world: World, msisdn: str) -> Allowance:
        sub = world.subscriber(msisdn)
        return Allowance() if sub.suspended else sub.bonus

    def end(self, world: World, msisdn: str, reason: str, at: datetime):
        req = Request(self, world, at)
        self._catch_up(req)
        source = next((cite(span) for text, span in self.f.ends_when if text == reason),
                      self.source("after_deactivation"))
        g = active_group(req.st, msisdn)
        if g is not None:
            req.put_group(replace(g, status="ended", until=self.month(at), reason=reason,
                                  ended=at))
            req.state(changes=tuple(c for c in req.st.changes if c.group != g.id))
            for inv in [i for i in req.st.invitations if i.group == g.id and i.status in OPEN]:
                req.put_invitation(inv, status="cancelled")
            keeps = self.f.benefits_after_exit == "end of month"
            for m in g.members:
                if not keeps:
                    req.put(req.sub(m).with_(bonus=Allowance()))
                req.tell(m, "ended" if keeps else "ended_now", why=reason)
            req.events.append({"event": "ended", "group": g.id, "why": reason,
                               "rule": "after_deactivation"})
        elif (p := pending_group(req.st, msisdn)) is not None:
            self._not_created(req, p, "cancelled", "after_deactivation", who=msisdn)
        else:
            return self._outcome(req, msisdn, "family_end",
                                 ("not_member", "after_deactivation", {}), False)
        world, out = self._outcome(req, msisdn, "family_end", None, False)
        return world, replace(out, source=source)

    def change_plan(self, world: World, msisdn: str, plan: str, package: Allowance,
                    at: datetime):
        sub = world.subscriber(msisdn)
        world = world.with_subscriber(sub.with_(plan=plan, package=package))
        if plan not in self.f.plans:
            st = world.get("family") or FamilyState()
            if active_group(st, msisdn) or pending_group(st, msisdn):
                return self.end(world, msisdn, "the user changes to a package on which the "
                                "promotion is not available", at)
        req = Request(self, world, at)
        req.events.append({"event": "plan_changed", "plan": plan, "rule": "plan_change"})
        return self._outcome(req, msisdn, "family_change_plan", None, False)

    # -- the rules' questions ------------------------------------------------------------------

    def _ineligible(self, world: World, msisdn: str):
        sub = world.subscriber(msisdn)
        if sub.segment not in self.f.eligibility.segments or sub.plan not in self.f.plans:
            return "not_eligible", "natural_person", {"plan": sub.plan or sub.segment}
        if msisdn in (world.get("legal_entities") or ()):
            return "not_natural", "natural_person", {}
        promotions = (world.get("promotions") or {}).get(msisdn, ())
        bad = [p for p in promotions if p in self.f.excluded and p not in self.f.exceptions]
        return ("excluded", "natural_person", {"promotion": bad[0]}) if bad else None

    def _answerable(self, req: Request, msisdn: str):
        """The invitation `msisdn` answers (the first received), or a refusal."""
        open_ = open_invitations(req.st, msisdn)
        if open_:
            return open_[0]
        mine = [i for i in req.st.invitations if i.to == msisdn]
        if mine and mine[-1].status == "expired":
            return "expired", "invitation_24h", {}
        return "no_invitation", "invitation_24h", {}

    @staticmethod
    def _busy(st: FamilyState, msisdn: str) -> bool:
        return bool(open_invitations(st, msisdn) or pending_group(st, msisdn))

    def _cannot_join(self, st: FamilyState, msisdn: str, month: str, leaving_ok: bool = False):
        """Why `msisdn` cannot join a group in `month` (a refusal), or None: a member of an
        active group (unless leaving it, with `leaving_ok`); an accepted addition to a group,
        not yet in effect (a member from its month on, so no other group now or then); already
        in `groups per member` groups in `month`."""
        one_group = ("one_group", "one_group_per_month", {"msisdn": msisdn})
        g = active_group(st, msisdn)
        if g is not None and (not leaving_ok or msisdn in members_next_month(st, g)):
            return one_group
        for c in st.changes:
            if c.kind == "add" and c.msisdn == msisdn:
                return "joining", "one_group_per_month", {"msisdn": msisdn, "month": c.month}
        limit = self.f.groups_per_month
        if limit is None:
            return None

        def origin(gid: str) -> str:  # a new composition after a change is the same group
            previous = group_by_id(st, gid).previous
            return gid if previous is None else origin(previous)
        groups = {origin(gid) for m, mo, gid in st.history if m == msisdn and mo == month}
        return one_group if len(groups) >= limit else None

    def _benefit_groups(self, st: FamilyState, msisdn: str, at: datetime) -> list[Group]:
        """The groups giving `msisdn` benefits at `at`: from creation to the end of the month it
        ended in; with `benefits after exit immediately`, not after it ended nor after the
        member asked to leave it."""
        month = self.month(at)
        keeps = self.f.benefits_after_exit == "end of month"
        out = []
        for g in st.groups:
            if g.created is None or msisdn not in g.members or not g.created <= at:
                continue
            if not g.month <= month or (g.until is not None and month > g.until):
                continue
            if not keeps:
                if g.ended is not None and at >= g.ended:
                    continue
                if any(c.group == g.id and c.kind == "exit" and c.msisdn == msisdn
                       and c.at <= at for c in st.changes):
                    continue
            out.append(g)
        return out

    def _benefit_group(self, st: FamilyState, msisdn: str, at: datetime) -> Group | None:
        groups = self._benefit_groups(st, msisdn, at)
        return groups[-1] if groups else None

    def _group_data(self, st: FamilyState, msisdn: str) -> dict | None:
        g = active_group(st, msisdn) or pending_group(st, msisdn)
        if g is None:
            return None
        percent = self.f.percent_for(len(g.members))
        return {"id": g.id, "initiator": g.initiator, "members": g.members, "status": g.status,
                "size": len(g.members), "percent": None if percent is None else str(percent),
                "month": g.month, "created": g.created and g.created.isoformat(),
                "next_members": members_next_month(st, g) if g.status == "active" else None,
                "invitations": tuple({"to": i.to, "status": i.status, "kind": i.kind,
                                      "sent": i.sent.isoformat()}
                                     for i in st.invitations if i.group == g.id)}
