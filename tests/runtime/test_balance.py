"""Azercell balance and account queries (seed 002): every channel and its price, the billing
window, automatic balance notifications, and replies in az/en/ru."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from runtime.errors import UnknownCommand
from runtime.events import CallNumber, Dial, Outcome, Reply, Sms, Web
from runtime.money import Money
from runtime.state import Subscriber, world_of

BAKU = ZoneInfo("Asia/Baku")
AT = datetime(2024, 7, 1, 12, 0, tzinfo=BAKU)  # the 1st: outside the billing window
PRE, POST = "994501234567", "994551234567"


def azn(x: str) -> Money:
    return Money(Decimal(x), "AZN")


def world(lang: str | None = "en", balance: str = "5.00", **extra):
    w = world_of(Subscriber(PRE, "prepaid", balance=azn(balance), language=lang),
                 Subscriber(POST, "postpaid", language=lang, previous_balance=azn("12.50")))
    for k, v in extra.items():
        w = w.with_extra(k, v)
    return w


def run(engine, w, event):
    return engine.apply(w, event, explain=True)


# -- prepaid -----------------------------------------------------------------------------------

def test_call_2112(azercell_engine):
    # "call 2112": the seed does not price the call, so nothing is charged.
    w, out = run(azercell_engine, world(), CallNumber(PRE, AT, "2112"))
    assert out.ok and out.charge == azn("0") and out.replies[0].channel == "voice"
    assert out.replies[0].text == "Your balance is 5.00 AZN."
    assert w.subscriber(PRE).balance == azn("5.00")


def test_blank_sms_2112_costs_0_10(azercell_engine):
    # "The service fee for each SMS is 0.10 AZN": 5.00 - 0.10 = 4.90 AZN, stated in the reply.
    w, out = run(azercell_engine, world(), Sms(PRE, AT, "2112", ""))
    assert out.charge == azn("0.10") and w.subscriber(PRE).balance == azn("4.90")
    assert out.replies == (Reply("sms", "Your balance is 4.90 AZN.", PRE),)
    line = w.subscriber(PRE).ledger[-1]
    assert (line.kind, line.category, line.amount) == ("traffic", "SMS 2112", azn("0.10"))


def test_ussd_111_1_7_yes_costs_0_10(azercell_engine):
    # "*111*1*7#YES (The cost of a USSD message is 0.10 AZN)": 5.00 - 0.10 = 4.90.
    w, out = run(azercell_engine, world(), Dial(PRE, AT, "*111*1*7#YES"))
    assert out.ok and out.charge == azn("0.10") and w.subscriber(PRE).balance == azn("4.90")
    assert w.subscriber(PRE).ledger[-1].category == "USSD *111*1*7#YES"
    assert out.arithmetic == "0.10 AZN per use (specs/azercell/balance.tariff:38)"


def test_ussd_refused_when_balance_cannot_pay(azercell_engine):
    w = world(balance="0.05")
    w2, out = run(azercell_engine, w, Dial(PRE, AT, "*111*1*7#YES"))
    assert not out.ok and out.charge == azn("0") and w2 is w  # 0.05 < 0.10


def test_blank_sms_1005_costs_0_02(azercell_engine):
    # "send an empty (blank) SMS to 1005. Each SMS costs 0.02 AZN": 5.00 - 0.02 = 4.98.
    w, out = run(azercell_engine, world(), Sms(PRE, AT, "1005", ""))
    assert out.charge == azn("0.02") and out.data["roaming"] is False
    assert out.replies[0].text == "Tariff plan: Prepaid. Roaming: off."
    # the balance changed by an SMS: the automatic update follows (seed 002)
    assert out.replies[1] == Reply("sms", "Your balance is 4.98 AZN.", PRE)
    assert w.subscriber(PRE).balance == azn("4.98")


# -- postpaid ----------------------------------------------------------------------------------

def test_call_650(azercell_engine):
    _, out = run(azercell_engine, world(), CallNumber(POST, AT, "650"))
    assert out.ok and out.charge == azn("0") and out.replies[0].channel == "voice"
    # nothing used yet this cycle; the last bill left 12.50 AZN unpaid
    assert out.data["current"] == "0" and out.data["billed"] == "12.50"


def test_blank_sms_650_costs_0_0236_rounded_to_0_02(azercell_engine):
    # "Each SMS to 650 costs 0.0236 AZN", rounded half-up per event: 2.36 qəpik -> 0.02 AZN.
    w, out = run(azercell_engine, world(), Sms(POST, AT, "650", ""))
    assert out.charge == azn("0.02")
    assert out.arithmetic == ("0.0236 AZN per SMS to 650 (specs/azercell/balance.tariff:13), "
                              "rounded half-up to 0.01 = 0.02 AZN")
    assert w.subscriber(POST).ledger[-1].amount == azn("0.02")
    assert out.replies[0].text.startswith("Current amount: 0.02 AZN.")


def test_ussd_650_yes(azercell_engine):
    # "*650#YES": not priced by the seed.
    _, out = run(azercell_engine, world(), Dial(POST, AT, "*650#YES"))
    assert out.ok and out.charge == azn("0") and out.replies[0].channel == "ussd"


def test_web_online_services(azercell_engine):
    _, out = run(azercell_engine, world(), Web(POST, AT, "online services"))
    assert out.ok and out.replies[0].channel == "web" and out.data["billed"] == "12.50"


def test_plus_to_650_grants_and_minus_revokes(azercell_engine):
    w, plus = run(azercell_engine, world(), Sms(POST, AT, "650", "+"))
    assert plus.ok and w.subscriber(POST).grants == ("*",) and plus.charge == azn("0.02")
    w, minus = run(azercell_engine, w, Sms(POST, AT, "650", " - "))
    assert minus.ok and w.subscriber(POST).grants == ()


@pytest.mark.parametrize("state, card", [("used", "used"), ("unused", "unused"),
                                         (None, "not found")])
def test_card_check_1003(azercell_engine, state, card):
    # "SMS its 10-digit serial number to 1003. Each SMS costs 0.02 AZN."
    cards = {} if state is None else {"1234567890": state}
    _, out = run(azercell_engine, world(cards=cards), Sms(PRE, AT, "1003", "1234567890"))
    assert out.ok and out.data["card"] == card and out.charge == azn("0.02")


def test_card_check_needs_10_digits(azercell_engine):
    # A 9-digit serial is no command of 1003; the SMS was sent, so it still costs 0.02.
    w, out = run(azercell_engine, world(), Sms(POST, AT, "1003", "123456789"))
    assert not out.ok and out.charge == azn("0.02")
    assert out.replies[0].text == "Unknown command. Send one of: <serial:digits 10>."


def test_postpaid_sms_from_prepaid_refused_but_charged(azercell_engine):
    w, out = run(azercell_engine, world(), Sms(PRE, AT, "650", ""))
    assert not out.ok and "Postpaid" in out.reason
    assert w.subscriber(PRE).balance == azn("4.98")  # 5.00 - 0.02 (0.0236 rounded)


# -- the billing window ------------------------------------------------------------------------

@pytest.mark.parametrize("day, hour, minute, deferred", [
    (4, 22, 59, False), (4, 23, 0, True),      # opens on the 4th at 23:00 (Baku time)
    (24, 22, 59, True), (24, 23, 0, False),    # closes on the 24th at 23:00
    (10, 12, 0, True), (3, 23, 30, False), (25, 0, 0, False),
])
def test_billing_window_edges(azercell_engine, day, hour, minute, deferred):
    at = datetime(2024, 7, day, hour, minute, tzinfo=BAKU)
    w, out = run(azercell_engine, world(), Sms(POST, at, "650", ""))
    assert out.ok and out.charge == azn("0.02")  # the SMS is charged either way
    assert (out.data.get("deferred_to") == "next bill cycle") is deferred
    assert ("next bill cycle" in out.replies[0].text) is deferred
    log = (w.get("balance") or {}).get("deferred", ())
    assert len(log) == (1 if deferred else 0)


def test_billing_window_reads_local_time(azercell_engine):
    # 19:00 UTC on the 4th is 23:00 in Baku (UTC+4): inside.
    from datetime import timezone
    at = datetime(2024, 7, 4, 19, 0, tzinfo=timezone.utc)
    _, out = run(azercell_engine, world(), CallNumber(POST, at, "650"))
    assert out.data["deferred_to"] == "next bill cycle" and out.replies[0].channel == "voice"


@pytest.mark.parametrize("event", [
    Dial(POST, datetime(2024, 7, 10, tzinfo=BAKU), "*650#YES"),
    Web(POST, datetime(2024, 7, 10, tzinfo=BAKU), "online services"),
])
def test_billing_window_defers_every_listed_channel(azercell_engine, event):
    _, out = run(azercell_engine, world(), event)
    assert out.data["deferred_to"] == "next bill cycle"


def test_billing_window_does_not_defer_prepaid_2112(azercell_engine):
    _, out = run(azercell_engine, world(), Sms(PRE, datetime(2024, 7, 10, tzinfo=BAKU), "2112", ""))
    assert "deferred_to" not in out.data and out.data["balance"] == "4.90"


# -- languages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text", [("az", "Balansınız: 5.00 AZN."),
                                        ("en", "Your balance is 5.00 AZN."),
                                        ("ru", "Ваш баланс: 5.00 AZN."),
                                        (None, "Balansınız: 5.00 AZN."),   # default: az
                                        ("de", "Balansınız: 5.00 AZN.")])
def test_reply_languages(azercell_engine, lang, text):
    _, out = run(azercell_engine, world(lang), CallNumber(PRE, AT, "2112"))
    assert out.replies[0].text == text


def test_deferral_in_russian(azercell_engine):
    _, out = run(azercell_engine, world("ru"), Sms(POST, datetime(2024, 7, 10, tzinfo=BAKU),
                                                   "650", ""))
    assert "следующем расчётном цикле" in out.replies[0].text


# -- notifications -----------------------------------------------------------------------------

def charged(amount: str) -> Outcome:
    return Outcome(PRE, charge=azn(amount))


@pytest.mark.parametrize("trigger", [None, "call", "sms", "data pack"])
def test_notify_prepaid_on_a_charge(azercell_engine, trigger):
    note = azercell_engine.balance.notify(world("ru"), PRE, charged("0.40"), trigger)
    assert note == Reply("sms", "Ваш баланс: 5.00 AZN.", PRE)


def test_no_notification_without_a_charge_or_for_postpaid(azercell_engine):
    b = azercell_engine.balance
    assert b.notify(world(), PRE, charged("0"), "call") is None
    assert b.notify(world(), POST, Outcome(POST, charge=azn("1")), "call") is None
    assert b.notify(world(), PRE, charged("1"), "roaming") is None


def test_telenor_has_no_notifications(telenor_engine):
    w = world_of(Subscriber("381631234567", "prepaid", balance=Money("10", "RSD")))
    out = Outcome("381631234567", charge=Money("1", "RSD"))
    assert telenor_engine.balance.notify(w, "381631234567", out, "call") is None


# -- bad input ---------------------------------------------------------------------------------

def test_unknown_call_number(azercell_engine):
    with pytest.raises(UnknownCommand, match="9999"):
        run(azercell_engine, world(), CallNumber(PRE, AT, "9999"))


def test_unknown_web_channel(azercell_engine):
    with pytest.raises(UnknownCommand, match="shop"):
        run(azercell_engine, world(), Web(PRE, AT, "shop"))


def test_generated_module(azercell_engine):
    import generated.azercell as tariff

    _, out = tariff.apply(world(), Sms(POST, AT, "650", ""))
    assert out.charge == azn("0.02")
