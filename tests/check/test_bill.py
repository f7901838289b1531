"""The `bill` checker on small inline specs."""

from __future__ import annotations

import datetime

from compiler.check import check_text
from compiler.model.bill import billing_period, format_period

HEADER = '''operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
}
'''

BILL = '''
bill "Račun" {
  name en "Bill"
  period calendar month
  first period from activation to end of month
  example activation 17.01.2013 period "17.01.2013. - 31.01.2013."
  formula usage = traffic - discounts
  formula total = usage + one_time
  note en "A reading."

  front {
    | field | key      | sr        | en         |
    | 1     | owner    | "Vlasnik" | "Owner"    |
    | 2     | due_date | "Dospeće" | "Due date" |
  }

  back {
    | field | key       | sr          | en          |
    | 1     | traffic   | "Saobraćaj" | "Traffic"   |
    | 2     | discounts | "Popusti"   | "Discounts" |
  }

  one-time charges {
    category "Penali"
    category "IVR"
  }
}
'''


def check(old: str = "", new: str = ""):
    return check_text(HEADER + BILL.replace(old, new), "t.tariff")


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_bill_model() -> None:
    tariff, diags = check()
    assert not diags, diags
    b, = tariff.bills
    assert (b.name, b.names.get("en"), b.period, b.first_period) == (
        "Račun", "Bill", "calendar month", "activation to month end")
    ex, = b.examples
    assert (ex.activation, ex.before, ex.period) == (datetime.date(2013, 1, 17), False, "17.01.2013. - 31.01.2013.")
    assert [(f.target, f.terms) for f in b.formulas] == [
        ("usage", (("+", "traffic"), ("-", "discounts"))), ("total", (("+", "usage"), ("+", "one_time")))]
    assert [(f.number, f.key) for f in b.front] == [(1, "owner"), (2, "due_date")]
    assert b.field("discounts").texts.get("sr") == "Popusti"
    assert [c.name for c in b.one_time] == ["Penali", "IVR"]
    assert b.notes[0].text == "A reading."


def test_period_rule() -> None:
    jan = datetime.date(2013, 1, 1)
    assert billing_period("activation to month end", datetime.date(2013, 1, 17), jan) == (
        datetime.date(2013, 1, 17), datetime.date(2013, 1, 31))
    assert billing_period("calendar month", datetime.date(2013, 1, 17), jan) == (
        jan, datetime.date(2013, 1, 31))
    # 2012 is a leap year
    assert format_period(*billing_period("activation to month end", datetime.date(2012, 2, 10),
                                         datetime.date(2012, 2, 1))) == "10.02.2012. - 29.02.2012."


def test_examples_must_agree_with_the_rule() -> None:
    _, diags = check('period "17.01.2013. - 31.01.2013."', 'period "01.01.2013. - 31.01.2013."')
    assert codes(diags) == ["T0709"] and "17.01.2013. - 31.01.2013." in diags[0].help
    # the same example contradicts a whole-month first period
    _, diags = check("first period from activation to end of month", "first period calendar month")
    assert codes(diags) == ["T0709"]
    _, diags = check('  example activation 17', '  example activation before 01.01.2013 period "01.01.2013. - 31.01.2013."\n  example activation 17')
    assert not diags, diags
    _, diags = check('  example activation 17', '  example activation before 15.01.2013 period "01.01.2013. - 31.01.2013."\n  example activation 17')
    assert codes(diags) == ["T0207"]
    _, diags = check("17.01.2013 period", "32.01.2013 period")
    assert codes(diags) == ["T0217"]


def test_field_numbering() -> None:
    _, diags = check('| 2     | due_date | "Dospeće"', '| 3     | due_date | "Dospeće"')
    assert codes(diags) == ["T0701"] and "field 2 is missing" in diags[0].message
    _, diags = check('| 2     | due_date | "Dospeće"', '| 1     | due_date | "Dospeće"')
    assert codes(diags) == ["T0701"] and "numbered again" in diags[0].message


def test_keys_unique_per_side() -> None:
    _, diags = check('| 2     | due_date |', '| 2     | owner    |')
    assert codes(diags) == ["T0702"]
    # the same key on the other side is fine
    _, diags = check('| 2     | discounts |', '| 2     | owner     |')
    assert not diags, diags


def test_table_shape() -> None:
    _, diags = check('| 1     | owner    | "Vlasnik" | "Owner"    |', '| 1     | owner    | "Vlasnik" |')
    assert codes(diags) == ["T0704"]
    _, diags = check("| field | key      | sr        | en         |", "| no | key | sr | en |")
    assert codes(diags) == ["T0705"]
    _, diags = check("| field | key      | sr        | en         |", "| field | key | sr | de |")
    assert codes(diags) == ["T0116"]


def test_every_language_has_a_column() -> None:
    old = '''    | field | key      | sr        | en         |
    | 1     | owner    | "Vlasnik" | "Owner"    |
    | 2     | due_date | "Dospeće" | "Due date" |'''
    new = '''    | field | key      | sr        |
    | 1     | owner    | "Vlasnik" |
    | 2     | due_date | "Dospeće" |'''
    _, diags = check(old, new)
    assert codes(diags) == ["T0703"] and "`en`" in diags[0].message


def test_formulas() -> None:
    _, diags = check("usage = traffic", "usage = trafic")
    assert codes(diags) == ["T0706"] and "`traffic`" in diags[0].help
    _, diags = check("formula total = usage + one_time", "formula usage = traffic")
    assert codes(diags) == ["T0707"]
    _, diags = check("formula total = usage + one_time", "formula traffic = usage + one_time")
    assert codes(diags) == ["T0708"]
    _, diags = check("usage = traffic - discounts", "usage = traffic - - discounts")
    assert codes(diags) == ["T0110"]
    # formula targets may be used by other formulas, known amounts need no field
    _, diags = check("formula total = usage + one_time",
                     "formula total = usage + one_time\n  formula due = total + previous_balance")
    assert not diags, diags


def test_categories() -> None:
    _, diags = check('category "IVR"', 'category "Penali"')
    assert codes(diags) == ["T0710"]
    _, diags = check('category "IVR"', 'category "IVR" passes "Roming 5MB"')
    assert codes(diags) == ["T0101"]


def test_required_parts() -> None:
    _, diags = check("  period calendar month\n", "")
    assert codes(diags) == ["T0106"]
    _, diags = check("period calendar month", "period calendar year")
    assert codes(diags) == ["T0112"]
