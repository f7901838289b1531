"""Seed 001 (Telenor's "Vaš račun"), typed by hand from the seed, against the checked model."""

from __future__ import annotations

import datetime

import pytest

from compiler.check import check_paths
from compiler.model.bill import format_period


@pytest.fixture(scope="module")
def bill():
    result = check_paths(["specs"])
    assert not [d for d in result.diagnostics if d.span and d.span.file.endswith("bill.tariff")]
    tariff = next(t for t in result.tariffs if t.id == "telenor_rs")
    b, = tariff.bills
    return b


def test_period(bill) -> None:
    # "Obračunski period je od prvog do poslednjeg dana u mesecu"
    assert bill.period == "calendar month"
    # "Obračunski period ne mora uvek da bude od prvog u mesecu."
    assert bill.first_period == "activation to month end"


def test_period_examples(bill) -> None:
    # "ako je korisnik aktivirao broj 17. januara 2013. godine, u obračunskom periodu će pisati
    # 17.01.2013. - 31.01.2013."
    jan17 = datetime.date(2013, 1, 17)
    assert bill.period_of(jan17, jan17) == (jan17, datetime.date(2013, 1, 31))
    # "Ako je broj aktiviran pre 1. januara pisaće 01.01.2013. - 31.01.2013."
    dec = datetime.date(2012, 12, 20)
    assert format_period(*bill.period_of(dec, datetime.date(2013, 1, 1))) == "01.01.2013. - 31.01.2013."
    assert [(e.activation, e.before, e.period) for e in bill.examples] == [
        (jan17, False, "17.01.2013. - 31.01.2013."),
        (datetime.date(2013, 1, 1), True, "01.01.2013. - 31.01.2013."),
    ]


def test_front(bill) -> None:
    # "Prednja strana računa", legend 1 - 7
    assert [f.number for f in bill.front] == [1, 2, 3, 4, 5, 6, 7]
    sr = [f.texts.get("sr") for f in bill.front]
    assert sr[0] == "Opšti podaci o vlasniku broja i adresi za dostavu računa"                 # 1
    assert sr[1].startswith("Obračunski period za koji je izdat račun.")                       # 2
    assert sr[2] == "Datum dospeća je datum do kojeg je potrebno platiti račun."              # 3
    assert sr[3] == "Opšti podaci o kompaniji Telenor d.o.o."                                  # 4
    assert sr[4].startswith("Korišćenje je iznos koji se dobija kada se od stavke")            # 5
    assert '"Ukupni ostvareni saobraćaj"' in sr[4] and '"Popusti"' in sr[4]
    assert sr[5].startswith("Iznos mesečnog računa: celokupno zaduženje za obračunski period")  # 6
    assert "Prethodni saldo" in sr[5] and "Ukupno zaduženje" in sr[5]
    assert sr[6] == "Uplatnica kojom plaćate račun u pošti ili banci"                          # 7
    assert [f.key for f in bill.front] == ["owner", "period", "due_date", "company", "usage",
                                           "amount", "payment_slip"]
    assert all(f.texts.languages == ("sr", "en") for f in bill.front)


def test_back(bill) -> None:
    # "Poleđina računa", legend 1 - 7
    assert [f.number for f in bill.back] == [1, 2, 3, 4, 5, 6, 7]
    sr = [f.texts.get("sr") for f in bill.back]
    assert sr[0] == "Tarifni paket pretplatnika."                                              # 1
    assert sr[1] == "Broj poziva, poslatih poruka ili količina prenetih podataka."             # 2
    assert sr[2] == "Ukupna minutaža."                                                         # 3
    assert sr[3] == "Ukupan ostvaren saobraćaj prikazan po tipu saobraćaja i destinacijama."   # 4
    assert sr[4].startswith("Promocije i popusti mogu sadržati besplatne minute")              # 5
    assert sr[5].startswith("Jednokratna zaduženja su premium servisi")                        # 6
    assert sr[6] == "Celokupno zaduženje za obračunski period."                                # 7
    assert [f.key for f in bill.back] == ["plan", "count", "minutes", "traffic", "discounts",
                                          "one_time", "total"]


def test_formulas(bill) -> None:
    formulas = {f.target: f.terms for f in bill.formulas}
    # 5: "od stavke "Ukupni ostvareni saobraćaj" ... oduzme stavka "Popusti""
    assert formulas["usage"] == (("+", "traffic"), ("-", "discounts"))
    # 6: "Prethodni saldo ... biće stavka +, ... biće stavka -": the previous balance is signed
    assert formulas["total_due"] == (("+", "amount"), ("+", "previous_balance"))
    # the reading of "celokupno zaduženje" (see the bill's note)
    assert formulas["amount"] == (("+", "usage"), ("+", "one_time"))
    assert formulas["total"] == (("+", "amount"),)


def test_one_time_categories(bill) -> None:
    # "kategorija Jednokratnih zaduženja takođe može da sadrži i sledeće stavke:"
    assert [c.name for c in bill.one_time] == [
        "Aktivacija kartice", "Content Parking", "Putne pakete", "Dnevni klik",
        "Dogovorena potrošnja", "IVR", "Klik dodatak", "Kreditiranje prepaid brojeva",
        "Ostala zaduženja - odobrenja", "Otkup ugovorne obaveze", "Penali",
        "Ponovno uključenje izmiren dug", "Premium servisi", "Promeni omiljeni broj",
        "Rata-tel aparat", "Rata-za računarsku opremu", "Računarska oprema",
        "Računarska oprema na rate", "SMS kroz Outlook", "SMS Reklama", "Specifikacija 9000",
        "Specifikacija na zahtev", "Specijalan broj", "Surfuj brže", "Tarifni dodatak IP",
        "Telefonski aparat", "Telefonski aparat bez poreza", "Telefonski aparat na rate",
        "Usluge sa portala", "Zamena broja na zahtev", "Zamena SIM kartice"]
    # "Putne pakete ( Data paket Telenor CG 1GB, Roming 20MB, Roming 20min+20SMS,
    # Roming 50min+50SMS, Roming 50min+50SMS+5MB, Roming 5MB, Roming 80SMS)"
    travel = next(c for c in bill.one_time if c.name == "Putne pakete")
    assert travel.passes == ("Data paket Telenor CG 1GB", "Roming 20MB", "Roming 20min+20SMS",
                             "Roming 50min+50SMS", "Roming 50min+50SMS+5MB", "Roming 5MB",
                             "Roming 80SMS")
    assert all(not c.passes for c in bill.one_time if c is not travel)


def test_bill_names_are_those_of_passes() -> None:
    result = check_paths(["specs"])
    tariff = next(t for t in result.tariffs if t.id == "telenor_rs")
    b, = tariff.bills
    travel = next(c for c in b.one_time if c.name == "Putne pakete")
    names = {p.bill_name for p in tariff.passes}
    assert set(travel.passes) <= names
