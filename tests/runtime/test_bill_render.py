"""The monthly bill rendered as text, Markdown and HTML (seed 001): every legend field of the
front and the back in each language, money written the operator's way, and no markup
injected by a spec or subscriber text.
"""

from __future__ import annotations

import html
import sys
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from runtime.bill import format_money, format_number
from runtime.engine import Engine
from runtime.errors import InvalidEvent, NotAvailable
from runtime.money import Money
from runtime.state import Charge, Subscriber, world_of

BG = ZoneInfo("Europe/Belgrade")
MSISDN = "381631234567"


def rsd(amount: str) -> Money:
    return Money(amount, "RSD")


def jan(day: int) -> datetime:
    return datetime(2013, 1, day, 12, tzinfo=BG)


@pytest.fixture(scope="module")
def bills(telenor_tables):
    return Engine({"operator": telenor_tables["operator"], "bill": telenor_tables["bill"]}).bill


def make(bills, *ledger, **kw):
    sub = Subscriber(MSISDN, "postpaid", plan="Prenesi+ M", activated=datetime(2012, 6, 1, tzinfo=BG), ledger=ledger)
    return bills.make(world_of(sub), MSISDN, 2013, 1, **kw)


LEDGER = (Charge(jan(3), "traffic", "Odlazni pozivi / Zona 1", rsd("239.80"), 120, "s"),
          Charge(jan(5), "traffic", "Odlazni pozivi / Zona 1", rsd("119.90"), 60, "s"),
          Charge(jan(6), "discount", "Besplatni minuti", rsd("50.00")),
          Charge(jan(7), "one_time", "Roming 20min+20SMS", rsd("1524.40")),
          Charge(jan(8), "one_time", "Zamena SIM kartice", rsd("300.00")))


# -- the legend of every field ------------------------------------------------------------------

# Hand-copied from seed 001 (Serbian) and from bill.tariff's English column.
SEED_LEGEND_SR = [
    "Opšti podaci o vlasniku broja i adresi za dostavu računa",
    "Datum dospeća je datum do kojeg je potrebno platiti račun.",
    "Opšti podaci o kompaniji Telenor d.o.o.",
    "Uplatnica kojom plaćate račun u pošti ili banci",
    "Tarifni paket pretplatnika.",
    "Broj poziva, poslatih poruka ili količina prenetih podataka.",
    "Ukupna minutaža.",
    "Ukupan ostvaren saobraćaj prikazan po tipu saobraćaja i destinacijama.",
    "Celokupno zaduženje za obračunski period.",
]
LEGEND_EN = ["General data on the owner of the number and the address for delivery of the bill",
             "Total minutes.", "The whole charge for the billing period."]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("lang", ["sr", "en"])
def test_every_legend_field_of_both_sides_is_rendered(bills, telenor_tables, fmt, lang):
    out = bills.render(make(bills, *LEDGER), fmt, lang)
    table = telenor_tables["bill"]
    assert len(table["front"]) == 7 and len(table["back"]) == 7  # seed 001: two legends of 7
    escape = html.escape if fmt == "html" else str  # the legends hold no Markdown specials
    for field in table["front"] + table["back"]:
        assert escape(field["texts"][lang]) in out, (field["key"], lang)
    for text in SEED_LEGEND_SR if lang == "sr" else LEGEND_EN:
        assert text in out


def test_text_bill_in_serbian(bills):
    out = bills.render(make(bills, *LEDGER, previous_balance=rsd("200")), "text", "sr")
    # front 5: 359,70 - 50,00 = 309,70; front 6: 309,70 + 1.524,40 + 300,00 = 2.134,10,
    # + 200,00 unpaid = 2.334,10 to pay
    for line in ("Prednja strana računa", "Poleđina računa", "01.01.2013. - 31.01.2013.",
                 "Korišćenje: 309,70 RSD", "Iznos mesečnog računa: 2.134,10 RSD",
                 "Prethodni saldo: +200,00 RSD", "Ukupno zaduženje: 2.334,10 RSD",
                 "Iznos za uplatu: 2.334,10 RSD", "Tarifni paket: Prenesi+ M", "Pozivi: 2",
                 "Ukupna minutaža: 3:00 min", "Datum dospeća: nije naveden", "Ukupno: 2.134,10 RSD"):
        assert line in out, line
    assert "Putne pakete (Roming 20min+20SMS)" in out and "1.524,40 RSD" in out


