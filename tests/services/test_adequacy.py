"""`tariffc adequacy` mutates declared services (their prefixes, exceptions and unit) and
`numbers` destinations; the hand-derived scenario of these tests kills every such mutant."""

from __future__ import annotations

from compiler import adequacy
from compiler.check import check_text
from runtime import scenario as sc
from tests.services.spec import (FREEPHONE, IRELAND, LONDON, ME, MOBILE, MOBILE_79, PORTED,
                                 PREMIUM, SPEC)

# (party, service, amount, charge): derived by hand as in test_services.test_home_charges
CASES = [
    (LONDON, "outgoing call", 61, "0.90"),      # UK landline: 2 min x 0.45
    (MOBILE, "outgoing call", 61, "1.30"),      # numbers +447: 2 min x 0.65
    (MOBILE_79, "outgoing call", 61, "1.40"),   # numbers +4479: 2 min x 0.70
    (FREEPHONE, "outgoing call", 61, "0.00"),   # Freephone: 0 GBP/min
    (PREMIUM, "outgoing call", 61, "1.63"),     # 61 x 1.50 / 60 + 0.10 = 1.625 -> 1.63
    (PORTED, "outgoing call", 61, "1.10"),      # excluded from Premium: 2 min x 0.55
    (IRELAND, "sms", 2, "0.60"),                # Text to Ireland: 2 x 0.30
    (None, "Voicemail", 125, "0.20"),           # 0.20 per call
    (None, "MMS by APN", 1536, "0.60"),         # 1536 KB x 0.40 / 1024
    ("+441612345678", "outgoing call", 61, "0.90"),  # UK landline by +441: 2 min x 0.45
    ("+448081234567", "outgoing call", 61, "0.00"),  # Freephone by +44808
    (LONDON, "sms", 2, "0.40"),                 # no sms class for +44: 2 x 0.20
]
# The unit a declared service's amount is reported in: `unit time` -> s, `unit data` -> KB.
UNITS = {"Voicemail": "s", "MMS by APN": "KB"}


def scenario():
    unit = {"sms": "count", "MMS by APN": "kb"}
    events = []
    for i, (party, service, amount, charge) in enumerate(CASES):
        usage = {"msisdn": ME, "service": service, unit.get(service, "seconds"): amount}
        if party:
            usage["party"] = party
        expect = {"charge": charge}
        if service in UNITS:
            expect["data"] = {"unit": UNITS[service]}
        events.append({"at": f"2026-07-01T10:{i:02d}:00+00:00", "usage": usage, "expect": expect})
    return sc.load({"operator": "demo", "description": "issue 10: classes and prefixes", "subscribers": [
        {"msisdn": ME, "segment": "prepaid", "balance": "100.00"}], "events": events})


def test_the_scenario_passes_on_the_spec() -> None:
    from compiler.lower import lower
    from runtime.engine import Engine
    tariff, _ = check_text(SPEC, "demo.tariff")
    results = sc.run(scenario(), module=Engine(lower(tariff)))
    assert not [r for r in results if r.failed], [r.to_dict() for r in results if r.failed]


def test_every_service_and_prefix_mutant_is_killed() -> None:
    tariff, _ = check_text(SPEC, "demo.tariff")
    kinds = [m.what for m in adequacy.mutants(tariff)]
    assert any("+449099" in w for w in kinds) and any("'time'" in w for w in kinds), kinds
    report = adequacy.run(tariff, vectors=[("services", scenario())])
    mine = [m for m in report.survivors if m.what.startswith("Service.") or "+44" in m.what]
    assert not mine, report.text()


def test_generated_vectors_cover_the_classes() -> None:
    """The golden vectors tariffc generates for a tariff with classes and prefix rows pass
    on its compiled module and kill every service and prefix mutant (as `tariffc adequacy`
    runs them)."""
    from compiler.lower import lower
    from compiler.vectors import scenario_of, vectors
    from runtime.engine import Engine
    tariff, _ = check_text(SPEC, "demo.tariff")
    docs = vectors(tariff)
    names = [v["name"] for vs in docs.values() for v in vs]
    assert any("class Premium" in n for n in names), names
    loaded = [(v["name"], sc.load(scenario_of(v))) for vs in docs.values() for v in vs]
    engine = Engine(lower(tariff))
    for name, s in loaded:
        failed = [r for r in sc.run(s, module=engine) if r.failed]
        assert not failed, (name, [r.to_dict() for r in failed])
    report = adequacy.run(tariff, vectors=loaded)
    mine = [m for m in report.survivors if m.what.startswith("Service.") or "+44" in m.what]
    assert not mine, report.text()
