"""The unit table (compiler/check/units.py): any ISO 4217 currency, declared money names,
unit words joined by the checker rather than listed in the grammar."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.check import check_paths, check_text
from compiler.check import units
from compiler.lexer import TariffLexer
from dsl.diagnostics import render_all

SPECS = Path(__file__).parents[2] / "specs"


def test_issue_10_telenor_specs_in_gbp_check(tmp_path: Path) -> None:
    """Issue 10: the Telenor specs copied with `RSD` replaced by `GBP` did not check
    (`error[T0204]: '15' has no unit`, `unexpected character '/'` in `GBP/min`)."""
    copy = tmp_path / "telenor_gb"
    shutil.copytree(SPECS / "telenor_rs", copy)
    for f in copy.glob("*.tariff"):
        f.write_text(f.read_text(encoding="utf-8").replace("RSD", "GBP"), encoding="utf-8")
    result = check_paths([str(copy)])
    assert not result.errors, render_all(result.errors, result.sources)
    (tariff,) = result.tariffs
    assert tariff.operator.currency == "GBP"
    # 119,90 RSD/min in the Zona 1 row of roaming.tariff is now 119,90 GBP/min
    zone1 = next(r for pl in tariff.price_lists if pl.kind == "zones" for r in pl.rates
                 if r.zone == "Zona 1" and r.service == "outgoing call")
    assert (zone1.price.amount, zone1.price.currency, zone1.price.per) == (Decimal("119.90"), "GBP", "min")


def _op(currency_line: str, country: str = "GB", tz: str = "Europe/London") -> str:
    return f'''operator demo {{
  name "Demo"
  country {country}
  currency {currency_line}
  timezone "{tz}"
  languages en
  numbers decimal point
  rounding half-up {{step}} per event
}}
'''


@pytest.mark.parametrize("currency_line, step, expected", [
    ("GBP minor p", "1 p", Decimal("0.01")),          # 1 p = 0.01 GBP (ISO 4217: 2 decimals)
    ("EUR minor ct", "5 ct", Decimal("0.05")),        # 5 ct = 5 x 0.01 EUR
    ("RSD local din", "0.01 din", Decimal("0.01")),   # din is RSD itself
    ("AZN minor qəpik", "1 qəpik", Decimal("0.01")),
    ("BHD minor fils", "5 fils", Decimal("0.005")),   # BHD has 3 decimals: 5 x 0.001
    ("JPY", "1 JPY", Decimal("1")),
])
def test_declared_money_names(currency_line: str, step: str, expected: Decimal) -> None:
    tariff, diags = check_text(_op(currency_line).replace("{step}", step))
    assert not [d for d in diags if d.is_error], diags
    assert tariff.operator.rounding.quantum == expected
    assert tariff.operator.currency == currency_line.split()[0]


def test_an_undeclared_money_name_is_not_a_unit() -> None:
    """`din` means RSD only where the operator says so."""
    _, diags = check_text(_op("RSD").replace("{step}", "0.01 din"))
    (d,) = [d for d in diags if d.is_error]
    assert d.code == "T0204" and "currency RSD local din" in d.help


def test_a_price_in_another_iso_currency() -> None:
    _, diags = check_text(_op("GBP").replace("{step}", "0.01 EUR"))
    (d,) = [d for d in diags if d.is_error]
    assert d.code == "T0212" and "GBP" in d.help


def test_per_unit_in_any_currency_and_local_name() -> None:
    text = _op("RSD local din", "RS", "Europe/Belgrade").replace("{step}", "0.01 RSD") + '''
zone "Z" {
  countries AT
}

roaming prices "S" {
  interval data 1+1 kB
  | zone | data    | sms     |
  |------|---------|---------|
  | unit | din/KB  | RSD/sms |
  | Z    | 0.029   | 29.90   |
}
'''
    tariff, diags = check_text(text)
    assert not [d for d in diags if d.is_error], diags
    rates = {r.service: r for r in tariff.price_lists[0].rates}
    assert (rates["data"].price.currency, rates["data"].price.per) == ("RSD", "KB")
    assert (rates["data"].interval.first, rates["data"].interval.next) == (1, 1)


def test_attach_leaves_other_words() -> None:
    from dsl.parser import parse
    f, errs = parse("size 3 to 5 GBP\n")
    assert not errs
    atoms = units.attach(f.items[0].args, units.default_words())
    assert [a.text for a in atoms] == ["3", "to", "5 GBP"]


def test_every_iso_code_is_a_unit_with_its_minor_unit() -> None:
    assert {"RSD", "AZN", "GBP", "EUR", "USD", "JPY", "BHD"} <= units.currencies()
    assert len(units.currencies()) > 150
    assert units.minor_unit("RSD") == Decimal("0.01")


def test_pygments_lexer_uses_the_unit_table() -> None:
    from pygments.token import Keyword
    toks = [(t, v) for t, v in TariffLexer().get_tokens("price 2.50 GBP/min, 100 MB, 15 CHF") if v.strip()]
    assert (Keyword.Type, "GBP/min") in toks and (Keyword.Type, "MB") in toks
    assert (Keyword.Type, "CHF") in toks


def test_a_minor_name_in_a_zone_table_unit_row() -> None:
    """`p/min` in the unit row: the cells are in pence (12 -> 0.12 GBP)."""
    text = _op("GBP minor p").replace("{step}", "1 p") + '''
zone "EU" {
  countries FR
}

roaming prices "Roaming" {
  interval outgoing call 60/60
  | zone | outgoing call | sms   |
  |------|---------------|-------|
  | unit | p/min         | GBP/sms |
  | EU   | 12            | 0.08  |
}
'''
    tariff, diags = check_text(text)
    assert not [d for d in diags if d.is_error], diags
    rates = {r.service: r.price for r in tariff.price_lists[0].rates}
    assert rates["outgoing call"].amount == Decimal("0.12") and rates["sms"].amount == Decimal("0.08")
