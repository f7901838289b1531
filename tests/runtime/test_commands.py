"""USSD codes of Telenor Srbija (seed 000, and the roaming codes of seed 004).

Every expected value is read from the seed text; the arithmetic is in the comments.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from runtime.errors import MalformedNumber, InvalidEvent, UnknownCode
from runtime.events import Dial, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of

AT = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
PRE, KOMB, POST, OTHER = "381631234567", "381631111111", "381621111111", "381621234567"
DE = Where("DE")  # Zona 1 (illustrative member)


def rsd(x: str) -> Money:
    return Money(Decimal(x), "RSD")


def world(balance: str = "14.99", lang: str | None = None, **extra):
    w = world_of(Subscriber(PRE, "prepaid", balance=rsd(balance), language=lang),
                 Subscriber(KOMB, "kombinuj", balance=rsd(balance)),
                 Subscriber(POST, "postpaid", plan="Play+ 20", language=lang,
                            previous_balance=rsd("1200.00")))
    for k, v in extra.items():
        w = w.with_extra(k, v)
    return w


def dial(engine, w, who, text, **kw):
    return engine.apply(w, Dial(who, kw.pop("at", AT), text, **kw), explain=True)


# -- seed 000: postpaid ------------------------------------------------------------------------

def test_status_311_postpaid(telenor_engine):
    # Seed 000: *311# gives the current status of the postpaid account, free.
    _, out = dial(telenor_engine, world(), POST, "*311#")
    assert out.ok and out.charge == rsd("0.00")
    assert out.data["action"] == "status" and out.data["plan"] == "Play+ 20"
    assert [r.channel for r in out.replies] == ["ussd"]
    assert out.replies[0].text.startswith("Tarifni paket: Play+ 20.")  # sr: operator default
    assert out.source == "specs/telenor_rs/codes.tariff:4"


def test_status_311_1_is_english(telenor_engine):
    # Seed 000: "*311*1# - English version".
    _, out = dial(telenor_engine, world(), POST, "*311*1#")
    assert out.ok and out.replies[0].text.startswith("Tariff package: Play+ 20.")


def test_account_details_411_ussd_then_sms(telenor_engine):
    # Seed 000: the package on the phone (USSD reply), then an SMS with the last bill and debt.
    _, out = dial(telenor_engine, world(), POST, "*411#")
    assert [r.channel for r in out.replies] == ["ussd", "sms"]
    assert out.replies[0].text == "Tarifni paket: Play+ 20."
    # last bill 1.200,00 RSD unpaid, nothing used yet: debt 1.200,00 RSD
    assert "1.200,00 RSD" in out.replies[1].text and out.data["debt"] == "1200.00"


def test_account_details_411_1_is_english(telenor_engine):
    _, out = dial(telenor_engine, world(), POST, "*411*1#")
    assert out.replies[0].text == "Tariff package: Play+ 20."
    # An English reply writes a decimal point and comma thousands: 1200.00 -> 1,200.00 RSD.
    assert out.replies[1].text.startswith("Last bill: 1,200.00 RSD.")


# -- seed 000: prepaid and Kombinuj ------------------------------------------------------------

def test_credit_121_prepaid(telenor_engine):
    _, out = dial(telenor_engine, world("14.99"), PRE, "*121#")
    assert out.ok and out.charge == rsd("0")
    assert out.replies[0].text == "Stanje na Vašem računu je 14,99 RSD."


def test_credit_121_in_english_for_an_english_subscriber(telenor_engine):
    _, out = dial(telenor_engine, world("14.99", lang="en"), PRE, "*121#")
    # An English reply writes a decimal point: 14,99 RSD (sr) is 14.99 RSD in English.
    assert out.replies[0].text == "Your balance is 14.99 RSD."


def test_credit_122_kombinuj(telenor_engine):
    _, out = dial(telenor_engine, world("300"), KOMB, "*122#")
    assert out.ok and out.data["balance"] == "300"


@pytest.mark.parametrize("who, code", [(PRE, "*311#"), (PRE, "*411#"), (POST, "*121#"),
                                       (KOMB, "*121#"), (PRE, "*122#"), (POST, "*321*0621234567#"),
                                       (POST, "*912*123456#"), (KOMB, "*123*0038163123456#")])
def test_codes_refuse_other_segments(telenor_engine, who, code):
    # Seed 000 lists each code under its segment only.
    w = world()
    w2, out = dial(telenor_engine, w, who, code)
    assert not out.ok and w2 is w
    assert "is available to" in out.reason or "is for" in out.reason
    assert out.replies and out.replies[0].channel == "ussd"


def test_call_me_under_15_rsd(telenor_engine):
    # Seed 000: with less than RSD 15, a notice to another Telenor subscriber, free of charge.
    w, out = dial(telenor_engine, world("14.99"), PRE, "*321*0621234567#")
    assert out.ok and out.charge == rsd("0")
    caller, notice = out.replies
    assert caller.to == PRE and caller.channel == "ussd"
    assert notice == type(notice)("sms", "Korisnik +381631234567 Vas moli da ga pozovete.", OTHER)
    assert w.subscriber(PRE).balance == rsd("14.99")  # free


def test_call_me_refused_at_exactly_15_rsd(telenor_engine):
    # "less than RSD 15": 15,00 is not less than 15.
    w = world("15.00")
    w2, out = dial(telenor_engine, w, PRE, "*321*0621234567#")
    assert not out.ok and w2 is w
    assert "balance < 15 RSD" in out.reason and "15.00 RSD" in out.reason
    assert out.data["condition"] == "specs/telenor_rs/codes.tariff:62"


# -- amounts in a reply, per language ---------------------------------------------------------
# Seed 004 prices Putni paket 1 at "1.524,40 din": that amount (1524.40 RSD) is the balance
# below. A reply in the operator's first language (sr) writes it as the operator does,
# 1.524,40 RSD; a reply in English writes a decimal point and comma thousands, 1,524.40 RSD.

@pytest.mark.parametrize("lang, text", [
    ("sr", "Stanje na Vašem računu je 1.524,40 RSD."),
    (None, "Stanje na Vašem računu je 1.524,40 RSD."),  # no language: the default, sr
    ("en", "Your balance is 1,524.40 RSD."),
])
def test_balance_121_amount_per_language(telenor_engine, lang, text):
    # Seed 000/004: *121# gives a prepaid subscriber the current credit, free.
    _, out = dial(telenor_engine, world("1524.40", lang), PRE, "*121#")
    assert out.ok and out.replies[0].text == text


@pytest.mark.parametrize("code, text", [
    # Current amount: an empty ledger, 0 -> 0,00 / 0.00; the last bill 1524.40 unpaid.
    ("*311#", "Tarifni paket: Play+ 20. Trenutno zaduženje: 0,00 RSD. "
              "Dug po poslednjem računu: 1.524,40 RSD."),
    ("*311*1#", "Tariff package: Play+ 20. Current amount: 0.00 RSD. "
                "Billed amount not paid: 1,524.40 RSD."),  # seed 000: *311*1# English version
])
def test_status_311_amounts_per_language(telenor_engine, code, text):
    w = world_of(Subscriber(POST, "postpaid", plan="Play+ 20", previous_balance=rsd("1524.40")))
    _, out = dial(telenor_engine, w, POST, code)
    assert out.ok and out.replies[0].text == text


@pytest.mark.parametrize("lang, text", [
    # Seed 000: "With less than RSD 15": the limit 15 -> 15,00 / 15.00; the balance 1524.40.
    ("sr", "Pozovi me možete koristiti samo kada je stanje na računu < 15,00 RSD; "
           "sada je 1.524,40 RSD."),
    ("en", "Call Me works only while your balance is < 15.00 RSD; it is 1,524.40 RSD."),
])
def test_call_me_refusal_amounts_per_language(telenor_engine, lang, text):
    _, out = dial(telenor_engine, world("1524.40", lang), PRE, "*321*0621234567#")
    assert not out.ok and out.replies[0].text == text


def test_call_me_kombinuj_same_conditions(telenor_engine):
    _, out = dial(telenor_engine, world("3"), KOMB, "*321*00381621234567#")
    assert out.ok and out.replies[1].to == OTHER


def test_call_me_only_to_telenor_numbers(telenor_engine):
    # 064 is not among Telenor Srbija's (illustrative) prefixes +38162, +38163, +38169.
    _, out = dial(telenor_engine, world("1"), PRE, "*321*0641234567#")
    assert not out.ok and "not a Telenor Srbija number" in out.reason
    assert "illustrative" in out.reason


def test_recharge_912_with_a_voucher(telenor_engine):
    # 14,99 + 500,00 = 514,99 RSD; the voucher is then used.
    w = world("14.99", vouchers={"12345678901234": "500.00"})
    w, out = dial(telenor_engine, w, PRE, "*912*12345678901234#", where=DE)
    assert out.ok and w.subscriber(PRE).balance == rsd("514.99")
    assert out.charge == rsd("0")  # "free in roaming too"
    w2, again = dial(telenor_engine, w, PRE, "*912*12345678901234#")
    assert not again.ok and "already used" in again.reason and w2 is w


def test_recharge_unknown_voucher(telenor_engine):
    _, out = dial(telenor_engine, world(vouchers={}), PRE, "*912*999#")
    assert not out.ok and "999" in out.replies[0].text


@pytest.mark.parametrize("code", ["*121#", "*321*0621234567#"])
def test_codes_free_in_roaming(telenor_engine, code):
    # Seed 000: "All the above listed codes are free in roaming too."
    w, out = dial(telenor_engine, world("10"), PRE, code, where=DE)
    assert out.ok and out.charge == rsd("0") and w.subscriber(PRE).ledger == ()


# -- seed 004 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("code, to", [("*123*0038163123456#", "38163123456"),
                                      ("*123*00441711234567#", "441711234567")])
def test_callback_123(telenor_engine, code, to):
    # Seed 004: the examples, and the message "Vaš zahtev je prihvaćen. Molimo sačekajte. Telenor."
    _, out = dial(telenor_engine, world(), PRE, code, where=DE)
    assert out.ok and out.data["callback_to"] == to
    assert out.replies[0].text == "Vaš zahtev je prihvaćen. Molimo sačekajte. Telenor."


def test_callback_123_english(telenor_engine):
    _, out = dial(telenor_engine, world(lang="en"), PRE, "*123*0038163123456#", where=DE)
    assert out.replies[0].text == "Your request has been accepted. Please wait. Telenor."


def test_menu_111_lists_option_6(telenor_engine):
    _, out = dial(telenor_engine, world(), PRE, "*111#")
    assert out.ok and out.replies[0].text == "6 Putni paket"


def test_menu_111_option_6_lists_travel_packages(telenor_engine):
    _, out = dial(telenor_engine, world(), PRE, "*111#", answer="6")
    assert out.data["options"] == tuple(f"{i} Putni paket {i}" for i in range(1, 8))


def test_menu_111_option_6_3_activates_putni_paket_3(telenor_engine):
    # Seed 004: PAKET 3 costs 3.558,30 din; 5.000,00 - 3.558,30 = 1.441,70 RSD.
    w, out = dial(telenor_engine, world("5000"), PRE, "*111#", answer="6 3")
    assert out.ok and out.charge == rsd("3558.30") and out.data["pass"] == "Putni paket 3"
    sub = w.subscriber(PRE)
    assert sub.balance == rsd("1441.70") and sub.passes[0].name == "Putni paket 3"


@pytest.mark.parametrize("answer", ["9", "6 8", "6 x", "6 1 2"])
def test_menu_111_unknown_option(telenor_engine, answer):
    w = world("5000")
    w2, out = dial(telenor_engine, w, PRE, "*111#", answer=answer)
    assert not out.ok and "not an option" in out.reason and w2 is w


def test_answer_to_a_code_without_menu_is_ignored_safely(telenor_engine):
    _, out = dial(telenor_engine, world(), PRE, "*121#", answer="1")
    assert out.ok and out.data["action"] == "balance"


@pytest.mark.parametrize("code, name, price, left", [
    ("*125*1#", "Dnevna karta", "199", "801.00"),      # 1.000 - 199 = 801
    ("*125*7#", "Nedeljna karta", "999", "1.00"),      # 1.000 - 999 = 1
])
def test_day_and_week_pass_codes(telenor_engine, code, name, price, left):
    # Seed 004: activation by a free call to *125*1# / *125*7#; 199 and 999 dinara.
    w, out = dial(telenor_engine, world("1000"), PRE, code, where=Where("ME", "297 01"))
    assert out.ok and out.charge == rsd(price) and out.data["pass"] == name
    assert w.subscriber(PRE).balance == rsd(left)


def test_quota_124_after_day_pass(telenor_engine):
    # Seed 004: with Dnevna karta the first 100 MB are at full speed; *124# is free.
    w, _ = dial(telenor_engine, world("1000"), PRE, "*125*1#")
    _, out = dial(telenor_engine, w, PRE, "*124#")
    assert out.ok and out.charge == rsd("0")
    assert out.data["full_speed_kb"] == 100 * 1024
    assert "100 MB" in out.replies[0].text


def test_quota_124_without_pass(telenor_engine):
    _, out = dial(telenor_engine, world(), POST, "*124#")
    assert out.ok and out.data["full_speed_kb"] is None


# -- bad input ---------------------------------------------------------------------------------

def test_unknown_code(telenor_engine):
    with pytest.raises(UnknownCode, match=r"`\*999#` is not a code of telenor_rs"):
        dial(telenor_engine, world(), PRE, "*999#")


@pytest.mark.parametrize("code", ["*321*0631#", "*321*06a1234567#", "*321*+381621234567#"])
def test_malformed_number_in_call_me(telenor_engine, code):
    with pytest.raises(MalformedNumber, match="is not a phone number"):
        dial(telenor_engine, world(), PRE, code)


def test_voucher_must_be_digits(telenor_engine):
    with pytest.raises(InvalidEvent, match="digits only"):
        dial(telenor_engine, world(), PRE, "*912*12ab#")


def test_explanation_only_when_asked(telenor_engine):
    _, quiet = telenor_engine.apply(world(), Dial(PRE, AT, "*121#"))
    _, loud = telenor_engine.apply(world(), Dial(PRE, AT, "*121#"), explain=True)
    assert quiet.arithmetic == "" and loud.arithmetic == "free (specs/telenor_rs/codes.tariff:36)"


def test_generated_module_dials(telenor_engine):
    import generated.telenor_rs as tariff

    _, out = tariff.apply(world(), Dial(PRE, AT, "*121#"))
    assert out.replies[0].text == "Stanje na Vašem računu je 14,99 RSD."
