"""Family groups: a promotion that a group of subscribers joins together (Telenor Porodica).

A `Family` holds everything the runtime's family-group state machine needs: who may join,
the group size, the bonus by size, the fee, what is free inside the group, how bonus data is
transferred, how invitations and changes behave, and when the promotion ends. The SMS
commands that drive the state machine are `SmsCommand`s with `family_*` actions
(compiler.model.commands).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from dsl.ast import Span
from compiler.model.common import Eligibility, Note, Price, Texts

# What `bonus on` may name: the package allowances the group bonus is a percentage of.
BONUS_ITEMS = ("national minutes", "sms", "data")
# What `free in group` may name: traffic between members that is free and unlimited.
FREE_IN_GROUP_ITEMS = ("national outgoing call", "sms")
# Where members manage the group (`channels`).
CHANNELS = ("app", "portal", "sms", "ussd", "shop")
# Where transferred data may come from (`transfer data ... from bonus only`).
TRANSFER_SOURCES = ("bonus", "bonus and package")
# When a change of the group's members takes effect.
CHANGES_EFFECTIVE = ("next month", "immediately")
# When bonus traffic expires, and how long benefits last after leaving the group.
BONUS_EXPIRY = ("end of month", "never")
BENEFITS_AFTER_EXIT = ("end of month", "immediately")
# The SMS actions a family group's state machine answers (see compiler.model.commands.ACTIONS).
FAMILY_ACTIONS = ("family_create", "family_accept", "family_decline", "family_exit",
                  "family_add", "family_cancel", "family_transfer", "family_status")


@attrs.frozen(slots=True)
class Tier:
    """A row of the bonus table: a group of `members` members gets `percent` % more."""

    members: int
    percent: Decimal
    span: Span


@attrs.frozen(slots=True)
class Rule:
    """`rule first_invitation_on_hold en "..."`: a rule of the promotion, in prose, with an id
    the runtime's explanations and the docs cite."""

    id: str
    texts: Texts
    span: Span


@attrs.frozen(slots=True)
class Family:
    """A family-group promotion.

    - `eligibility`: the segments and plans written after `for`; `plans` is every plan that
      qualifies (the plans named, and all plans of the segments named), in declaration order.
    - `excluded`: promotions a member must not have (`not with "..."`); `exceptions`: the
      promotions excepted from that exclusion (`except "..."`).
    - `tiers`: the bonus percentage for each group size from `min_members` to `max_members`.
    - `fee`: per member per month (`Price.per == "month"`); `fee_prorated` False: charged in
      full whatever the day of joining or leaving.
    - `transfer_step_kb` / `transfer_min_kb`: data moves between members in multiples of the
      step, at least the minimum (None: no transfer); `transfer_from`: "bonus" (only bonus
      data) or "bonus and package".
    - `invitation_seconds`: how long an invitation stays open (None: no limit);
      `groups_per_month`: how many groups a member may belong to in one month (None: no limit).
    - `changes_effective`, `bonus_expiry`, `benefits_after_exit`: see the vocabularies above.
    - `ends_when`: the events that end the promotion for the whole group, in prose.
    """

    name: str
    names: Texts
    eligibility: Eligibility
    plans: tuple[str, ...]
    excluded: tuple[str, ...]
    exceptions: tuple[str, ...]
    min_members: int
    max_members: int
    tiers: tuple[Tier, ...]
    fee: Price
    fee_prorated: bool
    bonus_on: tuple[str, ...]
    free_in_group: tuple[str, ...]
    transfer_step_kb: int | None
    transfer_min_kb: int | None
    transfer_from: str | None
    invitation_seconds: int | None
    groups_per_month: int | None
    changes_effective: str
    bonus_expiry: str
    benefits_after_exit: str
    channels: tuple[str, ...]
    rules: tuple[Rule, ...]
    ends_when: tuple[tuple[str, Span], ...]
    about: Texts
    notes: tuple[Note, ...]
    span: Span
    # `fee 180 RSD/month per member from 2027-01-01`: (first day, fee, span), by day. A group
    # pays the fee in force on the day it was created, for as long as it lasts
    # (grandfathering); `fee` is the one before the first change.
    fee_changes: tuple[tuple[date, Price, Span], ...] = ()

    def fee_on(self, day: date) -> Price:
        """The fee of a group created on `day` (a day of the operator's time zone)."""
        fee = self.fee
        for start, price, _ in self.fee_changes:
            if start <= day:
                fee = price
        return fee

    def percent_for(self, members: int) -> Decimal | None:
        """The bonus percentage of a group of `members` members (None outside the range)."""
        return next((t.percent for t in self.tiers if t.members == members), None)

    def rule(self, id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == id), None)

    def transferable(self, kb: int) -> bool:
        """Whether `kb` KB may be sent to another member (a multiple of the step, at least
        the minimum)."""
        if self.transfer_step_kb is None or self.transfer_min_kb is None:
            return False
        return kb >= self.transfer_min_kb and kb % self.transfer_step_kb == 0


__all__ = ["BONUS_ITEMS", "FREE_IN_GROUP_ITEMS", "CHANNELS", "TRANSFER_SOURCES",
           "CHANGES_EFFECTIVE", "BONUS_EXPIRY", "BENEFITS_AFTER_EXIT", "FAMILY_ACTIONS",
           "Tier", "Rule", "Family"]
