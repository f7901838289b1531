"""Declared services and traffic classes, home prices by class and prefix (issue 10): the
checked model, hand-derived charges from the compiled runtime, and the reference evaluator
against the runtime event by event."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from compiler.check import check_text
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from runtime.errors import InvalidEvent
from runtime.events import SERVICES, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.evaluate import same
from tests.services.spec import (FREEPHONE, IRELAND, LONDON, ME, MOBILE, MOBILE_79, PORTED,
                                 PREMIUM, SPEC)

T0 = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def tariff():
    t, diags = check_text(SPEC, "demo.tariff")
    assert not [d for d in diags if d.is_error], diags
    return t


@pytest.fixture(scope="module")
def engine(tariff):
    return Engine(lower(tariff))


@pytest.fixture(scope="module")
def evaluator(tariff):
    return Evaluator(tariff)


def world(balance="100.00"):
    return world_of(Subscriber(ME, "prepaid", balance=Money(balance, "GBP"),
                               activated=T0 - timedelta(days=1)))


def test_the_model(tariff) -> None:
    svc = {s.name: s for s in tariff.services}
    assert set(svc) == {"UK landline", "Freephone", "Premium", "Voicemail", "MMS by APN",
                        "Text to Ireland"}
    assert (svc["Premium"].unit, svc["Premium"].numbers, svc["Premium"].not_numbers) == \
        ("time", ("+4490",), ("+449099",))
    assert svc["Premium"].base == "outgoing call" and svc["Voicemail"].base is None
    assert svc["Text to Ireland"].base == "sms"
    home = next(pl for pl in tariff.price_lists if pl.kind == "home")
    by = {(r.service, r.destination.kind, r.destination.names): r for r in home.rates}
    assert by[("outgoing call", "any", ())].price.amount == Decimal("0.55")  # 55 p = 0.55 GBP
    assert by[("outgoing call", "numbers", ("+4479",))].price.amount == Decimal("0.70")


@pytest.mark.parametrize("party, service, amount, charge", [
    (LONDON, "outgoing call", 61, "0.90"),     # UK landline, 60/60: 2 min x 0.45
    (MOBILE, "outgoing call", 61, "1.30"),     # numbers +447: 2 min x 0.65
    (MOBILE_79, "outgoing call", 61, "1.40"),  # +4479 is longer than +447: 2 min x 0.70
    (FREEPHONE, "outgoing call", 600, "0.00"),  # Freephone: 0 GBP/min
    (PREMIUM, "outgoing call", 61, "1.63"),    # 1/1: 61 x 1.50 / 60 = 1.525, + 0.10 per call
    #                                            = 1.625 -> half-up to 1 p: 1.63
    (PORTED, "outgoing call", 61, "1.10"),     # not numbers +449099: any, 2 min x 0.55
    ("+33612345678", "outgoing call", 1, "0.55"),  # no class, no prefix row: 1 min x 0.55
    (None, "Voicemail", 125, "0.20"),          # per call, whatever its length
    (None, "MMS by APN", 1536, "0.60"),        # 1+1 kB: 1536 KB x 0.40 / 1024
    (IRELAND, "sms", 2, "0.60"),               # Text to Ireland: 2 x 0.30 per use
    (LONDON, "sms", 2, "0.40"),                # a count class is chosen for sms only: 2 x 0.20
])
def test_home_charges(engine, party, service, amount, charge) -> None:
    _, out = engine.apply(world(), Usage(ME, T0, service, amount, party=party), explain=True)
    assert out.ok and out.charge == Money(charge, "GBP"), out.explain()


def test_the_operators_own_country_is_home(engine) -> None:
    """Issue 10: usage with `Where` the operator's own country is rated by the home list."""
    _, out = engine.apply(world(), Usage(ME, T0, "outgoing call", 61, Where(country="GB"), LONDON))
    assert out.charge == Money("0.90", "GBP") and out.data["zone"] is None  # 2 min x 0.45


def test_a_class_is_reported_and_billed_as_itself(engine) -> None:
    w, out = engine.apply(world(), Usage(ME, T0, "outgoing call", 61, party=PREMIUM))
    assert out.data["service"] == "Premium"
    assert w.subscribers[ME].ledger[-1].category == "Premium / home"


def test_declared_service_in_a_zone_table(engine) -> None:
    _, out = engine.apply(world(), Usage(ME, T0, "Voicemail", 61, Where(country="FR")))
    assert out.charge == Money("0.10", "GBP")  # 60/60: 2 min x 0.05


def test_unknown_services_are_refused(engine) -> None:
    with pytest.raises(InvalidEvent, match="unknown service `fax`"):
        engine.apply(world(), Usage(ME, T0, "fax", 1))
    from compiler.check import check_paths
    telenor = next(t for t in check_paths(["specs"]).tariffs if t.id == "telenor_rs")
    with pytest.raises(InvalidEvent, match="unknown service `Voicemail`"):
        Engine(lower(telenor)).apply(world_of(Subscriber("381631234567", "postpaid")),
                                     Usage("381631234567", T0, "Voicemail", 1))


PARTIES = (None, LONDON, MOBILE, MOBILE_79, FREEPHONE, PREMIUM, PORTED, IRELAND, "+4420",
           "+33612345678", "06x")
ALL = (*SERVICES, "UK landline", "Freephone", "Premium", "Voicemail", "MMS by APN",
       "Text to Ireland", "fax")


@pytest.mark.parametrize("where", [Where(), Where(country="FR"), Where(country="GB"),
                                   Where(country="US")], ids=repr)
def test_evaluator_agrees_with_runtime(evaluator, engine, where) -> None:
    steps = [Usage(ME, T0, s, a, where, p) for s in ALL for p in PARTIES
             for a in (0, 1, 59, 60, 61, 1024, 1025)]
    same(evaluator, engine, world("5.00"), steps)
