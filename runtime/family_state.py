"""The state of the family-group state machine (`world.extra["family"]`) and its pure helpers:
months in the operator's time zone and bonus scaling.

Everything here is immutable: groups, invitations and changes are frozen dataclasses held in
tuples, replaced (never changed) by `runtime.family`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from runtime.state import Allowance

MB = 1024  # KB
VALID = ("pending", "on_hold")  # invitations that can still be answered


def month_of(at: datetime, tz: ZoneInfo) -> str:
    """The month containing `at`, in the operator's time zone.

    >>> from datetime import timezone
    >>> month_of(datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc), ZoneInfo("Europe/Belgrade"))
    '2025-02'
    """
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def next_month(month: str) -> str:
    """The month after `month`.

    >>> next_month("2025-12"), next_month("2025-03")
    ('2026-01', '2025-04')
    """
    y, m = int(month[:4]), int(month[5:])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def scale(package: Allowance, percent: Decimal, items: tuple[str, ...]) -> Allowance:
    """`percent` % of a package, rounded down to whole minutes, SMS and MB.

    >>> scale(Allowance(seconds=100 * 60, sms=55, kb=1500 * MB), Decimal(30),
    ...       ("national minutes", "sms", "data"))
    Allowance(seconds=1800, sms=16, kb=460800)
    """
    def part(units: int | None, item: str) -> int | None:
        if units is None or item not in items:
            return None
        return int((units * percent / 100).to_integral_value(ROUND_FLOOR))

    minutes, mb = part(div(package.seconds, 60), "national minutes"), part(div(package.kb, MB), "data")
    return Allowance(seconds=None if minutes is None else minutes * 60,
                     sms=part(package.sms, "sms"), kb=None if mb is None else mb * MB)


def div(n: int | None, d: int) -> int | None:
    """`n // d`, None staying None."""
    return None if n is None else n // d


@dataclass(frozen=True, slots=True)
class Group:
    """One composition of a group. `month`: the month it took effect; `until`: the last month
    of its benefits once ended (None while active, or when it never became active); `ended`:
    the instant it ended (benefits end then when `benefits after exit immediately`)."""

    id: str
    initiator: str
    members: tuple[str, ...]  # the initiator first
    sent: datetime
    status: str = "pending"  # pending, active, ended
    created: datetime | None = None
    month: str | None = None
    until: str | None = None
    reason: str = ""
    previous: str | None = None  # the composition this one replaced (a change of members)
    ended: datetime | None = None  # when it ended (a change of members, the promotion's end)


@dataclass(frozen=True, slots=True)
class Invitation:
    group: str
    sender: str
    to: str
    sent: datetime
    kind: str = "create"  # create: to form the group; add: DODAJ, to join it next month
    status: str = "pending"  # pending on_hold accepted declined expired auto_declined cancelled


@dataclass(frozen=True, slots=True)
class Change:
    """A change of a group that takes effect from `month` (IZLAZAK: exit; DODAJ: add)."""

    group: str
    kind: str
    msisdn: str
    at: datetime
    month: str


@dataclass(frozen=True, slots=True)
class FamilyState:
    groups: tuple[Group, ...] = ()
    invitations: tuple[Invitation, ...] = ()
    history: tuple[tuple[str, str, str], ...] = ()  # (msisdn, month, group id): membership
    changes: tuple[Change, ...] = ()
    fees: tuple[tuple[str, str], ...] = ()  # (msisdn, month) already charged
    month: str | None = None  # the open month
    next_id: int = 1

    def valid_invitations(self, msisdn: str) -> list[Invitation]:
        """The invitations `msisdn` can still answer, the first received first."""
        return [i for i in self.invitations if i.to == msisdn and i.status in VALID]

    def group(self, gid: str) -> Group:
        return next(g for g in self.groups if g.id == gid)

    def active_group(self, msisdn: str) -> Group | None:
        return next((g for g in self.groups if g.status == "active" and msisdn in g.members), None)

    def pending_group(self, msisdn: str) -> Group | None:
        """The group in preparation `msisdn` initiated, was invited to, or accepted."""
        return next((g for g in self.groups if g.status == "pending" and msisdn in g.members
                     and (g.initiator == msisdn or any(i.group == g.id and i.to == msisdn
                                                       and i.status in (*VALID, "accepted")
                                                       for i in self.invitations))), None)

    def next_members(self, g: Group) -> tuple[str, ...]:
        """The group's members from next month: without those leaving, with those added."""
        gone = {c.msisdn for c in self.changes if c.group == g.id and c.kind == "exit"}
        added = tuple(c.msisdn for c in self.changes if c.group == g.id and c.kind == "add")
        return tuple(m for m in g.members if m not in gone) + added


def allowance_data(a: Allowance) -> dict:
    """An allowance as JSON-friendly data."""
    return {"seconds": a.seconds, "sms": a.sms, "kb": a.kb}


def bonus_arithmetic(msisdn: str, package: Allowance, percent: Decimal, bonus: Allowance) -> str:
    """How a member's bonus was computed (for explanations).

    >>> bonus_arithmetic("381640000001", Allowance(6000, 100, None), Decimal(40), Allowance(2400, 40, None))
    '381640000001: 100 min x 40 % = 40 min, 100 SMS x 40 % = 40 SMS, no MB (rounded down)'
    """
    def show(units, bonus_units, unit):
        return f"{units} {unit} x {percent} % = {bonus_units} {unit}" if units is not None else f"no {unit}"
    return (f"{msisdn}: " + ", ".join((
        show(div(package.seconds, 60), div(bonus.seconds, 60), "min"),
        show(package.sms, bonus.sms, "SMS"),
        show(div(package.kb, MB), div(bonus.kb, MB), "MB"))) + " (rounded down)")
