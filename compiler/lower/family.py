"""Family groups -> the table `runtime.family` reads (`tables["family"]`).

One family promotion per operator (the runtime's SMS commands name no promotion, so a second
`family` block could not be told apart). The table keeps the model's values as plain data:

    {"name": "Telenor Porodica", "segments": ("postpaid",), "plans": (...48 plans...),
     "min_members": 3, "max_members": 5,
     "tiers": ({"members": 3, "percent": Decimal("30"), "source": "...family.tariff:23"}, ...),
     "fee": {"amount": Decimal("150"), "currency": "RSD", "per": "month", "prorated": False},
     "transfer": {"step_kb": 51200, "min_kb": 51200, "from": "bonus"},
     "invitation_seconds": 86400, "groups_per_month": 1, ...,
     "rules": {"invitation_24h": {"text": {"en": "..."}, "source": "...:36"}, ...},
     "invite_counts": {"family_create": (2, 4), "family_add": (1, 4)}}

Every rule cites its spec line; facts without a line of their own (the fee, the group size)
cite the `family` block.
"""

from __future__ import annotations

from compiler.lower import cite, texts
from compiler.model import Tariff
from compiler.model.family import FAMILY_ACTIONS


def lower(tariff: Tariff) -> dict | None:
    """The family table of `tariff`, or None when it has no family promotion."""
    if not tariff.families:
        return None
    if len(tariff.families) > 1:
        names = ", ".join(f.name for f in tariff.families)
        raise ValueError(f"{tariff.id}: the runtime supports one family promotion, found {names}")
    f = tariff.families[0]
    commands = [c for c in tariff.sms_commands if c.action in FAMILY_ACTIONS]
    return {
        "name": f.name,
        "names": texts(f.names),
        "source": cite(f.span),
        "segments": f.eligibility.segments,
        "plans": f.plans,
        "excluded": f.excluded,
        "exceptions": f.exceptions,
        "min_members": f.min_members,
        "max_members": f.max_members,
        "tiers": tuple({"members": t.members, "percent": t.percent, "source": cite(t.span)}
                       for t in f.tiers),
        "fee": {"amount": f.fee.amount, "currency": f.fee.currency, "per": f.fee.per,
                "prorated": f.fee_prorated,
                **({"changes": tuple((d.isoformat(), p.amount, cite(sp))
                                     for d, p, sp in f.fee_changes)} if f.fee_changes else {})},
        "bonus_on": f.bonus_on,
        "free_in_group": f.free_in_group,
        "transfer": None if f.transfer_step_kb is None else {
            "step_kb": f.transfer_step_kb, "min_kb": f.transfer_min_kb, "from": f.transfer_from},
        "invitation_seconds": f.invitation_seconds,
        "groups_per_month": f.groups_per_month,
        "changes_effective": f.changes_effective,
        "bonus_expiry": f.bonus_expiry,
        "benefits_after_exit": f.benefits_after_exit,
        "channels": f.channels,
        "rules": {r.id: {"text": texts(r.texts), "source": cite(r.span)} for r in f.rules},
        "ends_when": tuple({"text": text, "source": cite(span)} for text, span in f.ends_when),
        "invite_counts": {c.action: (p.min, p.max) for c in commands for p in c.params
                          if p.type == "msisdn" and c.action in ("family_create", "family_add")},
        "commands": {c.action: {"number": c.number, "pattern": c.pattern, "source": cite(c.span)}
                     for c in commands},
    }
