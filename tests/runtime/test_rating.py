"""Rating of usage events (seed 004: Telenor Srbija prepaid roaming; seed 002: Azercell).

Every expected charge is worked out from the seed's tables, with the arithmetic beside it.
Places: Zona Region is Montenegro (ME, the one member the seed implies); the other zones are
reached through the spec's illustrative members (DE, CH, US, JP; satellite MCC 901).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest

from compiler.check import check_text
from compiler.lower import lower
from runtime.engine import Engine
from runtime.errors import (InvalidEvent, MalformedNumber, NotAvailable, OutOfOrder,
                            UnknownZone)
from runtime.events import Usage, Where
from runtime.money import Money
from runtime.state import Charge, Subscriber, world_of

ME = "381631234567"
AT = datetime(2024, 7, 1, 10, 0, tzinfo=timezone.utc)
CG = Where(country="ME", network="297 01")  # Telenor Crna Gora, MCC-MNC 297 01


def world(balance: str | None = None, segment: str = "prepaid"):
    bal = None if balance is None else Money(balance, "RSD")
    return world_of(Subscriber(ME, segment, balance=bal, activated=AT - timedelta(days=1)))


def rate(engine, service, amount, where, party=None, w=None, explain=False):
    return engine.apply(w or world("1000000"), Usage(ME, AT, service, amount, where, party), explain)


def charge(engine, service, amount, where, party=None) -> D:
    w, out = rate(engine, service, amount, where, party)
    assert out.ok, out.reason
    return out.charge.amount


def half_up(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# Seed 004, "Spisak zona i tarifiranje": Odlazni pozivi | Odlazni povratni pozivi | Dolazni
# pozivi | GPRS početnih 5 KB | cena za 100 KB nakon početnih 5 KB | SMS | Odlazni video pozivi
SEED = {
    "Zona Region": (Where(country="ME"), "27.99", "27.99", "7.39", None, "2.9", "8.89", "35.50"),
    "Zona 1": (Where(country="DE"), "119.90", "54.90", "49.90", "6", "99.90", "29.90", "199.90"),
    "Zona 2": (Where(country="CH"), "169.90", "64.90", "59.90", "6", "109.90", "34.90", "259.90"),
    "Zona 3": (Where(country="US"), "259.90", "94.90", "89.90", "6", "119.90", "39.90", "429.90"),
    "Zona 4": (Where(country="JP"), "399.90", "129.90", "119.90", "6", "139.90", "49.90", "659.90"),
    "Satelitske, pomorske i avio mreže": (Where(network="901 11"), "499.90", "129.90", "129.90",
                                          "6", "249.90", "129.90", "659.90"),
}
# 60/60 ("Obračunski interval za odlazne pozive je 60 sekundi"): every started minute counts.
MINUTES = {1: 1, 59: 1, 60: 1, 61: 2, 120: 2}


@pytest.mark.parametrize("zone", SEED)
@pytest.mark.parametrize("service, column", [("outgoing call", 1), ("callback call", 2),
                                             ("video call", 7)])
@pytest.mark.parametrize("seconds", MINUTES)
def test_outgoing_calls_are_charged_per_started_minute(telenor_engine, zone, service, column, seconds):
    # e.g. Zona 1 outgoing, 61 s at 60/60 -> 2 minutes x 119,90 = 239,80 RSD
    where, *prices = SEED[zone]
    assert charge(telenor_engine, service, seconds, where) == D(prices[column - 1]) * MINUTES[seconds]


@pytest.mark.parametrize("zone", SEED)
@pytest.mark.parametrize("seconds", MINUTES)
def test_incoming_calls_are_charged_per_second(telenor_engine, zone, seconds):
    # "za dolazne 1 sekunda": price/min x seconds / 60, rounded half-up to 0,01 RSD;
    # e.g. Zona 1, 61 s: 49,90 x 61 / 60 = 50,7317 -> 50,73 RSD
    where, *prices = SEED[zone]
    assert charge(telenor_engine, "incoming call", seconds, where) == half_up(D(prices[2]) * seconds / 60)


def test_incoming_call_worked_examples(telenor_engine):
    de = Where(country="DE")
    assert charge(telenor_engine, "incoming call", 1, de) == D("0.83")    # 49,90/60 = 0,8317
    assert charge(telenor_engine, "incoming call", 59, de) == D("49.07")  # 49,90x59/60 = 49,0683
    assert charge(telenor_engine, "incoming call", 61, de) == D("50.73")  # 49,90x61/60 = 50,7317


# "prenos podataka obračunava na 5+100 KB": the first 5 KB at the "Početnih 5 KB" price,
# then every started 100 KB at the "Cena za 100KB" price.
DATA_BLOCKS = {0: (0, 0), 5: (1, 0), 6: (1, 1), 105: (1, 1), 106: (1, 2)}


@pytest.mark.parametrize("zone", [z for z in SEED if z != "Zona Region"])
@pytest.mark.parametrize("kb", DATA_BLOCKS)
def test_data_first_five_kb_then_blocks_of_100(telenor_engine, zone, kb):
    # e.g. Zona 1, 106 KB: 6 + 2 x 99,90 = 205,80 RSD
    where, *prices = SEED[zone]
    first, blocks = DATA_BLOCKS[kb]
    assert charge(telenor_engine, "data", kb, where) == D(prices[3]) * first + D(prices[4]) * blocks


@pytest.mark.parametrize("kb, expected", [(0, "0"), (1, "2.90"), (5, "2.90"), (6, "2.90"),
                                          (100, "2.90"), (101, "5.80"), (105, "5.80"), (106, "5.80")])
def test_zona_region_data_is_per_100_kb_from_the_first_kb(telenor_engine, kb, expected):
    # Zona Region's first-5-KB cell is `-`: per started 100 KB at 2,9 (spec note)
    assert charge(telenor_engine, "data", kb, Where(country="ME")) == D(expected)


@pytest.mark.parametrize("zone", SEED)
def test_sms_per_message(telenor_engine, zone):
    where, *prices = SEED[zone]
    assert charge(telenor_engine, "sms", 1, where) == D(prices[5])
    assert charge(telenor_engine, "sms", 3, where) == D(prices[5]) * 3  # 3 messages


def test_zero_usage_costs_nothing(telenor_engine):
    assert charge(telenor_engine, "data", 0, Where(country="DE")) == 0
    assert charge(telenor_engine, "outgoing call", 0, Where(country="DE")) == 0


def test_mms_has_no_column_in_the_zone_table(telenor_engine):
    with pytest.raises(NotAvailable, match="not priced"):
        rate(telenor_engine, "mms", 10, Where(country="DE"))


def test_illustrative_membership_is_reported(telenor_engine):
    _, out = rate(telenor_engine, "sms", 1, Where(country="DE"))
    assert out.data["zone"] == "Zona 1" and out.data["membership"] == "illustrative"
    _, out = rate(telenor_engine, "sms", 1, Where(country="ME"))
    assert "membership" not in out.data  # ME is listed in Zona Region


# --- Telenor Crna Gora ("Cene rominga u mreži Telenor Crna Gora", 30+1 s, 1+1 kB) ---------

@pytest.mark.parametrize("seconds, expected", [
    (1, "5.04"),    # at least 30 s: 10,07 x 30/60 = 5,035 -> 5,04
    (30, "5.04"),   # 30 s: 5,035 -> 5,04
    (31, "5.20"),   # 10,07 x 31/60 = 5,2028 -> 5,20
    (61, "10.24"),  # 10,07 x 61/60 = 10,2378 -> 10,24
])
def test_calls_to_telenor_cg_numbers_30_plus_1(telenor_engine, seconds, expected):
    assert charge(telenor_engine, "outgoing call", seconds, CG, "+38263123456") == D(expected)
    assert charge(telenor_engine, "outgoing call", seconds, CG, "+38269123456") == D(expected)


def test_calls_to_telenor_srbija_cost_10_07(telenor_engine):
    # "ka mrežama Telenor Srbija i Telenor Crna Gora 10,07" (063: illustrative Telenor Srbija prefix)
    assert charge(telenor_engine, "outgoing call", 60, CG, "0631234567") == D("10.07")


def test_ported_numbers_are_other_destinations(telenor_engine):
    # +38267/+38268 are not Telenor CG: "svim ostalim destinacijama u Srbiji i Crnoj Gori" 24,31
    assert charge(telenor_engine, "outgoing call", 60, CG, "+38267123456") == D("24.31")
    assert charge(telenor_engine, "outgoing call", 31, CG, "+38268123456") == D("12.56")  # 24,31x31/60=12,5602
    assert charge(telenor_engine, "outgoing call", 60, CG, "+381113000000") == D("24.31")  # Serbian landline


@pytest.mark.parametrize("party", ["+4930123456", "+38970123456", "+43123456789"])
def test_calls_to_other_countries_at_zona_region_60_60(telenor_engine, party):
    # "ka drugim državama naplaćuju se po redovnoj ceni za zonu Region": 27,99/min at 60/60;
    # the connection fee to MK is 0,00
    assert charge(telenor_engine, "outgoing call", 1, CG, party) == D("27.99")
    assert charge(telenor_engine, "outgoing call", 61, CG, party) == D("55.98")  # 2 x 27,99


@pytest.mark.parametrize("seconds", [1, 59, 3600])
def test_incoming_calls_on_telenor_cg_are_flat(telenor_engine, seconds):
    # 0,00 per minute plus 7,01 per call "bez obzira na dužinu trajanja"
    assert charge(telenor_engine, "incoming call", seconds, CG, "+4930123456") == D("7.01")


def test_sms_data_and_mms_on_telenor_cg(telenor_engine):
    assert charge(telenor_engine, "sms", 1, CG) == D("8.89")
    assert charge(telenor_engine, "data", 1, CG) == D("0.03")     # 1 KB x 0,029 -> 0,03
    assert charge(telenor_engine, "data", 100, CG) == D("2.90")   # 100 x 0,029
    assert charge(telenor_engine, "data", 0, CG) == 0
    assert charge(telenor_engine, "mms", 10, CG) == D("0.29")     # 10 KB x 0,029


@pytest.mark.parametrize("shown", ["Telenor", "Promonte", "YU 02", "220 02", "29701", "ME 01"])
def test_telenor_cg_by_any_name_the_phone_shows(telenor_engine, shown):
    _, out = rate(telenor_engine, "sms", 1, Where(network=shown))
    assert out.data["zone"] == "Zona 0" and out.charge.amount == D("8.89")


def test_the_other_montenegrin_networks_are_zona_region(telenor_engine):
    # "važiće cene i uslovi za roming zonu Region": 61 s -> 2 x 27,99
    assert charge(telenor_engine, "outgoing call", 61, Where(country="ME", network="297 02"),
                  "+38263123456") == D("55.98")


def test_video_calls_on_telenor_cg_fall_back_to_zona_region(telenor_engine):
    # the network list has no video call row: Montenegro's zone (Zona Region) 35,50/min
    assert charge(telenor_engine, "video call", 61, CG, "+38163111222") == D("71.00")


def test_telenor_shown_in_another_country_is_not_telenor_cg(telenor_engine):
    _, out = rate(telenor_engine, "sms", 1, Where(country="DE", network="Telenor"))
    assert out.data["zone"] == "Zona 1"


# --- outcome, balance and ledger ----------------------------------------------------------

def test_outcome_explains_only_when_asked(telenor_engine):
    _, out = rate(telenor_engine, "outgoing call", 61, Where(country="DE"), explain=True)
    assert out.arithmetic == "61 s at 60/60 = 120 s x 119.90 RSD/min = 239.80 RSD"
    assert out.source == "specs/telenor_rs/roaming.tariff:70" and "Zona 1" in out.rule
    _, out = rate(telenor_engine, "outgoing call", 61, Where(country="DE"))
    assert out.arithmetic == ""


def test_prepaid_balance_and_ledger(telenor_engine):
    w, out = rate(telenor_engine, "outgoing call", 61, Where(country="DE"), w=world("300"))
    sub = w.subscriber(ME)
    assert sub.balance == Money("60.20", "RSD")  # 300 - 239,80
    assert sub.ledger == (Charge(AT, "traffic", "outgoing call / Zona 1", Money("239.80", "RSD"), 61, "s"),)


def test_prepaid_needs_enough_funds(telenor_engine):
    # "jedini uslov je da na računu imaju dovoljno sredstava"
    w0 = world("239.79")
    w, out = rate(telenor_engine, "outgoing call", 61, Where(country="DE"), w=w0)
    assert not out.ok and out.reason == "insufficient balance" and w is w0
    w, out = rate(telenor_engine, "outgoing call", 61, Where(country="DE"), w=world("239.80"))
    assert out.ok and w.subscriber(ME).balance == Money("0.00", "RSD")


def test_postpaid_has_no_balance_only_a_ledger(telenor_engine):
    w, out = rate(telenor_engine, "sms", 1, Where(country="DE"), w=world(None, "postpaid"))
    assert w.subscriber(ME).balance is None and w.subscriber(ME).ledger[0].amount == Money("29.90", "RSD")


def test_rate_is_apply(telenor_engine):
    ev = Usage(ME, AT, "sms", 1, Where(country="DE"))
    assert telenor_engine.rate(world("100"), ev) == telenor_engine.apply(world("100"), ev)


def test_generated_module_rates(telenor_engine):
    from generated import telenor_rs
    ev = Usage(ME, AT, "outgoing call", 61, Where(country="DE"))
    assert telenor_rs.apply(world("1000"), ev)[1].charge == Money("239.80", "RSD")


# --- at home ------------------------------------------------------------------------------

def test_home_usage_is_not_priced_by_telenor_seeds(telenor_engine):
    with pytest.raises(NotAvailable, match="home usage is not priced by the seeds"):
        rate(telenor_engine, "outgoing call", 60, Where())


def test_azercell_home_calls_have_an_interval_but_no_price(azercell_engine):
    # seed 002: "the charging interval is 60 seconds" and no price: 61 s bills as 120 s
    w = world_of(Subscriber("994501234567", "prepaid"))
    with pytest.raises(NotAvailable) as e:
        azercell_engine.apply(w, Usage("994501234567", AT, "outgoing call", 61))
    assert e.value.details["billed"] == 120 and e.value.details["interval"] == "60/60"


AZ = '''operator azx {
  name "Azercell"
  country AZ
  currency AZN
  timezone "Asia/Baku"
  languages az en
  numbers decimal point
  vat included
  rounding half-up 0.01 AZN per event
}
segment prepaid {
  name en "Prepaid"
}
home prices "Standard" {
  interval outgoing call 60/60
  | service       | to  | price          |
  | outgoing call | any | 0.0236 AZN/min |
  | sms           | any | 0.025 AZN/sms  |
}
'''


def test_azercell_rounds_each_charge_half_up_to_a_qepik():
    tariff, diags = check_text(AZ, "inline.tariff")
    assert diags == []
    engine = Engine(lower(tariff))
    w = world_of(Subscriber("994501234567", "prepaid", balance=Money("1.00", "AZN")))

    def az(service, amount):
        return engine.apply(w, Usage("994501234567", AT, service, amount))[1].charge.amount

    assert az("outgoing call", 60) == D("0.02")  # 0.0236 -> 0.02 (below half: down)
    assert az("outgoing call", 61) == D("0.05")  # 2 minutes (60 s interval): 0.0472 -> 0.05
    assert az("sms", 1) == D("0.03")             # 0.025 -> 0.03 (half: up)


def test_not_available_cell():
    tariff, diags = check_text('''operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr
  numbers decimal comma
}
zone "Zona 2" {
  countries CH
}
roaming prices "Standard" {
  interval outgoing call 60/60
  | zone   | outgoing call | sms     |
  |--------|---------------|---------|
  | unit   | RSD/min       | RSD/sms |
  | Zona 2 | -             | 34,90   |
}
''', "inline.tariff")
    assert diags == []
    engine = Engine(lower(tariff))
    w = world_of(Subscriber(ME, "prepaid"))
    with pytest.raises(NotAvailable, match="not available in Zona 2") as e:
        engine.apply(w, Usage(ME, AT, "outgoing call", 60, Where(country="CH")))
    assert e.value.source == "inline.tariff:17"  # the `| Zona 2 |` row


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("amount", [-1, D("1.5"), "60", True, None])
def test_bad_amount(telenor_engine, amount):
    with pytest.raises(InvalidEvent, match="whole number"):
        rate(telenor_engine, "outgoing call", amount, Where(country="DE"))


def test_unknown_service(telenor_engine):
    with pytest.raises(InvalidEvent, match="unknown service `fax`"):
        rate(telenor_engine, "fax", 1, Where(country="DE"))


@pytest.mark.parametrize("where", [Where(country="ZZ"), Where(network="999 99"),
                                   Where(network="Vodafone")])
def test_unknown_zone(telenor_engine, where):
    with pytest.raises(UnknownZone):
        rate(telenor_engine, "sms", 1, where)


@pytest.mark.parametrize("party", ["06x", "+", "12", "+381 63 abc"])
def test_malformed_party(telenor_engine, party):
    with pytest.raises(MalformedNumber):
        rate(telenor_engine, "outgoing call", 60, CG, party)


def test_call_priced_by_destination_needs_the_party(telenor_engine):
    with pytest.raises(InvalidEvent, match="other party"):
        rate(telenor_engine, "outgoing call", 60, CG)


def test_event_before_activation(telenor_engine):
    with pytest.raises(OutOfOrder):
        telenor_engine.apply(world("100"), Usage(ME, AT - timedelta(days=2), "sms", 1, Where(country="DE")))


def test_unknown_subscriber_and_national_msisdn(telenor_engine):
    with pytest.raises(InvalidEvent, match="no subscriber"):
        telenor_engine.apply(world("100"), Usage("381600000000", AT, "sms", 1, Where(country="DE")))
    # the subscriber's own number may be written nationally
    _, out = telenor_engine.apply(world("100"), Usage("063 123 4567", AT, "sms", 1, Where(country="DE")))
    assert out.ok and out.msisdn == ME


def test_naive_time(telenor_engine):
    with pytest.raises(InvalidEvent, match="timezone-aware"):
        telenor_engine.apply(world("100"), Usage(ME, datetime(2024, 7, 1), "sms", 1, Where(country="DE")))
