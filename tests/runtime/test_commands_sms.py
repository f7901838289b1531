"""SMS keyword commands of Telenor Srbija: the family keywords to 9001 (seed 003) and the pass
activations to 9000 (seed 004)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from runtime.commands import fold, sms_regex
from runtime.errors import UnknownCommand
from runtime.events import Sms, Where
from runtime.money import Money
from runtime.state import Allowance, Subscriber, world_of

AT = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
A, B, C, D = "381631234567", "381641234567", "381651234567", "381661234567"
PRE = "381691234567"
PACKAGE = Allowance(seconds=100 * 60, sms=100, kb=1024 * 1024)  # an input: 100 min, 100 SMS, 1 GB


def rsd(x: str) -> Money:
    return Money(Decimal(x), "RSD")


def world(balance: str = "10000"):
    return world_of(*[Subscriber(x, "postpaid", plan="Play+ 20", package=PACKAGE)
                      for x in (A, B, C, D)],
                    Subscriber(PRE, "prepaid", balance=rsd(balance)))


def sms(engine, w, who, text, to="9001", where=Where()):
    return engine.apply(w, Sms(who, AT, to, text, where), explain=True)


def group(engine):
    """A, B and C in an active group: A invites B and C, both accept."""
    w, _ = sms(engine, world(), A, "TELENOR PORODICA: 0641234567, 0651234567")
    w, _ = sms(engine, w, B, "DA")
    w, _ = sms(engine, w, C, "DA")
    return w


# -- seed 003: the keywords to 9001 ------------------------------------------------------------

@pytest.mark.parametrize("text", ["TELENOR PORODICA: 0641234567, 0651234567",
                                  "telenor porodica:064 123 4567 ,065 123 4567",
                                  "  Telenor   Porodica :  +381641234567, 00381651234567  "])
def test_telenor_porodica_invites(telenor_engine, text):
    # Seed 003: "TELENOR PORODICA: 06X XXX XXXX, 06X XXX XXXX, ..." (min 2, max 4) to 9001.
    _, out = sms(telenor_engine, world(), A, text)
    assert out.ok and out.data["action"] == "family_create"
    assert {r.to for r in out.replies} >= {B, C}
    assert out.charge == rsd("0")  # 9001 is free (the seed does not price it)


@pytest.mark.parametrize("numbers, count", [("0641234567", 1),
                                            ("0641234567, 0651234567, 0661234567, 0631111111, "
                                             "0632222222", 5)])
def test_telenor_porodica_counts(telenor_engine, numbers, count):
    # "min 2, max 4": one or five numbers are refused with a reply, not an exception.
    _, out = sms(telenor_engine, world(), A, f"TELENOR PORODICA: {numbers}")
    assert not out.ok and f"the message has {count}" in out.reason
    assert out.replies[0].text.startswith("Pošaljite poruku u obliku: TELENOR PORODICA:")


def test_telenor_porodica_malformed_number(telenor_engine):
    _, out = sms(telenor_engine, world(), A, "TELENOR PORODICA: 0641234567, 06412")
    assert not out.ok and "06412" in out.reason


@pytest.mark.parametrize("text", ["DA", "da", " Da "])
def test_da_accepts(telenor_engine, text):
    w, _ = sms(telenor_engine, world(), A, "TELENOR PORODICA: 0641234567, 0651234567")
    _, out = sms(telenor_engine, w, B, text)
    assert out.ok and out.data["action"] == "family_accept"


def test_ne_declines(telenor_engine):
    w, _ = sms(telenor_engine, world(), A, "TELENOR PORODICA: 0641234567, 0651234567")
    _, out = sms(telenor_engine, w, B, "ne")
    assert out.ok and out.data["action"] == "family_decline"


def test_izlazak_exits(telenor_engine):
    _, out = sms(telenor_engine, group(telenor_engine), B, "IZLAZAK")
    assert out.ok and out.data["action"] == "family_exit"


def test_dodaj_adds(telenor_engine):
    _, out = sms(telenor_engine, group(telenor_engine), A, "DODAJ: 0661234567")
    assert out.data["action"] == "family_add"


@pytest.mark.parametrize("text", ["PONIŠTI", "PONISTI", "poništi", "ponisti"])
def test_ponisti_with_or_without_diacritics(telenor_engine, text):
    # PONIŠTI == PONISTI == ponisti: the initiator cancels the pending group.
    w, _ = sms(telenor_engine, world(), A, "TELENOR PORODICA: 0641234567, 0651234567")
    _, out = sms(telenor_engine, w, A, text)
    assert out.ok and out.data["action"] == "family_cancel"


def test_posalji_transfers_mb(telenor_engine):
    # "POSALJI: XXXX MB, 06X XXX XXXX": 100 MB to B; the family area receives amount_mb=100.
    _, out = sms(telenor_engine, group(telenor_engine), A, "posalji: 100mb, 064 123 4567")
    assert out.ok and out.data["action"] == "family_transfer"
    assert any(r.to == B and "100 MB" in r.text for r in out.replies)


def test_status(telenor_engine):
    _, out = sms(telenor_engine, group(telenor_engine), A, "STATUS")
    assert out.ok and out.data["action"] == "family_status"
    assert out.data["group"]["size"] == 3


def test_family_keywords_only_for_postpaid(telenor_engine):
    _, out = sms(telenor_engine, world(), PRE, "STATUS")
    assert not out.ok and "Postpejd" in out.replies[0].text


def test_unknown_keyword_gets_a_reply(telenor_engine):
    w = world()
    _, out = sms(telenor_engine, w, A, "HELLO")
    assert not out.ok and out.charge == rsd("0")
    assert "DA" in out.replies[0].text and "PONIŠTI" in out.replies[0].text
    assert out.data["keywords"][0] == "TELENOR PORODICA: <members:msisdn 2..4>"


def test_known_keyword_with_wrong_arguments(telenor_engine):
    _, out = sms(telenor_engine, world(), A, "POSALJI: lots")
    assert not out.ok and out.data["usage"] == "POSALJI: <amount:MB>, <to:msisdn>"


def test_unknown_service_number(telenor_engine):
    with pytest.raises(UnknownCommand, match="1234 is not a service number of telenor_rs"):
        sms(telenor_engine, world(), A, "DA", to="1234")


# -- seed 004: pass activations to 9000 --------------------------------------------------------

@pytest.mark.parametrize("keyword, name, price", [
    ("TPP1", "Putni paket 1", "1524.40"), ("TPP2", "Putni paket 2", "1524.40"),
    ("TPP3", "Putni paket 3", "3558.30"), ("TPP4", "Putni paket 4", "5592.19"),
    ("TPP5", "Putni paket 5", "2337.96"), ("TPP6", "Putni paket 6", "8643.05"),
    ("TPP7", "Putni paket 7", "1210.17"),
])
def test_tpp_activates_travel_package_at_home(telenor_engine, keyword, name, price):
    # Seed 004: TPP(number) to 9000; the SMS itself is free at home (the seed does not price it).
    w, out = sms(telenor_engine, world(), PRE, keyword.lower(), to="9000")
    assert out.ok and out.data["pass"] == name and out.charge == rsd(price)
    assert w.subscriber(PRE).balance == rsd("10000") - rsd(price)


@pytest.mark.parametrize("keyword, name, price", [("TCG1", "Dnevna karta", "199"),
                                                  ("TCG7", "Nedeljna karta", "999")])
def test_tcg_activates_day_and_week_pass(telenor_engine, keyword, name, price):
    _, out = sms(telenor_engine, world(), PRE, keyword, to="9000")
    assert out.ok and out.data["pass"] == name and out.charge == rsd(price)


def test_tpp1_from_zona_1_pays_the_zone_sms_price(telenor_engine):
    # Seed 004: from abroad the SMS costs the roaming price: Zona 1 SMS 29,90;
    # 29,90 + 1.524,40 (PAKET 1) = 1.554,30 RSD; 10.000,00 - 1.554,30 = 8.445,70 RSD.
    w, out = sms(telenor_engine, world(), PRE, "TPP1", to="9000", where=Where("DE"))
    assert out.ok and out.charge == rsd("1554.30")
    sub = w.subscriber(PRE)
    assert sub.balance == rsd("8445.70")
    assert [(c.kind, c.category, c.amount) for c in sub.ledger][0] == \
        ("traffic", "SMS 9000", rsd("29.90"))


def test_tcg1_from_telenor_crna_gora_pays_its_sms_price(telenor_engine):
    # On Telenor Crna Gora an SMS costs 8,89; 8,89 + 199 = 207,89 RSD.
    _, out = sms(telenor_engine, world(), PRE, "TCG1", to="9000", where=Where("ME", "297 01"))
    assert out.ok and out.charge == rsd("207.89")


def test_roaming_sms_refused_when_the_balance_cannot_pay_it(telenor_engine):
    w = world("20")
    w2, out = sms(telenor_engine, w, PRE, "TPP1", to="9000", where=Where("DE"))
    assert not out.ok and out.charge == rsd("0") and w2 is w  # 20,00 < 29,90


# -- the matcher -------------------------------------------------------------------------------

def test_fold_and_regex():
    assert fold("Poništi") == fold("PONISTI") == "PONISTI"
    r = sms_regex(("DODAJ: ", {"name": "members", "type": "msisdn", "min": 1, "max": 4}))
    assert r.fullmatch(fold("dodaj:0641234567,0651234567"))["members"] == "0641234567,0651234567"
    assert sms_regex(()).fullmatch(fold("   ")) is not None  # a blank message
