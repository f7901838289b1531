"""Azercell's billing window (when postpaid balance requests are deferred) and its automatic
balance notifications (seed 002)."""

from __future__ import annotations

import attrs

from dsl.ast import Span
from compiler.model.common import Eligibility, Note

# What a billing window may defer: an SMS command to a number, a call to a number, a USSD
# code, a web channel.
DEFER_KINDS = ("sms", "call", "code", "web")
# What makes the balance change and a notification go out (`on call, sms, data pack`).
NOTIFICATION_TRIGGERS = ("call", "sms", "data pack")
NOTIFICATION_KINDS = ("balance",)


@attrs.frozen(slots=True)
class BillingWindow:
    """`from day 4 to day 24 at 23:00`: each month the window opens on `from_day` at `at`
    (local time) and closes on `to_day` at `at`; the requests in `defers` ((kind, ref) such as
    ("sms", "650"), ("code", "*650#YES"), ("web", "online services")) made inside it are carried
    out in the next bill cycle."""

    from_day: int
    to_day: int
    at: tuple[int, int]
    defers: tuple[tuple[str, str], ...]
    notes: tuple[Note, ...]
    span: Span

    def inside(self, day: int, hour: int, minute: int) -> bool:
        """Whether a moment of the month (day, hour, minute) falls inside the window.

        >>> w = BillingWindow(4, 24, (23, 0), (), (), None)
        >>> w.inside(4, 22, 59), w.inside(4, 23, 0), w.inside(24, 22, 59), w.inside(24, 23, 0)
        (False, True, True, False)
        """
        return (self.from_day, *self.at) <= (day, hour, minute) < (self.to_day, *self.at)

    def defers_request(self, kind: str, ref: str) -> bool:
        """Whether a request of this kind (`sms`, `call`, `code`, `web`) to `ref` is deferred."""
        return (kind, ref) in self.defers


@attrs.frozen(slots=True)
class Notifications:
    """Automatic notifications of `kind` ("balance") to the subscribers in `eligibility`,
    sent whenever one of `triggers` changes the balance; `off_channels` are where a subscriber
    turns them off."""

    kind: str
    eligibility: Eligibility
    triggers: tuple[str, ...]
    off_channels: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span


__all__ = ["DEFER_KINDS", "NOTIFICATION_TRIGGERS", "NOTIFICATION_KINDS", "BillingWindow",
           "Notifications"]
