"""Short codes in traffic classes (`numbers 999, 118`): the checker takes 3 to 6 digits
without `+`; the runtime reads a dialled short code of the operator's country apart from
international numbers that start with the same digits (issue 10, the third operator)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from compiler.check import check_text
from compiler.lower import lower
from runtime.engine import Engine
from runtime.errors import MalformedNumber, NotAvailable
from runtime.events import Usage
from runtime.money import Money
from runtime.numbers import party, prefix_key
from runtime.state import Subscriber, world_of
from tests.services.spec import SPEC as BASE

# The operator header and segment of the shared GBP spec (tests/services/spec.py).
HEADER = BASE[:BASE.index("service ")]

SPEC = HEADER + '''
service Landline {
  unit time
  numbers +441
}

service Emergency {
  unit time
  numbers 999, 116
}

home prices "Home" {
  interval Landline 60/60
  | service   | to  | price      |
  |-----------|-----|------------|
  | Landline  | any | 10 p/min   |
  | Emergency | any | 0 p/min    |
}
'''

ME = "447700900001"
AT = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def engine():
    t, diags = check_text(SPEC, "demo.tariff")
    assert not [d for d in diags if d.is_error], diags
    assert {s.name: s.numbers for s in t.services}["Emergency"] == ("999", "116")
    return Engine(lower(t))


def call(engine, number, seconds=61):
    w = world_of(Subscriber(ME, "prepaid", balance=Money("10.00", "GBP")))
    return engine.apply(w, Usage(ME, AT, "outgoing call", seconds, party=number))[1]


@pytest.mark.parametrize("number, service, charge", [
    ("999", "Emergency", "0.00"),
    ("116 123", "Emergency", "0.00"),       # 116123 starts with the short code 116
    ("0116 496 0000", "Landline", "0.20"),  # +44116...: a landline, 2 min x 10p
    ("+44 116 496 0000", "Landline", "0.20"),
])
def test_a_short_code_is_not_a_national_number(engine, number, service, charge) -> None:
    out = call(engine, number)
    assert out.data["service"] == service and out.charge == Money(charge, "GBP")


def test_a_short_code_no_class_names_is_refused(engine) -> None:
    with pytest.raises(NotAvailable):
        call(engine, "60300")


def test_the_spelling_of_a_short_code() -> None:
    assert party("118 118", "44", True) == "44#118118"
    assert prefix_key("118", "44") == "44#118" and prefix_key("+4420", "44") == "4420"
    assert party("02079460000", "44", True) == "442079460000"
    with pytest.raises(MalformedNumber):
        party("12", "44", True)          # 2 digits: no short code
    with pytest.raises(MalformedNumber):
        party("1234567", "44", True)     # 7 digits: neither short nor international
    with pytest.raises(MalformedNumber):
        party("999", "44")               # an operator without short codes: malformed, as before


@pytest.mark.parametrize("prefix, col", [("0800", 11), ("1234567", 11), ("12", 11)])
def test_a_bad_short_code_is_t0409(prefix, col) -> None:
    text = HEADER + f"\nservice Bad {{\n  unit time\n  numbers {prefix}\n}}\n"
    _, diags = check_text(text, "demo.tariff")
    errors = [d for d in diags if d.is_error]
    line = text[:text.index(f"numbers {prefix}")].count("\n") + 1  # the `numbers` line
    assert [(d.code, d.span.line, d.span.col) for d in errors] == [("T0409", line, col)]
    assert f"`{prefix}` is not a number prefix" in errors[0].message


def test_other_operators_still_refuse_short_numbers(telenor_tariff) -> None:
    """Telenor's classes name no short code: a 5-digit party stays malformed."""
    from runtime.events import Where
    eng = Engine(lower(telenor_tariff))
    w = world_of(Subscriber("381631234567", "prepaid", balance=Money("100", "RSD")))
    with pytest.raises(MalformedNumber):
        eng.apply(w, Usage("381631234567", AT, "outgoing call", 60,
                           Where(country="ME", network="297 01"), "12345"))
