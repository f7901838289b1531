"""Seed facts: every short code, SMS command, call, web channel and service number of the
seeds, typed by hand from the seed text, compared with the model the shipped specs give."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compiler.check import check_operator, check_paths
from compiler.model.commands import CodeParam
from compiler.model.common import Price

SPECS = Path(__file__).parents[2] / "specs"
MY_CODES = tuple(f"T03{n:02d}" for n in range(1, 100))


@pytest.fixture(scope="module")
def tariffs():
    result = check_paths([str(SPECS)])
    found = {t.id: t for t in result.tariffs}
    for name in ("telenor_rs", "azercell"):
        if name not in found:  # another kind's blocks still have errors: check this one alone
            folder = SPECS / name
            t, _, _ = check_operator(sorted(folder.glob("*.tariff")), str(folder))
            found[name] = t
    return found, result.diagnostics


def code(t, pattern):
    return next(c for c in t.codes if c.pattern == pattern)


def sms(t, number, keyword):
    return next(s for s in t.sms_commands if s.number == number and s.keyword == keyword)


def rsd(n: str) -> Price:
    return Price(Decimal(n), "RSD")


def azn(n: str, per: str | None = None) -> Price:
    return Price(Decimal(n), "AZN", per)


def test_no_commands_diagnostics_in_the_shipped_specs(tariffs) -> None:
    _, diags = tariffs
    assert [d for d in diags if d.code in MY_CODES] == []


# -- seed 000: Telenor short codes ----------------------------------------------------------

def test_seed_000_postpaid_codes(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    status = code(t, "*311#")
    # "Status query over USSD code *311#" under "Postpaid"; "*311*1# - English version"
    assert status.action == "status" and status.eligibility.segments == ("postpaid",)
    assert status.variants == (("en", "*311*1#"),)
    assert status.replies == ("ussd",)
    details = code(t, "*411#")
    # "Account details over USSD code *411#" ... "(USSD reply)" ... "(SMS reply)"; "*411*1# - English version"
    assert details.action == "account_details" and details.eligibility.segments == ("postpaid",)
    assert details.replies == ("ussd", "sms")
    assert details.variants == (("en", "*411*1#"),)


def test_seed_000_prepaid_and_kombinuj_codes(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    # Prepaid "Current credit amount *121#", Kombinuj "Current credit amount *122#" (the headings)
    assert code(t, "*121#").action == "balance" and code(t, "*121#").eligibility.segments == ("prepaid",)
    assert code(t, "*122#").action == "balance" and code(t, "*122#").eligibility.segments == ("kombinuj",)
    assert code(t, "*121#").notes and code(t, "*122#").notes  # the heading/text contradiction is noted
    call_me = code(t, "*321*<number:msisdn>#")
    # "Call Me *321*phone_number#": "With less than RSD 15 on his/her account a prepaid or
    # Kombinuj subscriber can send a notice to another Telenor subscriber, free of charge."
    assert call_me.params == (CodeParam("number", "msisdn"),)
    assert set(call_me.eligibility.segments) == {"prepaid", "kombinuj"}
    (cond,) = call_me.conditions
    assert (cond.subject, cond.op, cond.value) == ("balance", "<", rsd("15"))
    assert call_me.network == "Telenor Srbija" and call_me.price == rsd("0")
    recharge = code(t, "*912*<voucher:digits>#")
    # "By entering the code *912*voucher No# ... prepaid users have a possibility to enter the
    # bought voucher"; "Kombinuj tariff package users can use this service under the same conditions"
    assert recharge.action == "recharge" and set(recharge.eligibility.segments) == {"prepaid", "kombinuj"}
    assert recharge.params == (CodeParam("voucher", "digits"),)


def test_seed_000_codes_are_free_in_roaming(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    # "All the above listed codes are free in roaming too."
    for pattern in ("*311#", "*411#", "*121#", "*122#", "*321*<number:msisdn>#", "*912*<voucher:digits>#"):
        assert code(t, pattern).roaming_price == rsd("0"), pattern
        assert code(t, pattern).price == rsd("0"), pattern


# -- seed 004: Telenor roaming codes --------------------------------------------------------

def test_seed_004_callback(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    cb = code(t, "*123*<number:phone>#")
    # "*123*broj telefona#"; "Primer: *123*0038163123456# *123*00441711234567#"
    assert cb.action == "callback" and cb.eligibility.segments == ("prepaid",)
    assert cb.examples == ("*123*0038163123456#", "*123*00441711234567#")
    assert cb.match("*123*0038163123456#") == {"number": "0038163123456"}
    # 'dobićete poruku : "Vaš zahtev je prihvaćen. Molimo sačekajte. Telenor."'
    assert cb.texts.get("sr") == "Vaš zahtev je prihvaćen. Molimo sačekajte. Telenor."


def test_seed_004_menu_and_pass_codes(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    menu = code(t, "*111#")
    # "jednostavnim pozivom na broj *111# i izaberete opciju 6"; Putni paket 7 "preko USSD menija (*111#)"
    (opt,) = menu.menu
    assert menu.action == "menu" and opt.number == 6
    assert opt.activates == tuple(f"Putni paket {n}" for n in range(1, 8))
    # "aktivaciju Dnevne karte možete izvršiti besplatnim pozivom na broj *125*1#"
    day = code(t, "*125*1#")
    assert (day.action, day.action_args, day.price) == ("activate", ("Dnevna karta",), rsd("0"))
    # "aktivacija Nedeljne karte vrši besplatnim pozivom na broj *125*7#"
    week = code(t, "*125*7#")
    assert (week.action, week.action_args, week.price) == ("activate", ("Nedeljna karta",), rsd("0"))
    # "Bilo da ste pripejd, postpejd ili biznis korisnik"
    for c in (day, week):
        assert set(c.eligibility.segments) == {"prepaid", "postpaid", "business"}
    # "Količinu preostalog internet saobraćaja po punoj brzini možete da proverite besplatnim pozivom na broj *124#"
    quota = code(t, "*124#")
    assert (quota.action, quota.price) == ("quota", rsd("0"))
    assert set(quota.action_args) == {"Dnevna karta", "Nedeljna karta"}


def test_seed_004_service_number_9000(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    n = next(s for s in t.service_numbers if s.number == "9000")
    # "Aktivacija SMS porukom je moguća i iz inostranstva, s tim što se ta SMS poruka naplaćuje
    # po važećem cenovniku za zemlju u kojoj se nalazite."
    assert n.roaming_price == "zone sms"
    assert n.price == Price(Decimal(0), "RSD", "sms")  # not priced at home: the spec's reading


# -- seed 003: Telenor Porodica SMS commands to 9001 ----------------------------------------

def test_seed_003_family_commands(tariffs) -> None:
    t = tariffs[0]["telenor_rs"]
    assert any(s.number == "9001" for s in t.service_numbers)
    # "TELENOR PORODICA: 06X XXX XXXX, 06X XXX XXXX, …" "(min 2, max 4)" -> 9001
    create = sms(t, "9001", "TELENOR PORODICA:")
    (members,) = create.params
    assert (create.action, members.type, members.min, members.max) == ("family_create", "msisdn", 2, 4)
    # DA / NE / IZLAZAK / PONIŠTI / STATUS -> 9001
    for keyword, action in (("DA", "family_accept"), ("NE", "family_decline"), ("IZLAZAK", "family_exit"),
                            ("PONIŠTI", "family_cancel"), ("STATUS", "family_status")):
        s = sms(t, "9001", keyword)
        assert (s.action, s.params) == (action, ()), keyword
        assert s.eligibility.segments == ("postpaid",)
    assert sms(t, "9001", "PONIŠTI").folded == "PONISTI"  # accepted as PONISTI too
    # "DODAJ: 06X XXX XXXX, 06X XXX XXXX,..." (no count in the seed; the spec reads 1..4)
    add = sms(t, "9001", "DODAJ:")
    assert add.action == "family_add" and add.params[0].type == "msisdn"
    # "POSALJI: XXXX MB, 06X XXX XXXX"
    send = sms(t, "9001", "POSALJI:")
    assert send.action == "family_transfer"
    assert [(p.type, p.min, p.max) for p in send.params] == [("MB", None, None), ("msisdn", 1, 1)]
    assert send.parts[2] == ", "


# -- seed 002: Azercell balance and account queries -----------------------------------------

def test_seed_002_service_numbers_and_prices(tariffs) -> None:
    t = tariffs[0]["azercell"]
    prices = {n.number: n.price for n in t.service_numbers}
    # "send a blank SMS to the short number 2112. The service fee for each SMS is 0.10 AZN."
    # "send an empty (blank) SMS to 1005. Each SMS costs 0.02 AZN."
    # "Each SMS to 650 costs 0.0236 AZN."  "SMS its 10-digit serial number to 1003. Each SMS costs 0.02 AZN."
    assert prices == {"2112": azn("0.10", "sms"), "1005": azn("0.02", "sms"),
                      "650": azn("0.0236", "sms"), "1003": azn("0.02", "sms")}


def test_seed_002_prepaid_channels(tariffs) -> None:
    t = tariffs[0]["azercell"]
    # "Prepaid line users can either call 2112 or send a blank SMS to the short number 2112"
    call = next(c for c in t.calls if c.number == "2112")
    assert (call.action, call.eligibility.segments) == ("balance", ("prepaid",))
    blank = sms(t, "2112", "")
    assert (blank.pattern, blank.action, blank.price) == ("", "balance", None)
    # "dial *111*1*7#YES (The cost of a USSD message is 0.10 AZN)"
    ussd = code(t, "*111*1*7#YES")
    assert (ussd.parts, ussd.suffix, ussd.price) == (("*111*1*7#",), "YES", azn("0.10"))
    assert ussd.eligibility.segments == ("prepaid",)
    # "For information about your tariff plan and Roaming line status, send an empty (blank) SMS to 1005."
    assert sms(t, "1005", "").action == "plan_status"


def test_seed_002_postpaid_channels(tariffs) -> None:
    t = tariffs[0]["azercell"]
    # "in 4 ways: Call 650 ... Send a blank (empty) SMS to 650 ... Dial *650#YES ... Visit the
    # online services section of our website."
    assert next(c for c in t.calls if c.number == "650").replies == ("voice",)  # "an audio playback"
    assert sms(t, "650", "").action == "balance"
    yes = code(t, "*650#YES")
    assert (yes.parts, yes.suffix, yes.action) == (("*650#",), "YES", "balance")
    web = t.web_channels[0]
    assert (web.name, web.action, web.eligibility.segments) == ("online services", "balance", ("postpaid",))
    # "grant access to your balance information to another subscriber by sending + to 650"
    assert sms(t, "650", "+").action == "grant_access"
    # "You can disable this feature by sending to 650" (text missing; the spec reads `-`)
    assert sms(t, "650", "-").action == "revoke_access"


def test_seed_002_card_check(tariffs) -> None:
    t = tariffs[0]["azercell"]
    # "SMS its 10-digit serial number to 1003" ... "Both postpaid and prepaid subscribers can benefit"
    card = next(s for s in t.sms_commands if s.number == "1003")
    (serial,) = card.params
    assert (serial.type, serial.min, serial.max) == ("digits", 10, 10)
    assert card.action == "card_check" and set(card.eligibility.segments) == {"prepaid", "postpaid"}