def test_text_bill_in_english(bills):
    out = bills.render(make(bills, *LEDGER, previous_balance=rsd("-100"), due_date=date(2013, 2, 20)), "text", "en")
    # 2.134,10 - 100,00 overpaid = 2.034,10
    for line in ("Usage: 309.70 RSD", "Amount of the monthly bill: 2,134.10 RSD",
                 "Previous balance: -100.00 RSD", "Total due: 2,034.10 RSD", "Due date: 20.02.2013."):
        assert line in out, line


def test_first_bill_prints_the_period_from_activation(bills):
    sub = Subscriber(MSISDN, "postpaid", activated=datetime(2013, 1, 17, tzinfo=BG))
    out = bills.render(bills.make(world_of(sub), MSISDN, 2013, 1), "text", "sr")
    assert "17.01.2013. - 31.01.2013." in out  # seed 001
    assert "Tarifni paket: Postpejd" in out  # no plan: the segment's name


def test_fees_and_unlisted_categories_are_marked(bills):
    bill = make(bills, Charge(jan(2), "fee", "Telenor Porodica", rsd("150")),
                Charge(jan(9), "one_time", "Nepoznata usluga", rsd("10")))
    out = bills.render(bill, "text", "en")
    assert "Telenor Porodica (monthly fee)" in out and "Nepoznata usluga *" in out
    assert "* category not in the list of one-time charges" in out


# -- money ------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, sr, en", [
    ("1524.40", "1.524,40 RSD", "1,524.40 RSD"),
    ("1524.4", "1.524,40 RSD", "1,524.40 RSD"),
    ("-100", "-100,00 RSD", "-100.00 RSD"),
    ("1234567.05", "1.234.567,05 RSD", "1,234,567.05 RSD"),
    ("5.2028", "5,2028 RSD", "5.2028 RSD"),  # never rounded away
    ("0", "0,00 RSD", "0.00 RSD"),
])
def test_money_per_language(amount, sr, en, monkeypatch):
    assert (format_money(rsd(amount), "sr"), format_money(rsd(amount), "en")) == (sr, en)
    monkeypatch.setitem(sys.modules, "babel.numbers", None)  # the formatter without babel
    assert (format_money(rsd(amount), "sr"), format_money(rsd(amount), "en")) == (sr, en)


def test_numbers_never_take_a_float():
    with pytest.raises(TypeError):
        format_number(1524.4, "sr")
    assert format_number(Decimal(2048), "sr", 0) == "2.048"


# -- escaping -----------------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script> | *a* _b_ [c](d) `e`"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def test_html_escapes_every_text(bills):
    sub = Subscriber(MSISDN, "postpaid", plan='<b onclick="x">Plan</b>',
                     activated=datetime(2012, 6, 1, tzinfo=BG),
                     ledger=(Charge(jan(9), "one_time", HOSTILE, rsd("10")),
                             Charge(jan(9), "traffic", "<img src=x>", rsd("1"), 1, "sms")))
    out = bills.render(bills.make(world_of(sub), MSISDN, 2013, 1), "html", "en")
    assert "<script" not in out and "<img" not in out and "<b " not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    parser = Tags()
    parser.feed(out)
    assert parser.tags <= {"article", "h1", "h2", "h3", "section", "span", "p", "b",
                           "table", "thead", "tbody", "tfoot", "tr", "th", "td"}


def test_markdown_escapes_every_special_character(bills):
    bill = make(bills, Charge(jan(9), "one_time", HOSTILE + "\n# heading", rsd("10")))
    out = bills.render(bill, "markdown", "en")
    assert r"\<script\>alert('x')\</script\> \| \*a\* \_b\_ \[c\](d) \`e\`" in out
    assert "\n# heading" not in out  # a line break in a text cannot start a heading


# -- bad input ----------------------------------------------------------------------------------

def test_unknown_format(bills):
    with pytest.raises(InvalidEvent, match="unknown bill format `pdf`"):
        bills.render(make(bills), "pdf", "sr")


def test_unknown_language(bills):
    with pytest.raises(NotAvailable, match="no texts in `de`"):
        bills.render(make(bills), "text", "de")


def test_default_language_is_the_operators_first(bills):
    assert bills.render(make(bills)).startswith("Mesečni račun - Telenor Srbija\n")


def test_generated_module_renders_a_bill():
    from generated import telenor_rs

    bill = telenor_rs.ENGINE.bill.make(world_of(Subscriber(MSISDN, "postpaid")), MSISDN, 2013, 1)
    assert "01.01.2013. - 31.01.2013." in telenor_rs.ENGINE.bill.render(bill, "html", "en")
