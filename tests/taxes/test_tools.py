"""The VAT line in the checker's messages, `tariffc diff`, `tariffc fmt` and the docs pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compiler.check import check_paths, check_text
from compiler.diff import diff_tariffs
from compiler.fmt import format_text
from tests.taxes.conftest import TAXED

BAD = Path(__file__).parents[1] / "check" / "bad"
SPEC = (TAXED / "operator.tariff").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, code, at, message", [
    ("vat_rate_range", "T0921", (10, 7), "VAT rate 120 % is out of range"),
    ("vat_rate_not_percent", "T0921", (10, 7), "`20 GBP` is not a VAT rate"),
    ("vat_rate_alone", "T0922", (10, 3), "a VAT rate without `included` or `excluded`"),
    ("vat_excluded_no_rate", "T0923", (10, 3), "`vat excluded` without a rate"),
    ("vat_not_added", "T0924", (13, 1), "the bill `Monthly bill` never adds the VAT"),
    ("vat_formula_no_rate", "T0925", (16, 39),
     "the formula of `amount` uses `vat`, but the operator states no VAT rate"),
])
def test_bad_vat_messages(name, code, at, message):
    result = check_paths([str(BAD / f"{name}.tariff")])
    [d] = result.diagnostics
    assert (d.code, (d.span.line, d.span.col), d.message) == (code, at, message)


def test_rates_at_the_edges():
    def rate_of(line):
        tariff, diags = check_text(SPEC.replace("vat 20 % excluded", line), "t.tariff")
        return [d.code for d in diags if d.is_error], tariff and tariff.operator.vat_rate
    assert rate_of("vat 0.01 % excluded") == ([], Decimal("0.01"))
    assert rate_of("vat 99.99 % excluded")[0] == []
    assert rate_of("vat 0 % excluded")[0] == ["T0921"]
    assert rate_of("vat 100 % excluded")[0] == ["T0921"]
    assert rate_of("vat 20.125 % excluded")[0] == ["T0921"]  # three decimals


def _tariff(text, tmp_path, name):
    d = tmp_path / name
    d.mkdir()
    (d / "operator.tariff").write_text(text, encoding="utf-8")
    result = check_paths([str(d)])
    assert not result.errors, [str(x) for x in result.errors]
    return result.tariffs


def test_diff_shows_the_rate_and_the_flag(tmp_path):
    old = _tariff(SPEC, tmp_path, "a")
    # a comment line above the header moves every span: only the rate is a change
    new = _tariff("// moved\n" + SPEC.replace("vat 20 % excluded", "vat 21 % excluded"), tmp_path, "b")
    assert [c.text for c in diff_tariffs(old, new)] == ["VAT 20 % -> 21 %"]
    flag = _tariff(SPEC.replace("vat 20 % excluded", "vat 20 % included").replace(
        "usage + one_time + vat", "usage + one_time"), tmp_path, "c")
    texts = [c.text for c in diff_tariffs(old, flag)]
    assert "VAT excluded -> included" in texts


def test_fmt_keeps_the_vat_line():
    assert format_text(SPEC, "t.tariff").text == SPEC  # the test spec is formatted
    messy = SPEC.replace("  vat 20 % excluded", "  vat   20 %   excluded")
    assert "  vat 20 % excluded\n" in format_text(messy, "t.tariff").text


def test_operator_page_states_the_vat(tmp_path):
    from compiler.gen_docs import Format
    from compiler.docs_pages import index
    [tariff] = check_paths([str(TAXED)]).tariffs
    facts = dict(index(tariff, Format("en", tariff))["facts"])
    assert facts["VAT"] == "20 %, added to the prices on the bill (a prepaid balance pays each charge with its VAT)"


def test_vectors_pin_the_tax_down(taxed_tariff):
    from compiler import adequacy
    from compiler.vectors import vectors
    from tests.versions.conftest import assert_module_meets_vectors, loaded_vectors
    recorded = vectors(taxed_tariff)
    assert_module_meets_vectors(taxed_tariff, recorded)
    [bill] = [e["expect"]["data"] for v in recorded["taxes"] if v["name"] == "bill tax lines"
              for e in v["events"] if "bill" in e]
    # 7 calls of 2..8 min at 0,25 = 8,75 and 3 SMS at 0,07 = 0,21: net 8,96;
    # VAT 8,96 x 0,2 = 1,792 -> 1,79 (per event: 1,75 + 3 x 0,01 = 1,78); gross 10,75
    assert (bill["amounts"]["net"], bill["amounts"]["vat"], bill["amounts"]["gross"]) == (
        "8.96", "1.79", "10.75")
    taxed = {m.what for m in adequacy.mutants(taxed_tariff) if m.what.startswith("Operator: vat")}
    assert taxed == {"Operator: vat 20 % -> 21 %", "Operator: vat 20 % -> 19 %",
                     "Operator: vat excluded -> included"}
    report = adequacy.run(taxed_tariff, loaded_vectors(recorded))
    assert not [m for m in report.survivors if m.what in taxed], report.text()
