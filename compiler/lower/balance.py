"""Balance -> tables: the billing window that defers requests, and automatic balance
notifications (Azercell, seed 002).

An operator with balance queries (a code, SMS, call or web channel whose action is `balance`,
`status` or `account_details`) gets a table even without a window, so that `runtime.balance`
can answer those queries:

    {"windows": ({"from_day": 4, "to_day": 24, "at": (23, 0),
                  "defers": (("sms", "650"), ("code", "*650#YES"), ...), "source": ...},),
     "notifications": ({"kind": "balance", "segments": ("prepaid",), "plans": (),
                        "triggers": ("call", "sms", "data pack"), "off": (...), ...},),
     "timezone": "Asia/Baku", "decimal": "."}
"""

from __future__ import annotations

from compiler.lower import cite
from compiler.model import Tariff

QUERY_ACTIONS = frozenset({"balance", "status", "account_details"})


def _has_queries(tariff: Tariff) -> bool:
    return any(c.action in QUERY_ACTIONS
               for c in (*tariff.codes, *tariff.sms_commands, *tariff.calls, *tariff.web_channels))


def lower(tariff: Tariff) -> dict | None:
    if not (tariff.billing_windows or tariff.notifications or _has_queries(tariff)):
        return None
    return {
        "windows": tuple({"from_day": w.from_day, "to_day": w.to_day, "at": w.at,
                          "defers": w.defers, "source": cite(w.span)}
                         for w in tariff.billing_windows),
        "notifications": tuple({"kind": n.kind, "segments": n.eligibility.segments,
                                "plans": n.eligibility.plans, "triggers": n.triggers,
                                "off": n.off_channels, "source": cite(n.span)}
                               for n in tariff.notifications),
        "timezone": tariff.operator.timezone,
        "decimal": tariff.operator.decimal,
    }
