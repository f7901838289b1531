"""Page facts of 1pMobile (specs/onepmobile/SOURCE.md, "Tariff and charges") in the model and
in the compiled runtime (generated/onepmobile).

Every expected value below is typed from the page's words, not copied from program output;
the comment or the id above each case quotes the line it comes from. The readings the page
leaves open (per-second charging, each call rounded half-up to a whole penny) are the spec's
notes, and the arithmetic is written next to each case.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal as D

import pytest

from runtime.errors import MalformedNumber, NotAvailable
from runtime.events import Usage
from runtime.money import Money
from runtime.state import Subscriber, world_of

ME = "447700900001"
AT = datetime(2026, 7, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def onep(tariffs):
    return tariffs["onepmobile"]


@pytest.fixture(scope="module")
def engine():
    from generated import onepmobile
    return onepmobile.ENGINE


def test_the_header(onep) -> None:
    op = onep.operator
    # GBP with the page's "p" (1p = 0.01 GBP), the United Kingdom, English only
    assert (op.name, op.country, op.currency, op.timezone, op.languages) == \
        ("1pMobile", "GB", "GBP", "Europe/London", ("en",))
    # the page says nothing about VAT: no VAT flag
    assert op.vat_included is False
    assert any("VAT" in n.text for n in op.notes)


# service -> (prefixes as the page writes them, the price, its per-unit)
PAGE = {
    # "Calls to UK landlines starting 01, 02, 03 1p a minute"
    "UK landline": (("+441", "+442", "+443"), "0.01", "min"),
    # "Calls to UK mobiles 1p a minute" (07)
    "UK mobile": (("+447",), "0.01", "min"),
    # "Numbers starting 070 are charged at the standard UK mobile rate" (1p a minute)
    "Personal numbers and pagers": (("+4470",), "0.01", "min"),
    # "Calls to 150 to get your balance Free"
    "Balance": (("150",), "0", "min"),
    # "Texts to UK mobiles 1p a text"
    "UK mobile text": (("+447",), "0.01", "use"),
    # "0800, 0808, 0500, 116 Free"
    "Freephone": (("+44800", "+44808", "+44500", "116"), "0", "min"),
    # "999, 112, 911 Free Calls to emergency services ... and text (SMS) to emergency services"
    "Emergency": (("999", "112", "911"), "0", "min"),
    "Emergency text": (("999", "112", "911"), "0", "use"),
    # "111, 119 Free Calls to NHS and COVID help lines"
    "NHS and COVID help lines": (("111", "119"), "0", "min"),
    # "101 Free Calls to Police non-emergency"
    "Police non-emergency": (("101",), "0", "min"),
    # "105 Free Calls to power-cut information"
    "Power cut": (("105",), "0", "min"),
    # "084, 087, 09, 118 5p a minute + Service Charge": our Access Charge (5p a minute)
    "Access charge": (("+4484", "+4487", "+449"), "0.05", "min"),
    # "Directory enquiries Providers published cost + 5p a minute" (118)
    "Directory enquiries": (("118",), "0.05", "min"),
    # "Voicemail access and retrieval 1p a minute"
    "Voicemail": ((), "0.01", "min"),
    # "Text to email 30p a message"
    "Text to email": ((), "0.30", "use"),
    # "Mobile internet (dial-up WAP) 15p a minute"
    "WAP": ((), "0.15", "min"),
}


def home_rates(t):
    pl, = [p for p in t.price_lists if p.kind == "home"]
    return pl, {r.service: r for r in pl.rates}


@pytest.mark.parametrize("service", list(PAGE))
def test_every_line_of_the_page(onep, service) -> None:
    prefixes, amount, per = PAGE[service]
    svc = {s.name: s for s in onep.services}[service]
    assert svc.numbers == prefixes and svc.not_numbers == ()
    _, rates = home_rates(onep)
    price = rates[service].price
    assert (price.amount, price.currency, price.per, price.per_amount) == (D(amount), "GBP", per, 1)


def test_data_and_intervals(onep) -> None:
    pl, rates = home_rates(onep)
    # "Picture message 30p a message Picture message (MMS) to mobiles": per message, to +447
    mms, = [r for r in pl.rates if r.service == "mms"]
    assert (mms.price.amount, mms.price.per, mms.destination.names) == (D("0.30"), "mms", ("+447",))
    # "Mobile data 1p a MB"
    data = rates["data"].price
    assert (data.amount, data.per, data.per_amount) == (D("0.01"), "MB", 1)
    # "No minimum call charges. No call setup fees.": read as per second, data per KB
    for service in ("UK landline", "UK mobile", "Access charge", "Voicemail", "WAP"):
        iv = pl.interval(service)
        assert (iv.first, iv.next) == (1, 1), service
    assert (pl.interval("data").first, pl.interval("data").next) == (1, 1)
    assert "connection fee" not in rates  # "No call setup fees"


def world(balance="10.00"):
    return world_of(Subscriber(ME, "standard", balance=Money(balance, "GBP")))


def charge(engine, service, amount, party=None) -> Money:
    _, out = engine.apply(world(), Usage(ME, AT, service, amount, party=party))
    assert out.ok, out
    return out.charge


@pytest.mark.parametrize("party, seconds, pence, cls", [
    ("020 7946 0000", 61, 1, "UK landline"),      # 61 x 1/60 = 1.0167p -> 1p
    ("01632 960000", 90, 2, "UK landline"),       # 90 x 1/60 = 1.5p -> half-up 2p
    ("0300 123 4567", 600, 10, "UK landline"),    # 10 min x 1p
    ("07700 900123", 3600, 60, "UK mobile"),      # 60 min x 1p
    ("07000 123456", 60, 1, "Personal numbers and pagers"),  # 070: the mobile rate, 1p
    ("0800 123 4567", 3600, 0, "Freephone"),
    ("0808 157 0000", 60, 0, "Freephone"),
    ("0500 123456", 60, 0, "Freephone"),
    ("116123", 600, 0, "Freephone"),               # 116: a short code
    ("999", 600, 0, "Emergency"),
    ("112", 600, 0, "Emergency"),
    ("911", 600, 0, "Emergency"),
    ("111", 600, 0, "NHS and COVID help lines"),
    ("119", 600, 0, "NHS and COVID help lines"),
    ("101", 600, 0, "Police non-emergency"),
    ("105", 600, 0, "Power cut"),
    ("150", 60, 0, "Balance"),
    ("0845 464 0000", 60, 5, "Access charge"),     # 1 min x 5p (the Service Charge: not charged)
    ("0870 123 4567", 90, 8, "Access charge"),     # 90 x 5/60 = 7.5p -> half-up 8p
    ("0909 879 0000", 600, 50, "Access charge"),   # 10 min x 5p
    ("118 118", 120, 10, "Directory enquiries"),  # 2 min x 5p (the provider's cost: not charged)
    # national numbers that start with a short code's digits are landlines
    ("0116 496 0000", 60, 1, "UK landline"),      # Leicester, not the free 116
    ("0118 496 0000", 60, 1, "UK landline"),      # Reading, not directory enquiries 118
    ("01505 123456", 60, 1, "UK landline"),       # not the free 150
    ("0111 496 0000", 60, 1, "UK landline"),      # not the free 111
])
def test_calls_by_destination(engine, party, seconds, pence, cls) -> None:
    _, out = engine.apply(world(), Usage(ME, AT, "outgoing call", seconds, party=party))
    assert out.ok and out.charge == Money(D(pence) / 100, "GBP"), out
    assert out.data["service"] == cls


@pytest.mark.parametrize("service, amount, party, pence", [
    ("sms", 1, "07700 900123", 1),      # "Texts to UK mobiles 1p a text"
    ("sms", 5, "+447911123456", 5),     # 5 x 1p
    ("sms", 1, "999", 0),               # text to emergency services: Free
    ("Voicemail", 90, None, 2),         # 90 x 1/60 = 1.5p -> 2p
    ("mms", 250, "07700 900123", 30),   # "30p a message", whatever its size
    ("mms", 300, "+447911123456", 30),  # "max 300KB": still one message
    ("Text to email", 3, None, 90),     # 3 x 30p
    ("data", 1024, None, 1),            # 1 MB x 1p
    ("data", 51200, None, 50),          # 50 MB x 1p
    ("data", 512, None, 1),             # 0.5 MB x 1p = 0.5p -> half-up 1p
    ("WAP", 600, None, 150),            # 10 min x 15p
])
def test_texts_data_and_the_rest(engine, service, amount, party, pence) -> None:
    assert charge(engine, service, amount, party) == Money(D(pence) / 100, "GBP")


@pytest.mark.parametrize("service, amount, party", [
    ("outgoing call", 60, "60300"),          # a mobile short code: "as advised by the provider"
    ("sms", 1, "80111"),                     # premium SMS: "10p to £10 a text"
    ("sms", 1, "020 7946 0000"),             # texts are priced to UK mobiles only
    ("outgoing call", 60, "+33123456789"),   # abroad: not on the stored page
    ("incoming call", 60, "07700 900123"),   # incoming calls: not on the page
    ("mms", 100, "020 7946 0000"),           # MMS "to mobiles" only
])
def test_what_the_page_does_not_price_is_refused(engine, service, amount, party) -> None:
    with pytest.raises(NotAvailable):
        engine.apply(world(), Usage(ME, AT, service, amount, party=party))


@pytest.mark.parametrize("party", ["12", "0", "0800x", "+44"])
def test_malformed_numbers_stay_malformed(engine, party) -> None:
    with pytest.raises(MalformedNumber):
        engine.apply(world(), Usage(ME, AT, "outgoing call", 60, party=party))


def test_the_evaluator_agrees(onep, engine) -> None:
    from compiler.evaluate import Evaluator
    from tests.evaluate import same
    parties = ["020 7946 0000", "07700 900123", "07000 123456", "0800 123 4567", "116123",
               "999", "111", "150", "0845 464 0000", "118118", "0116 496 0000", "60300",
               "+33123456789", None]
    steps = [Usage(ME, AT, s, a, party=p) for s in ("outgoing call", "sms", "Voicemail", "data")
             for p in parties for a in (0, 1, 29, 30, 61, 1024)]
    same(Evaluator(onep), engine, world("5.00"), steps)


def test_the_docs_show_the_short_codes_and_the_readings() -> None:
    """The generated prices page names short codes as such and shows the spec's readings."""
    from pathlib import Path
    page = (Path(__file__).parents[2] / "docs/operators/onepmobile/en/prices.md").read_text(encoding="utf-8")
    assert "At home, for numbers starting with +44800, +44808, +44500; short codes 116" in page
    assert "At home, for the short codes 999, 112, 911" in page
    assert "per-second charging (1/1)" in page and "Service Charge" in page
