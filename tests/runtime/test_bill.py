"""The monthly bill as data (seed 001, "Vaš račun"): the billing period, the sections of the
back of the bill, the formulas of the front, and bad input.

Every expected amount is worked out by hand from the seeds; prices quoted from seed 004
(Zona 1 outgoing call 119,90 RSD/min; Putni paket 1 "Roming 20min+20SMS" 1.524,40 RSD) and
seed 003 (Telenor Porodica fee 150 RSD/month).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from runtime.bill import Bill, BillEngine
from runtime.engine import Engine
from runtime.errors import CurrencyMismatch, InvalidEvent, MalformedNumber, NotAvailable, OutOfOrder
from runtime.events import MonthEnd
from runtime.money import Money
from runtime.state import Charge, Subscriber, world_of

BG = ZoneInfo("Europe/Belgrade")
MSISDN = "381631234567"


def rsd(amount: str) -> Money:
    return Money(amount, "RSD")


def jan(day: int, hour: int = 12) -> datetime:
    return datetime(2013, 1, day, hour, tzinfo=BG)


def subscriber(*ledger: Charge, activated: datetime | None = datetime(2012, 6, 1, tzinfo=BG), **kw) -> Subscriber:
    return Subscriber(MSISDN, "postpaid", plan="Prenesi+ M", activated=activated, ledger=ledger, **kw)


@pytest.fixture(scope="module")
def bills(telenor_tables) -> BillEngine:
    """The bill engine alone (other areas are not needed to cut a bill)."""
    return Engine({"operator": telenor_tables["operator"], "bill": telenor_tables["bill"]}).bill


# Two Zona 1 calls: 61 s at 60/60 -> 2 min x 119,90 = 239,80; 60 s -> 1 min x 119,90 = 119,90.
CALLS = (Charge(jan(3), "traffic", "Odlazni pozivi / Zona 1", rsd("239.80"), 120, "s"),
         Charge(jan(5), "traffic", "Odlazni pozivi / Zona 1", rsd("119.90"), 60, "s"))
DISCOUNT = Charge(jan(6), "discount", "Besplatni minuti", rsd("50.00"))
TRAVEL = Charge(jan(7), "one_time", "Putne pakete", rsd("1524.40"))  # Putni paket 1 (seed 004)
SIM = Charge(jan(8), "one_time", "Zamena SIM kartice", rsd("300.00"))  # amount: an input
FULL = (*CALLS, DISCOUNT, TRAVEL, SIM)


# -- the billing period (front 2) ------------------------------------------------------------

def test_period_is_the_calendar_month_for_a_number_activated_before(bills):
    # seed 001: "Ako je broj aktiviran pre 1. januara pisaće 01.01.2013. - 31.01.2013."
    bill = bills.make(world_of(subscriber(activated=datetime(2012, 12, 3, tzinfo=BG))), MSISDN, 2013, 1)
    assert (bill.start, bill.end) == (date(2013, 1, 1), date(2013, 1, 31))
    assert bill.period == "01.01.2013. - 31.01.2013."


def test_first_period_runs_from_activation_to_month_end(bills):
    # seed 001: activated 17 January 2013 -> "17.01.2013. - 31.01.2013."
    bill = bills.make(world_of(subscriber(activated=datetime(2013, 1, 17, 9, tzinfo=BG))), MSISDN, 2013, 1)
    assert bill.period == "17.01.2013. - 31.01.2013."


def test_the_month_after_activation_is_a_full_month(bills):
    # activated 17.01.2013; February 2013 has 28 days -> 01.02.2013. - 28.02.2013.
    bill = bills.make(world_of(subscriber(activated=jan(17))), MSISDN, 2013, 2)
    assert bill.period == "01.02.2013. - 28.02.2013."


def test_activation_on_the_first_and_unknown_activation_bill_the_whole_month(bills):
    for activated in (datetime(2013, 1, 1, 0, 30, tzinfo=BG), None):
        bill = bills.make(world_of(subscriber(activated=activated)), MSISDN, 2013, 1)
        assert bill.period == "01.01.2013. - 31.01.2013."


def test_spec_examples_print_their_period(bills, telenor_tables):
    # The two `example` lines of bill.tariff, replayed through the runtime.
    examples = telenor_tables["bill"]["examples"]
    assert len(examples) == 2
    for ex in examples:
        day = date.fromisoformat(ex["activation"])
        activated = datetime(day.year, day.month, day.day, tzinfo=BG)
        if ex["before"]:
            activated = datetime(day.year - 1 if day.month == 1 else day.year, day.month - 1 or 12, 15, tzinfo=BG)
        bill = bills.make(world_of(subscriber(activated=activated)), MSISDN, day.year, day.month)
        assert bill.period == ex["period"], ex["source"]


def test_activation_is_read_in_the_operators_timezone(bills):
    # 16.01.2013 23:30 UTC is 17.01.2013 00:30 in Belgrade (UTC+1 in winter).
    activated = datetime(2013, 1, 16, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert bills.make(world_of(subscriber(activated=activated)), MSISDN, 2013, 1).period == "17.01.2013. - 31.01.2013."


def test_a_number_activated_after_the_month_has_no_bill(bills):
    with pytest.raises(OutOfOrder, match="after the billed month"):
        bills.make(world_of(subscriber(activated=datetime(2013, 2, 1, tzinfo=BG))), MSISDN, 2013, 1)


# -- the back: traffic, discounts, one-time charges, fees -----------------------------------

def test_traffic_is_grouped_by_type_and_destination(bills):
    bill = bills.make(world_of(subscriber(*CALLS)), MSISDN, 2013, 1)
    [line] = bill.traffic
    # back 2: 2 calls; back 3: 120 s + 60 s = 180 s = 3 min; back 4: 239,80 + 119,90 = 359,70
    assert (line.category, line.count, line.quantity, line.unit) == ("Odlazni pozivi / Zona 1", 2, 180, "s")
    assert line.amount == rsd("359.70")
    assert bill.amounts["traffic"] == rsd("359.70")


def test_traffic_of_one_category_in_two_units_gives_two_lines(bills):
    # data 2.048 KB for 100,00 and 3 SMS for 29,90 x 3 = 89,70 (seed 004 Zona 1 SMS 29,90)
    bill = bills.make(world_of(subscriber(
        Charge(jan(4), "traffic", "Zona 1", rsd("100.00"), 2048, "KB"),
        Charge(jan(4), "traffic", "Zona 1", rsd("89.70"), 3, "sms"))), MSISDN, 2013, 1)
    assert [(x.unit, x.quantity, x.amount) for x in bill.traffic] == [
        ("KB", 2048, rsd("100.00")), ("sms", 3, rsd("89.70"))]
    assert bill.amounts["traffic"] == rsd("189.70")  # 100,00 + 89,70


def test_service_numbers_and_ussd_count_as_calls_and_other_uses(bills):
    # runtime.commands writes one charge per use: unit "call" (a call to a service number) or
    # "use" (a USSD code); 2 uses x 10,00 = 20,00 and 1 call x 5,00
    bill = bills.make(world_of(subscriber(
        Charge(jan(4), "traffic", "USSD *100#", rsd("10.00"), 1, "use"),
        Charge(jan(5), "traffic", "USSD *100#", rsd("10.00"), 1, "use"),
        Charge(jan(5), "traffic", "call 9000", rsd("5.00"), 1, "call"))), MSISDN, 2013, 1)
    assert [(x.category, x.count, x.amount) for x in bill.traffic] == [
        ("USSD *100#", 2, rsd("20.00")), ("call 9000", 1, rsd("5.00"))]
    text = bills.render(bill, "text", "en")
    assert "   Calls: 1\n   Other: 2\n" in text


def test_usage_is_traffic_minus_discounts(bills):
    # front 5: usage = 359,70 - 50,00 = 309,70
    bill = bills.make(world_of(subscriber(*CALLS, DISCOUNT)), MSISDN, 2013, 1)
    assert [(x.category, x.amount) for x in bill.discounts] == [("Besplatni minuti", rsd("50.00"))]
    assert bill.usage == rsd("309.70")


def test_one_time_charges_by_category_in_the_seeds_order(bills):
    bill = bills.make(world_of(subscriber(SIM, TRAVEL)), MSISDN, 2013, 1)
    # seed 001 lists "Putne pakete" (3rd) before "Zamena SIM kartice" (31st)
    assert [(x.category, x.amount, x.known) for x in bill.one_time] == [
        ("Putne pakete", rsd("1524.40"), True), ("Zamena SIM kartice", rsd("300.00"), True)]
    assert bill.amounts["one_time"] == rsd("1824.40")  # 1.524,40 + 300,00


def test_a_travel_package_by_its_bill_name_goes_under_putne_pakete(bills):
    # seed 001: "Putne pakete ( ... Roming 20min+20SMS, ... Roming 5MB ...)"; seed 004 prices
    bill = bills.make(world_of(subscriber(
        Charge(jan(7), "one_time", "Roming 20min+20SMS", rsd("1524.40")),
        Charge(jan(9), "one_time", "Roming 5MB", rsd("2337.96")))), MSISDN, 2013, 1)
    [line] = bill.one_time
    # 1.524,40 + 2.337,96 = 3.862,36
    assert (line.category, line.items, line.count, line.amount) == (
        "Putne pakete", ("Roming 20min+20SMS", "Roming 5MB"), 2, rsd("3862.36"))


def test_an_unlisted_one_time_category_is_kept_and_flagged(bills):
    bill = bills.make(world_of(subscriber(SIM, Charge(jan(9), "one_time", "Nepoznata usluga", rsd("10.00")))),
                      MSISDN, 2013, 1)
    assert [(x.category, x.known) for x in bill.one_time] == [
        ("Zamena SIM kartice", True), ("Nepoznata usluga", False)]
    assert bill.amounts["one_time"] == rsd("310.00")  # 300,00 + 10,00: still charged


def test_every_one_time_category_of_seed_001_is_known(bills):
    # Copied from seed 001, "kategorija Jednokratnih zaduženja takođe može da sadrži i sledeće stavke".
    seed = ["Aktivacija kartice", "Content Parking", "Putne pakete", "Dnevni klik", "Dogovorena potrošnja",
            "IVR", "Klik dodatak", "Kreditiranje prepaid brojeva", "Ostala zaduženja - odobrenja",
            "Otkup ugovorne obaveze", "Penali", "Ponovno uključenje izmiren dug", "Premium servisi",
            "Promeni omiljeni broj", "Rata-tel aparat", "Rata-za računarsku opremu", "Računarska oprema",
            "Računarska oprema na rate", "SMS kroz Outlook", "SMS Reklama", "Specifikacija 9000",
            "Specifikacija na zahtev", "Specijalan broj", "Surfuj brže", "Tarifni dodatak IP",
            "Telefonski aparat", "Telefonski aparat bez poreza", "Telefonski aparat na rate",
            "Usluge sa portala", "Zamena broja na zahtev", "Zamena SIM kartice"]
    assert list(bills.categories) == seed
    ledger = [Charge(jan(10), "one_time", name, rsd("1.00")) for name in reversed(seed)]
    bill = bills.make(world_of(subscriber(*ledger)), MSISDN, 2013, 1)
    assert [x.category for x in bill.one_time] == seed and all(x.known for x in bill.one_time)
    assert bill.amounts["one_time"] == rsd("31.00")  # 31 categories x 1,00


def test_seed_travel_package_names_belong_to_putne_pakete(bills):
    # seed 001: "Putne pakete ( Data paket Telenor CG 1GB, Roming 20MB, Roming 20min+20SMS, Roming
    # 50min+50SMS, Roming 50min+50SMS+5MB, Roming 5MB, Roming 80SMS)"
    names = ["Data paket Telenor CG 1GB", "Roming 20MB", "Roming 20min+20SMS", "Roming 50min+50SMS",
             "Roming 50min+50SMS+5MB", "Roming 5MB", "Roming 80SMS"]
    assert {n: bills.pass_category[n] for n in names} == dict.fromkeys(names, "Putne pakete")


def test_a_one_time_credit_may_be_negative(bills):
    # "Ostala zaduženja - odobrenja" (other charges - credits): a credit of 20,00
    bill = bills.make(world_of(subscriber(SIM, Charge(jan(9), "one_time", "Ostala zaduženja - odobrenja",
                                                      rsd("-20.00")))), MSISDN, 2013, 1)
    assert bill.amounts["one_time"] == rsd("280.00")  # 300,00 - 20,00


def test_the_family_fee_is_shown_with_the_one_time_charges(bills):
    # seed 003: Telenor Porodica 150 RSD per month; usage 359,70 - 50,00 = 309,70;
    # one-time 300,00 + fee 150,00 = 450,00; amount 309,70 + 450,00 = 759,70
    bill = bills.make(world_of(subscriber(*CALLS, DISCOUNT, SIM, Charge(jan(2), "fee", "Telenor Porodica",
                                                                        rsd("150")))), MSISDN, 2013, 1)
    assert [(x.category, x.amount) for x in bill.fees] == [("Telenor Porodica", rsd("150"))]
    assert bill.amounts["one_time"] == rsd("450.00")
    assert bill.amount == rsd("759.70")


def test_charges_outside_the_period_are_not_on_the_bill(bills):
    december = Charge(datetime(2012, 12, 31, 23, 59, tzinfo=BG), "traffic", "Zona 1", rsd("119.90"), 60, "s")
    february = Charge(datetime(2013, 2, 1, 0, 0, tzinfo=BG), "traffic", "Zona 1", rsd("119.90"), 60, "s")
    # 31.01.2013 23:30 UTC is 01.02.2013 00:30 in Belgrade: February's bill
    late_utc = Charge(datetime(2013, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC")), "traffic", "Zona 1", rsd("119.90"), 60, "s")
    bill = bills.make(world_of(subscriber(december, *CALLS, february, late_utc)), MSISDN, 2013, 1)
    assert bill.amounts["traffic"] == rsd("359.70")  # only the two January calls


# -- the front: amount, previous balance, total due --------------------------------------------

def test_amount_and_total_due_with_an_unpaid_previous_bill(bills):
    bill = bills.make(world_of(subscriber(*FULL)), MSISDN, 2013, 1, previous_balance=rsd("200.00"))
    # usage 359,70 - 50,00 = 309,70; amount 309,70 + 1.524,40 + 300,00 = 2.134,10
    # total due 2.134,10 + 200,00 (unpaid, "+") = 2.334,10; back 7 total = amount
    assert bill.usage == rsd("309.70")
    assert bill.amount == rsd("2134.10")
    assert bill.previous_balance == rsd("200.00")
    assert bill.total_due == rsd("2334.10")
    assert bill.amounts["total"] == rsd("2134.10")


def test_total_due_with_an_overpaid_previous_bill(bills):
    # 2.134,10 - 100,00 (overpaid, "-") = 2.034,10
    bill = bills.make(world_of(subscriber(*FULL)), MSISDN, 2013, 1, previous_balance=Decimal("-100.00"))
    assert bill.total_due == rsd("2034.10")


def test_previous_balance_from_the_subscriber_unless_given(bills):
    world = world_of(subscriber(*FULL, previous_balance=rsd("200.00")))
    assert bills.make(world, MSISDN, 2013, 1).total_due == rsd("2334.10")  # 2.134,10 + 200,00
    assert bills.make(world, MSISDN, 2013, 1, previous_balance="0").total_due == rsd("2134.10")


def test_no_previous_balance_is_zero(bills):
    bill = bills.make(world_of(subscriber(*FULL)), MSISDN, 2013, 1)
    assert bill.previous_balance == rsd("0") and bill.total_due == bill.amount


def test_formulas_come_from_the_table(telenor_tables):
    # Reordered formulas and a different `total_due`: the engine follows the table, not a fixed rule.
    table = dict(telenor_tables["bill"])
    f = {x["target"]: x for x in table["formulas"]}
    table["formulas"] = (dict(f["total_due"], terms=(("+", "usage"), ("+", "previous_balance"))),
                         f["usage"], f["amount"])
    engine = BillEngine({"operator": telenor_tables["operator"], "bill": table})
    bill = engine.make(world_of(subscriber(*FULL)), MSISDN, 2013, 1, previous_balance=rsd("200"))
    assert bill.total_due == rsd("509.70")  # usage 309,70 + 200,00
    assert [t for t, _, _ in bill.formulas] == ["usage", "total_due", "amount"]
    assert "total" not in bill.amounts
    with pytest.raises(NotAvailable, match="no amount `total`"):
        bill.amount_of("total")


def test_a_formula_the_bill_cannot_compute_is_reported(telenor_tables):
    table = dict(telenor_tables["bill"], formulas=(
        {"target": "usage", "terms": (("+", "traffic"), ("-", "rebates")), "source": "x.tariff:1"},))
    engine = BillEngine({"operator": telenor_tables["operator"], "bill": table})
    with pytest.raises(NotAvailable, match="rebates") as e:
        engine.make(world_of(subscriber()), MSISDN, 2013, 1)
    assert e.value.source == "x.tariff:1"


def test_arithmetic_shows_each_formula(bills):
    bill = bills.make(world_of(subscriber(*CALLS, DISCOUNT)), MSISDN, 2013, 1)
    assert bill.arithmetic().startswith("usage = traffic 359.70 - discounts 50.00 = 309.70 RSD; ")


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.sampled_from(("traffic", "discount", "one_time", "fee")),
                          st.sampled_from(("Zona 1", "Zona 2", "Penali", "Putne pakete", "Roming 5MB")),
                          money), max_size=12), money)
def test_lines_sum_exactly_to_the_totals(bills, charges, previous):
    ledger = [Charge(jan(1 + i % 28), kind, cat, rsd(str(a))) for i, (kind, cat, a) in enumerate(charges)]
    bill = bills.make(world_of(subscriber(*ledger)), MSISDN, 2013, 1, previous_balance=previous)
    total = lambda kinds: sum((a for k, _, a in charges if k in kinds), Decimal(0))  # noqa: E731
    assert sum((x.amount.amount for x in bill.traffic), Decimal(0)) == bill.amounts["traffic"].amount == total({"traffic"})
    assert sum((x.amount.amount for x in bill.discounts), Decimal(0)) == bill.amounts["discounts"].amount
    assert sum((x.amount.amount for x in bill.one_time + bill.fees), Decimal(0)) == bill.amounts["one_time"].amount
    assert bill.total_due.amount == total({"traffic", "one_time", "fee"}) - total({"discount"}) + previous


# -- the number, month end, data ------------------------------------------------------------

@pytest.mark.parametrize("number", ["+381631234567", "00381631234567", "063 123 4567", "063/123-4567"])
def test_any_written_form_of_the_number(bills, number):
    assert bills.make(world_of(subscriber()), number, 2013, 1).msisdn == MSISDN


def test_month_end_cuts_the_bills_of_every_subscriber(telenor_tables):
    later = Subscriber("381641111111", "prepaid", activated=datetime(2013, 3, 1, tzinfo=BG))
    world = world_of(subscriber(*FULL), later)
    engine = Engine({"operator": telenor_tables["operator"], "bill": telenor_tables["bill"]})
    assert engine.handlers[MonthEnd]  # no other area here: the bill handles month end
    world2, out = engine.apply(world, MonthEnd(jan(31, 23)))
    assert world2 is world and out.ok
    [bill] = out.data["bills"]
    assert bill["msisdn"] == MSISDN and bill["amounts"]["amount"] == "2134.10"  # see above
    assert out.data["skipped"][0]["msisdn"] == "381641111111"
    assert out.arithmetic == ""  # explanations only when asked
    _, explained = engine.apply(world, MonthEnd(jan(31, 23)), explain=True)
    assert "usage = traffic 359.70 - discounts 50.00 = 309.70 RSD" in explained.arithmetic
    json.dumps(dict(out.data))


def test_on_month_end_for_one_number(bills):
    world = world_of(subscriber(*FULL), Subscriber("381641111111", "prepaid"))
    _, out = bills.on_month_end(world, jan(31), "063 123 4567")
    assert out.msisdn == MSISDN and [b["msisdn"] for b in out.data["bills"]] == [MSISDN]
    later = world_of(subscriber(activated=datetime(2013, 3, 1, tzinfo=BG)))
    with pytest.raises(OutOfOrder):
        bills.on_month_end(later, jan(31), MSISDN)


def test_bill_to_dict_is_json(bills):
    bill = bills.make(world_of(subscriber(*FULL)), MSISDN, 2013, 1, due_date=date(2013, 2, 20))
    d = json.loads(json.dumps(bill.to_dict()))
    assert d["period"] == "01.01.2013. - 31.01.2013." and d["due_date"] == "2013-02-20"
    assert d["amounts"]["usage"] == "309.70" and d["one_time"][0]["category"] == "Putne pakete"
    assert isinstance(bill, Bill)


def test_the_full_engine_has_a_bill(telenor_engine):
    assert isinstance(telenor_engine.bill, BillEngine)


# -- bad input ----------------------------------------------------------------------------------

def test_unknown_subscriber(bills):
    with pytest.raises(InvalidEvent, match="no subscriber"):
        bills.make(world_of(subscriber()), "381699999999", 2013, 1)


def test_malformed_number(bills):
    with pytest.raises(MalformedNumber):
        bills.make(world_of(subscriber()), "063-ABC", 2013, 1)


@pytest.mark.parametrize("year, month", [(2013, 0), (2013, 13), ("2013", 1)])
def test_no_such_month(bills, year, month):
    with pytest.raises(InvalidEvent, match="no such month"):
        bills.make(world_of(subscriber()), MSISDN, year, month)


@pytest.mark.parametrize("charge, message", [
    (Charge(jan(3), "refund", "Zona 1", rsd("1")), "unknown kind"),
    (Charge(jan(3), "traffic", "Zona 1", rsd("-119.90"), 60, "s"), "negative"),
    (Charge(jan(3), "discount", "Popust", rsd("-50")), "negative"),
    (Charge(jan(3), "traffic", "Zona 1", rsd("119.90"), -60, "s"), "negative"),
    (Charge(jan(3), "traffic", "Zona 1", "119.90", 60, "s"), "not Money"),
    (Charge(datetime(2013, 1, 3), "traffic", "Zona 1", rsd("1"), 60, "s"), "timezone-aware"),
])
def test_bad_ledger_charges(bills, charge, message):
    with pytest.raises(InvalidEvent, match=message):
        bills.make(world_of(subscriber(charge)), MSISDN, 2013, 1)


def test_a_charge_before_activation_is_out_of_order(bills):
    with pytest.raises(OutOfOrder, match="before the number's activation"):
        bills.make(world_of(subscriber(CALLS[0], activated=jan(17))), MSISDN, 2013, 1)
    # the same day, one hour before activation (jan(17) is 12:00)
    early = Charge(datetime(2013, 1, 17, 11, tzinfo=BG), "traffic", "Zona 1", rsd("119.90"), 60, "s")
    with pytest.raises(OutOfOrder):
        bills.make(world_of(subscriber(early, activated=jan(17))), MSISDN, 2013, 1)


@pytest.mark.parametrize("value", [0.5, "abc", object()])
def test_bad_previous_balance(bills, value):
    with pytest.raises(InvalidEvent):
        bills.make(world_of(subscriber()), MSISDN, 2013, 1, previous_balance=value)


def test_amounts_in_another_currency(bills):
    with pytest.raises(CurrencyMismatch, match="in EUR, the bill in RSD"):
        bills.make(world_of(subscriber(Charge(jan(3), "traffic", "Zona 1", Money("1", "EUR"), 60, "s"))),
                   MSISDN, 2013, 1)
    with pytest.raises(CurrencyMismatch):
        bills.make(world_of(subscriber()), MSISDN, 2013, 1, previous_balance=Money("1", "EUR"))


def test_due_date_before_the_end_of_the_period(bills):
    with pytest.raises(InvalidEvent, match="before the end of the billing period"):
        bills.make(world_of(subscriber()), MSISDN, 2013, 1, due_date=date(2013, 1, 30))
    with pytest.raises(InvalidEvent, match="must be a date"):
        bills.make(world_of(subscriber()), MSISDN, 2013, 1, due_date="2013-02-20")
