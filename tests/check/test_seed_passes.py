"""Seed facts of passes (seed 004; bill names from seed 001) in the model.

Every expected value is typed from the seed text, not copied from program output; the comment
above each quotes the seed sentence or table cell it comes from.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from compiler.check import check_paths

HOUR, DAY = 3600, 86400
MB, GB = 1024, 1024 * 1024  # KB


@pytest.fixture(scope="module")
def passes():
    result = check_paths(["specs"])
    assert not result.errors, [str(d) for d in result.errors]
    telenor, = [t for t in result.tariffs if t.id == "telenor_rs"]
    return {p.name: p for p in telenor.passes}


# Seed 004, "Telenor putni paket": PAKET 1..6
# "Cena PUTNOG PAKETA* 1.524,40 din 1.524,40 din 3.558,30 din 5.592,19 din 2.337,96 din 8.643,05 din"
# "Minuta razgovora 20 - 50 50 - -", "SMS poruka 20 80 50 50 - -", "Megabajti - - - 5 5 20"
# Seed 001 bill names: "Roming 20min+20SMS", "Roming 80SMS", ...
TRAVEL = {
    1: ("1524.40", 20, 20, None, "Roming 20min+20SMS"),
    2: ("1524.40", None, 80, None, "Roming 80SMS"),
    3: ("3558.30", 50, 50, None, "Roming 50min+50SMS"),
    4: ("5592.19", 50, 50, 5, "Roming 50min+50SMS+5MB"),
    5: ("2337.96", None, None, 5, "Roming 5MB"),
    6: ("8643.05", None, None, 20, "Roming 20MB"),
}


@pytest.mark.parametrize("n", list(TRAVEL))
def test_travel_packages_1_to_6(passes, n) -> None:
    p = passes[f"Putni paket {n}"]
    price, minutes, sms, mb, bill = TRAVEL[n]
    assert (p.price.amount, p.price.currency) == (D(price), "RSD")
    assert p.family == "Putni paket"
    # "Putni paketi važe 90 dana od trenutka aktivacije."
    assert p.validity_seconds == 90 * DAY
    assert p.where == ("roaming", ())
    assert p.eligibility.segments == ("prepaid",)  # "Kao Telenor pripejd korisnik"
    got = {a.unit: a for a in p.allowances}
    if minutes is None:
        assert "min" not in got
    else:
        # "Broj minuta sadržanih u paketu se odnosi na dolazne i na odlazne pozive."
        assert (got["min"].amount, got["min"].services) == (minutes, ("outgoing call", "incoming call"))
    assert (got["sms"].amount if "sms" in got else None) == sms
    assert (got["KB"].amount if "KB" in got else None) == (None if mb is None else mb * MB)
    # "pozivom na broj *111# i izabereš opciju 6, ili ... slanjem SMS-a sa tekstom TPP(broj paketa) na 9000"
    acts = {(a.channel, a.code, a.number, a.keyword, a.option) for a in p.activations}
    assert acts == {("menu", "*111#", None, None, 6), ("sms", None, "9000", f"TPP{n}", None)}
    assert p.bill_name == bill
    assert p.exclusive is None


def test_travel_package_7(passes) -> None:
    p = passes["Putni paket 7"]
    # "Ovaj paket nudi 1 GB internet saobraćaja po ceni od 1.210,17 dinara (sa PDV-om)."
    assert p.price.amount == D("1210.17")
    assert [(a.unit, a.amount) for a in p.allowances] == [("KB", 1 * GB)]
    # "Paket važi 90 dana od trenutka aktivacije."
    assert p.validity_seconds == 90 * DAY
    # "Putni paket 7 koji važi u mreži Telenor Crna Gora"
    assert p.where == ("network", ("Telenor Crna Gora",))
    # "preko USSD menija (*111#) ili slanjem SMS poruke sa tekstom „TPP7“ na broj 9000"
    acts = {(a.channel, a.code, a.number, a.keyword, a.option) for a in p.activations}
    assert acts == {("menu", "*111#", None, None, 6), ("sms", None, "9000", "TPP7", None)}
    # seed 001: "Data paket Telenor CG 1GB"
    assert p.bill_name == "Data paket Telenor CG 1GB"


@pytest.mark.parametrize("name, price, validity, code, keyword, full_speed", [
    # "Dnevna karta - ... 24h nakon aktivacije ... po ceni od 199 dinara";
    # "aktivaciju Dnevne karte možete izvršiti besplatnim pozivom na broj *125*1# ili slanjem SMS
    # poruke sa tekstom TCG1 na broj 9000"; "kod paketa Dnevna karta prvih 100 MB ... po punoj brzini"
    ("Dnevna karta", "199", 24 * HOUR, "*125*1#", "TCG1", 100 * MB),
    # "Nedeljna karta - ... u periodu od 7 dana od aktivacije ... po ceni od 999 dinara";
    # "aktivacija Nedeljne karte vrši besplatnim pozivom na broj *125*7# ili slanjem SMS poruke sa
    # tekstom TCG7 na broj 9000"; "kod paketa Nedeljna karta prvih 1 GB interneta ... po punoj brzini"
    ("Nedeljna karta", "999", 7 * DAY, "*125*7#", "TCG7", 1 * GB),
])
def test_day_and_week_pass(passes, name, price, validity, code, keyword, full_speed) -> None:
    p = passes[name]
    assert (p.price.amount, p.price.currency) == (D(price), "RSD")
    assert p.validity_seconds == validity
    # "koje važe za roming u mreži Telenor Crna Gora"
    assert p.where == ("network", ("Telenor Crna Gora",))
    # "Bilo da ste pripejd, postpejd ili biznis korisnik"
    assert p.eligibility.segments == ("prepaid", "postpaid", "business")
    acts = {(a.channel, a.code, a.number, a.keyword) for a in p.activations}
    assert acts == {("code", code, None, None), ("sms", None, "9000", keyword)}
    # "Svaka aktivacija Dnevne ili Nedeljne karte poništava važenje ... koju ste eventualno prethodno aktivirali."
    assert p.exclusive == "karta"
    free = {(f.service, f.destination.kind if f.destination else None,
             f.destination.names if f.destination else ()) for f in p.free}
    assert free == {
        # "besplatne odlazne pozive ka mrežama Telenor Srbija i Telenor Crna Gora"
        ("outgoing call", "networks", ("Telenor Srbija", "Telenor Crna Gora")),
        # "besplatne dolazne pozive iz svih mreža"
        ("incoming call", None, ()),
        # "besplatan* internet"
        ("data", None, ()),
    }
    # "Nakon potrošene kvote brzog saobraćaja internet je i dalje besplatan po smanjenoj brzini od 64 Kbps"
    assert (p.full_speed_kb, p.throttle_kbps) == (full_speed, 64)
    # "odlazne SMS poruke se za vreme dok su aktivne Dnevna ili Nedeljna karta naplaćuju 3,97 dinara po poruci"
    rate, = p.rates
    assert (rate.service, rate.price.amount, rate.price.per) == ("sms", D("3.97"), "sms")
    assert p.allowances == ()


def test_every_seed_pass_and_no_other(passes) -> None:
    assert set(passes) == {f"Putni paket {n}" for n in range(1, 8)} | {"Dnevna karta", "Nedeljna karta"}
