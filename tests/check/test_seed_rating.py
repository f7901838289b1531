"""Seed facts of rating (seed 004 for Telenor Srbija, seed 002 for Azercell) in the model.

Every expected value below is typed from the seed text, not copied from program output; the
comment above each quotes the seed sentence or table cell it comes from.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest


KB, MB = 1, 1024


@pytest.fixture(scope="module")
def telenor(tariffs):
    return tariffs["telenor_rs"]


def zone_rates(t):
    pl, = [p for p in t.price_lists if p.kind == "zones"]
    return pl, {(r.zone, r.service): r for r in pl.rates}


# Seed 004, "Spisak zona i tarifiranje", columns: Odlazni pozivi | Odlazni povratni pozivi |
# Dolazni pozivi | GPRS Početnih 5 KB | Cena za 100KB nakon početnih 5 kB | SMS | Odlazni video pozivi
SEED_TABLE = {
    # "Zona Region 27,99 27,99 7,39 - 2,9 8,89 35,50"
    "Zona Region": ("27.99", "27.99", "7.39", None, "2.9", "8.89", "35.50"),
    # "Zona 1 119,90 54,90 49,90 6 99,90 29,90 199,90"
    "Zona 1": ("119.90", "54.90", "49.90", "6", "99.90", "29.90", "199.90"),
    # "Zona 2 169,90 64,90 59,90 6 109,90 34,90 259,90"
    "Zona 2": ("169.90", "64.90", "59.90", "6", "109.90", "34.90", "259.90"),
    # "Zona 3 259,90 94,90 89,90 6 119,90 39,90 429,90"
    "Zona 3": ("259.90", "94.90", "89.90", "6", "119.90", "39.90", "429.90"),
    # "Zona 4 399,90 129,90 119,90 6 139,90 49,90 659,90"
    "Zona 4": ("399.90", "129.90", "119.90", "6", "139.90", "49.90", "659.90"),
    # "Satelitske, pomorske i avio mreže 499,90 129,90 129,90 6 249,90 129,90 659,90"
    "Satelitske, pomorske i avio mreže": ("499.90", "129.90", "129.90", "6", "249.90", "129.90", "659.90"),
}


@pytest.mark.parametrize("zone", list(SEED_TABLE))
def test_zone_table_cell_by_cell(telenor, zone) -> None:
    _, rates = zone_rates(telenor)
    out, back, inc, first, nxt, sms, video = SEED_TABLE[zone]
    for service, amount, per in [("outgoing call", out, "min"), ("callback call", back, "min"),
                                 ("incoming call", inc, "min"), ("sms", sms, "sms"),
                                 ("video call", video, "min")]:
        price = rates[zone, service].price
        assert (price.amount, price.currency, price.per, price.per_amount) == (D(amount), "RSD", per, 1)
    data = rates[zone, "data"]
    # "Cena za 100KB nakon početnih 5 kB": the price per 100 KB
    assert (data.price.amount, data.price.per, data.price.per_amount) == (D(nxt), "KB", 100)
    if first is None:
        # Zona Region has "-" for the first 5 KB: the spec's note reads it as per 100 KB from the first KB
        assert data.first_price is None
        assert (data.interval.first, data.interval.next) == (100 * KB, 100 * KB)
    else:
        # "Početnih 5 KB": 6 RSD for the first 5 KB
        assert (data.first_price.amount, data.first_price.per, data.first_price.per_amount) == (D(first), "KB", 5)
        assert (data.interval.first, data.interval.next) == (5 * KB, 100 * KB)


def test_zone_table_covers_exactly_the_seed_rows(telenor) -> None:
    pl, rates = zone_rates(telenor)
    assert {z for z, _ in rates} == set(SEED_TABLE)
    assert len(pl.rates) == 6 * 6  # six rows, six services (data's two columns make one rate)
    assert pl.columns == ("outgoing call", "callback call", "incoming call", "data first 5 KB",
                          "data next 100 KB", "sms", "video call")


def test_zone_table_intervals(telenor) -> None:
    pl, rates = zone_rates(telenor)
    # "Obračunski interval za odlazne pozive je 60 sekundi, za dolazne 1 sekunda, dok se prenos
    # podataka obračunava na 5+100 KB."
    assert (pl.interval("outgoing call").first, pl.interval("outgoing call").next) == (60, 60)
    assert (pl.interval("incoming call").first, pl.interval("incoming call").next) == (1, 1)
    assert (pl.interval("data").first, pl.interval("data").next, pl.interval("data").unit) == (5, 100, "KB")
    assert rates["Zona 1", "outgoing call"].interval.first == 60
    assert rates["Zona 1", "incoming call"].interval.next == 1


def test_zones(telenor) -> None:
    zones = {z.name: z for z in telenor.zones}
    # "Zona 0 Specijalna roming ponuda u Crnoj Gori": the offer in the Telenor Crna Gora network
    assert zones["Zona 0"].networks == ("Telenor Crna Gora",)
    # "važiće cene i uslovi za roming zonu Region" for the two other Montenegrin networks
    assert zones["Zona Region"].countries == ("ME",)
    # "Satelitske, pomorske i avio mreže": satellite networks share MCC 901 (not in the seed: illustrative)
    assert zones["Satelitske, pomorske i avio mreže"].illustrative_mcc == ("901",)
    assert set(zones) == set(SEED_TABLE) | {"Zona 0"}


def test_telenor_crna_gora_network(telenor) -> None:
    net = {n.name: n for n in telenor.networks}["Telenor Crna Gora"]
    assert net.country == "ME"
    # "ona na ekranu može biti prikazana kao Telenor, Promonte, YU 02, 220 02, 29701, ME 01"
    assert net.shown_as == ("Telenor", "Promonte", "YU 02", "220 02", "29701", "ME 01")
    assert net.mccmnc == ("297 01",)
    # "pozivi ka brojevima koji počinju sa +38263 i +38269"
    assert net.numbers == ("+38263", "+38269")
    # "Ukoliko je broj drugih mobilnih operatera u Crnoj Gori (+38267 ili +38268) prenet ... neće biti obuhvaćen"
    assert net.not_numbers == ("+38267", "+38268")


def test_network_prices_in_telenor_crna_gora(telenor) -> None:
    pl, = [p for p in telenor.price_lists if p.kind == "network"]
    assert pl.network == "Telenor Crna Gora"
    rows = [(r.service, r.destination.kind, r.destination.names,
             None if r.price is None else (r.price.amount, r.price.per), r.via_zone) for r in pl.rates]
    assert rows == [
        # "Cena minuta poziva ka mrežama Telenor Srbija i Telenor Crna Gora 10,07"
        ("outgoing call", "networks", ("Telenor Srbija", "Telenor Crna Gora"), (D("10.07"), "min"), None),
        # "Cena minuta poziva ka svim ostalim destinacijama u Srbiji i Crnoj Gori 24,31"
        ("outgoing call", "countries", ("RS", "ME"), (D("24.31"), "min"), None),
        # "Odlazni pozivi iz mreže Telenor Crna Gora (Promonte) ka drugim državama naplaćuju se po
        # redovnoj ceni za zonu Region."
        ("outgoing call", "other countries", (), None, "Zona Region"),
        # "Naknada za uspostavu veze za sve odlazne pozive ka mrežama u Srbiji, Makedoniji, Bosni i
        # Hercegovini i Crnoj Gori 0,00"
        ("connection fee", "countries", ("RS", "MK", "BA", "ME"), (D("0.00"), "call"), None),
        # "Cena minuta dolaznih poziva u mreži Telenor Crna Gora 0,00"
        ("incoming call", "any", (), (D("0.00"), "min"), None),
        # "Cena svih dolaznih poziva, bez obzira na dužinu trajanja 7,01"
        ("incoming call", "any", (), (D("7.01"), "call"), None),
        # "Cena SMS-a ka svim destinacijama u svetu 8,89"
        ("sms", "any", (), (D("8.89"), "sms"), None),
        # "Cena MMS-a na osnovu prenetih podataka (... din/KB) 0,029"
        ("mms", "any", (), (D("0.029"), "KB"), None),
        # "Cena pristupa internetu (din/KB) 0,029"
        ("data", "any", (), (D("0.029"), "KB"), None),
    ]
    # "Obračunski interval za odlazne pozive je 30+1 sekunda, dok se prenos podataka obračunava na 1+1 kB."
    out = pl.interval("outgoing call")
    assert (out.first, out.next, out.unit) == (30, 1, "s")
    data = pl.interval("data")
    assert (data.first, data.next, data.unit) == (1 * KB, 1 * KB, "KB")
    assert pl.rates[0].interval.first == 30
    # the flat 7,01 per call needs no interval
    assert pl.rates[5].interval is None


def test_via_zone_is_priced_in_the_standard_list(telenor) -> None:
    _, rates = zone_rates(telenor)
    # "po redovnoj ceni za zonu Region": Zona Region outgoing call, 27,99 RSD/min
    assert rates["Zona Region", "outgoing call"].price.amount == D("27.99")


def test_all_prices_include_vat(telenor) -> None:
    # "* Sve cene su prikazane sa PDV-om."
    assert telenor.operator.vat_included


def test_azercell_home_interval(tariffs) -> None:
    az = tariffs["azercell"]
    home, = [p for p in az.price_lists if p.kind == "home"]
    # Seed 002: "For standard calls the charging interval is 60 seconds."
    interval = home.interval("outgoing call")
    assert (interval.first, interval.next, interval.unit) == (60, 60, "s")
    # the seed gives no per-minute price
    assert home.rates == ()
    assert any("60 seconds" in n.text for n in home.notes)
