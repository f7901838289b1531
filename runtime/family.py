"""The family-group state machine (Telenor Porodica): invitations, groups, bonus, fees.

`install(engine)` sets `engine.family`, a `FamilyEngine` that the SMS commands call
(`handle(world, msisdn, "family_create", {"members": [...]}, at)`), that rating asks whether a
call between two numbers is free (`free_in_group`), and that closes months (`on_month_end`).
Its state lives in `world.extra["family"]` as an immutable `FamilyState` (runtime.family_state);
months are counted in the operator's time zone (`"2025-03"`). Reply texts: runtime.family_texts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from runtime.errors import InvalidEvent, OutOfOrder
from runtime.events import FamilyEnd, MonthEnd, Outcome, Reply, Tick
from runtime.family_state import (MB, VALID, Change, FamilyState, Group, Invitation, allowance_data,
                                  bonus_arithmetic, month_of, next_month, scale)
from runtime.family_texts import refusal, text
from runtime.money import HALF_UP, Money, round_amount
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Allowance, Charge, Subscriber, World

# The requests `handle` answers (`family_create`...): any other action is bad input, not a
# call of one of the engine's private helpers.
REQUESTS = ("create", "accept", "decline", "exit", "add", "cancel", "transfer", "status")
# Usage services -> the `free in group` items of the spec.
FREE_SERVICES = {"outgoing call": "national outgoing call", "sms": "sms"}


class _Tx:
    """One request being applied: the world and state so far, replies, facts, fees."""

    def __init__(self, fam: FamilyEngine, world: World, at: datetime) -> None:
        self.fam, self.world, self.at = fam, world, at
        self.st: FamilyState = world.get("family") or FamilyState()
        self.replies: list[Reply] = []
        self.fees: list[dict] = []
        self.events: list[dict] = []

    def say(self, msisdn: str, key: str, /, refused: bool = False, **kw) -> None:
        sub = self.world.subscribers.get(msisdn)
        lang = sub.language if sub and sub.language in ("sr", "en") else self.fam.languages[0]
        self.replies.append(Reply("sms", (refusal if refused else text)(lang, key, self.fam.name, **kw), msisdn))

    def set_group(self, g: Group) -> None:
        self.st = replace(self.st, groups=tuple(g if x.id == g.id else x for x in self.st.groups))

    def set_inv(self, old: Invitation, **changes) -> Invitation:
        new = replace(old, **changes)
        self.st = replace(self.st, invitations=tuple(new if i is old else i for i in self.st.invitations))
        return new

    def sub(self, msisdn: str) -> Subscriber:
        return self.world.subscriber(msisdn)

    def put(self, sub: Subscriber) -> None:
        self.world = self.world.with_subscriber(sub)


class FamilyEngine:
    """The Telenor Porodica state machine of one operator.

    >>> from datetime import datetime, timezone
    >>> from compiler.check import check_paths
    >>> from compiler.lower import family as lower_family, lower_operator
    >>> from runtime.state import Subscriber, world_of
    >>> tariff, = check_paths(["specs/telenor_rs"]).tariffs
    >>> family = FamilyEngine(lower_family.lower(tariff), lower_operator(tariff))
    >>> subs = [Subscriber(f"38164000000{i}", "postpaid", plan="Prenesi M",
    ...                    package=Allowance(seconds=6000, sms=100, kb=2048 * MB)) for i in range(3)]
    >>> at = datetime(2025, 3, 10, 12, tzinfo=timezone.utc)
    >>> world, out = family.handle(world_of(*subs), "381640000000", "family_create",
    ...                            {"members": ["0640000001", "0640000002"]}, at)
    >>> for m in ("381640000001", "381640000002"):
    ...     world, out = family.handle(world, m, "family_accept", {}, at)
    >>> out.data["group"]["status"], family.bonus_left(world, "381640000000")
    ('active', Allowance(seconds=1800, sms=30, kb=628736))
    """

    def __init__(self, table: dict, operator: dict) -> None:
        self.t = table
        self.name: str = table["name"]
        self.tz = ZoneInfo(operator["timezone"])
        self.languages: tuple[str, ...] = operator["languages"]
        self.fee = Money(table["fee"]["amount"], table["fee"]["currency"])
        # `fee ... from 2027-01-01`: (first instant, fee); a group pays the fee in force when
        # it was created for as long as it lasts (grandfathering, runtime.versions' midnights)
        from runtime.versions import midnight
        self.fee_changes = tuple((midnight(day, self.tz), Money(amount, self.fee.currency))
                                 for day, amount, _ in table["fee"].get("changes", ()))
        self.plans = frozenset(table["plans"])
        self.tiers = {t["members"]: t for t in table["tiers"]}
        self.valid_for = timedelta(seconds=table["invitation_seconds"] or 10**9)
        self.rules = table["rules"]
        self.ends_when = {e["text"]: e["source"] for e in table["ends_when"]}
        self.country_code = COUNTRY_CODES[operator["country"]]
        # the rule choices of the spec (docs/runtime/family.md, "Rule choices")
        self.prorated: bool = table["fee"]["prorated"]
        self.groups_per_month: int | None = table["groups_per_month"]
        self.changes_now = table["changes_effective"] == "immediately"
        self.bonus_kept = table["bonus_expiry"] == "never"
        self.benefits_kept = table["benefits_after_exit"] == "end of month"
        rounding = operator.get("rounding")
        self.fee_quantum = rounding["quantum"] if rounding else Decimal("0.01")
        self.fee_rounding = rounding["mode"] if rounding else HALF_UP

    def normalize(self, number: str) -> str:
        """A number as E.164 digits (national numbers read in the operator's country)."""
        return normalise(number, self.country_code)

    def source(self, rule: str) -> str:
        """The spec line of a rule of the promotion (the `family` block when it has none)."""
        return self.rules.get(rule, {}).get("source", self.t["source"])

    # --- the requests (SMS to 9001, app, portal) -------------------------------------------

    def handle(self, world: World, msisdn: str, action: str, args: dict, at: datetime,
               explain: bool = False) -> tuple[World, Outcome]:
        """Apply one family request of `msisdn` (an action of compiler.model.family.FAMILY_ACTIONS);
        refusals are an `Outcome(ok=False)` with a reason and a reply (see the class example)."""
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidEvent("a family request's time must be a timezone-aware datetime", at=at)
        short = action.removeprefix("family_")
        method = getattr(self, "_" + short, None) if short in REQUESTS else None
        if not action.startswith("family_") or method is None:
            raise InvalidEvent(f"{action!r} is not a family action", action=action)
        sub = world.subscriber(msisdn)
        if sub.activated is not None and at < sub.activated:
            raise OutOfOrder(f"{msisdn} is not active yet at {at.isoformat()}", msisdn=msisdn)
        tx = _Tx(self, world, at)
        self._roll(tx)
        self._expire(tx)
        refusal = method(tx, msisdn, args or {}, explain)
        return self._finish(tx, msisdn, action, refusal, explain)

    def _finish(self, tx: _Tx, msisdn: str | None, action: str, refusal, explain: bool,
                rule: str = "", arithmetic: str = "") -> tuple[World, Outcome]:
        world = tx.world.with_extra("family", tx.st)
        data = {"action": action, "month": tx.st.month, "events": tuple(tx.events),
                "fees": tuple(tx.fees)}
        if msisdn is not None:
            data["group"] = self._group_data(tx.st, msisdn)
            data["bonus"] = allowance_data(self.bonus_left(world, msisdn))
        own = sum((Money(f["amount"], f["currency"]) for f in tx.fees if f["msisdn"] == msisdn),
                  Money.zero(self.fee.currency))
        if refusal is not None:
            key, rule, kw = refusal
            tx.say(msisdn, key, refused=True, **kw)
            return world, Outcome(msisdn, ok=False, charge=own, replies=tuple(tx.replies), rule=rule,
                                  source=self.source(rule), reason=text("en", key, self.name, **kw),
                                  data=data)
        rule = rule or (tx.events[-1]["rule"] if tx.events else "")
        arithmetic = arithmetic or ("; ".join(e["arithmetic"] for e in tx.events if e.get("arithmetic"))
                                    if explain else "")
        return world, Outcome(msisdn, charge=own, replies=tuple(tx.replies), rule=rule,
                              source=self.source(rule), arithmetic=arithmetic, data=data)

    def _create(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        why = self._ineligible(tx.world, msisdn)
        if why:
            return why
        invited = [self.normalize(n) for n in args.get("members", ())]
        lo, hi = self.t["invite_counts"].get("family_create", (1, self.t["max_members"] - 1))
        lo, hi = max(lo, self.t["min_members"] - 1), min(hi, self.t["max_members"] - 1)
        if not lo <= len(invited) <= hi:
            return "count", "invitation_24h", {"lo": lo, "hi": hi}
        if len(set(invited)) != len(invited) or msisdn in invited:
            return "duplicate", "invitation_24h", {}
        if why := self._one_group(tx.st, msisdn, month_of(tx.at, self.tz)):
            return why
        if self._busy(tx.st, msisdn):
            return "busy_self", "first_invitation_on_hold", {}
        for n in invited:
            if n not in tx.world.subscribers or self._ineligible(tx.world, n):
                return "invitee_not_eligible", "natural_person", {"msisdn": n}
            if why := self._one_group(tx.st, n, month_of(tx.at, self.tz)):
                return why
        g = Group(f"F{tx.st.next_id}", msisdn, (msisdn, *invited), tx.at)
        busy = [n for n in invited if self._busy(tx.st, n)]
        tx.st = replace(tx.st, groups=tx.st.groups + (g,), next_id=tx.st.next_id + 1)
        for n in invited:
            if n in busy:  # the first invitation received stays valid, "on hold"
                for old in tx.st.valid_invitations(n):
                    tx.set_inv(old, status="on_hold")
            inv = Invitation(g.id, msisdn, n, tx.at, status="auto_declined" if n in busy else "pending")
            tx.st = replace(tx.st, invitations=tx.st.invitations + (inv,))
        if busy:
            self._fail(tx, g, "auto_declined", "first_invitation_on_hold", who=busy[0])
            return "not_created", "first_invitation_on_hold", {"why": ("auto_declined", busy[0])}
        for n in invited:
            tx.say(n, "invited", initiator=msisdn)
        tx.say(msisdn, "invitations_sent", numbers=", ".join("+" + n for n in invited))
        tx.events.append({"event": "invited", "group": g.id, "to": tuple(invited), "rule": "invitation_24h"})
        return None

    def _accept(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        inv = self._invitation(tx, msisdn)
        if not isinstance(inv, Invitation):
            return inv
        why = self._ineligible(tx.world, msisdn)
        if why:
            return why
        month = month_of(tx.at, self.tz)
        target = month if inv.kind == "create" or self.changes_now else next_month(month)
        if why := self._one_group(tx.st, msisdn, target, leaving_ok=inv.kind == "add"):
            return why
        inv = tx.set_inv(inv, status="accepted")
        g = tx.st.group(inv.group)
        if inv.kind == "add":
            tx.st = replace(tx.st, changes=tx.st.changes + (Change(g.id, "add", msisdn, tx.at, target),))
            if not self.changes_now:
                for m in tx.st.next_members(g):
                    tx.say(m, "joins", msisdn=msisdn, month=target)
            tx.events.append({"event": "add_accepted", "group": g.id, "msisdn": msisdn, "month": target,
                              "rule": "changes_next_month"})
            if self.changes_now:  # the group is recomposed at once
                self._recompose(tx, g, month, month, tx.at)
            return None
        pending = [i.to for i in tx.st.invitations if i.group == g.id and i.status != "accepted"]
        if pending:
            tx.say(msisdn, "accepted_waiting", numbers=", ".join("+" + n for n in pending))
            tx.events.append({"event": "accepted", "group": g.id, "waiting": tuple(pending),
                              "rule": "invitation_24h"})
            return None
        self._activate(tx, replace(g, status="active", created=tx.at, month=month), explain)
        return None

    def _decline(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        inv = self._invitation(tx, msisdn)
        if not isinstance(inv, Invitation):
            return inv
        inv = tx.set_inv(inv, status="declined")
        g = tx.st.group(inv.group)
        if inv.kind == "create":
            self._fail(tx, g, "declined", "invitation_24h", who=msisdn)
        else:
            for m in (g.initiator, msisdn):
                tx.say(m, "add_failed", msisdn=msisdn, why=("declined", msisdn))
            tx.events.append({"event": "add_declined", "group": g.id, "msisdn": msisdn,
                              "rule": "invitation_24h"})
        return None

    def _cancel(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        g = next((g for g in tx.st.groups if g.status == "pending" and g.initiator == msisdn), None)
        if g is None:
            return "no_pending", "invitation_24h", {}
        self._fail(tx, g, "cancelled", "invitation_24h", who=msisdn)
        return None

    def _exit(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        g = tx.st.active_group(msisdn)
        if g is None:
            return "not_member", "changes_next_month", {}
        month = month_of(tx.at, self.tz)
        nxt = month if self.changes_now else next_month(month)
        if any(c.group == g.id and c.kind == "exit" and c.msisdn == msisdn for c in tx.st.changes):
            return "already_leaving", "changes_next_month", {"month": nxt}
        tx.st = replace(tx.st, changes=tx.st.changes + (Change(g.id, "exit", msisdn, tx.at, nxt),))
        rest = tx.st.next_members(g)
        if not self.benefits_kept:  # benefits end with the exit request
            tx.put(tx.sub(msisdn).with_(bonus=Allowance()))
        if self.changes_now:
            tx.say(msisdn, "left" if self.benefits_kept else "left_now")
            tx.events.append({"event": "exit", "group": g.id, "msisdn": msisdn, "month": nxt,
                              "next_members": tuple(rest), "rule": "changes_next_month"})
            self._recompose(tx, g, month, month, tx.at)
            return None
        tx.say(msisdn, "leaving" if self.benefits_kept else "leaving_now", month=nxt)
        for m in rest:
            tx.say(m, "member_leaving", msisdn=msisdn, month=nxt)
        if len(rest) < self.t["min_members"]:
            for m in g.members:
                tx.say(m, "will_end", month=nxt, min=self.t["min_members"])
        tx.events.append({"event": "exit_scheduled", "group": g.id, "msisdn": msisdn, "month": nxt,
                          "next_members": tuple(rest), "rule": "changes_next_month"})
        return None

    def _add(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        g = tx.st.active_group(msisdn)
        if g is None:
            return "not_member", "changes_next_month", {}
        if g.initiator != msisdn:
            return "not_initiator", "changes_next_month", {"initiator": g.initiator}
        new = [self.normalize(n) for n in args.get("members", ())]
        lo, hi = self.t["invite_counts"].get("family_add", (1, self.t["max_members"] - 1))
        if not lo <= len(new) <= hi or len(set(new)) != len(new):
            return "count", "changes_next_month", {"lo": lo, "hi": hi}
        open_adds = [i.to for i in tx.st.invitations if i.group == g.id and i.kind == "add" and i.status in VALID]
        if len(tx.st.next_members(g)) + len(open_adds) + len(new) > self.t["max_members"]:
            return "too_many", "changes_next_month", {"max": self.t["max_members"]}
        month = month_of(tx.at, self.tz)
        nxt = month if self.changes_now else next_month(month)
        for n in new:
            if n in g.members or n in open_adds:
                return "already_member", "changes_next_month", {"msisdn": n}
            if n not in tx.world.subscribers or self._ineligible(tx.world, n):
                return "invitee_not_eligible", "natural_person", {"msisdn": n}
            if why := self._one_group(tx.st, n, nxt, leaving_ok=True):
                return why
        for n in new:
            busy = self._busy(tx.st, n)
            for old in (tx.st.valid_invitations(n) if busy else ()):
                tx.set_inv(old, status="on_hold")
            inv = Invitation(g.id, msisdn, n, tx.at, "add", "auto_declined" if busy else "pending")
            tx.st = replace(tx.st, invitations=tx.st.invitations + (inv,))
            if busy:
                tx.say(msisdn, "add_failed", msisdn=n, why=("auto_declined", n))
            elif self.changes_now:
                tx.say(n, "invited", initiator=msisdn)
            else:
                tx.say(n, "invited_add", initiator=msisdn, month=nxt)
        tx.events.append({"event": "add_invited", "group": g.id, "to": tuple(new), "month": nxt,
                          "rule": "changes_next_month"})
        return None

    def _transfer(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        mb, to = args.get("amount_mb"), self.normalize(args.get("to", ""))
        if type(mb) is not int:
            raise InvalidEvent(f"a transfer's amount must be a whole number of MB, not {mb!r}")
        tr = self.t["transfer"]
        if tr is None:
            return "no_transfer", "transfer_bonus_only", {}
        mine = self._benefit_groups(tx.st, msisdn, tx.at)
        if not mine:
            return "not_member", "transfer_bonus_only", {}
        if mb < tr["min_kb"] // MB:
            return "transfer_min", "transfer_bonus_only", {"min": tr["min_kb"] // MB}
        if mb % (tr["step_kb"] // MB):
            return "transfer_step", "transfer_bonus_only", {"step": tr["step_kb"] // MB}
        if to == msisdn:
            return "transfer_self", "transfer_bonus_only", {}
        if not any(g in self._benefit_groups(tx.st, to, tx.at) for g in mine):
            return "transfer_not_member", "transfer_bonus_only", {"msisdn": to}
        sender = tx.sub(msisdn)
        if sender.suspended:
            return "suspended", "suspension", {}
        left = sender.bonus.kb or 0
        if mb * MB > left:
            return "transfer_too_much", "transfer_bonus_only", {"left": left // MB}
        tx.put(sender.with_(bonus=replace(sender.bonus, kb=left - mb * MB)))
        rcpt = tx.sub(to)
        tx.put(rcpt.with_(bonus=replace(rcpt.bonus, kb=(rcpt.bonus.kb or 0) + mb * MB)))
        tx.say(msisdn, "transfer_sent", mb=mb, to=to, left=(left - mb * MB) // MB)
        tx.say(to, "transfer_received", mb=mb, sender=msisdn)
        tx.events.append({"event": "transferred", "from": msisdn, "to": to, "kb": mb * MB,
                          "rule": "transfer_bonus_only",
                          "arithmetic": f"bonus data {left // MB} MB - {mb} MB = {(left - mb * MB) // MB} MB"
                                        f" left; {to} receives {mb} MB valid to the end of the month"})
        return None

    def _status(self, tx: _Tx, msisdn: str, args: dict, explain: bool):
        g = self._benefit_group(tx.st, msisdn, tx.at)
        if g is not None:
            b = self.bonus_left(tx.world, msisdn)
            tx.say(msisdn, "status", size=len(g.members), members=", ".join("+" + m for m in g.members),
                   percent=self.tiers[len(g.members)]["percent"], min=(b.seconds or 0) // 60,
                   sms=b.sms or 0, mb=(b.kb or 0) // MB)
        elif (p := tx.st.pending_group(msisdn)) is not None:
            waiting = [i.to for i in tx.st.invitations if i.group == p.id and i.status in VALID]
            tx.say(msisdn, "status_pending", numbers=", ".join("+" + n for n in waiting))
        else:
            tx.say(msisdn, "status_none")
        tx.events.append({"event": "status", "rule": "bonus_in_full"})
        return None

    # --- transitions -----------------------------------------------------------------------

    def _activate(self, tx: _Tx, g: Group, explain: bool) -> None:
        """The group is created (all accepted): bonus in full whatever the day, fee, history."""
        tx.set_group(g)
        tier = self.tiers[len(g.members)]
        for m in g.members:
            sub = tx.sub(m)
            bonus = scale(sub.package, tier["percent"], self.t["bonus_on"])
            tx.put(sub.with_(bonus=self._allot(sub.bonus, bonus)))
            self._charge_fee(tx, m, g.month, g.created, g)
            tx.st = replace(tx.st, history=tx.st.history + ((m, g.month, g.id),))
            tx.say(m, "created", size=len(g.members), percent=tier["percent"])
            tx.events.append({"event": "bonus", "msisdn": m, "group": g.id, "percent": str(tier["percent"]),
                              "bonus": allowance_data(bonus), "rule": "bonus_in_full",
                              "arithmetic": bonus_arithmetic(m, sub.package, tier["percent"], bonus)
                              if explain else ""})
        tx.events.append({"event": "created", "group": g.id, "members": g.members, "month": g.month,
                          "rule": "bonus_in_full"})

    def _allot(self, left: Allowance, bonus: Allowance) -> Allowance:
        """A new bonus: added to the unspent one when the bonus never expires, else replacing it."""
        if not self.bonus_kept:
            return bonus

        def plus(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else a + b
        return Allowance(plus(left.seconds, bonus.seconds), plus(left.sms, bonus.sms),
                         plus(left.kb, bonus.kb))

    def _fee_of(self, g: Group) -> Money:
        """The fee of group `g`: the one in force when it was created (grandfathering)."""
        fee = self.fee
        for start, changed in self.fee_changes:
            if start <= g.created:
                fee = changed
        return fee

    def _charge_fee(self, tx: _Tx, msisdn: str, month: str, at: datetime, g: Group) -> None:
        """The fee in full, in advance, at most once per member and month (a prorated fee is
        charged when the month closes instead, see `_charge_prorated`)."""
        if self.prorated or (msisdn, month) in tx.st.fees:
            return
        self._book_fee(tx, msisdn, month, at, self._fee_of(g), {})

    def _book_fee(self, tx: _Tx, msisdn: str, month: str, at: datetime, fee: Money, extra: dict) -> None:
        sub = tx.sub(msisdn)
        tx.put(sub.with_(ledger=sub.ledger + (Charge(at, "fee", self.name, fee, 1, "month"),)))
        tx.st = replace(tx.st, fees=tx.st.fees + ((msisdn, month),))
        tx.fees.append({"msisdn": msisdn, "month": month, "amount": str(fee.amount),
                        "currency": fee.currency, **extra, "source": self.source("fee_full")})

    def _charge_prorated(self, tx: _Tx, msisdn: str, month: str, last: datetime) -> None:
        """`fee prorated`: at the month's close, the fee x days of membership in the month /
        days of the month, rounded by the operator's rounding, dated the month's last second."""
        if (msisdn, month) in tx.st.fees:
            return
        y, m = int(month[:4]), int(month[5:])
        first = datetime(y, m, 1).date()
        last_day = last.astimezone(self.tz).date()
        days = set()
        fee = self.fee
        for who, mo, gid in tx.st.history:
            if who != msisdn or mo != month:
                continue
            g = tx.st.group(gid)
            fee = self._fee_of(g)  # of the member's latest group of the month
            start = max(g.created.astimezone(self.tz).date(), first)
            end = last_day if g.ended is None else min(g.ended.astimezone(self.tz).date(), last_day)
            days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
        amount = round_amount(fee.amount * len(days) / last_day.day, self.fee_quantum,
                              self.fee_rounding)
        self._book_fee(tx, msisdn, month, last, Money(amount, self.fee.currency),
                       {"days": len(days), "month_days": last_day.day})

    def _fail(self, tx: _Tx, g: Group, why: str, rule: str, who: str | None = None) -> None:
        """A group in preparation is not created: every number is informed."""
        tx.set_group(replace(g, status="ended", reason=why))
        for inv in [i for i in tx.st.invitations if i.group == g.id and i.status in VALID]:
            tx.set_inv(inv, status="expired" if why == "expired" else "cancelled")
        for m in g.members:  # on auto-decline, the initiator's refusal reply says why
            if not (why == "auto_declined" and m in (who, g.initiator)):
                tx.say(m, "not_created", why=(why, who))
        tx.events.append({"event": "not_created", "group": g.id, "why": why, "rule": rule})

    def _expire(self, tx: _Tx) -> None:
        """Invitations older than 24 hours expire; a group in preparation is then not created."""
        now = tx.at.astimezone(timezone.utc)  # 24 hours elapsed, whatever zone the times are in
        for inv in [i for i in tx.st.invitations
                    if i.status in VALID and now >= i.sent.astimezone(timezone.utc) + self.valid_for]:
            g = tx.st.group(inv.group)
            if inv.kind == "create":
                if g.status == "pending":
                    self._fail(tx, g, "expired", "invitation_24h")
            else:
                tx.set_inv(inv, status="expired")
                for m in (g.initiator, inv.to):
                    tx.say(m, "add_failed", msisdn=inv.to, why=("expired", inv.to))
                tx.events.append({"event": "add_expired", "group": g.id, "msisdn": inv.to,
                                  "rule": "invitation_24h"})

    def _roll(self, tx: _Tx) -> None:
        """Close every month between the open month and the request's (no MonthEnd was sent)."""
        month = month_of(tx.at, self.tz)
        if tx.st.month is not None and month < tx.st.month:
            raise OutOfOrder(f"{tx.at.isoformat()} is in {month}, which is closed", at=tx.at)
        while tx.st.month is not None and tx.st.month < month:
            self._close(tx, tx.st.month)
        tx.st = replace(tx.st, month=month)

    def _close(self, tx: _Tx, month: str) -> None:
        """Month end: a prorated fee is charged; bonus and transferred data expire (unless the
        bonus never expires: then members going on keep it); changes take effect; next month's
        bonus and fee for every group that goes on."""
        nxt = next_month(month)
        start = datetime(int(nxt[:4]), int(nxt[5:]), 1, tzinfo=self.tz)
        members = sorted({m for m, mo, _ in tx.st.history if mo == month})
        if self.prorated:
            for m in members:
                self._charge_prorated(tx, m, month, start - timedelta(seconds=1))
        going_on = set()
        if self.bonus_kept:
            for g in tx.st.groups:
                rest = tx.st.next_members(g) if g.status == "active" else ()
                if len(rest) >= self.t["min_members"]:
                    going_on.update(rest)
        for m in members:
            if m in tx.world.subscribers and m not in going_on:
                tx.put(tx.sub(m).with_(bonus=Allowance()))
        tx.events.append({"event": "bonus_expired", "month": month, "rule": "month_end_expiry"})
        for g in [g for g in tx.st.groups if g.status == "active"]:
            if not any(c.group == g.id for c in tx.st.changes):
                self._renew(tx, g, g, nxt, start)
                continue
            self._recompose(tx, g, month, nxt, start)
        tx.st = replace(tx.st, month=nxt)

    def _recompose(self, tx: _Tx, g: Group, until: str, month: str, start: datetime) -> None:
        """Apply the changes of `g`: it ends (benefits to the end of `until`), and a new
        composition takes effect at `start`, in `month`; fewer than the minimum: the group ends."""
        members = tx.st.next_members(g)
        tx.set_group(replace(g, status="ended", until=until, reason="changed", ended=start))
        tx.st = replace(tx.st, changes=tuple(c for c in tx.st.changes if c.group != g.id))
        if len(members) < self.t["min_members"]:
            for inv in [i for i in tx.st.invitations if i.group == g.id and i.status in VALID]:
                tx.set_inv(inv, status="cancelled")
            for m in g.members:
                if self.changes_now and not self.benefits_kept:
                    tx.put(tx.sub(m).with_(bonus=Allowance()))
                tx.say(m, "ended_small", min=self.t["min_members"])
            tx.events.append({"event": "ended", "group": g.id, "why": "too_small",
                              "rule": "changes_next_month"})
            return
        initiator = g.initiator if g.initiator in members else members[0]
        new = Group(f"F{tx.st.next_id}", initiator, members, start, "active", start, month, previous=g.id)
        tx.st = replace(tx.st, groups=tx.st.groups + (new,), next_id=tx.st.next_id + 1)
        for inv in [i for i in tx.st.invitations if i.group == g.id and i.status in VALID]:
            tx.set_inv(inv, group=new.id)
        self._renew(tx, g, new, month, start)

    def _renew(self, tx: _Tx, old: Group, g: Group, month: str, start: datetime) -> None:
        tier = self.tiers[len(g.members)]
        now = g is not old and self.changes_now
        for m in g.members:
            sub = tx.sub(m)
            bonus = scale(sub.package, tier["percent"], self.t["bonus_on"])
            tx.put(sub.with_(bonus=self._allot(sub.bonus, bonus)))
            self._charge_fee(tx, m, month, start, g)
            tx.st = replace(tx.st, history=tx.st.history + ((m, month, g.id),))
            if now:
                tx.say(m, "recomposed_now", size=len(g.members), percent=tier["percent"])
            elif g is not old:
                tx.say(m, "recomposed", month=month, size=len(g.members), percent=tier["percent"])
        tx.events.append({"event": "renewed" if g is old else "recomposed", "group": g.id,
                          "members": g.members, "month": month, "percent": str(tier["percent"]),
                          "rule": "month_end_expiry" if g is old else "changes_next_month"})

    # --- time passing, and other areas' calls ----------------------------------------------

    def on_tick(self, world: World, at: datetime, msisdn: str | None = None) -> tuple[World, Outcome]:
        """Time passes to `at`: invitations older than 24 hours expire (groups not created)."""
        tx = _Tx(self, world, at)
        self._roll(tx)
        self._expire(tx)
        return self._finish(tx, msisdn, "tick", None, False, rule="invitation_24h")

    def on_month_end(self, world: World, at: datetime, msisdn: str | None = None) -> tuple[World, Outcome]:
        """Close the month containing `at` (see `_close`); the next month is then open."""
        tx = _Tx(self, world, at)
        self._roll(tx)
        self._expire(tx)
        self._close(tx, month_of(at, self.tz))
        return self._finish(tx, msisdn, "month_end", None, False, rule="month_end_expiry")

    def free_in_group(self, world: World, msisdn: str, party: str | None, service: str,
                      at: datetime) -> str | None:
        """The rule id (`free_in_group`) when a national call or SMS from `msisdn` to `party` is
        free because both are members of the same group at `at`; else None."""
        if party is None or FREE_SERVICES.get(service) not in self.t["free_in_group"]:
            return None
        st = world.get("family")
        mine = self._benefit_groups(st, msisdn, at) if st else ()
        if not mine:
            return None
        theirs = self._benefit_groups(st, self.normalize(party), at)
        return "free_in_group" if any(g in theirs for g in mine) else None

    def home_usage(self, world: World, sub: Subscriber, ev, party: str | None,
                   explain: bool) -> tuple[World, Outcome] | None:
        """runtime.rating's home hook: a free call or SMS inside the group costs nothing and is
        written to the ledger at 0 for the bill's traffic table; anything else is left to rating."""
        rule = self.free_in_group(world, sub.msisdn, party, ev.service, ev.at)
        if rule is None:
            return None
        zero = Money.zero(self.fee.currency)
        unit = "sms" if ev.service == "sms" else "s"
        entry = Charge(ev.at, "traffic", f"{ev.service} / {self.name}", zero, ev.amount, unit)
        world = world.with_subscriber(sub.with_(ledger=sub.ledger + (entry,)))
        arithmetic = f"{ev.amount} {unit} to a member of the group: free" if explain else ""
        return world, Outcome(sub.msisdn, charge=zero, rule=rule, source=self.source(rule),
                              arithmetic=arithmetic, data={"service": ev.service, "amount": ev.amount,
                                                           "unit": unit, "free_in_group": True})

    def bonus_left(self, world: World, msisdn: str) -> Allowance:
        """The family bonus `msisdn` can use now: nothing while the number is suspended."""
        sub = world.subscriber(msisdn)
        return Allowance() if sub.suspended else sub.bonus

    def end(self, world: World, msisdn: str, reason: str, at: datetime) -> tuple[World, Outcome]:
        """The promotion ends on every number of `msisdn`'s group (an `ends when` event, e.g.
        "the number is deactivated..."); benefits stay until the end of the month, or end now
        (`benefits after exit immediately`)."""
        tx = _Tx(self, world, at)
        self._roll(tx)
        self._expire(tx)
        source = self.ends_when.get(reason, self.source("after_deactivation"))
        g = tx.st.active_group(msisdn)
        if g is not None:
            tx.set_group(replace(g, status="ended", until=month_of(at, self.tz), reason=reason, ended=at))
            tx.st = replace(tx.st, changes=tuple(c for c in tx.st.changes if c.group != g.id))
            for inv in [i for i in tx.st.invitations if i.group == g.id and i.status in VALID]:
                tx.set_inv(inv, status="cancelled")
            for m in g.members:
                if not self.benefits_kept:
                    tx.put(tx.sub(m).with_(bonus=Allowance()))
                tx.say(m, "ended" if self.benefits_kept else "ended_now", why=reason)
            tx.events.append({"event": "ended", "group": g.id, "why": reason, "rule": "after_deactivation"})
        elif (p := tx.st.pending_group(msisdn)) is not None:
            self._fail(tx, p, "cancelled", "after_deactivation", who=msisdn)
        else:
            return self._finish(tx, msisdn, "family_end", ("not_member", "after_deactivation", {}), False)
        world, out = self._finish(tx, msisdn, "family_end", None, False)
        return world, replace(out, source=source)

    def change_plan(self, world: World, msisdn: str, plan: str, package: Allowance,
                    at: datetime) -> tuple[World, Outcome]:
        """A change of tariff package: this month's bonus stays, next month's follows the new
        package; a package without the promotion ends it for the whole group."""
        sub = world.subscriber(msisdn)
        world = world.with_subscriber(sub.with_(plan=plan, package=package))
        if plan not in self.plans:
            st = world.get("family") or FamilyState()
            if st.active_group(msisdn) or st.pending_group(msisdn):
                return self.end(world, msisdn, "the user changes to a package on which the promotion "
                                "is not available", at)
        tx = _Tx(self, world, at)
        tx.events.append({"event": "plan_changed", "plan": plan, "rule": "plan_change"})
        return self._finish(tx, msisdn, "family_change_plan", None, False)

    # --- queries on the state --------------------------------------------------------------

    def _ineligible(self, world: World, msisdn: str):
        sub = world.subscriber(msisdn)
        if sub.segment not in self.t["segments"] or sub.plan not in self.plans:
            return "not_eligible", "natural_person", {"plan": sub.plan or sub.segment}
        if msisdn in (world.get("legal_entities") or ()):
            return "not_natural", "natural_person", {}
        promos = (world.get("promotions") or {}).get(msisdn, ())
        bad = [p for p in promos if p in self.t["excluded"] and p not in self.t["exceptions"]]
        return ("excluded", "natural_person", {"promotion": bad[0]}) if bad else None

    def _invitation(self, tx: _Tx, msisdn: str):
        """The invitation `msisdn` answers (the first received), or a refusal."""
        valid = tx.st.valid_invitations(msisdn)
        if valid:
            return valid[0]
        mine = [i for i in tx.st.invitations if i.to == msisdn]
        if mine and mine[-1].status == "expired":
            return "expired", "invitation_24h", {}
        return "no_invitation", "invitation_24h", {}

    def _busy(self, st: FamilyState, msisdn: str) -> bool:
        """Has an invitation to answer or a group in preparation: a new invitation is declined."""
        return bool(st.valid_invitations(msisdn) or st.pending_group(msisdn))

    def _one_group(self, st: FamilyState, msisdn: str, month: str, leaving_ok: bool = False):
        """The refusal (`one_group_per_month`) when `msisdn` may not join another group in
        `month`: is in a group (one at a time; `leaving_ok`: unless leaving it), has accepted a
        DODAJ invitation to join one from a later month (it counts as a member already), or has
        been in `groups per member` groups that month (a composition replacing another after a
        change is the same group); else None."""
        g = st.active_group(msisdn)
        if g is not None and (not leaving_ok or msisdn in st.next_members(g)):
            return "one_group", "one_group_per_month", {"msisdn": msisdn}
        joins = next((c for c in st.changes if c.kind == "add" and c.msisdn == msisdn), None)
        if joins is not None:
            return "joining", "one_group_per_month", {"msisdn": msisdn, "month": joins.month}
        if self.groups_per_month is None:
            return None
        groups = {self._first(st, gid) for m, mo, gid in st.history if m == msisdn and mo == month}
        if len(groups) >= self.groups_per_month:
            return "one_group", "one_group_per_month", {"msisdn": msisdn}
        return None

    @staticmethod
    def _first(st: FamilyState, gid: str) -> str:
        """The id of the first composition of the group that `gid` is a composition of."""
        while (prev := st.group(gid).previous) is not None:
            gid = prev
        return gid

    def _benefit_groups(self, st: FamilyState, msisdn: str, at: datetime) -> list[Group]:
        """The groups whose benefits `msisdn` has at `at`: an ended group's last to the end of
        its month, or (`benefits after exit immediately`) only until it ended or the member
        asked to leave."""
        month = month_of(at, self.tz)
        out = []
        for g in st.groups:
            if (g.created is None or msisdn not in g.members or at < g.created or month < g.month
                    or (g.until is not None and month > g.until)):
                continue
            if not self.benefits_kept and (
                    (g.ended is not None and g.ended <= at)
                    or any(c.group == g.id and c.kind == "exit" and c.msisdn == msisdn and c.at <= at
                           for c in st.changes)):
                continue
            out.append(g)
        return out

    def _benefit_group(self, st: FamilyState, msisdn: str, at: datetime) -> Group | None:
        """The latest group whose benefits `msisdn` has at `at`."""
        groups = self._benefit_groups(st, msisdn, at)
        return groups[-1] if groups else None

    def _group_data(self, st: FamilyState, msisdn: str) -> dict | None:
        g = st.active_group(msisdn) or st.pending_group(msisdn)
        if g is None:
            return None
        tier = self.tiers.get(len(g.members))
        return {"id": g.id, "initiator": g.initiator, "members": g.members, "status": g.status,
                "size": len(g.members), "percent": None if tier is None else str(tier["percent"]),
                "month": g.month, "created": g.created and g.created.isoformat(),
                "next_members": st.next_members(g) if g.status == "active" else None,
                "invitations": tuple({"to": i.to, "status": i.status, "kind": i.kind,
                                      "sent": i.sent.isoformat()}
                                     for i in st.invitations if i.group == g.id)}


def install(engine) -> None:
    """Set `engine.family`; add its home hook to runtime.rating (free calls and SMS inside the
    group); handle Tick (invitations expire), MonthEnd (bonuses expire, fees, changes) and
    FamilyEnd (an `ends when` event ends the promotion for the group)."""
    engine.family = FamilyEngine(engine.tables["family"], engine.tables["operator"])
    hooks = getattr(getattr(engine, "rating", None), "home_hooks", None)
    if hooks is not None:
        hooks.append(engine.family.home_usage)
    engine.on(Tick, lambda w, e, explain: engine.family.on_tick(w, e.at, e.msisdn))
    engine.on(MonthEnd, lambda w, e, explain: engine.family.on_month_end(w, e.at, e.msisdn))
    first_end = engine.family.t["ends_when"][0]["text"] if engine.family.t["ends_when"] else ""
    engine.on(FamilyEnd, lambda w, e, explain: engine.family.end(w, e.msisdn, e.reason or first_end, e.at))
